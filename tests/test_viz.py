"""wf.viz.trace: Griewank-Walther numbering, the three tables checked against closed forms
and the reverse-mode engine, and the pictures."""
import math
import xml.etree.ElementTree as ET

import numpy as np
import pytest

import weifen as wf


def f_seed(x1, x2):
    return wf.log(x1) + x1 * x2 - wf.sin(x2)


def test_forward_table_numbering_and_values():
    t = wf.viz.trace(f_seed, 2.0, 5.0)
    tab = t.forward_table()
    names = [r[0] for r in tab.rows]
    assert names == ["v_{-1}", "v_0", "v_1", "v_2", "v_3", "v_4", "v_5", "y"]
    assert [r[1] for r in tab.rows][:2] == ["x1", "x2"]
    assert "ln(v_{-1})" in str(tab) and "v_{-1} * v_0" in str(tab)
    assert tab.values["y"] == pytest.approx(math.log(2) + 10 - math.sin(5), abs=1e-15)
    assert str(tab).splitlines()[0].startswith("v_{-1} = x1")


def test_tangent_table_is_each_partial_derivative():
    t = wf.viz.trace(f_seed, 2.0, 5.0)
    assert t.tangent_table(wrt="x1").values["dy"] == pytest.approx(5.5, abs=1e-15)
    assert t.tangent_table(wrt="x2").values["dy"] == pytest.approx(2 - math.cos(5), abs=1e-15)
    assert t.tangent_table(1).values["dy"] == t.tangent_table("x2").values["dy"]
    rows = {r[0]: r for r in t.tangent_table("x1").rows}
    assert rows["dot v_1"][1] == "0.5 * dot v_{-1}" and rows["dot v_1"][2] == "0.5"
    with pytest.raises(ValueError, match="no input named 'z'"):
        t.tangent_table("z")


def test_adjoint_table_gives_the_gradient():
    t = wf.viz.trace(f_seed, 2.0, 5.0)
    tab = t.adjoint_table()
    assert tab.values["x1"] == pytest.approx(5.5, abs=1e-15)
    assert tab.values["x2"] == pytest.approx(2 - math.cos(5), abs=1e-15)
    assert tab.rows[0][:2] == ("bar v_5", "bar y")
    updates = [r for r in tab.rows if len(r) > 3 and r[3] == "+="]
    assert len(updates) == 8  # one per (op, traced argument) edge
    assert "+= 5 * bar v_2" in str(tab)


def test_names_constants_and_unary_minus():
    t = wf.viz.trace(lambda a, b: -(a * 2.0) / b + wf.exp(a) ** 2, 0.5, 4.0, names=["a", "b"])
    s = str(t.forward_table())
    assert "v_{-1} * 2" in s and "-v_1" in s and "exp(v_{-1})" in s
    g = wf.grad(lambda a, b: -(a * 2.0) / b + wf.exp(a) ** 2, argnums=(0, 1))(0.5, 4.0)
    vals = t.adjoint_table().values
    assert vals["a"] == pytest.approx(float(g[0]), rel=1e-14)
    assert vals["b"] == pytest.approx(float(g[1]), rel=1e-14)


def test_array_inputs_match_reverse_and_forward_mode():
    rng = np.random.default_rng(0)
    x, w = rng.standard_normal((4, 3)), rng.standard_normal(3)
    f = lambda x, w: (wf.tanh(x @ w) * x.sum(axis=1)).sum()  # noqa: E731
    t = wf.viz.trace(f, x, w)
    gx, gw = wf.grad(f, argnums=(0, 1))(x, w)
    vals = t.adjoint_table().values
    np.testing.assert_allclose(vals["x1"], np.asarray(gx), rtol=1e-12)
    np.testing.assert_allclose(vals["x2"], np.asarray(gw), rtol=1e-12)
    _, dw = wf.jvp(lambda w: f(x, w), (w,), (np.ones(3),))
    assert t.tangent_table("x2").values["dy"] == pytest.approx(float(dw), rel=1e-12)


def test_renderings():
    t = wf.viz.trace(f_seed, 2.0, 5.0)
    md = t.forward_table().to_markdown()
    assert md.splitlines()[0] == "| variable | operation | value |" and "`ln(v_{-1})`" in md
    h = t.adjoint_table()._repr_html_()
    assert h.startswith("<table>") and "+= 5 * bar v_2" in h
    dot = t.to_dot()
    assert dot.startswith("digraph") and '"v-1" -> "v2"' in dot and '"v5" -> "y"' in dot
    svg = t.to_svg()
    root = ET.fromstring(svg)
    ns = "{http://www.w3.org/2000/svg}"
    assert len(root.findall(f"{ns}rect")) == 7 and len(root.findall(f"{ns}line")) == 8


def test_svg_written_to_a_file(tmp_path):
    path = tmp_path / "graph.svg"
    svg = wf.viz.trace(f_seed, 2.0, 5.0).to_svg(str(path))
    assert path.read_text(encoding="utf-8") == svg


def test_trace_errors():
    with pytest.raises(ValueError, match="does not depend"):
        wf.viz.trace(lambda x: 3.0, 1.0)
    with pytest.raises(ValueError, match="names"):
        wf.viz.trace(f_seed, 1.0, 2.0, names=["a"])
    with pytest.raises(TypeError, match="at least one input"):
        wf.viz.trace(lambda: 1.0)

"""The tour's new sections (issue 15): the three ways side by side, expression swell, a
Jacobian both ways, and logistic regression on a static graph; and the README's wf.sym."""
import importlib.util

import numpy as np
import pytest

import weifen as wf
from weifen import sym
from weifen import tour


def test_three_ways_agree_with_the_exact_derivative():
    rows = {m: (v, err, t) for m, v, err, t in tour.three_ways()}
    assert rows["symbolic (wf.sym)"][0] == 5.5
    assert rows["forward AD (dual numbers)"][0] == 5.5
    assert rows["reverse AD (tape)"][0] == 5.5
    assert 1e-13 < rows["central difference"][1] < 1e-8
    assert rows["Richardson extrapolation"][1] < 1e-11
    assert all(t > 0 for _, _, t in rows.values())


def test_logistic_swell_table_and_the_checked_expansion():
    rows = tour.swell_rows(4)
    x = sym.Symbol("x")
    want = 64 * (1 - 42 * x + 504 * x**2 - 2640 * x**3 + 7040 * x**4 - 9984 * x**5
                 + 7168 * x**6 - 2048 * x**7)
    assert str(rows[3][3]) == str(sym.expand(want))
    assert str(rows[3][3]) == ("-131072*x**7 + 458752*x**6 - 638976*x**5 + 450560*x**4 "
                               "- 168960*x**3 + 32256*x**2 - 2688*x + 64")
    assert [r[2].tree_size() for r in rows] == [1, 9, 42, 132]
    d20 = sym.diff(tour.logistic(20, x), x)
    assert d20.tree_size() == 58_982_400 and d20.dag_size() == 151


def test_static_graph_logistic_regression_learns():
    w, losses, X, y = tour.train_logistic(steps=300)
    assert losses[0] == pytest.approx(np.log(2))
    assert losses[-1] < 0.1 and all(np.diff(losses) <= 1e-12)
    acc = np.mean(((X @ w[:2] + w[2]) > 0) == (y > 0.5))
    assert acc > 0.95


def test_plain_progress_bar(capsys):
    bar = tour._PlainBar(40, "t")
    for _ in range(40):
        bar.set_postfix_str("loss 1")
        bar.update(1)
    bar.close()
    assert "40/40" in capsys.readouterr().out


def test_new_sections_print_and_draw(tmp_path, capsys):
    for title, fn in tour.SECTIONS:
        if title.split(".")[0] in ("10", "11", "12", "13"):
            fn(str(tmp_path))
    out = capsys.readouterr().out
    assert "Richardson" in out and "58,982,400" in out and "[ 3. 16.]" in out
    if importlib.util.find_spec("matplotlib"):
        for name in ("logreg_loss.png", "logreg_boundary.png"):
            assert (tmp_path / name).read_bytes()[:4] == b"\x89PNG"
    else:
        assert "pip install weifen[plot]" in out


def test_readme_sym_example_numbers():
    p, q = sym.symbols("p q")
    e = sym.log(p) + p * q - sym.sin(q)
    assert str(sym.diff(e, p)) == "1/p + q" and str(sym.diff(e, q)) == "p - cos(q)"
    assert sym.diff(e, p).subs({p: 2.0, q: 5.0}) == 5.5
    assert float(wf.grad(lambda a: wf.log(a) + a * 5.0)(2.0)) == 5.5


def test_compiled_section_shows_the_graph_one_trace_and_the_code(tmp_path, capsys):
    (fn,) = [fn for title, fn in tour.SECTIONS if title.startswith("14.")]
    fn(str(tmp_path))
    out = capsys.readouterr().out
    assert "v:f64[16]" in out and "tanh" in out  # the typed graph
    assert "traced 1 time" in out and "def value_and_grad_chain_(x0):" in out

"""Rich displays (issue 15): graph nodes print shared subexpressions once (let style) and
draw as SVG; Tensors and Modules show HTML tables in Jupyter."""
import numpy as np

import weifen as wf
from weifen.graph import Variable, gradients


def test_graph_node_str_names_each_shared_subexpression_once():
    x = Variable("x")
    y = wf.sin(x) * wf.cos(x) + wf.sin(x) * x
    (g,) = gradients(y, [x])
    text = str(g)
    assert text.startswith("let t1 = ")
    assert text.count("Oneslike") == 1  # the seed is named once, not repeated five times
    assert len(text) < 400
    # a tree with no sharing prints as before, and a variable named t1 is not shadowed
    assert str(x * 2 + 1) == "((x*2)+1)"
    t1 = Variable("t1")
    s = wf.exp(t1)
    assert str(s * s).splitlines()[0] == "let t2 = exp(t1)"


def test_let_style_str_is_linear_on_a_deep_shared_graph():
    x = Variable("x")
    y = x
    for _ in range(60):  # 2**60 terms as a tree
        y = y * y
    text = str(y)
    assert len(text.splitlines()) == 60 and len(text) < 5000


def test_graph_node_draws_as_svg_in_jupyter_and_big_graphs_fall_back_to_text():
    x = Variable("x")
    svg = (wf.sin(x) * x)._repr_svg_()
    assert svg.startswith("<svg") and "sin" in svg
    y = x
    for _ in range(500):
        y = y + 1.0
    assert y._repr_svg_() is None


def test_tensor_and_module_html():
    t = wf.tensor([[1.0, 2.5], [3.0, 4.0]], requires_grad=True)
    h = t._repr_html_()
    assert "shape (2, 2)" in h and "requires_grad" in h and "<td>2.5</td>" in h
    assert "grad_fn=MulBackward" in (t * 2)._repr_html_()
    assert "<pre>" in wf.tensor(np.zeros((30, 30)))._repr_html_()
    net = wf.nn.Sequential(wf.nn.Linear(2, 3), wf.nn.ReLU(), wf.nn.Linear(3, 1))
    m = net._repr_html_()
    assert "weight (3, 2), bias (3,)" in m and "<b>13</b>" in m

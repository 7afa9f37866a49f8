"""wf.viz.draw: one drawing function for traces, tapes, static graphs and expressions, and
pictures that stay readable. The SVG is parsed back and its geometry checked: no two boxes
overlap, no edge piece passes through a box, every edge is there (with its direction), for
an 18-step trace and a 200-node random DAG; then it is rendered where cairosvg is installed."""
import io
import math
import random
import re
import sys
import time
import xml.etree.ElementTree as ET
from collections import Counter

import numpy as np
import pytest

import weifen as wf
from weifen import graph as ad
from weifen import sym
from weifen.viz import layout as layout_mod

NS = "{http://www.w3.org/2000/svg}"
f_seed = lambda x1, x2: wf.log(x1) + x1 * x2 - wf.sin(x2)  # noqa: E731


# ---------------------------------------------------------------------------- geometry
def parse_svg(svg):
    """Boxes {id: (x0, y0, x1, y1)} and edges [(src, dst, pieces)] where a piece is
    ("seg", p, q) for a straight piece or ("hull", x0, y0, x1, y1) for a cubic curve's
    control-point bounding box (which contains the curve)."""
    root = ET.fromstring(svg)
    boxes = {}
    for r in root.iter(f"{NS}rect"):
        x, y = float(r.get("x")), float(r.get("y"))
        boxes[r.get("data-node")] = (x, y, x + float(r.get("width")), y + float(r.get("height")))
    edges = {}
    order = []
    for el in root:
        src, dst = el.get("data-src"), el.get("data-dst")
        if src is None:
            continue
        if el.tag == f"{NS}path":
            key = len(order)
            order.append((src, dst))
            edges[key] = _path_pieces(el.get("d"))
        elif el.tag == f"{NS}line":
            key = len(order) - 1  # the arrowed inlet that ends the edge just started
            assert order[key] == (src, dst)
            p = (float(el.get("x1")), float(el.get("y1")))
            q = (float(el.get("x2")), float(el.get("y2")))
            edges[key].append(("seg", p, q))
    return root, boxes, [(s, d, edges[k]) for k, (s, d) in enumerate(order)]


def _path_pieces(d):
    tokens = re.findall(r"[MLC]|-?\d+(?:\.\d+)?", d)
    pieces, cur, k = [], None, 0
    while k < len(tokens):
        cmd = tokens[k]
        if cmd == "M":
            cur = (float(tokens[k + 1]), float(tokens[k + 2]))
            k += 3
        elif cmd == "L":
            nxt = (float(tokens[k + 1]), float(tokens[k + 2]))
            pieces.append(("seg", cur, nxt))
            cur, k = nxt, k + 3
        else:  # C x1 y1 x2 y2 x y
            v = [float(t) for t in tokens[k + 1:k + 7]]
            xs, ys = [cur[0], v[0], v[2], v[4]], [cur[1], v[1], v[3], v[5]]
            pieces.append(("hull", min(xs), min(ys), max(xs), max(ys)))
            cur, k = (v[4], v[5]), k + 7
    return pieces


def _segment_hits(p, q, box, eps=0.5):
    """Does the segment p-q enter the interior of ``box`` (shrunk by eps)? Liang-Barsky."""
    x0, y0, x1, y1 = box[0] + eps, box[1] + eps, box[2] - eps, box[3] - eps
    lo, hi = 0.0, 1.0
    for d, near, far in ((q[0] - p[0], x0 - p[0], x1 - p[0]), (q[1] - p[1], y0 - p[1],
                                                               y1 - p[1])):
        if d == 0:  # parallel to this axis: inside the slab or never
            if near > 0 or far < 0:
                return False
            continue
        t1, t2 = sorted((near / d, far / d))
        lo, hi = max(lo, t1), min(hi, t2)
        if lo > hi:
            return False
    return True


def _rects_overlap(a, b, eps=0.5):
    return a[0] + eps < b[2] and b[0] + eps < a[2] and a[1] + eps < b[3] and b[1] + eps < a[3]


def check_geometry(svg, expected_edges):
    root, boxes, edges = parse_svg(svg)
    ids = sorted(boxes)
    rects = [boxes[i] for i in ids]
    for a in range(len(rects)):
        for b in range(a + 1, len(rects)):
            assert not _rects_overlap(rects[a], rects[b]), f"boxes {ids[a]} and {ids[b]} overlap"
    assert Counter((s, d) for s, d, _ in edges) == Counter(expected_edges)
    W, H = float(root.get("width")), float(root.get("height"))
    for s, d, pieces in edges:
        assert pieces[-1][0] == "seg"  # the arrowed inlet
        end = pieces[-1][2]
        tb = boxes[d]  # it ends on the target's left side, at a height inside the box
        assert end[0] == pytest.approx(tb[0], abs=0.11) and tb[1] <= end[1] <= tb[3]
        start = _path_start(svg, s, d)
        sb = boxes[s]
        assert start[0] == pytest.approx(sb[2], abs=0.11) and sb[1] <= start[1] <= sb[3]
        for piece in pieces:
            for name, box in boxes.items():
                if piece[0] == "seg":
                    hit = _segment_hits(piece[1], piece[2], box)
                else:
                    hit = _rects_overlap(piece[1:], box)
                assert not hit, f"edge {s} -> {d} passes through box {name}: {piece}"
            pts = [piece[1], piece[2]] if piece[0] == "seg" else [piece[1:3], piece[3:5]]
            for x, y in pts:
                assert -0.1 <= x <= W + 0.1 and -0.1 <= y <= H + 0.1
    return root, boxes, edges


def _path_start(svg, s, d):
    m = re.search(rf'<path d="M(-?[\d.]+),(-?[\d.]+)[^"]*"[^>]*data-src="{re.escape(s)}" '
                  rf'data-dst="{re.escape(d)}"', svg)
    return float(m.group(1)), float(m.group(2))


def test_the_geometry_checker_catches_a_straight_edge_through_a_box():
    box = (10.0, 10.0, 50.0, 30.0)
    assert _segment_hits((0.0, 20.0), (60.0, 20.0), box)
    assert _segment_hits((0.0, 0.0), (60.0, 40.0), box)
    assert _segment_hits((60.0, 40.0), (0.0, 0.0), box)
    assert not _segment_hits((0.0, 5.0), (60.0, 5.0), box)
    assert not _segment_hits((0.0, 40.0), (60.0, 35.0), box)
    assert not _segment_hits((50.0, 20.0), (70.0, 20.0), box)  # leaving from its side


# ---------------------------------------------------------------------------- traces
def f18(x1, x2):
    a = wf.sin(x1) * x2
    b = wf.exp(a) + x1
    c = wf.log(b) * a
    d = wf.tanh(c - x2)
    e = d * d + b
    g = wf.sqrt(e) / x1
    h = g * c + wf.cos(x2)
    return h - a * x2 + x1


def _trace_edges(t):
    from weifen.viz.trace import Ref

    return [(f"v{a.index}", f"v{s.index}") for s in t.steps for a in s.args if type(a) is Ref]


def test_an_18_step_trace_draws_without_overlaps_or_edges_through_boxes():
    t = wf.viz.trace(f18, 0.7, 1.3)
    assert len(t.steps) - 2 == 18
    for values, adjoints in ((False, False), (True, True)):
        svg = wf.viz.draw(t, values=values, adjoints=adjoints).to_svg()
        check_geometry(svg, _trace_edges(t))
    assert t.to_svg() == wf.viz.draw(t).to_svg()  # Trace.to_svg uses the same layout


def test_the_seed_trace_has_no_crossings_and_shows_values_and_adjoints():
    t = wf.viz.trace(f_seed, 2.0, 5.0)
    d = wf.viz.draw(t, values=True, adjoints=True)
    assert d.layout.crossings == 0 and not d.layout.quick
    lines = dict((p[0].split(":")[0], p[1:]) for p in d.picture.lines)
    assert lines["v_{-1}"] == ["value = 2", "adjoint = 5.5"]
    assert lines["v_0"] == ["value = 5", "adjoint = 1.71634"]
    assert lines["v_5"] == ["value = 11.6521", "adjoint = 1"]
    assert lines["v_4"] == ["value = -0.958924", "adjoint = -1"]
    root, _, _ = check_geometry(d.to_svg(), _trace_edges(t))
    first = root[2] if root[1].tag == f"{NS}defs" else root[1]
    assert first.tag == f"{NS}path" and first.get("fill") == "#ffffff"  # opaque background
    assert first.get("d") == f"M0,0H{root.get('width')}V{root.get('height')}H0Z"


def test_adjoints_on_a_trace_agree_with_grad():
    t = wf.viz.trace(f18, 0.7, 1.3)
    d = wf.viz.draw(t, adjoints=True)
    shown = {p[0].split(":")[0]: float(p[1].split("= ")[1]) for p in d.picture.lines}
    g1, g2 = (float(g) for g in wf.grad(f18, argnums=(0, 1))(0.7, 1.3))
    assert shown["v_{-1}"] == pytest.approx(g1, rel=1e-5)
    assert shown["v_0"] == pytest.approx(g2, rel=1e-5)


# ---------------------------------------------------------------------------- a random DAG
def random_graph(n=200, seed=0):
    """A static graph of ``n`` nodes: 6 variables, then ops on recent (mostly) or any
    earlier nodes; every node without a consumer is an output."""
    rng = random.Random(seed)
    nodes = [ad.Variable(name=f"x{i}") for i in range(6)]
    used = set()
    while len(nodes) < n:
        def pick():
            k = len(nodes)
            j = rng.randrange(max(0, k - 12), k) if rng.random() < 0.85 else rng.randrange(k)
            used.add(j)
            return nodes[j]
        kind = rng.random()
        if kind < 0.35:
            nodes.append(pick() + pick())
        elif kind < 0.7:
            nodes.append(pick() * pick())
        elif kind < 0.85:
            nodes.append(ad.exp(pick()))
        else:
            nodes.append(ad.sin(pick()))
    return nodes, [nodes[k] for k in range(len(nodes)) if k not in used]


def test_a_200_node_random_dag_draws_without_overlaps_or_edges_through_boxes():
    nodes, outputs = random_graph()
    t0 = time.perf_counter()
    d = wf.viz.draw(outputs)
    svg = d.to_svg()
    secs = time.perf_counter() - t0
    p = d.picture
    assert len(p.ids) == 200 and not d.layout.quick
    assert secs < 5.0, f"drawing 200 nodes took {secs:.1f} s"
    expected = [(p.ids[a], p.ids[b]) for a, b in p.edges]
    assert len(expected) == sum(len(n.inputs) for n in nodes)
    check_geometry(svg, expected)
    # crossing reduction does something: fewer crossings than the order the boxes came in
    assert d.layout.crossings < _crossings_in_given_order(d)


def _crossings_in_given_order(d):
    lay = d.layout
    from weifen.viz.layout import _crossings

    # rebuild the columns with lanes in the given order and count
    n, layer = len(lay.layer), lay.layer
    item_layer, down = list(layer), [[] for _ in range(n)]
    for a, b in d.picture.edges:
        prev = a
        for L in range(layer[a] + 1, layer[b]):
            item_layer.append(L)
            down.append([])
            down[prev].append(len(item_layer) - 1)
            prev = len(item_layer) - 1
        down[prev].append(b)
    cols = [[] for _ in range(max(layer) + 1)]
    for i, L in enumerate(item_layer):
        cols[L].append(i)
    pos = [0.0] * len(item_layer)
    for col in cols:
        for r, i in enumerate(col):
            pos[i] = float(r)
    return _crossings(cols, down, pos)


def test_random_dags_of_other_shapes():
    for seed in (1, 2):
        nodes, outputs = random_graph(120, seed)
        d = wf.viz.draw(outputs)
        p = d.picture
        check_geometry(d.to_svg(), [(p.ids[a], p.ids[b]) for a, b in p.edges])


# ---------------------------------------------------------------------------- each kind
def test_a_recorded_tape_as_micrograd_draws_it():
    a = wf.tensor(2.0, requires_grad=True)
    b = wf.tensor(-3.0, requires_grad=True)
    c = wf.tensor(10.0, requires_grad=True)
    e = a * b
    e.retain_grad()
    d = e + c
    d.retain_grad()
    f = wf.tensor(-2.0, requires_grad=True)
    L = d * f
    L.retain_grad()
    L.backward()
    pic = wf.viz.draw(L, values=True, adjoints=True, names=dict(a=a, b=b, c=c, f=f))
    rows = [(p[0], p[1:]) for p in pic.picture.lines]
    lines = dict(rows)
    assert lines["a"] == ["value = 2", "adjoint = 6"]
    assert lines["b"] == ["value = -3", "adjoint = -4"]
    assert lines["c"] == ["value = 10", "adjoint = -2"]
    assert lines["f"] == ["value = -2", "adjoint = 4"]
    assert lines["AddBackward"] == ["value = 4", "adjoint = -2"]
    assert ("MulBackward", ["value = -6", "adjoint = -2"]) in rows  # e = a * b
    assert ("MulBackward", ["value = -8", "adjoint = 1"]) in rows  # L = d * f
    assert sorted(k for k in pic.picture.kinds) == ["input"] * 4 + ["op"] * 2 + ["output"]
    p = pic.picture
    check_geometry(pic.to_svg(), [(p.ids[x], p.ids[y]) for x, y in p.edges])


def test_a_tape_without_names_and_values_it_no_longer_holds():
    x = wf.tensor([1.0, 2.0], requires_grad=True)
    y = (wf.tanh(x) * 3.0).sum()
    d = wf.viz.draw(y, values=True, adjoints=True)
    lines = {p[0]: p[1:] for p in d.picture.lines}
    assert list(lines) == ["leaf (2,)", "TanhBackward", "MulBackward", "SumBackward"]
    assert lines["leaf (2,)"] == ["value = [1., 2.]", "adjoint = None"]  # no backward yet
    assert lines["SumBackward"][0] == f"value = {3 * (np.tanh(1) + np.tanh(2)):.6g}"
    assert lines["TanhBackward"][0] == "value = [0.7616, 0.964 ]"  # saved by mul
    assert len(d.picture.edges) == 3 and "retain_grad" in d.picture.note
    y.backward()
    lines = {p[0]: p[1:] for p in wf.viz.draw(y, adjoints=True).picture.lines}
    assert lines["leaf (2,)"] == ["adjoint = [1.2599, 0.212 ]"]  # 3 (1 - tanh^2)
    assert wf.viz.draw(wf.tensor(1.0)).picture.lines == [["tensor"]]
    assert wf.viz.draw(x, values=True).picture.lines == [["leaf (2,)", "value = [1., 2.]"]]


def test_a_static_graph_with_its_values_and_adjoints():
    x2, x3 = ad.Variable(name="x2"), ad.Variable(name="x3")
    y = x2 * x3 + ad.exp(x2)
    d = wf.viz.draw(y, values=True, adjoints=True, at={"x2": 1.0, x3: 3.0})
    lines = {p[0]: p[1:] for p in d.picture.lines}
    assert lines["x2"] == ["value = 1", f"adjoint = {3 + math.e:.6g}"]
    assert lines["x3"] == ["value = 3", "adjoint = 1"]
    assert lines["+"] == [f"value = {3 + math.e:.6g}", "adjoint = 1"]
    assert "exp" in lines
    with pytest.raises(ValueError, match="at="):
        wf.viz.draw(y, values=True)
    with pytest.raises(ValueError, match="no variable named 'q'"):
        wf.viz.draw(y, values=True, at={"q": 1.0})
    assert "(x2*x3)" not in d.to_dot()  # boxes show the op, not the whole expression


def test_a_made_graph_its_outputs_and_a_list_of_nodes():
    x = ad.Variable(name="x")
    y = ad.exp(x) * x + 3
    (g,) = ad.gradients(y, [x])

    class Made:
        outputs = [y, g]

    d1, d2 = wf.viz.draw(Made()), wf.viz.draw([y, g])
    assert d1.to_svg() == d2.to_svg()
    assert d1.picture.kinds.count("output") == 2


def test_an_expression_as_its_shared_dag_with_values_and_adjoints():
    e = sym.parse("x*y + sin(x)*x*y")
    d = wf.viz.draw(e)
    assert len(d.picture.ids) == e.dag_size()  # x*y once
    d = wf.viz.draw(e, values=True, adjoints=True, at={"x": 2.0, sym.Symbol("y"): 3.0})
    lines = {p[0]: p[1:] for p in d.picture.lines}
    gx = 3.0 + (math.cos(2.0) * 2.0 + math.sin(2.0)) * 3.0
    assert lines["x"] == ["value = 2", f"adjoint = {gx:.6g}"]
    assert lines["y"] == ["value = 3", f"adjoint = {2 + math.sin(2.0) * 2:.6g}"]
    with pytest.raises(ValueError, match="no value for y"):
        wf.viz.draw(e, values=True, at={"x": 1.0})


def test_draw_refuses_what_it_cannot_draw():
    with pytest.raises(TypeError, match="draw: expected"):
        wf.viz.draw(3.0)
    with pytest.raises(TypeError):
        wf.viz.draw(np.ones(3))


# ---------------------------------------------------------------------------- files, Jupyter
def test_save_in_each_format(tmp_path):
    d = wf.viz.draw(wf.viz.trace(f_seed, 2.0, 5.0), values=True)
    assert d._repr_svg_() == d.to_svg()
    assert d.save(str(tmp_path / "a.svg")) == str(tmp_path / "a.svg")
    assert (tmp_path / "a.svg").read_text() == d.to_svg()
    d.save(str(tmp_path / "a.dot"))
    assert (tmp_path / "a.dot").read_text().startswith("digraph")
    with pytest.raises(ValueError, match=".svg, .png, .dot"):
        d.save(str(tmp_path / "a.bmp"))


def test_dot_labels_are_escaped():
    x = ad.Variable(name='say "hi"\\')
    d = wf.viz.draw(ad.exp(x))
    assert '"say \\"hi\\"\\\\"' in d.to_dot().replace("label=", "")


def test_render_with_cairosvg():
    cairosvg = pytest.importorskip("cairosvg", reason="cairosvg is not installed (pip "
                                   "install cairosvg) to render the SVG")
    t = wf.viz.trace(f18, 0.7, 1.3)
    d = wf.viz.draw(t, values=True, adjoints=True)
    png = cairosvg.svg2png(bytestring=d.to_svg().encode())
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    Image = pytest.importorskip("PIL.Image", reason="Pillow is not installed")
    im = Image.open(io.BytesIO(png)).convert("RGBA")
    assert im.size == (round(d.layout.width), round(d.layout.height))
    assert im.getpixel((1, 1)) == (255, 255, 255, 255)  # the background is opaque white
    x0, y0 = d.layout.x[0], d.layout.y[0]  # inside the first box: its fill, not white
    assert im.getpixel((int(x0 + 3), int(y0 + d.layout.h[0] - 3)))[:3] != (255, 255, 255)


# ---------------------------------------------------------------------------- scale
def test_quick_layout_beyond_the_item_budget(monkeypatch):
    monkeypatch.setattr(layout_mod, "MAX_ITEMS", 50)
    nodes, outputs = random_graph(120, 3)
    d = wf.viz.draw(outputs)
    assert d.layout.quick
    _, boxes, edges = parse_svg(d.to_svg())
    assert len(boxes) == 120 and len(edges) == len(d.picture.edges)


def test_no_recursion_on_a_deep_expression():
    x = sym.Symbol("x")
    e = x
    for k in range(3000):
        e = sym.sin(e) + k
    depth, frame = 0, sys._getframe()
    while frame is not None:
        depth, frame = depth + 1, frame.f_back
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(depth + 200)
    try:
        d = wf.viz.draw(e, values=True, adjoints=True, at={"x": 0.5})
        svg = d.to_svg()
    finally:
        sys.setrecursionlimit(old)
    assert svg.count("<rect") == len(d.picture.ids) == e.dag_size()


def test_the_checker_fails_the_straight_edges_of_the_quick_layout(monkeypatch):
    # the same 18-step trace with straight edges and no lanes (the old picture): an edge
    # runs through boxes, and check_geometry says so
    monkeypatch.setattr(layout_mod, "MAX_ITEMS", 1)
    t = wf.viz.trace(f18, 0.7, 1.3)
    d = wf.viz.draw(t)
    assert d.layout.quick
    with pytest.raises(AssertionError, match="passes through box"):
        check_geometry(d.to_svg(), _trace_edges(t))


def test_jupyter_displays():
    e = sym.parse("sin(x)/y")
    latex = e._repr_latex_()
    assert latex.startswith("$") and latex.endswith("$") and latex[1:-1] == e.to_latex()
    t = wf.viz.trace(f_seed, 2.0, 5.0)
    assert t._repr_svg_() == t.to_svg() and ET.fromstring(t._repr_svg_()) is not None
    assert "object at 0x" not in repr(t) and repr(wf.viz.draw(t)).startswith("<Drawing: 7 boxes")
    assert t.adjoint_table()._repr_html_().startswith("<table>")

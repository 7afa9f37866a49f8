"""Pictures of computations: ``wf.viz.draw`` for traces, recorded tapes, static graphs and
symbolic expressions, as SVG laid out here (no system packages) or Graphviz DOT text.

>>> import weifen as wf
>>> t = wf.viz.trace(lambda x1, x2: wf.log(x1) + x1 * x2 - wf.sin(x2), 2.0, 5.0)
>>> d = wf.viz.draw(t, values=True, adjoints=True)
>>> d
<Drawing: 7 boxes, 8 edges; .to_svg(), .to_dot(), .save(path)>
>>> d.to_svg().startswith("<svg")
True
>>> print(d.to_dot().splitlines()[3])
  "v-1" [label="v_{-1}: x1\\nvalue = 2\\nadjoint = 5.5", shape=ellipse];
"""
from __future__ import annotations

import html
import os
from typing import Any

from weifen.errors import WeifenTypeError, WeifenValueError
from weifen.viz.layout import Layout, layout
from weifen.viz.sources import Picture, from_expr, from_graph, from_tensor, from_trace
from weifen.viz.trace import Trace

CHAR_W = 7.3  # width of a 12px monospace character
LINE_H = 15.0
PAD = 8.0
FILL = {"input": "#e8f0fe", "output": "#fde8e8", "const": "#fff8e1", "op": "#f5f5f5"}


class Drawing:
    """A laid-out picture: ``to_svg()``, ``to_dot()``, ``save(path)`` (``.svg``, ``.dot``
    or ``.gv``, and ``.png`` when cairosvg is installed); Jupyter shows the SVG.

    >>> import weifen as wf
    >>> d = wf.viz.draw(wf.viz.trace(lambda x: wf.exp(x) * x, 1.0))
    >>> d.picture.lines
    [['v_0: x1'], ['v_1: exp(v_0)'], ['v_2: v_1 * v_0']]
    >>> d.layout.layer, d.layout.crossings
    ([0, 1, 2], 0)
    """

    def __init__(self, picture: Picture) -> None:
        self.picture = picture
        self._layout: Layout | None = None

    @property
    def layout(self) -> Layout:
        """Box positions and edge routes (computed on first use)."""
        if self._layout is None:
            p = self.picture
            widths = [max(len(s) for s in lines) * CHAR_W + 2 * PAD for lines in p.lines]
            heights = [len(lines) * LINE_H + 11.0 for lines in p.lines]
            self._layout = layout(len(p.ids), p.edges, widths, heights, p.pinned)
        return self._layout

    def __repr__(self) -> str:
        p = self.picture
        return (f"<Drawing: {len(p.ids)} box{'es' * (len(p.ids) != 1)}, {len(p.edges)} "
                f"edge{'s' * (len(p.edges) != 1)}; .to_svg(), .to_dot(), .save(path)>")

    # ------------------------------------------------------------------ SVG
    def to_svg(self) -> str:
        """The picture as SVG text: an opaque white background, edges that route around
        boxes, boxes on top (each ``rect`` carries ``data-node``, each edge's ``path`` and
        arrowed ``line`` carry ``data-src`` and ``data-dst``)."""
        p, lay = self.picture, self.layout
        W, H = lay.width, lay.height
        out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W:.0f}" height="{H:.0f}" '
               f'viewBox="0 0 {W:.0f} {H:.0f}" font-family="DejaVu Sans Mono, Menlo, '
               'Consolas, monospace" font-size="12">',
               '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" '
               'markerWidth="7" markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z" '
               'fill="#444"/></marker></defs>',
               # the background is a path, not a rect: every rect is a box
               f'<path d="M0,0H{W:.0f}V{H:.0f}H0Z" fill="#ffffff"/>']
        if p.note:
            out.append(f"<desc>{html.escape(p.note)}</desc>")
        for (a, b), (path, (s, e)) in zip(p.edges, lay.routes):
            tag = f'data-src="{p.ids[a]}" data-dst="{p.ids[b]}"'
            out.append(f'<path d="{_d(path)}" fill="none" stroke="#555" stroke-width="1.2" '
                       f'{tag}/>')
            out.append(f'<line x1="{s[0]:.1f}" y1="{s[1]:.1f}" x2="{e[0]:.1f}" y2="{e[1]:.1f}" '
                       f'stroke="#555" stroke-width="1.2" marker-end="url(#arrow)" {tag}/>')
        for i, lines in enumerate(p.lines):
            x0, y0, w, h = lay.x[i], lay.y[i], lay.w[i], lay.h[i]
            kind = p.kinds[i]
            rx = 12 if kind == "input" else 3
            width = 2 if kind == "output" else 1
            out.append(f'<rect x="{x0:.1f}" y="{y0:.1f}" width="{w:.1f}" height="{h:.1f}" '
                       f'rx="{rx}" fill="{FILL[kind]}" stroke="#333" stroke-width="{width}" '
                       f'data-node="{p.ids[i]}"/>')
            for r, text in enumerate(lines):
                color = "#000" if r == 0 else "#1a4f8b"
                out.append(f'<text x="{x0 + PAD:.1f}" y="{y0 + 5.5 + LINE_H * (r + 0.75):.1f}" '
                           f'fill="{color}">{html.escape(text)}</text>')
        out.append("</svg>")
        return "\n".join(out)

    def _repr_svg_(self) -> str:
        return self.to_svg()

    # ------------------------------------------------------------------ DOT
    def to_dot(self) -> str:
        """The picture in Graphviz's DOT language (for ``dot -Tpng``)."""
        p = self.picture
        lines = ["digraph weifen {", "  rankdir=LR;", '  node [shape=box, fontname="monospace"];']
        for i, ident in enumerate(p.ids):
            label = "\\n".join(_dot_escape(s) for s in p.lines[i])
            shape = {"input": "ellipse", "const": "plaintext"}.get(p.kinds[i], "box")
            lines.append(f'  "{ident}" [label="{label}", shape={shape}];')
        for a, b in p.edges:
            lines.append(f'  "{p.ids[a]}" -> "{p.ids[b]}";')
        if p.output is not None:
            lines.append(f'  "y" [shape=plaintext]; "{p.ids[p.output]}" -> "y";')
        lines.append("}")
        return "\n".join(lines)

    # ------------------------------------------------------------------ files
    def save(self, path: str) -> str:
        """Write the picture; the format follows the suffix (``.svg``, ``.dot``/``.gv``,
        ``.png``). Returns ``path``."""
        ext = os.path.splitext(str(path))[1].lower()
        if ext == ".svg":
            data: Any = self.to_svg()
        elif ext in (".dot", ".gv"):
            data = self.to_dot()
        elif ext == ".png":
            data = svg_to_png(self.to_svg())
        else:
            raise WeifenValueError(f"save: cannot tell the format of {str(path)!r}; use a name "
                                   "ending in .svg, .png, .dot or .gv")
        mode = "wb" if isinstance(data, bytes) else "w"
        with open(path, mode, **({} if mode == "wb" else {"encoding": "utf-8"})) as f:
            f.write(data)
        return path


def svg_to_png(svg: str) -> bytes:
    """Render SVG text to PNG bytes with cairosvg (an optional package)."""
    try:
        import cairosvg
    except ImportError:
        raise WeifenValueError("PNG output needs the cairosvg package: pip install cairosvg "
                               "(SVG and DOT output need nothing)") from None
    return cairosvg.svg2png(bytestring=svg.encode("utf-8"))


def _d(path: list) -> str:
    parts = []
    for cmd, pts in path:
        if cmd == "C":
            x1, y1, x2, y2, x, y = pts
            parts.append(f"C{x1:.1f},{y1:.1f} {x2:.1f},{y2:.1f} {x:.1f},{y:.1f}")
        else:
            parts.append(f"{cmd}{pts[0]:.1f},{pts[1]:.1f}")
    return " ".join(parts)


def _dot_escape(s: str) -> str:
    return s.replace("\\", "\\\\").replace('"', '\\"')


def draw(value: Any, values: bool = False, adjoints: bool = False, *, at: dict | None = None,
         names: dict | None = None) -> Drawing:
    """Draw a computation, laid out left to right in layers so that edges route around
    boxes. ``value`` may be

    * a :class:`~weifen.viz.trace.Trace` (``wf.viz.trace(f, ...)``);
    * a Tensor with a recorded tape (its ``grad_fn`` graph, as torchviz's ``make_dot``;
      ``names`` maps names to leaf Tensors, e.g. ``dict(net.named_parameters())``);
    * a static-graph ``Node``, a list of them, or a made graph (its ``outputs``);
    * a symbolic expression (``wf.sym``).

    ``values`` and ``adjoints`` add each box's value and adjoint (``bar v = dy/dv``), as
    micrograd's ``draw_dot`` shows data and grad; graphs and expressions need the point
    ``at`` (a feed dict, or ``{name: number}``).

    >>> import weifen as wf
    >>> x = wf.tensor(2.0, requires_grad=True)
    >>> y = x * x + wf.sin(x)
    >>> wf.viz.draw(y, names={"x": x})
    <Drawing: 4 boxes, 5 edges; .to_svg(), .to_dot(), .save(path)>
    >>> from weifen import sym
    >>> e = sym.parse("x*y + sin(x)")
    >>> wf.viz.draw(e, values=True, adjoints=True, at={"x": 2.0, "y": 3.0}).picture.lines[0]
    ['x', 'value = 2', 'adjoint = 2.58385']
    """
    from weifen.graph.ir import Node as GraphNode
    from weifen.sym import Expr
    from weifen.tape.tensor import Tensor

    if isinstance(value, Trace):
        p = from_trace(value, values, adjoints)
    elif isinstance(value, Tensor):
        p = from_tensor(value, values, adjoints, names)
    elif isinstance(value, Expr):
        p = from_expr(value, values, adjoints, at)
    elif isinstance(value, GraphNode):
        p = from_graph([value], values, adjoints, at)
    elif isinstance(value, (list, tuple)) and value and all(
            isinstance(v, GraphNode) for v in value):
        p = from_graph(list(value), values, adjoints, at)
    elif hasattr(value, "outputs") and all(isinstance(v, GraphNode) for v in value.outputs):
        first = [v for v in getattr(value, "inputs", ()) if isinstance(v, GraphNode)]
        p = from_graph(list(value.outputs), values, adjoints, at, first)
    else:
        raise WeifenTypeError(f"draw: expected a Trace, a Tensor with a recorded tape, a graph "
                              f"Node or an expression, got a {type(value).__name__}")
    return Drawing(p)


def trace_dot(tr: Trace) -> str:
    """``tr``'s graph in DOT (``Trace.to_dot``)."""
    return Drawing(from_trace(tr)).to_dot()


def trace_svg(tr: Trace) -> str:
    """``tr``'s graph as SVG (``Trace.to_svg``)."""
    return Drawing(from_trace(tr)).to_svg()

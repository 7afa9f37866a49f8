"""Pictures of traces: Graphviz DOT text, and SVG laid out here (no system packages).

Layout: a node's column is its depth (inputs in column 0, each op one past its deepest
argument), its row the order it appears in within its column.
"""
from __future__ import annotations

import html
from typing import Any

from weifen.viz.trace import Ref, _vname


def _layout(tr: Any) -> tuple[dict, dict, list]:
    depth: dict[int, int] = {}
    labels: dict[int, str] = {}
    edges: list[tuple[int, int]] = []
    for s in tr.steps:
        refs = [a.index for a in s.args if type(a) is Ref]
        depth[s.index] = 0 if s.prim is None else 1 + max((depth[a] for a in refs), default=-1)
        head = s.label if s.prim is None else tr.expression(s)
        labels[s.index] = f"{_vname(s.index)}: {head}"
        edges += [(a, s.index) for a in refs]
    return depth, labels, edges


def _name(i: int) -> str:
    return f"v{i}"


def trace_dot(tr: Any) -> str:
    depth, labels, edges = _layout(tr)
    lines = ["digraph trace {", "  rankdir=LR;", '  node [shape=box, fontname="monospace"];']
    for i, lab in labels.items():
        shape = "ellipse" if i <= 0 else "box"
        lines.append(f'  "{_name(i)}" [label="{lab}", shape={shape}];')
    for a, b in edges:
        lines.append(f'  "{_name(a)}" -> "{_name(b)}";')
    lines.append(f'  "y" [shape=plaintext]; "{_name(tr.output)}" -> "y";')
    lines.append("}")
    return "\n".join(lines)


def trace_svg(tr: Any) -> str:
    depth, labels, edges = _layout(tr)
    col_rows: dict[int, int] = {}
    pos: dict[int, tuple[float, float]] = {}
    char_w, box_h, gap_x, gap_y = 7.2, 26.0, 40.0, 16.0
    widths: dict[int, float] = {}
    for i, lab in labels.items():
        widths[depth[i]] = max(widths.get(depth[i], 0.0), len(lab) * char_w + 16)
    xs, x = {}, 20.0
    for d in sorted(widths):
        xs[d] = x
        x += widths[d] + gap_x
    for i in labels:
        d = depth[i]
        r = col_rows.get(d, 0)
        col_rows[d] = r + 1
        pos[i] = (xs[d], 20.0 + r * (box_h + gap_y))
    W = x + 20
    H = 40 + max(col_rows.values()) * (box_h + gap_y)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W:.0f}" height="{H:.0f}" '
           f'font-family="monospace" font-size="12">',
           '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="6" '
           'markerHeight="6" orient="auto"><path d="M0,0 L10,5 L0,10 z"/></marker></defs>']
    for a, b in edges:
        (xa, ya), (xb, yb) = pos[a], pos[b]
        out.append(f'<line x1="{xa + widths[depth[a]]:.1f}" y1="{ya + box_h / 2:.1f}" '
                   f'x2="{xb:.1f}" y2="{yb + box_h / 2:.1f}" stroke="#555" '
                   'marker-end="url(#arrow)"/>')
    for i, lab in labels.items():
        x0, y0 = pos[i]
        w = widths[depth[i]]
        fill = "#e8f0fe" if i <= 0 else ("#fde8e8" if i == tr.output else "#f5f5f5")
        rx = 12 if i <= 0 else 3
        out.append(f'<rect x="{x0:.1f}" y="{y0:.1f}" width="{w:.1f}" height="{box_h:.0f}" '
                   f'rx="{rx}" fill="{fill}" stroke="#333"/>')
        out.append(f'<text x="{x0 + 8:.1f}" y="{y0 + box_h / 2 + 4:.1f}">{html.escape(lab)}</text>')
    out.append("</svg>")
    return "\n".join(out)

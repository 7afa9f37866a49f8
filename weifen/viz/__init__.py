"""``wf.viz``: seeing the computation. ``trace`` records an evaluation and prints its
forward, tangent and adjoint tables (Griewank and Walther's numbering); ``draw`` pictures a
trace, a recorded tape, a static graph or a symbolic expression, laid out here.
"""
from weifen.viz.draw import Drawing, draw
from weifen.viz.trace import Step, Table, Trace, trace

__all__ = ["trace", "Trace", "Table", "Step", "draw", "Drawing"]

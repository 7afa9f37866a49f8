"""``wf.viz``: seeing the computation. ``trace`` records an evaluation and prints its
forward, tangent and adjoint tables (Griewank and Walther's numbering) and draws its graph.
"""
from weifen.viz.trace import Step, Table, Trace, trace

__all__ = ["trace", "Trace", "Table", "Step"]

"""``Dual``: a primal value and a tangent, pushed forward through every op by its jvp rule.

``f(Dual(x, v))`` carries ``f(x)`` in ``.primal`` and ``J_f(x) v`` in ``.tangent``. The
forward interpreter is ``Dual._process``: unbox this level's duals, compute the primal
output on what is underneath, and add up each input's jvp-rule contribution (a missing
tangent is a symbolic zero and costs nothing).

Levels. ``wf.jvp`` opens an integer level like every transform. A ``Dual`` the user builds
gets a level between the levels around it: above whatever its primal and tangent carry
and above the current transform depth, but below any transform opened later. So duals
built side by side share one perturbation, ``Dual(Dual(x, 1.), 1.)`` is a hyper-dual
(two distinct perturbations), and a user dual passed into ``wf.grad`` stays apart from
the gradient's own tape.

>>> import weifen as wf
>>> d = wf.Dual(5.0, 1.0)
>>> e = wf.sin(d) * d
>>> round(float(e.tangent), 6)  # d/dx x sin x = sin x + x cos x at 5
0.459387
"""
from __future__ import annotations

from typing import Any

import numpy as np

from weifen.array import ArrayMethods
from weifen.core.backend import ieee
from weifen.core.primitive import Box
from weifen.core.state import depth
from weifen.prims.shape import broadcast_to_p, shape_of

_new = object.__new__


def _level_of(x: Any) -> float:
    return x._level if isinstance(x, Box) else -1.0


def make_dual(primal: Any, tangent: Any, level: float) -> "Dual":
    d = _new(Dual)
    d._p = primal
    d._t = tangent
    d._level = level
    return d


class Dual(ArrayMethods, Box):
    """A dual number ``primal + tangent·ε`` (arrays too: the tangent has the primal's shape).

    >>> import weifen as wf
    >>> h = wf.Dual(wf.Dual(2.0, 1.0), 1.0)   # hyper-dual x + ε₁ + ε₂
    >>> y = h ** 3
    >>> float(y.primal.tangent), float(y.tangent.tangent)   # 3x², 6x
    (12.0, 12.0)
    """

    __slots__ = ("_p", "_t", "_level")

    def __init__(self, primal: Any, tangent: Any = None) -> None:
        from weifen.creation import as_array

        if isinstance(primal, (list, tuple)):
            primal = as_array(primal)
        if isinstance(tangent, (list, tuple)):
            tangent = as_array(tangent)
        if tangent is None:
            tangent = np.zeros_like(primal) if not isinstance(primal, (float, int)) else 0.0
        if isinstance(primal, int) and not isinstance(primal, bool):
            primal = float(primal)
        ps, ts = shape_of(primal), shape_of(tangent)
        if ps != ts:
            from weifen.errors import ShapeError

            raise ShapeError(f"Dual: tangent shape {ts} must equal primal shape {ps}")
        d = depth()
        base = max(float(d), _level_of(primal), _level_of(tangent))
        self._p = primal
        self._t = tangent
        self._level = (base + d + 1) / 2  # strictly between base and the next transform

    @property
    def primal(self) -> Any:
        """The value (``f(x)`` after applying ``f``)."""
        return self._p

    @property
    def tangent(self) -> Any:
        """The directional derivative; for nested duals, a dual of the inner level too.

        A tangent that does not depend on an inner perturbation is lifted to a dual with a
        zero tangent there, so ``h.tangent.tangent`` (f'' of a hyper-dual) always exists.
        """
        t = self._t
        p = self._p
        if isinstance(p, Dual) and not (isinstance(t, Dual) and t._level == p._level):
            return make_dual(t, _zeros_like(t), p._level)
        return t

    def _primal_data(self) -> Any:
        return self._p

    def _process(self, prim, args, params):
        L = self._level
        primals = []
        tangents = []
        any_t = False
        for a in args:
            if isinstance(a, Dual) and a._level == L:
                primals.append(a._p)
                tangents.append(a._t)
                any_t = True
            else:
                primals.append(a)
                tangents.append(None)
        rules = prim.jvp
        if rules is None and prim.impl_traceable and not prim.nondiff:
            return prim.impl(*args, **params)  # see through user functions (custom_vjp)
        out = prim.bind(*primals, **params)
        if prim.nondiff or not any_t:
            return out
        if rules is None:
            raise NotImplementedError(f"no jvp rule for primitive {prim.name!r}")
        try:
            tan = _tangent(rules, tangents, out, primals, params)
        except ArithmeticError:
            # Python floats raise on 1.0 / 0.0 where NumPy gives inf: rerun on NumPy floats
            tan = _tangent(rules, [ieee(t) for t in tangents], ieee(out),
                           [ieee(p) for p in primals], params)
        if tan is None:
            return out
        if prim.broadcasts:
            so = shape_of(out)
            if shape_of(tan) != so:
                tan = broadcast_to_p(tan, shape=so)
        return make_dual(out, tan, L)

    def __repr__(self) -> str:
        return f"Dual(primal={self._p!r}, tangent={self._t!r})"


def _tangent(rules: Any, tangents: list, out: Any, primals: list, params: dict) -> Any:
    """The output's tangent: the sum of the jvp rules' terms (``None`` when all are zero)."""
    if type(rules) is not tuple:
        return rules(tangents, out, *primals, **params)
    tan = None
    for i, t in enumerate(tangents):
        if t is None or rules[i] is None:
            continue
        c = rules[i](t, out, *primals, **params)
        tan = c if tan is None else tan + c
    return tan


def _zeros_like(t: Any) -> Any:
    from weifen.transforms._util import zeros_like_value

    return zeros_like_value(t)

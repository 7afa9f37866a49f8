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
from weifen.errors import ShapeError, WeifenTypeError
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

    Every weifen op on a Dual gives a Dual, piecewise-constant ones (``sign``, ``floor``,
    comparisons, ``//``) included: their tangent is zero. A missing tangent is a zero too,
    kept symbolic (``None`` inside) so it costs no arithmetic.

    >>> import weifen as wf
    >>> h = wf.Dual(wf.Dual(2.0, 1.0), 1.0)   # hyper-dual x + ε₁ + ε₂
    >>> y = h ** 3
    >>> float(y.primal.tangent), float(y.tangent.tangent)   # 3x², 6x
    (12.0, 12.0)
    >>> s = wf.sign(wf.Dual(-2.0, 1.0))
    >>> float(s.primal), float(s.tangent)
    (-1.0, 0.0)
    """

    __slots__ = ("_p", "_t", "_level")

    def __init__(self, primal: Any, tangent: Any = None) -> None:
        from weifen.creation import as_array

        if isinstance(primal, (list, tuple)):
            primal = as_array(primal)
        if isinstance(tangent, (list, tuple)):
            tangent = as_array(tangent)
        primal = _checked(primal, "primal")
        if tangent is not None:
            tangent = _checked(tangent, "tangent")
            ps, ts = shape_of(primal), shape_of(tangent)
            if ps != ts:
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
        p = self._p
        t = self._t
        if t is None:
            t = zero_tangent(p)
        if isinstance(p, Dual) and not (isinstance(t, Dual) and t._level == p._level):
            return make_dual(t, None, p._level)
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
                any_t = any_t or a._t is not None
            else:
                primals.append(a)
                tangents.append(None)
        rules = prim.jvp
        if rules is None and prim.impl_traceable and not prim.nondiff:
            return prim.impl(*args, **params)  # see through user functions (custom_vjp)
        out = prim.bind(*primals, **params)
        if prim.nondiff or not any_t:
            # piecewise constant (sign, floor, comparisons) or only zero tangents coming in:
            # still a Dual of this level, so .tangent reads 0 rather than failing
            return make_dual(out, None, L)
        if rules is None:
            raise NotImplementedError(f"no jvp rule for primitive {prim.name!r}")
        try:
            tan = _tangent(rules, tangents, out, primals, params)
        except ArithmeticError:
            # Python floats raise on 1.0 / 0.0 where NumPy gives inf: rerun on NumPy floats
            tan = _tangent(rules, [None if t is None else ieee(t) for t in tangents],
                           ieee(out), [ieee(p) for p in primals], params)
        if tan is not None and prim.broadcasts:
            so = shape_of(out)
            if shape_of(tan) != so:
                tan = broadcast_to_p(tan, shape=so)
        return make_dual(out, tan, L)

    def __repr__(self) -> str:
        return f"Dual(primal={self._p!r}, tangent={self.tangent!r})"


def _checked(x: Any, what: str) -> Any:
    """``x`` as a Dual's primal or tangent: numeric and floating, Python ints made floats.

    Integer values have no derivative, as in jax (whose jvp takes only float0 tangents for
    integer primals): an integer primal or tangent is an error with the fix, not a Dual
    whose derivative arithmetic would silently truncate or promote.
    """
    if isinstance(x, bool):
        raise WeifenTypeError(f"Dual: a bool {what} has no derivative; pass a float")
    t = type(x)
    if t is int:
        return float(x)
    if t is float or t is complex:
        return x
    try:
        dt = np.dtype(x.dtype)
    except Exception:  # noqa: BLE001 - anything without a NumPy dtype
        if isinstance(x, Box):
            return x  # a box whose dtype is known only later (a staged value)
        raise WeifenTypeError(f"Dual: the {what} must be a number or a numeric array, got "
                              f"{type(x).__name__} {_clip(x)}") from None
    if dt.kind in "fc":
        return x
    if dt.kind in "biu":
        raise WeifenTypeError(
            f"Dual: an integer {what} (dtype {dt}) has no derivative; pass floats, e.g. "
            f"x.astype(float)")
    raise WeifenTypeError(f"Dual: the {what} must be a number or a numeric array, got dtype "
                          f"{dt} ({type(x).__name__} {_clip(x)})")


def _clip(x: Any) -> str:
    r = repr(x)
    return r if len(r) <= 40 else r[:37] + "..."


def zero_tangent(x: Any) -> Any:
    """The zero tangent of a value: ``x``'s shape, its dtype if floating, else float64
    (bool and integer values, such as comparison results, have float zero tangents)."""
    d = x
    while isinstance(d, Box):
        d = d._primal_data()
    if isinstance(d, (bool, int, float)):
        return 0.0
    if isinstance(d, complex):
        return 0j
    dt = getattr(d, "dtype", None)
    kind = np.dtype(dt).kind if dt is not None else "f"
    dtype = None if kind in "fc" else np.float64
    s = shape_of(x)
    if not hasattr(d, "shape"):
        return np.zeros(s, dtype=dtype or np.float64)
    return np.zeros_like(d, dtype=dtype, shape=s if s != d.shape else None)


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

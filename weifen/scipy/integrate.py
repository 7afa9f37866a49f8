"""``weifen.scipy.integrate``: ``odeint`` with ``scipy.integrate.odeint``'s signature,
differentiable in ``y0``, ``t`` and ``args``.

Values come from SciPy's LSODA where SciPy is installed (imported on first use) and from a
Dormand-Prince 5(4) integrator in NumPy otherwise. ``func`` must be written with weifen ops
(``wf.sin``, ``wf.mean``, ...); parameters that should get a gradient go through ``args``
(a value closed over by ``func`` is refused with an error, never made a constant).

Reverse mode uses the adjoint method: the cotangent flows backward from the last time to the
first by integrating the original system together with ``a' = -a^T df/dy`` and the integrals
``-a^T df/dt``, ``-a^T df/dargs`` (Froehlich, Loos and Hasenauer 2017; HIPS autograd's
``odeint``), where each vector-Jacobian product is ``wf.vjp`` of ``func``. The backward
integration is itself an ``odeint``, so derivatives of any order follow. Forward mode
integrates the forward sensitivities ``s' = df/dy s + df/dargs dargs`` with ``wf.jvp``.

>>> import weifen as wf
>>> from weifen.scipy.integrate import odeint
>>> decay = lambda y, t, k: -k * y
>>> t = wf.tensor([0.0, 1.0])
>>> y = odeint(decay, wf.tensor([1.0]), t, args=(0.5,))
>>> round(float(y[1, 0]), 6)
0.606531
>>> round(float(wf.grad(lambda k: odeint(decay, wf.tensor([1.0]), t, args=(k,))[1, 0])(0.5)), 5)
-0.60653
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

import weifen as wf
from weifen.core.primitive import Box, Primitive
from weifen.core.pytree import tree_flatten, tree_unflatten
from weifen.errors import ShapeError, WeifenError, WeifenTypeError
from weifen.numpy._util import _raw, _t
from weifen.prims.shape import shape_of

__all__ = ["odeint"]

_SCIPY_OPTS = ("rtol", "atol", "tcrit", "h0", "hmax", "hmin", "ixpr", "mxstep", "mxhnil",
               "mxordn", "mxords")
_DEFAULT_TOL = 1.49012e-8  # LSODA's default rtol and atol


# ---------------------------------------------------------------- values
_DP_C = (0.0, 1 / 5, 3 / 10, 4 / 5, 8 / 9, 1.0, 1.0)
_DP_A = ((), (1 / 5,), (3 / 40, 9 / 40), (44 / 45, -56 / 15, 32 / 9),
         (19372 / 6561, -25360 / 2187, 64448 / 6561, -212 / 729),
         (9017 / 3168, -355 / 33, 46732 / 5247, 49 / 176, -5103 / 18656),
         (35 / 384, 0.0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84))
_DP_E = (71 / 57600, 0.0, -71 / 16695, 71 / 1920, -17253 / 339200, 22 / 525, -1 / 40)


def _dopri(rhs: Callable, y0: np.ndarray, t: np.ndarray, rtol: float, atol: float,
           hmax: float = 0.0, mxstep: int = 0) -> np.ndarray:
    """Dormand-Prince 5(4) with error control, stepping exactly onto each time of ``t``
    (which may decrease); the NumPy fallback when SciPy is missing."""
    out = np.empty((len(t),) + y0.shape, dtype=np.float64)
    out[0] = y = np.asarray(y0, dtype=np.float64)
    tau = float(t[0])
    f = rhs(y, tau)
    h = 0.0
    limit = mxstep or 100000
    for i in range(1, len(t)):
        end = float(t[i])
        span = end - tau
        if span == 0.0:
            out[i] = y
            continue
        direction = 1.0 if span > 0 else -1.0
        if h == 0.0 or h * direction <= 0:
            scale = atol + rtol * np.abs(y)
            d0, d1 = np.sqrt(np.mean((y / scale) ** 2)), np.sqrt(np.mean((f / scale) ** 2))
            h = 0.01 * d0 / d1 if d0 > 1e-5 and d1 > 1e-5 else 1e-6
            h = direction * min(abs(h), abs(span))
        steps = 0
        while (end - tau) * direction > 0:
            steps += 1
            if steps > limit:
                raise WeifenError(f"odeint: more than {limit} steps between t={t[i - 1]} and "
                                  f"t={end} (a stiff system? install SciPy for LSODA)")
            if hmax:
                h = direction * min(abs(h), hmax)
            last = abs(h) >= abs(end - tau)
            if last:
                h = end - tau
            ks = [f]
            for c, row in zip(_DP_C[1:], _DP_A[1:]):
                yk = y + h * sum(a * k for a, k in zip(row, ks) if a)
                ks.append(rhs(yk, tau + c * h) if c != 1.0 or len(ks) < 6 else rhs(yk, tau + h))
            y_new = y + h * sum(a * k for a, k in zip(_DP_A[6], ks) if a)
            err = h * sum(e * k for e, k in zip(_DP_E, ks) if e)
            scale = atol + rtol * np.maximum(np.abs(y), np.abs(y_new))
            norm = float(np.sqrt(np.mean((err / scale) ** 2))) if err.size else 0.0
            if norm <= 1.0:
                tau = end if last else tau + h
                y, f = y_new, ks[-1]
            fac = 0.9 * norm ** -0.2 if norm > 0 else 5.0
            h = h * min(5.0, max(0.2, fac))
        out[i] = y
    return out


def _values(rhs: Callable, y0: np.ndarray, t: np.ndarray, opts: dict) -> np.ndarray:
    try:
        from scipy.integrate import odeint as sp_odeint
    except ImportError:  # pragma: no cover - depends on the environment
        rtol = opts.get("rtol") or _DEFAULT_TOL
        atol = opts.get("atol") or _DEFAULT_TOL
        return _dopri(rhs, y0, t, float(np.max(rtol)), float(np.min(atol)),
                      float(opts.get("hmax") or 0.0), int(opts.get("mxstep") or 0))
    return sp_odeint(rhs, y0, t, **opts)


def _is_float(x: Any) -> bool:
    if isinstance(x, bool):
        return False
    if isinstance(x, (float, complex)):
        return True
    dt = getattr(x, "dtype", None)
    return dt is not None and np.dtype(dt).kind in "fc"


def _row(x: Any, i: int) -> Any:
    return _raw(_t(x)[i])


def _flat1(x: Any) -> Any:
    return _raw(wf.reshape(x, (-1,)))


# ---------------------------------------------------------------- the differentiable solve
class _System:
    """``func`` with its ``args`` split into float leaves (differentiable) and the rest."""

    def __init__(self, func: Callable, args: tuple, tfirst: bool) -> None:
        self.func, self.tfirst = func, tfirst
        leaves, self.tree = tree_flatten(args)
        self.float_pos = [i for i, x in enumerate(leaves) if _is_float(x)]
        self.leaves = list(leaves)

    def floats(self) -> list:
        return [self.leaves[i] for i in self.float_pos]

    def __call__(self, y: Any, tau: Any, *fl: Any) -> Any:
        leaves = list(self.leaves)
        for i, v in zip(self.float_pos, fl):
            leaves[i] = v
        args = tree_unflatten(self.tree, leaves)
        r = self.func(tau, y, *args) if self.tfirst else self.func(y, tau, *args)
        return _raw(wf.reshape(r, (-1,)))


def _adjoint(sys: _System, opts: dict) -> Callable:
    def aug(state: Any, tau: Any, *fl: Any) -> Any:
        d = (shape_of(state)[0] - 1 - sum(int(np.prod(shape_of(x))) for x in fl)) // 2
        y, a = state[:d], state[d:2 * d]
        fy, back = wf.vjp(sys, y, tau, *fl)
        gs = back(-a)
        parts = [_flat1(fy), _flat1(gs[0]), _flat1(gs[1])] + [_flat1(g) for g in gs[2:]]
        return wf.concatenate(parts)

    return aug


def _vjp_rule(sys: _System, opts: dict) -> Callable:
    aug = _adjoint(sys, opts)

    def rule(g: Any, out: Any, y0: Any, t: Any, *fl: Any) -> tuple:
        n, d = shape_of(out)
        g, out, t = _t(g), _t(out), _t(t)
        a_y = g[n - 1]
        a_t0 = 0.0
        a_args = [wf.zeros_like(x) * 0.0 for x in fl]
        gts = []
        for i in range(n - 1, 0, -1):
            yi = out[i]
            gti = wf.sum(_t(sys(_raw(yi), _raw(t[i]), *fl)) * g[i])
            gts.append(gti)
            a_t0 = a_t0 - gti
            state = wf.concatenate([_flat1(yi), _flat1(a_y), wf.reshape(a_t0, (1,))]
                                   + [_flat1(x) for x in a_args])
            sol = odeint(aug, state, wf.stack([t[i], t[i - 1]]), args=tuple(fl), **opts)
            s1 = sol[1]
            a_y = s1[d:2 * d] + g[i - 1]
            a_t0 = s1[2 * d]
            lo, new = 2 * d + 1, []
            for x in fl:
                k = int(np.prod(shape_of(x)))
                new.append(wf.reshape(s1[lo:lo + k], tuple(shape_of(x))))
                lo += k
            a_args = new
        gts.append(a_t0)
        gt = wf.stack(gts[::-1])
        return (_raw(wf.reshape(a_y, tuple(shape_of(y0)))), _raw(gt),
                *[_raw(x) for x in a_args])

    return rule


def _sensitivity(sys: _System, opts: dict) -> Callable:
    def aug(state: Any, tau: Any, *fl_dfl: Any) -> Any:
        k = len(fl_dfl) // 2
        fl, dfl = fl_dfl[:k], fl_dfl[k:]
        d = shape_of(state)[0] // 2
        y, s = state[:d], state[d:]
        fy, ds = wf.jvp(lambda y_, *f_: sys(y_, tau, *f_), (y, *fl), (s, *dfl))
        return wf.concatenate([_flat1(fy), _flat1(ds)])

    return aug


def _jvp_rule(sys: _System, opts: dict) -> Callable:
    aug = _sensitivity(sys, opts)

    def tangent(out: Any, y0: Any, t: Any, fl: tuple, dy0: Any, dt: Any, dfl: tuple) -> Any:
        n, d = shape_of(out)
        out, t = _t(out), _t(t)
        s0 = _t(_flat1(dy0)) if dy0 is not None else wf.zeros(d)
        if dt is not None:
            s0 = s0 - _t(sys(_flat1(y0), _raw(t[0]), *fl)) * _t(dt)[0]
        dfl = tuple(wf.zeros_like(x) if v is None else v for x, v in zip(fl, dfl))
        sol = odeint(aug, wf.concatenate([_flat1(y0), _flat1(s0)]), t,
                     args=tuple(fl) + dfl, **opts)
        sens = sol[:, d:]
        if dt is not None:
            dt = _t(dt)
            rows = [_t(sys(_raw(out[i]), _raw(t[i]), *fl)) * dt[i] for i in range(n)]
            sens = sens + wf.stack(rows)
        return _raw(sens)

    def for_input(k: int) -> Callable:
        def rule(dx: Any, out: Any, y0: Any, t: Any, *fl: Any) -> Any:
            dfl = [None] * len(fl)
            if k >= 2:
                dfl[k - 2] = dx
            return tangent(out, y0, t, fl, dx if k == 0 else None, dx if k == 1 else None,
                           tuple(dfl))
        return rule

    return for_input


def odeint(func: Callable, y0: Any, t: Any, args: Any = (), Dfun: Any = None,
           col_deriv: int = 0, full_output: int = 0, ml: Any = None, mu: Any = None,
           rtol: Any = None, atol: Any = None, tcrit: Any = None, h0: float = 0.0,
           hmax: float = 0.0, hmin: float = 0.0, ixpr: int = 0, mxstep: int = 0,
           mxhnil: int = 0, mxordn: int = 12, mxords: int = 5, printmessg: int = 0,
           tfirst: bool = False) -> Any:
    """Integrate ``dy/dt = func(y, t, *args)`` from ``y(t[0]) = y0``; the solution at every
    time of ``t`` (one row each), as ``scipy.integrate.odeint``. Differentiable in ``y0``,
    ``t`` and the float arrays of ``args`` (reverse mode by the adjoint method, forward mode
    by forward sensitivities). ``Dfun`` is not needed (SciPy's LSODA estimates its own
    Jacobian) and ``full_output`` is not supported.

    >>> import weifen as wf
    >>> from weifen.scipy.integrate import odeint
    >>> rot = lambda y, t: wf.stack([-y[1], y[0]])  # a rotation: y(t) = (cos t, sin t)
    >>> y = odeint(rot, wf.tensor([1.0, 0.0]), wf.linspace(0.0, 3.14159265, 3))
    >>> wf.round(y, 5)
    tensor([[ 1.,  0.],
            [ 0.,  1.],
            [-1.,  0.]])
    """
    if full_output:
        raise NotImplementedError("odeint: full_output is not supported by weifen")
    if not isinstance(args, tuple):
        args = (args,)
    y0r, tr = _raw(y0), _raw(t)
    if len(shape_of(y0r)) > 1:
        raise ShapeError(f"odeint: y0 must be 1-d, got shape {tuple(shape_of(y0r))}")
    if len(shape_of(tr)) != 1:
        raise ShapeError(f"odeint: t must be 1-d, got shape {tuple(shape_of(tr))}")
    if len(shape_of(y0r)) == 0:
        y0r = _raw(wf.reshape(y0r, (1,)))
    loc = dict(rtol=rtol, atol=atol, tcrit=tcrit, h0=h0, hmax=hmax, hmin=hmin, ixpr=ixpr,
               mxstep=mxstep, mxhnil=mxhnil, mxordn=mxordn, mxords=mxords)
    opts = {k: loc[k] for k in _SCIPY_OPTS if loc[k] is not None}
    sys = _System(func, args, bool(tfirst))
    fl = sys.floats()

    def impl(y0v: Any, tv: Any, *flv: Any) -> np.ndarray:
        y0n = np.asarray(y0v, dtype=np.float64)

        def rhs(y: np.ndarray, tau: float) -> np.ndarray:
            try:
                r = sys(y, tau, *flv)
                return np.asarray(r, dtype=np.float64)
            except WeifenTypeError as e:
                raise WeifenTypeError(
                    f"odeint: func returned a traced value for plain inputs ({e}); pass the "
                    "values it should be differentiated in through args=") from None

        return _values(rhs, y0n, np.asarray(tv, dtype=np.float64), opts)

    if not any(isinstance(x, Box) for x in [y0r, tr, *fl]):
        return _t(impl(y0r, tr, *fl))
    jvps = _jvp_rule(sys, opts)
    prim = Primitive("odeint", impl, vjp=_vjp_rule(sys, opts), save_out=True,
                     jvp=tuple(jvps(k) for k in range(2 + len(fl))), register=False)
    return _t(prim.bind(y0r, tr, *fl))

"""Spec rows (read by tests/test_spec_ops.py through tests/spec_extra.py) for the NumPy
extras of weifen.numpy.more_shape and weifen.numpy.more_math: the names HIPS autograd
differentiates beyond API.md section 1 (issue 12). NumPy gives the values; torch and jax
the derivatives where they have the function (with NumPy's meaning).
"""
from __future__ import annotations

from typing import Callable

import numpy as np

import weifen as wf
from spec import NONZERO, POS, REAL, OpSpec, Sample, _as_tensor, _sh, binary, distinct, unary
from weifen.core.primitive import Box
from weifen.prims.complex import complex_p


def _torch(xp) -> bool:
    return hasattr(xp, "torch")


def _row(name: str, fn: Callable, ref: Callable, samples: Callable, domain: str = "real",
         **kw) -> OpSpec:
    return OpSpec(name, fn, ref, samples, domain, **kw)


def _same(name: str, samples: Callable, domain: str = "real", **kw) -> OpSpec:
    """A row whose weifen function and references all take NumPy's arguments by name."""
    return OpSpec(name, lambda *a, _n=name, **k: getattr(wf, _n)(*a, **k),
                  lambda xp, *a, _n=name, **k: getattr(xp, _n)(*a, **k), samples, domain, **kw)


def _cases(*cases) -> Callable:
    """Samples from ``(desc, shapes, kwargs[, domain])``: one array per shape."""
    def gen(rng):
        out = []
        for c in cases:
            desc, shapes, kw = c[:3]
            d = c[3] if len(c) > 3 else REAL
            shapes = shapes if shapes and isinstance(shapes[0], tuple) else (shapes,)
            out.append(Sample(desc, tuple(d(rng, s) for s in shapes), dict(kw)))
        return out
    return gen


def cz(x, y):
    """``x + i y`` of real parts, as a weifen value (the complex primitive)."""
    z = complex_p(x, y)
    return z if isinstance(z, Box) else wf.tensor(z)


# ============================================================================ rolling, flipping
def _roll_ref(xp, x, shift, axis=None):
    return xp.roll(x, shift, axis)


def _rollaxis_ref(xp, x, axis, start=0):
    if _torch(xp):
        n = x.ndim
        start = start + n if start < 0 else start
        axis %= n
        return xp.torch.movedim(x, axis, start - 1 if axis < start else start)
    return xp.rollaxis(x, axis, start)


def _make_diagonal_ref(xp, x, offset=0, axis1=0, axis2=1):
    if _torch(xp):
        return xp.torch.diag_embed(x, offset, axis1, axis2)
    nd = x.ndim + 1
    a1, a2 = axis1 % nd, axis2 % nd
    n = x.shape[-1] + abs(offset)
    rest = iter(x.shape[:-1])
    out = np.zeros(tuple(n if i in (a1, a2) else next(rest) for i in range(nd)), x.dtype)
    v = np.moveaxis(out, (a1, a2), (-2, -1))
    i = np.arange(x.shape[-1])
    v[..., i + max(-offset, 0), i + max(offset, 0)] = x
    return out


def _sort_ref(xp, x, axis=-1):
    if _torch(xp):
        if axis is None:
            return xp.torch.sort(x.reshape(-1)).values
        return xp.torch.sort(x, dim=axis).values
    return xp.sort(x, axis=axis)


def _take_along_ref(xp, x, idx, axis):
    if _torch(xp):
        return xp.torch.take_along_dim(x, xp.torch.as_tensor(idx), dim=axis)
    return xp.take_along_axis(x, idx, axis=axis)


def _cross_ref(xp, a, b, **kw):
    if _torch(xp):
        a, b = xp.t(a), xp.t(b)
        shape = xp.torch.broadcast_shapes(a.shape, b.shape)
        return xp.torch.linalg.cross(a.expand(shape), b.expand(shape), dim=-1)
    return xp.cross(a, b, **kw)


def _select_fn(c1, c2, x, y, d):
    return wf.select([c1, c2], [x, y], default=d)


def _select_ref(xp, c1, c2, x, y, d):
    return xp.select([c1, c2], [x, y], default=d)


def _select_samples(rng):
    return [Sample("(3,)", (rng.random(3) > 0.5, rng.random(3) > 0.5, REAL(rng, (3,)),
                            REAL(rng, (3,)), REAL(rng, (3,)))),
            Sample("(2,3)bcast", (rng.random((2, 3)) > 0.5, rng.random((1, 3)) > 0.5,
                                  REAL(rng, (2, 3)), REAL(rng, (3,)), REAL(rng, ())))]


def _sort_samples(rng):
    return [Sample("(5,)", (distinct(rng, (5,)),)),
            Sample("(3,4)axis0", (distinct(rng, (3, 4)),), {"axis": 0}),
            Sample("(2,3,4)axis1", (distinct(rng, (2, 3, 4)),), {"axis": 1}),
            Sample("(2,3)flat", (distinct(rng, (2, 3)),), {"axis": None})]


def _partition_samples(rng):
    return [Sample("(6,)k2", (distinct(rng, (6,)),), {"kth": 2}),
            Sample("(3,5)k(1,3)", (distinct(rng, (3, 5)),), {"kth": (1, 3)}),
            Sample("(4,3)k1axis0", (distinct(rng, (4, 3)),), {"kth": 1, "axis": 0})]


def _take_along_samples(rng):
    ix = np.array
    return [Sample("(3,4)axis1", (REAL(rng, (3, 4)), ix([[0, 3], [1, 1], [2, 0]])), {"axis": 1}),
            Sample("(3,4)axis0_bcast", (REAL(rng, (3, 4)), ix([[2, 0, 1, 1]])), {"axis": 0})]


def _cross_samples(rng):
    return [Sample("(3,)x(3,)", (REAL(rng, (3,)), REAL(rng, (3,)))),
            Sample("(2,3)x(3,)", (REAL(rng, (2, 3)), REAL(rng, (3,)))),
            Sample("(3,2)x(3,2)axis0", (REAL(rng, (3, 2)), REAL(rng, (3, 2))), {"axis": 0},
                   oracles=("jax",)),
            Sample("(2,2)x(2,3)", (REAL(rng, (2, 2)), REAL(rng, (2, 3))), oracles=()),
            Sample("(2,)x(2,)", (REAL(rng, (2,)), REAL(rng, (2,))), oracles=())]


def _append_samples(rng):
    return [Sample("(3,)(2,)", (REAL(rng, (3,)), REAL(rng, (2,)))),
            Sample("(2,3)(2,2)flat", (REAL(rng, (2, 3)), REAL(rng, (2, 2)))),
            Sample("(2,3)(1,3)axis0", (REAL(rng, (2, 3)), REAL(rng, (1, 3))), {"axis": 0})]


def _stack_samples(second):
    def gen(rng):
        return [Sample("(3,)(3,)", (REAL(rng, (3,)), REAL(rng, (3,)))),
                Sample(f"(2,3){_sh(second)}", (REAL(rng, (2, 3)), REAL(rng, second))),
                Sample("()()", (REAL(rng, ()), REAL(rng, ())))]
    return gen


def _list_of(name):
    return (lambda *xs, _n=name: getattr(wf, _n)(list(xs)),
            lambda xp, *xs, _n=name: getattr(xp, _n)(list(xs)))


SHAPES = [
    _row("roll", lambda x, shift, axis=None: wf.roll(x, shift, axis), _roll_ref,
         _cases(("(5,)2", (5,), {"shift": 2}), ("(3,4)-1axis1", (3, 4), {"shift": -1, "axis": 1}),
                ("(3,4)(1,2)axes(0,1)", (3, 4), {"shift": (1, 2), "axis": (0, 1)}),
                ("(2,3)7flat", (2, 3), {"shift": 7}), ("(4,)0", (4,), {"shift": 0}))),
    _row("rollaxis", lambda x, axis, start=0: wf.rollaxis(x, axis, start), _rollaxis_ref,
         _cases(("(2,3,4)2", (2, 3, 4), {"axis": 2}),
                ("(2,3,4)0start3", (2, 3, 4), {"axis": 0, "start": 3}),
                ("(2,3,4)-1start1", (2, 3, 4), {"axis": -1, "start": 1}))),
    _row("rot90", lambda x, k=1, axes=(0, 1): wf.rot90(x, k, axes),
         lambda xp, x, k=1, axes=(0, 1): xp.rot90(x, k, axes),
         _cases(("(2,3)", (2, 3), {}), ("(2,3)k2", (2, 3), {"k": 2}),
                ("(2,3)k-1", (2, 3), {"k": -1}),
                ("(2,3,4)k1axes(2,0)", (2, 3, 4), {"k": 1, "axes": (2, 0)}))),
    _same("flipud", _cases(("(3,)", (3,), {}), ("(3,2)", (3, 2), {}))),
    _same("fliplr", _cases(("(3,2)", (3, 2), {}), ("(2,3,2)", (2, 3, 2), {}))),
    _row("diag", lambda x, k=0: wf.diag(x, k), lambda xp, x, k=0: xp.diag(x, k),
         _cases(("(3,)", (3,), {}), ("(3,)k1", (3,), {"k": 1}), ("(2,)k-2", (2,), {"k": -2}),
                ("(3,3)", (3, 3), {}), ("(3,4)k1", (3, 4), {"k": 1}),
                ("(4,3)k-1", (4, 3), {"k": -1}))),
    _row("diagflat", lambda x, k=0: wf.diagflat(x, k), lambda xp, x, k=0: xp.diagflat(x, k),
         _cases(("(2,2)", (2, 2), {}), ("(3,)k1", (3,), {"k": 1}))),
    _row("make_diagonal", lambda x, **k: wf.make_diagonal(x, **k), _make_diagonal_ref,
         _cases(("(4,)", (4,), {}), ("(3,4)axes-1,-2", (3, 4), {"axis1": -1, "axis2": -2}),
                ("(2,3)offset1axes0,2", (2, 3), {"offset": 1, "axis1": 0, "axis2": 2}),
                ("(2,3)offset-2axes2,0", (2, 3), {"offset": -2, "axis1": 2, "axis2": 0})),
         jax_ref=None),
    _row("append", lambda x, v, **k: wf.append(x, v, **k),
         lambda xp, x, v, **k: xp.append(x, v, **k), _append_samples, torch_ref=None),
    *[_row(n, lambda x, ios, _n=n: getattr(wf, _n)(x, ios),
           lambda xp, x, ios, _n=n: getattr(xp, _n)(x, ios), _cases(*cs))
      for n, cs in (("vsplit", (("(4,2)2", (4, 2), {"ios": 2}),
                                ("(5,2)[1,3]", (5, 2), {"ios": [1, 3]}))),
                    ("hsplit", (("(2,4)2", (2, 4), {"ios": 2}), ("(6,)3", (6,), {"ios": 3}),
                                ("(2,5)[2]", (2, 5), {"ios": [2]}))),
                    ("dsplit", (("(1,2,4)2", (1, 2, 4), {"ios": 2}),
                                ("(2,1,3)[1]", (2, 1, 3), {"ios": [1]}))))],
    _row("row_stack", *_list_of("row_stack"), _stack_samples((1, 3)), jax_ref=None),
    _row("column_stack", *_list_of("column_stack"), _stack_samples((2, 1))),
    _row("dstack", *_list_of("dstack"), _stack_samples((2, 3))),
    _row("atleast_3d", lambda *xs: wf.atleast_3d(*xs), lambda xp, *xs: xp.atleast_3d(*xs),
         _cases(("()", (), {}), ("(3,)", (3,), {}), ("(2,3)", (2, 3), {}),
                ("(1,2,3,1)", (1, 2, 3, 1), {}), ("(3,)(2,3)", ((3,), (2, 3)), {}))),
    _row("sort", lambda x, axis=-1: wf.sort(x, axis), _sort_ref, _sort_samples,
         "distinct values (no ties)"),
    _row("partition", lambda x, kth, axis=-1: wf.partition(x, kth, axis),
         lambda xp, x, kth, axis=-1: xp.partition(x, kth, axis), _partition_samples,
         "distinct values; NumPy's order inside the parts (jax and torch have other orders)",
         torch_ref=None, jax_ref=None),
    _row("take_along_axis", lambda x, i, axis: wf.take_along_axis(x, i, axis), _take_along_ref,
         _take_along_samples, "real; constant indices (repeats accumulate)"),
    _row("argsort", lambda x, axis=-1: wf.argsort(x, axis),
         lambda xp, x, axis=-1: xp.argsort(x, axis=axis), _sort_samples,
         "distinct values", differentiable=False, smooth2=False, torch_ref=None),
    _row("argpartition", lambda x, kth, axis=-1: wf.argpartition(x, kth, axis),
         lambda xp, x, kth, axis=-1: xp.argpartition(x, kth, axis), _partition_samples,
         "distinct values", differentiable=False, smooth2=False, torch_ref=None, jax_ref=None),
    _row("kron", lambda a, b: wf.kron(a, b), lambda xp, a, b: xp.kron(a, b),
         _cases(("(2,)(3,)", ((2,), (3,)), {}), ("(2,2)(2,3)", ((2, 2), (2, 3)), {}),
                ("(3,)(2,2)", ((3,), (2, 2)), {}), ("(2,1,2)(2,2)", ((2, 1, 2), (2, 2)), {}))),
    _row("cross", lambda a, b, **k: wf.cross(a, b, **k), _cross_ref, _cross_samples),
    _row("select", _select_fn, _select_ref, _select_samples, "real; constant conditions",
         torch_ref=None),
    _row("r_", lambda x, y: wf.r_[x, 0:2, y, 3.0], lambda xp, x, y: xp.r_[x, 0:2, y, 3.0],
         _cases(("(2,)(3,)", ((2,), (3,)), {}), ("()(2,)", ((), (2,)), {})), torch_ref=None,
         float32=False),  # (NumPy: the integer range makes float32 parts float64)
    _row("r_[directive]", lambda x, y: wf.r_["-1,2,0", x, y],
         lambda xp, x, y: xp.r_["-1,2,0", x, y],
         _cases(("(3,)(3,)", ((3,), (3,)), {}), ("(2,)(2,)", ((2,), (2,)), {})),
         torch_ref=None),
    _row("c_", lambda x, y: wf.c_[x, y, 0:3], lambda xp, x, y: xp.c_[x, y, 0:3],
         _cases(("(3,)(3,)", ((3,), (3,)), {}), ("(3,2)(3,)", ((3, 2), (3,)), {})),
         torch_ref=None, float32=False),
]


# ============================================================================ math
def _nan_samples(rng):
    x = REAL(rng, (2, 4))
    x[0, 1], x[1, 2], x[1, 3] = np.nan, np.inf, -np.inf
    return [Sample("(4,)", (REAL(rng, (4,)),)),
            # (the default posinf is the dtype's largest number: float32 and float64 differ)
            # (central differences cannot step from inf or nan: torch and jax are the oracles)
            Sample("nan_inf(2,4)", (x,), {"posinf": 7.0, "neginf": -7.0}, numeric=False),
            Sample("nan_inf(2,4)custom", (x.copy(),), {"nan": 1.5, "posinf": 9.0,
                                                      "neginf": -9.0}, numeric=False)]


def _nan_fn(x, **k):
    return wf.nan_to_num(x, **k)


def _logaddexp_extra(rng):
    y = REAL(rng, (3,))
    return [Sample("tie(3,)", (y.copy(), y)),
            Sample("large", (np.array([1000.0, -800.0, 30.0]), np.array([999.0, -790.0, -30.0])),
                   eps=1e-9)]


def _sinc_extra(rng):
    # sinc at 0 (and next to it): every derivative from its Taylor polynomial, as in jax
    return [Sample("at_zero", (np.array([0.0, 1e-5, -0.3, 2.5]),), oracles=("jax",))]


def _fminmax_extra(rng):
    return [Sample("nan(4,)", (np.array([1.0, np.nan, -0.5, np.nan]),
                               np.array([np.nan, 2.0, 0.5, np.nan])),
                   numeric=False, second_order=False, oracles=("torch",))]


def _diff_samples(rng):
    return [Sample("(5,)", (REAL(rng, (5,)),)), Sample("(5,)n2", (REAL(rng, (5,)),), {"n": 2}),
            Sample("(3,4)axis0", (REAL(rng, (3, 4)),), {"axis": 0}),
            Sample("(3,4)prepend_append", (REAL(rng, (3, 4)), REAL(rng, (3, 1)), REAL(rng, ())),
                   {"axis": 1})]


def _diff_fn(x, *pa, **k):
    if pa:
        k = dict(k, prepend=pa[0], append=pa[1])
    return wf.diff(x, **k)


def _diff_ref(xp, x, *pa, n=1, axis=-1):
    kw = {} if not pa else {"prepend": pa[0], "append": pa[1]}
    if _torch(xp):
        kw = {k: (v if v.ndim else v.expand(x.shape[:axis % x.ndim] + (1,) +
                                            x.shape[axis % x.ndim + 1:]))
              for k, v in kw.items()}
        return xp.torch.diff(x, n=n, dim=axis, **kw)
    return xp.diff(x, n=n, axis=axis, **kw)


def _gradient_samples(rng):
    coords = np.cumsum(rng.uniform(0.5, 1.5, 5))
    return [Sample("(5,)", (REAL(rng, (5,)),)),
            Sample("(5,)h0.5", (REAL(rng, (5,)), 0.5)),
            Sample("(5,)coords", (REAL(rng, (5,)), coords)),
            Sample("(3,4)", (REAL(rng, (3, 4)),)),
            Sample("(3,4)axis1edge2", (REAL(rng, (3, 4)),), {"axis": 1, "edge_order": 2}),
            Sample("(5,)coords_edge2", (REAL(rng, (5,)), coords), {"edge_order": 2}),
            Sample("(4,3)h(2.0,0.5)", (REAL(rng, (4, 3)), 2.0, 0.5))]


def _gradient_ref(xp, f, *h, **k):
    return xp.gradient(f, *h, **k)


def _trapz_samples(rng):
    return [Sample("(5,)", (REAL(rng, (5,)),)),
            Sample("(5,)dx", (REAL(rng, (5,)),), {"dx": 0.3}),
            Sample("(3,4)x(4,)", (REAL(rng, (3, 4)), np.cumsum(POS(rng, (4,))))),
            Sample("(3,4)x(3,4)axis0", (REAL(rng, (3, 4)), np.cumsum(POS(rng, (3, 4)), 0)),
                   {"axis": 0})]


def _trapz_fn(name):
    return lambda y, *x, **k: getattr(wf, name)(y, *x, **k)


def _trapz_ref(xp, y, *x, dx=1.0, axis=-1):
    if _torch(xp):
        if x:
            return xp.torch.trapezoid(y, x[0], dim=axis)
        return xp.torch.trapezoid(y, dx=dx, dim=axis)
    return xp.trapezoid(y, *x, dx=dx, axis=axis)


def _deg(name, torch_name):
    return OpSpec(name, lambda x, _n=name: getattr(wf, _n)(x),
                  lambda xp, x, _n=name, _t=torch_name: getattr(xp, _t if _torch(xp) else _n)(x),
                  unary(REAL), "real")


def _cbrt_ref(xp, x):
    if _torch(xp):
        x = xp.t(x)
        return xp.torch.sign(x) * x.abs() ** (1.0 / 3.0)
    return xp.cbrt(x)


def _fabs_ref(xp, x):
    return xp.abs(x) if _torch(xp) else xp.fabs(x)


# complex parts: the inputs are the real and imaginary parts (real arrays); the complex
# value is built inside, so every derivative is of a real function of real inputs
def _cz_ref(xp, x, y):
    return x + 1j * y


def _parts(xp, z):
    return xp.real(z), xp.imag(z)


def _complex_samples(rng):
    return [Sample("(3,)", (REAL(rng, (3,)), REAL(rng, (3,)))),
            Sample("(2,3)x(3,)", (REAL(rng, (2, 3)), REAL(rng, (3,))))]


MATH = [
    _deg("radians", "deg2rad"), _deg("degrees", "rad2deg"), _deg("deg2rad", "deg2rad"),
    _deg("rad2deg", "rad2deg"),
    OpSpec("hypot", lambda x, y: wf.hypot(x, y), lambda xp, x, y: xp.hypot(x, y),
           binary(NONZERO, NONZERO, lambda r: [Sample("huge", (np.array([1e30, 2e30]),
                                                                np.array([1e30, -3e29])))]),
           "away from the origin"),
    *[OpSpec(n, lambda x, y, _n=n: getattr(wf, _n)(x, y),
             lambda xp, x, y, _n=n: getattr(xp, _n)(x, y),
             binary(distinct, distinct, _fminmax_extra), "no ties (one sample with NaNs)")
      for n in ("fmin", "fmax")],
    *[OpSpec(n, lambda x, y, _n=n: getattr(wf, _n)(x, y),
             lambda xp, x, y, _n=n: getattr(xp, _n)(x, y),
             binary(REAL, REAL, _logaddexp_extra), "real (ties and large values included)")
      for n in ("logaddexp", "logaddexp2")],
    OpSpec("sinc", lambda x: wf.sinc(x), lambda xp, x: xp.sinc(x),
           unary(REAL, _sinc_extra), "real, 0 included"),
    OpSpec("cbrt", lambda x: wf.cbrt(x), _cbrt_ref, unary(NONZERO), "away from 0"),
    OpSpec("fabs", lambda x: wf.fabs(x), _fabs_ref, unary(NONZERO), "away from 0"),
    OpSpec("nan_to_num", _nan_fn, lambda xp, x, **k: xp.nan_to_num(x, **k), _nan_samples,
           "real with NaN and infinities (their derivative is 0)"),
    OpSpec("real_if_close", lambda x: wf.real_if_close(x), lambda xp, x: x, unary(REAL),
           "real inputs (returned unchanged)", torch_ref=None, jax_ref=None),
    OpSpec("real", lambda x, y: wf.real(cz(x, y)), lambda xp, x, y: xp.real(_cz_ref(xp, x, y)),
           _complex_samples, "complex from its parts"),
    OpSpec("real[real_input]", lambda x: wf.real(x), lambda xp, x: xp.real(x), unary(REAL),
           "real"),
    OpSpec("imag", lambda x, y: wf.imag(cz(x, y)), lambda xp, x, y: xp.imag(_cz_ref(xp, x, y)),
           _complex_samples, "complex from its parts"),
    OpSpec("imag[real_input]", lambda x: wf.imag(x), lambda xp, x: xp.imag(x),
           unary(REAL), "real (zeros)", differentiable=False, smooth2=False, torch_ref=None),
    OpSpec("angle", lambda x, y, **k: wf.angle(cz(x, y), **k),
           lambda xp, x, y, **k: xp.angle(_cz_ref(xp, x, y), **k) if not _torch(xp) or not k
           else xp.torch.rad2deg(xp.torch.angle(_cz_ref(xp, x, y))),
           lambda r: [Sample("(3,)", (REAL(r, (3,)), NONZERO(r, (3,)))),
                      Sample("(2,3)x(3,)deg", (REAL(r, (2, 3)), NONZERO(r, (3,))),
                             {"deg": True})],
           "imaginary parts away from 0 (the branch cut and the origin)"),
    *[OpSpec(n, lambda x, y, _n=n: _parts(wf, getattr(wf, _n)(cz(x, y))),
             lambda xp, x, y: _parts(xp, xp.conj(_cz_ref(xp, x, y))), _complex_samples,
             "complex from its parts") for n in ("conj", "conjugate")],
    OpSpec("diff", _diff_fn, _diff_ref, _diff_samples, "real"),
    OpSpec("gradient", lambda f, *h, **k: wf.gradient(f, *h, **k), _gradient_ref,
           _gradient_samples, "real; spacing numbers or increasing coordinates",
           torch_ref=None, jax_ref=lambda xp, f, *h, **k: _jax_gradient(xp, f, *h, **k)),
    OpSpec("trapezoid", _trapz_fn("trapezoid"), _trapz_ref, _trapz_samples, "real"),
    OpSpec("trapz", _trapz_fn("trapz"), _trapz_ref, _trapz_samples, "real", full=False),
]


def _jax_gradient(xp, f, *h, **k):
    # jax.numpy.gradient gives a list for several axes (NumPy a tuple); it has no
    # edge_order=2, and the jax check reads the first two samples only (edge_order=1)
    r = xp.gradient(f, *h, **k)
    return tuple(r) if isinstance(r, list) else r


# ============================================================================ methods
METHODS_MORE = [
    OpSpec("Tensor.cumprod", lambda x, **k: _as_tensor(x).cumprod(**k),
           lambda xp, x, axis=None: xp.cumprod(x, axis=axis),
           _cases(("(4,)", (4,), {}, POS), ("(2,3)axis1", (2, 3), {"axis": 1}, POS)),
           "as cumprod", full=False),
    OpSpec("Tensor.argsort", lambda x, **k: _as_tensor(x).argsort(**k),
           lambda xp, x, axis=-1: xp.argsort(x, axis=axis), _sort_samples, "distinct",
           differentiable=False, smooth2=False, torch_ref=None, full=False),
    OpSpec("Tensor.real", lambda x, y: cz(x, y).real,
           lambda xp, x, y: xp.real(_cz_ref(xp, x, y)), _complex_samples, "as real",
           full=False),
    OpSpec("Tensor.imag", lambda x, y: cz(x, y).imag,
           lambda xp, x, y: xp.imag(_cz_ref(xp, x, y)), _complex_samples, "as imag",
           full=False),
    OpSpec("Tensor.conj", lambda x, y: _parts(wf, cz(x, y).conj()),
           lambda xp, x, y: _parts(xp, xp.conj(_cz_ref(xp, x, y))), _complex_samples,
           "as conj", full=False),
]

SPECS_MORE: list[OpSpec] = SHAPES + MATH + METHODS_MORE

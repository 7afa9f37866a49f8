"""More spec rows (read with tests/spec.py by tests/test_spec_ops.py): the public ops beyond
API.md section 1's list (each reaches a primitive of its own), and the Tensor face of the
ops: NumPy-named methods and Python operators.
"""
from __future__ import annotations

from typing import Callable

import numpy as np

import weifen as wf
from spec import (BINARY_SHAPES, MODERATE, NONZERO, POS, REAL, OpSpec, Sample, _as_tensor,
                  _clip_x, _log_softmax_ref, _mod_samples, _norm_samples, _pairs, _sh,
                  _softmax_ref, _softmax_samples, _sym, _trace_samples, binary, distinct,
                  fixed, reductions, spd, unary, wellcond)

# ============================================================================ more public ops
def _scan_samples(domain, extra=None):
    def gen(rng):
        out = [Sample("(4,)", (domain(rng, (4,)),)), Sample("(2,3)flat", (domain(rng, (2, 3)),)),
               Sample("(2,3)axis1", (domain(rng, (2, 3)),), {"axis": 1}),
               Sample("(2,3,2)axis0", (domain(rng, (2, 3, 2)),), {"axis": 0})]
        return out + (extra(rng) if extra else [])
    return gen


def _cumprod_zeros(rng):
    x = MODERATE(rng, (2, 4))
    x[0, 1] = x[1, 3] = 0.0
    return [Sample("zeros(2,4)axis1", (x,), {"axis": 1})]


def _tri_samples(rng):
    return [Sample("(3,3)", (REAL(rng, (3, 3)),)),
            Sample("(3,4)k1", (REAL(rng, (3, 4)),), {"k": 1}),
            Sample("(3,4)k-1", (REAL(rng, (3, 4)),), {"k": -1}),
            Sample("(2,3,3)", (REAL(rng, (2, 3, 3)),))]


def _take_samples(rng):
    ix = np.array
    return [Sample("(5,)flat_repeated", (REAL(rng, (5,)), ix([0, 2, 0, 4]))),
            Sample("(3,4)flat_2d", (REAL(rng, (3, 4)), ix([[0, 11], [5, 5]]))),
            Sample("(3,4)axis1", (REAL(rng, (3, 4)), ix([3, 0, 3])), {"axis": 1}),
            Sample("(3,4)axis0_int", (REAL(rng, (3, 4)), 2), {"axis": 0})]


def _update_samples(rng):
    ix = np.array
    return [Sample("(5,)[0,3]=(2,)", (REAL(rng, (5,)), REAL(rng, (2,))), {"index": ix([0, 3])}),
            Sample("(3,4)[1]=(4,)", (REAL(rng, (3, 4)), REAL(rng, (4,))), {"index": 1}),
            Sample("(3,4)[:,2]=()", (REAL(rng, (3, 4)), REAL(rng, ())),
                   {"index": (slice(None), 2)}),
            Sample("(2,3)[mask]=(3,)", (REAL(rng, (2, 3)), REAL(rng, (3,))),
                   {"index": ix([True, False])})]


def _nd_reductions(domain):
    def gen(rng):
        return [Sample("(4,)", (domain(rng, (4,)),)),
                Sample("(3,4)axis0", (domain(rng, (3, 4)),), {"axis": 0}),
                Sample("(3,4)axis-1keep", (domain(rng, (3, 4)),), {"axis": -1, "keepdims": True}),
                Sample("(2,3,2)", (domain(rng, (2, 3, 2)),))]
    return gen


def _some_zeros(rng, shape):
    return np.asarray(rng.choice([0.0, 1.0, -2.0], shape), np.float64)


def _tensordot_samples(rng):
    cases = [((2, 3, 4), (3, 4, 2), 2), ((2, 3), (3, 4), 1), ((2, 3), (2, 3), ([0, 1], [0, 1])),
             ((3, 2), (2, 3), ([1], [0])), ((2,), (3,), 0)]
    return [Sample(f"{_sh(a)}.{_sh(b)}axes{_sh(ax)}", (REAL(rng, a), REAL(rng, b)), {"axes": ax})
            for a, b, ax in cases]


def _tri_solve(xp, a, b, lower):
    return xp.solve_triangular(xp.tril(a) if lower else xp.triu(a), b, lower=lower)


def _tri_solve_samples(rng):
    return [Sample("lower(3,3)(3,)", (wellcond(rng, 3), REAL(rng, (3,))), {"lower": True}),
            Sample("upper(3,3)(3,2)", (wellcond(rng, 3), REAL(rng, (3, 2))), {"lower": False}),
            Sample("lower(3,3)(3,2)", (wellcond(rng, 3), REAL(rng, (3, 2))), {"lower": True})]


def _sym_samples(rng):
    return [Sample("spd(3,3)", (spd(rng, 3),)), Sample("sym(3,3)", (REAL(rng, (3, 3)),)),
            Sample("spd(2,3,3)", (spd(rng, 3, (2,)),))]


MORE = [
    OpSpec("cumsum", lambda x, **k: wf.cumsum(x, **k), lambda xp, x, **k: xp.cumsum(x, **k),
           _scan_samples(REAL), "real"),
    OpSpec("cumprod", lambda x, **k: wf.cumprod(x, **k), lambda xp, x, **k: xp.cumprod(x, **k),
           _scan_samples(MODERATE, _cumprod_zeros), "0.5 <= |x| <= 1.5; one sample with zeros"),
    *[OpSpec(n, lambda x, _n=n, **k: getattr(wf, _n)(x, **k),
             lambda xp, x, _n=n, **k: getattr(xp, _n)(x, **k), _nd_reductions(d), "",
             differentiable=False, smooth2=False)
      for n, d in (("argmax", distinct), ("argmin", distinct), ("all", _some_zeros),
                   ("any", _some_zeros), ("count_nonzero", _some_zeros))],
    OpSpec("copy", lambda x: wf.copy(x), lambda xp, x: xp.copy(x), unary(REAL), "real"),
    OpSpec("stop_gradient", lambda x: wf.stop_gradient(x), lambda xp, x: x, unary(REAL), "real",
           differentiable=False, smooth2=False),
    OpSpec("ravel", lambda x: wf.ravel(x), lambda xp, x: xp.ravel(x), unary(REAL), "real"),
    OpSpec("tril", lambda x, k=0: wf.tril(x, k), lambda xp, x, k=0: xp.tril(x, k), _tri_samples,
           "real"),
    OpSpec("triu", lambda x, k=0: wf.triu(x, k), lambda xp, x, k=0: xp.triu(x, k), _tri_samples,
           "real"),
    OpSpec("diagonal", lambda x, **k: wf.diagonal(x, **k), lambda xp, x, **k: xp.diagonal(x, **k),
           _trace_samples, "real"),
    OpSpec("take", lambda x, i, **k: wf.take(x, i, **k), lambda xp, x, i, **k: xp.take(x, i, **k),
           _take_samples, "real; constant indices"),
    OpSpec("index_update", lambda x, v, index: wf.index_update(x, index, v),
           lambda xp, x, v, index: xp.index_update(x, index, v), _update_samples,
           "real; indices without repeats (NumPy keeps an unspecified copy)"),
    OpSpec("vstack", lambda *xs: wf.vstack(list(xs)), lambda xp, *xs: xp.vstack(list(xs)),
           fixed(lambda r: Sample("(3,)(3,)", (REAL(r, (3,)), REAL(r, (3,)))),
                 lambda r: Sample("(2,3)(1,3)", (REAL(r, (2, 3)), REAL(r, (1, 3))))), "real"),
    OpSpec("hstack", lambda *xs: wf.hstack(list(xs)), lambda xp, *xs: xp.hstack(list(xs)),
           fixed(lambda r: Sample("(3,)(2,)", (REAL(r, (3,)), REAL(r, (2,)))),
                 lambda r: Sample("(2,3)(2,1)", (REAL(r, (2, 3)), REAL(r, (2, 1))))), "real"),
    OpSpec("array_split", lambda x, ios, axis=0: wf.array_split(x, ios, axis=axis),
           lambda xp, x, ios, axis=0: xp.array_split(x, ios, axis=axis),
           fixed(lambda r: Sample("(5,)3", (REAL(r, (5,)),), {"ios": 3}),
                 lambda r: Sample("(2,5)[1,3]axis1", (REAL(r, (2, 5)),),
                                  {"ios": [1, 3], "axis": 1})),
           "real"),
    OpSpec("tensordot", lambda a, b, axes=2: wf.tensordot(a, b, axes),
           lambda xp, a, b, axes=2: xp.tensordot(a, b, axes), _tensordot_samples, "real"),
    OpSpec("inner", lambda a, b: wf.inner(a, b), lambda xp, a, b: xp.inner(a, b),
           _pairs([((3,), (3,)), ((2, 3), (4, 3)), ((), (2,))]), "real"),
    OpSpec("linalg.solve_triangular",
           lambda a, b, lower: _tri_solve(_WF_TRI, a, b, lower), _tri_solve, _tri_solve_samples,
           "well-conditioned triangular matrices", grad_rtol=1e-4, f32_rtol=1e-3, f32_atol=1e-4),
    OpSpec("linalg.solve_triangular[full_a]",
           lambda a, b, lower: wf.linalg.solve_triangular(a, b, lower=lower),
           lambda xp, a, b, lower: xp.solve_triangular(a, b, lower=lower), _tri_solve_samples,
           "well-conditioned; the other triangle must be ignored (zero gradient there)",
           grad_rtol=1e-4, f32_rtol=1e-3, f32_atol=1e-4),
    OpSpec("linalg.eigh[values]", lambda a: wf.linalg.eigh(_sym(wf, a))[0],
           lambda xp, a: xp.linalg.eigh(_sym(xp, a))[0], _sym_samples,
           "symmetric (symmetrised first), distinct eigenvalues", grad_rtol=1e-4,
           f32_rtol=1e-3, f32_atol=1e-4),
    # eigenvectors are defined up to sign: their squares are not
    OpSpec("linalg.eigh[vectors**2]", lambda a: wf.linalg.eigh(_sym(wf, a))[1] ** 2,
           lambda xp, a: xp.linalg.eigh(_sym(xp, a))[1] ** 2, _sym_samples,
           "symmetric (symmetrised first), distinct eigenvalues", grad_rtol=1e-4,
           f32_rtol=1e-3, f32_atol=1e-3),
    OpSpec("linalg.eigvalsh", lambda a: wf.linalg.eigvalsh(_sym(wf, a)),
           lambda xp, a: xp.linalg.eigvalsh(_sym(xp, a)), _sym_samples,
           "symmetric (symmetrised first), distinct eigenvalues", grad_rtol=1e-4,
           f32_rtol=1e-3, f32_atol=1e-4),
]



# ============================================================================ methods, operators
# The Tensor face of the same ops: NumPy-named methods and Python operators (also with a
# NumPy array on the left: ``C - x``), against the same NumPy references.
# They are thin wrappers of the function rows, so they run the light checks only.
def _method(name: str, gen: Callable, ref_name: str | None = None, **kw) -> OpSpec:
    return OpSpec(f"Tensor.{name}",
                  lambda x, *a, _n=name, **k: getattr(_as_tensor(x), _n)(*a, **k),
                  lambda xp, x, *a, _n=ref_name or name, **k: getattr(xp, _n)(x, *a, **k),
                  gen, "as the function's row", full=False, **kw)


def _op(name: str, op: Callable, ref: Callable, gen: Callable, **kw) -> OpSpec:
    # a Python float on the left stays one (it tests the reflected operator)
    return OpSpec(f"op.{name}",
                  lambda *a: op(a[0] if isinstance(a[0], float) else _as_tensor(a[0]), *a[1:]),
                  ref, gen,
                  "as the function's row", full=False, **kw)


def _const_left(rng):
    # a constant NumPy array on the left of the operator: only x is differentiated
    return [Sample("(2,3)op(2,3)", (NONZERO(rng, (2, 3)), REAL(rng, (2, 3))), diff=(0,)),
            Sample("(3,)op(2,3)", (NONZERO(rng, (3,)), REAL(rng, (2, 3))), diff=(0,))]


def _reshape_m(rng):
    return [Sample("varargs", (REAL(rng, (2, 3)),), {"shape": (3, 2), "varargs": True}),
            Sample("tuple", (REAL(rng, (2, 3)),), {"shape": (-1,), "varargs": False})]


def _transpose_m(rng):
    return [Sample("noaxes", (REAL(rng, (2, 3, 2)),), {"axes": ()}),
            Sample("axes", (REAL(rng, (2, 3, 2)),), {"axes": (1, 0, 2)})]


METHODS = [
    _method("sum", reductions(REAL)), _method("mean", reductions(REAL)),
    _method("prod", reductions(MODERATE)), _method("max", reductions(distinct)),
    _method("min", reductions(distinct)),
    _method("var", reductions(REAL, (((3, 4), {"axis": 1, "ddof": 1}),))),
    _method("std", reductions(REAL, (((3, 4), {"axis": 1, "ddof": 1}),), scalar=False)),
    _method("cumsum", _scan_samples(REAL)), _method("trace", _trace_samples),
    _method("diagonal", _trace_samples),
    OpSpec("Tensor.norm", lambda x, **k: _as_tensor(x).norm(**k),
           lambda xp, x, **k: xp.linalg.norm(x, **k), _norm_samples, "as norm", grad_rtol=1e-4,
           f32_rtol=1e-3, f32_atol=1e-4, full=False),
    _method("flatten", unary(REAL), "ravel"), _method("copy", unary(REAL)),
    _method("swapaxes", fixed(lambda r: Sample("(2,3)", (REAL(r, (2, 3)), 0, 1)))),
    _method("squeeze", fixed(lambda r: Sample("(1,3,1)", (REAL(r, (1, 3, 1)),)),
                             lambda r: Sample("(1,3,1)axis2", (REAL(r, (1, 3, 1)),), {"axis": 2}))),
    _method("repeat", fixed(lambda r: Sample("(2,3)2axis1", (REAL(r, (2, 3)), 2), {"axis": 1}),
                            lambda r: Sample("(2,3)3", (REAL(r, (2, 3)), 3)))),
    _method("dot", _pairs([((2, 3), (3,)), ((3,), (3,))])),
    _method("clip", fixed(
        lambda r: Sample("(2,3)", (_clip_x(r, (2, 3)), -0.5, 0.5)),
        lambda r: Sample("(4,)max", (_clip_x(r, (4,)), None, 0.5))), "clip"),
    _method("pow", binary(POS, REAL, shapes=[p for p in BINARY_SHAPES if p[0] != "f"])),
    *[_method(n, unary(d)) for n, d in (("exp", REAL), ("log", POS), ("sqrt", POS),
                                        ("tanh", REAL), ("sigmoid", REAL), ("relu", NONZERO),
                                        ("abs", NONZERO), ("sin", REAL), ("cos", REAL))],
    OpSpec("Tensor.softmax", lambda x, axis=-1: _as_tensor(x).softmax(axis),
           lambda xp, x, axis=-1: _softmax_ref(xp, x, axis), _softmax_samples, "real",
           full=False),
    OpSpec("Tensor.log_softmax", lambda x, axis=-1: _as_tensor(x).log_softmax(axis),
           lambda xp, x, axis=-1: _log_softmax_ref(xp, x, axis), _softmax_samples, "real",
           full=False),
    _method("argmax", _nd_reductions(distinct), differentiable=False, smooth2=False),
    _method("argmin", _nd_reductions(distinct), differentiable=False, smooth2=False),
    OpSpec("Tensor.reshape", lambda x, shape, varargs: (_as_tensor(x).reshape(*shape) if varargs
                                                        else _as_tensor(x).reshape(shape)),
           lambda xp, x, shape, varargs: xp.reshape(x, shape), _reshape_m, "real", full=False),
    OpSpec("Tensor.transpose", lambda x, axes: _as_tensor(x).transpose(*axes),
           lambda xp, x, axes: xp.transpose(x, axes or None), _transpose_m, "real", full=False),
    OpSpec("Tensor.T", lambda x: _as_tensor(x).T, lambda xp, x: xp.transpose(x), unary(REAL),
           "real", full=False),
]

OPERATORS = [
    _op("x+y", lambda x, y: x + y, lambda xp, x, y: xp.add(x, y), binary(REAL, REAL)),
    _op("x-y", lambda x, y: x - y, lambda xp, x, y: xp.subtract(x, y), binary(REAL, REAL)),
    _op("x*y", lambda x, y: x * y, lambda xp, x, y: xp.multiply(x, y), binary(REAL, REAL)),
    _op("x/y", lambda x, y: x / y, lambda xp, x, y: xp.divide(x, y), binary(NONZERO, NONZERO)),
    _op("x**y", lambda x, y: x ** y, lambda xp, x, y: xp.power(x, y), binary(POS, REAL)),
    _op("x%y", lambda x, y: x % y, lambda xp, x, y: xp.mod(x, y), _mod_samples),
    _op("x//y", lambda x, y: x // y, lambda xp, x, y: xp.floor_divide(x, y),
        binary(NONZERO, NONZERO), differentiable=False, smooth2=False),
    _op("-x", lambda x: -x, lambda xp, x: xp.negative(x), unary(REAL)),
    _op("abs(x)", lambda x: abs(x), lambda xp, x: xp.abs(x), unary(NONZERO)),
    _op("C-x", lambda x, c: c - x, lambda xp, x, c: xp.subtract(c, x), _const_left),
    _op("C*x", lambda x, c: c * x, lambda xp, x, c: xp.multiply(c, x), _const_left),
    _op("C/x", lambda x, c: c / x, lambda xp, x, c: xp.divide(c, x), _const_left),
    _op("C@x", lambda x, c: c @ x, lambda xp, x, c: xp.matmul(c, x),
        fixed(lambda r: Sample("(2,3)@(3,2)", (REAL(r, (3, 2)), REAL(r, (2, 3))), diff=(0,)))),
]


class _WFTri:
    """weifen's names for ``_tri_solve``."""

    def tril(self, a):
        return wf.tril(a)

    def triu(self, a):
        return wf.triu(a)

    def solve_triangular(self, a, b, lower=False):
        return wf.linalg.solve_triangular(a, b, lower=lower)


_WF_TRI = _WFTri()

# the NumPy extras and wf.fft (issue 12), in files of their own
from spec_fft import SPECS_FFT  # noqa: E402
from spec_more import SPECS_MORE  # noqa: E402
from spec_decomp import SPECS_DECOMP  # noqa: E402  (wf.linalg's decompositions)

SPECS_EXTRA: list[OpSpec] = MORE + METHODS + OPERATORS + SPECS_MORE + SPECS_FFT + SPECS_DECOMP

# wf.nn.functional's sliding windows (im2col/col2im primitives, conv2d, max_pool2d)
from spec_conv import SPECS_CONV  # noqa: E402

SPECS_EXTRA += SPECS_CONV

# weifen.scipy (issue 12): special and stats in spec_scipy_special.py, linalg, signal and
# integrate in spec_scipy_linalg.py
from spec_scipy_special import SPECS_SCIPY_SPECIAL  # noqa: E402
from spec_scipy_linalg import SPECS_SCIPY_LINALG  # noqa: E402

SPECS_EXTRA += SPECS_SCIPY_SPECIAL + SPECS_SCIPY_LINALG

"""The op spec: one row per public op (OpInfo-style), read by tests/test_spec_ops.py.

A row (:class:`OpSpec`) holds the weifen function, a reference written once with NumPy names
(``ref(xp, *args, **kwargs)``; ``xp`` is NumPy, ``jax.numpy`` or torch behind NumPy names, see
``tests/_oracles.py``), a sample generator, the domain the samples are drawn from, tolerances
and flags. A :class:`Sample` is positional ``args`` plus static ``kwargs``; the float arrays
among ``args`` are the differentiable inputs (``diff`` overrides), Python floats and bool or
integer arrays are constants (a Python float next to a float32 array tests the dtype rule).

Domains keep samples away from where the reference is not differentiable: logs see positive
numbers, ``arccosh`` numbers above 1, ``abs``/``relu``/``clip`` never sit on a kink,
``max``/``min`` never tie (except in samples marked ``second_order=False`` that check the
1/2 subgradient at ties), ``inv``/``solve``/``det`` get well-conditioned matrices and
``cholesky`` symmetric positive definite ones.
"""
from __future__ import annotations

import zlib
from dataclasses import dataclass, field, replace
from typing import Callable

import numpy as np

import weifen as wf
from weifen.core.primitive import Box


# ============================================================================ data types
@dataclass
class Sample:
    desc: str                      # unique within its row; part of the test id
    args: tuple
    kwargs: dict = field(default_factory=dict)
    diff: tuple | None = None      # positions of the differentiable args (default: float arrays)
    eps: float = 1e-6              # relative finite-difference step (10x for second order)
    numeric: bool = True           # False: finite differences cannot see it (e.g. -inf inputs)
    second_order: bool = True      # False on a kink/tie where only first order is defined
    oracles: tuple = ("torch", "jax")

    def __post_init__(self) -> None:
        if self.diff is None:
            self.diff = tuple(i for i, a in enumerate(self.args)
                              if isinstance(a, np.ndarray) and a.dtype.kind == "f")


@dataclass
class OpSpec:
    name: str
    fn: Callable                   # weifen: fn(*args, **kwargs)
    ref: Callable                  # ref(xp, *args, **kwargs), NumPy names
    samples: Callable[[np.random.Generator], list[Sample]]
    domain: str = "real"
    rtol: float = 1e-10            # value against NumPy
    atol: float = 1e-12
    grad_rtol: float = 1e-5        # derivatives against finite differences
    grad_atol: float = 1e-6
    f32_rtol: float = 2e-4         # float32 against float64
    f32_atol: float = 2e-5
    differentiable: bool = True
    smooth2: bool = True           # second derivatives exist on the samples
    float32: bool = True
    torch_ref: Callable | None | str = "same"   # "same": ref(tnp); None: no torch oracle
    full: bool = True              # False: values, float32 and the VJP only (thin wrappers)
    jax_ref: Callable | None | str = "same"


def rng_for(name: str) -> np.random.Generator:
    return np.random.default_rng(zlib.crc32(name.encode()))


# ============================================================================ domains
def dom(lo: float, hi: float, sign: bool = False) -> Callable:
    """Uniform on [lo, hi] (on +-[lo, hi] with ``sign``), as an array of the given shape."""
    def gen(rng, shape):
        x = rng.uniform(lo, hi, shape)
        if sign:
            x = x * rng.choice([-1.0, 1.0], shape)
        return np.asarray(x, dtype=np.float64)
    return gen


REAL = dom(-2.0, 2.0)
POS = dom(0.5, 2.5)
UNIT = dom(-0.8, 0.8)             # arcsin, arccos, arctanh
GT1 = dom(1.2, 3.0)               # arccosh
GTM1 = dom(-0.6, 2.0)             # log1p
TAN = dom(-1.2, 1.2)              # tan: away from the poles at +-pi/2
NONZERO = dom(0.3, 2.0, sign=True)  # away from the kink at 0
MODERATE = dom(0.5, 1.5, sign=True)  # prod: no zeros, no blow-up


def distinct(rng, shape):
    """Values at least 0.3 apart (max/min/sort never tie, not even after a finite step)."""
    n = int(np.prod(shape, dtype=np.int64))
    x = rng.permutation(n) * 0.3 - 0.15 * n + rng.uniform(0, 0.05)
    return np.asarray(x.reshape(shape), dtype=np.float64)


def spd(rng, n, batch=()):
    a = rng.standard_normal(batch + (n, n))
    return a @ np.swapaxes(a, -1, -2) / n + np.eye(n)


def wellcond(rng, n, batch=()):
    """A random matrix with singular values in about [0.5, 2] (inv, solve, det)."""
    return rng.uniform(-0.4, 0.4, batch + (n, n)) + np.eye(n) * rng.choice([-1.0, 1.0])


# ============================================================================ sample builders
def unary(domain: Callable, extra: Callable | None = None) -> Callable:
    """0-d, 1-D, 2-D; a Python float and an integer array (values only: no float input)."""
    ints = np.array([0]) if domain is UNIT else np.array([1, 2, 3])

    def gen(rng):
        out = [Sample("()", (domain(rng, ()),)),
               Sample("(4,)", (domain(rng, (4,)),)),
               Sample("(2,3)", (domain(rng, (2, 3)),)),
               Sample("pyfloat", (float(domain(rng, ())),)),
               Sample("int(3,)", (ints,))]
        return out + (extra(rng) if extra else [])
    return gen


def _extreme(rng):
    # saturation: naive formulas overflow or lose everything here
    return [Sample("extreme", (np.array([-800.0, -30.0, 30.0, 800.0]),))]


BINARY_SHAPES = [((3,), (3,)), ((3, 1), (1, 4)), ((2, 3), (3,)), ((), (2, 3)),
                 ((2, 3), "f"), ("f", (2, 3))]


def _sh(shape) -> str:
    return "float" if shape == "f" else str(shape).replace(" ", "")


def _kw(kw: dict) -> str:
    return ",".join(f"{k}={v}" for k, v in kw.items()).replace(" ", "")


def binary(dx: Callable, dy: Callable, extra: Callable | None = None,
           shapes: list = BINARY_SHAPES) -> Callable:
    """Broadcasting pairs; "f" is a Python float (a constant next to the array)."""
    def gen(rng):
        out = []
        for sx, sy in shapes:
            x = float(dx(rng, ())) if sx == "f" else dx(rng, sx)
            y = float(dy(rng, ())) if sy == "f" else dy(rng, sy)
            out.append(Sample(f"{_sh(sx)}x{_sh(sy)}", (x, y)))
        return out + (extra(rng) if extra else [])
    return gen


def fixed(*make: Callable) -> Callable:
    """Samples from explicit builders ``rng -> Sample``."""
    def gen(rng):
        return [m(rng) for m in make]
    return gen


def _mod_samples(rng):
    # x = y * (k + f) with f in [0.2, 0.8]: x / y never near an integer (the jumps of mod)
    out = []
    for sx, sy in [((3,), (3,)), ((2, 3), (3,)), ((2, 3), "f")]:
        y = 1.5 if sy == "f" else POS(rng, sy)
        x = y * (rng.integers(-2, 3, sx) + rng.uniform(0.2, 0.8, sx))
        out.append(Sample(f"{_sh(sx)}x{_sh(sy)}", (np.asarray(x, np.float64), y)))
    return out


def _tie(rng):
    y = REAL(rng, (3,))
    return [Sample("tie(3,)x(3,)", (y.copy(), y), second_order=False)]


def _abs_kink(rng):
    # |x| at 0: central differences and torch/jax all take the subgradient 0
    return [Sample("at_kink", (np.array([0.0, 1.5, -0.5]),), second_order=False)]


def _relu_kink(rng):
    # relu'(0) = 0 as in torch (central differences would say 1/2)
    return [Sample("at_kink", (np.array([0.0, 1.5, -0.5]),), second_order=False, numeric=False,
                   oracles=("torch",))]


def _max_tie(rng):
    # two-way ties share the gradient equally (torch.amax, jax); central differences agree
    return [Sample("tie2(4,)", (np.array([1.0, 3.0, 3.0, -1.0]),), second_order=False),
            Sample("tie2(2,3)axis1", (np.array([[0.5, 2.0, 2.0], [1.0, -1.0, 1.0]]),),
                   {"axis": 1}, second_order=False)]


def _min_tie(rng):
    return [replace(t, args=(-t.args[0],)) for t in _max_tie(rng)]


def _pow_extra(rng):
    x = REAL(rng, (2, 3))
    z = np.array([0.0, 1.5, 0.0, -0.7])
    return [Sample("neg_base**2.0", (x, 2.0)), Sample("neg_base**3.0", (x, 3.0)),
            Sample("zero_base**3.0", (z, 3.0)), Sample("zero_base**2.0", (z, 2.0))]


def _clip_x(rng, shape):
    # three bands away from the bounds -0.5 and 0.5
    band = rng.integers(0, 3, shape)
    return np.asarray(np.choose(band, [rng.uniform(-2, -0.7, shape), rng.uniform(-0.3, 0.3, shape),
                                       rng.uniform(0.7, 2, shape)]), np.float64)


def _clip_samples(rng):
    return [Sample("(2,3)[-0.5,0.5]", (_clip_x(rng, (2, 3)), -0.5, 0.5)),
            Sample("(4,)[None,0.5]", (_clip_x(rng, (4,)), None, 0.5)),
            Sample("()[-0.5,None]", (_clip_x(rng, ()), -0.5, None)),
            # on a bound the gradient passes, as in torch.clamp (central differences: 1/2)
            Sample("at_bounds", (np.array([-0.5, 0.5, 0.0, 1.0]), -0.5, 0.5), numeric=False,
                   second_order=False, oracles=("torch",)),
            # array bounds, differentiable like torch.clamp's tensor bounds
            Sample("(2,3)[lo(3,),hi()]", (_clip_x(rng, (2, 3)), np.array([-0.5, -2.5, 0.25]),
                                          np.array(0.5)))]


def _where_samples(rng):
    return [Sample("c(3,)x(3,)y(3,)", (rng.random(3) > 0.5, REAL(rng, (3,)), REAL(rng, (3,)))),
            Sample("c(3,1)x(1,4)yfloat", (rng.random((3, 1)) > 0.5, REAL(rng, (1, 4)), 1.5)),
            Sample("c(2,3)x()y(2,3)", (np.array([[True, False, True], [False, False, True]]),
                                        REAL(rng, ()), REAL(rng, (2, 3))))]


def reductions(domain: Callable, variants: tuple = (), extra: Callable | None = None,
               scalar: bool = True) -> Callable:
    """Reductions over the usual axis/keepdims cases plus ``variants`` (extra kwargs)."""
    cases = [((4,), {}), ((3, 4), {"axis": 0}), ((3, 4), {"axis": -1, "keepdims": True}),
             ((2, 3, 2), {"axis": (0, 2)}), ((2, 3, 2), {"keepdims": True})]
    cases += [((), {})] if scalar else []

    def gen(rng):
        out = []
        for shape, kw in cases + list(variants):
            out.append(Sample(f"{_sh(shape)}{_kw(kw)}", (domain(rng, shape),), dict(kw)))
        # integers: values and result dtypes only (mean/var/std/norm give float64)
        out.append(Sample("int(3,4)axis0", (np.array([[1, 2, 3, 4], [2, 0, 1, 3], [1, 1, 2, 5]]),),
                          {"axis": 0}))
        return out + (extra(rng) if extra else [])
    return gen


def _sum_extra(rng):
    return [Sample("(2,3)axis()", (REAL(rng, (2, 3)),), {"axis": ()}),
            Sample("empty(0,3)axis0", (np.zeros((0, 3)),), {"axis": 0})]


def _lse_extra(rng):
    # eps: the relative step must stay small in absolute terms next to 1000
    return [Sample("large", (np.array([1000.0, 1001.0, 999.5]),), eps=1e-9),
            Sample("with_-inf", (np.array([-np.inf, 0.5, -1.0]),), second_order=False,
                   numeric=False, oracles=("torch",))]


def _prod_zeros(rng):
    x = MODERATE(rng, (3, 4))
    x[1, 2] = 0.0
    y = MODERATE(rng, (2, 3))
    y[0, 0] = y[0, 2] = 0.0
    return [Sample("one_zero(3,4)axis1", (x,), {"axis": 1}),
            Sample("two_zeros(2,3)", (y,))]


def _norm_samples(rng):
    v = NONZERO(rng, (5,))
    m = NONZERO(rng, (3, 4))
    d = distinct(rng, (5,))  # inf-norms: |x| must not tie
    out = [Sample("vec", (v,)), Sample("vec_ord1", (v,), {"ord": 1}),
           Sample("vec_ord2", (v,), {"ord": 2}), Sample("vec_ord3", (v,), {"ord": 3}),
           Sample("vec_ordinf", (d,), {"ord": np.inf}),
           Sample("vec_ord-inf", (d,), {"ord": -np.inf}),
           Sample("mat", (m,)), Sample("mat_fro", (m,), {"ord": "fro"}),
           Sample("mat_ord1", (NONZERO(rng, (3, 3)) + 3 * np.eye(3),), {"ord": 1}),
           Sample("mat_ordinf", (NONZERO(rng, (3, 3)) + 3 * np.eye(3),), {"ord": np.inf}),
           Sample("mat_nuc", (m,), {"ord": "nuc"}), Sample("mat_ord2", (m,), {"ord": 2}),
           Sample("(3,4)axis1", (m,), {"axis": 1}),
           Sample("(3,4)axis0_keep", (m,), {"axis": 0, "keepdims": True}),
           Sample("(2,3,2)axis(0,2)fro", (NONZERO(rng, (2, 3, 2)),), {"axis": (0, 2)}),
           Sample("3d_flat", (NONZERO(rng, (2, 3, 2)),)),
           Sample("vec_ord0.5", (v,), {"ord": 0.5}),
           Sample("mat_ord-1", (NONZERO(rng, (3, 3)) + 3 * np.eye(3),), {"ord": -1}),
           Sample("mat_ord-inf", (NONZERO(rng, (3, 3)) + 3 * np.eye(3),), {"ord": -np.inf}),
           Sample("mat_ord-2", (m,), {"ord": -2})]
    return out


def _softmax_samples(rng):
    return [Sample("(4,)", (REAL(rng, (4,)),)), Sample("(2,3)", (REAL(rng, (2, 3)),)),
            Sample("(2,3)axis0", (REAL(rng, (2, 3)),), {"axis": 0}),
            Sample("(2,3,2)axis1", (REAL(rng, (2, 3, 2)),), {"axis": 1}),
            Sample("large", (np.array([1000.0, 1001.0, 999.5]),), eps=1e-9)]


def _ew(name: str, domain: Callable, dname: str, extra=None, **kw) -> OpSpec:
    return OpSpec(name, lambda *a, _n=name: getattr(wf, _n)(*a),
                  lambda xp, *a, _n=name: getattr(xp, _n)(*a), unary(domain, extra), dname, **kw)


def _bin(name: str, dx: Callable, dy: Callable, dname: str, extra=None, **kw) -> OpSpec:
    return OpSpec(name, lambda *a, _n=name: getattr(wf, _n)(*a),
                  lambda xp, *a, _n=name: getattr(xp, _n)(*a), binary(dx, dy, extra), dname, **kw)


def _red(name: str, domain: Callable, dname: str, variants=(), extra=None, scalar=True,
         **kw) -> OpSpec:
    return OpSpec(name, lambda x, _n=name, **k: getattr(wf, _n)(x, **k),
                  lambda xp, x, _n=name, **k: getattr(xp, _n)(x, **k),
                  reductions(domain, variants, extra, scalar), dname, **kw)


def _nondiff(name: str, domain: Callable, arity: int = 1, **kw) -> OpSpec:
    gen = unary(domain) if arity == 1 else binary(domain, domain)
    return OpSpec(name, lambda *a, _n=name: getattr(wf, _n)(*a),
                  lambda xp, *a, _n=name: getattr(xp, _n)(*a), gen, "real",
                  differentiable=False, smooth2=False, **kw)


# ============================================================================ elementwise
ELEMENTWISE = [
    _bin("add", REAL, REAL, "real"),
    _bin("subtract", REAL, REAL, "real"),
    _bin("multiply", REAL, REAL, "real"),
    _bin("divide", REAL, NONZERO, "y away from 0"),
    _bin("power", POS, REAL, "x > 0 (and Python-float exponents on any x)", extra=_pow_extra),
    _bin("arctan2", NONZERO, NONZERO, "away from the origin and the branch cut"),
    _bin("maximum", REAL, REAL, "no ties (one sample at ties: subgradient 1/2)", extra=_tie),
    _bin("minimum", REAL, REAL, "no ties (one sample at ties: subgradient 1/2)", extra=_tie),
    OpSpec("mod", lambda x, y: wf.mod(x, y), lambda xp, x, y: xp.mod(x, y), _mod_samples,
           "x / y away from integers (the jumps)"),
    _ew("negative", REAL, "real"),
    _ew("abs", NONZERO, "away from the kink at 0 (one sample on it)", extra=_abs_kink),
    _ew("exp", REAL, "real"),
    _ew("exp2", REAL, "real"),
    _ew("log", POS, "x > 0"),
    _ew("log2", POS, "x > 0"),
    _ew("log10", POS, "x > 0"),
    _ew("log1p", GTM1, "x > -1"),
    _ew("expm1", REAL, "real"),
    _ew("sqrt", POS, "x > 0"),
    _ew("square", REAL, "real"),
    _ew("reciprocal", NONZERO, "away from 0"),
    _ew("sin", REAL, "real"),
    _ew("cos", REAL, "real"),
    _ew("tan", TAN, "|x| < 1.2 (away from the poles)"),
    _ew("arcsin", UNIT, "|x| < 0.8"),
    _ew("arccos", UNIT, "|x| < 0.8"),
    _ew("arctan", REAL, "real"),
    _ew("sinh", REAL, "real"),
    _ew("cosh", REAL, "real"),
    _ew("tanh", REAL, "real", extra=_extreme),
    _ew("arcsinh", REAL, "real"),
    _ew("arccosh", GT1, "x > 1"),
    _ew("arctanh", UNIT, "|x| < 0.8"),
    _ew("sigmoid", REAL, "real", extra=_extreme),
    _ew("relu", NONZERO, "away from the kink at 0 (one sample on it, against torch)",
        extra=_relu_kink),
    _ew("softplus", REAL, "real", extra=_extreme),
    _ew("erf", REAL, "real"),
    OpSpec("clip", lambda x, lo, hi: wf.clip(x, lo, hi), lambda xp, x, lo, hi: xp.clip(x, lo, hi),
           _clip_samples, "away from the bounds"),
    OpSpec("where", lambda c, x, y: wf.where(c, x, y), lambda xp, c, x, y: xp.where(c, x, y),
           _where_samples, "real; constant bool condition"),
    # piecewise constant or boolean: values only (zero gradient is checked for float outputs)
    _nondiff("sign", NONZERO),
    _nondiff("floor", dom(-2.9, 2.9)),
    _nondiff("ceil", dom(-2.9, 2.9)),
    _nondiff("trunc", dom(-2.9, 2.9)),
    _nondiff("round", dom(-2.9, 2.9)),
    _nondiff("floor_divide", NONZERO, 2),
    _nondiff("isfinite", REAL, float32=False),
    _nondiff("logical_not", REAL, float32=False),
    *[_nondiff(n, distinct, 2, float32=False)
      for n in ("equal", "not_equal", "less", "less_equal", "greater", "greater_equal",
                "logical_and", "logical_or")],
    OpSpec("astype", lambda x, dtype: wf.astype(x, dtype), lambda xp, x, dtype: x.astype(dtype),
           fixed(lambda r: Sample("f64->f64", (REAL(r, (2, 3)), np.float64)),
                 lambda r: Sample("f64->f32", (REAL(r, (4,)), np.float32), eps=1e-2)),
           "real", grad_rtol=1e-4, float32=False, torch_ref=None, jax_ref=None),
]

# ============================================================================ reductions
REDUCTIONS = [
    _red("sum", REAL, "real", extra=_sum_extra),
    _red("mean", REAL, "real"),
    _red("prod", MODERATE, "0.5 <= |x| <= 1.5; exact zeros in two samples", extra=_prod_zeros),
    _red("max", distinct, "distinct values (two samples with two-way ties)", extra=_max_tie),
    _red("min", distinct, "distinct values (two samples with two-way ties)", extra=_min_tie),
    _red("var", REAL, "real", variants=(((3, 4), {"axis": 1, "ddof": 1}), ((5,), {"ddof": 2}))),
    # std of one element is sqrt(0): not differentiable, so no 0-d sample
    _red("std", REAL, "real (nonzero spread)", scalar=False,
         variants=(((3, 4), {"axis": 1, "ddof": 1}), ((5,), {"ddof": 2}))),
    _red("logsumexp", REAL, "real (one sample near 1000, one with -inf)", extra=_lse_extra),
    OpSpec("norm", lambda x, **k: wf.norm(x, **k), lambda xp, x, **k: xp.linalg.norm(x, **k),
           _norm_samples, "nonzero entries, no ties in |x| for inf-norms", grad_rtol=1e-4,
           f32_rtol=1e-3),
    OpSpec("linalg.norm", lambda x, **k: wf.linalg.norm(x, **k),
           lambda xp, x, **k: xp.linalg.norm(x, **k),
           fixed(lambda r: Sample("vec", (NONZERO(r, (4,)),)),
                 lambda r: Sample("mat_fro", (NONZERO(r, (2, 3)),), {"ord": "fro"}),
                 lambda r: Sample("(2,3)axis-1", (NONZERO(r, (2, 3)),), {"axis": -1})),
           "nonzero entries"),
]


# ============================================================================ shape
def _x(shape, domain=REAL):
    return lambda rng: domain(rng, shape)


def _shape_row(name, fn, ref, cases, **kw) -> OpSpec:
    """``cases``: (desc, shape or tuple of shapes, kwargs)."""
    def gen(rng):
        out = []
        for desc, shapes, kwargs in cases:
            shapes = shapes if shapes and isinstance(shapes[0], tuple) else (shapes,)
            out.append(Sample(desc, tuple(REAL(rng, s) for s in shapes), dict(kwargs)))
        return out
    return OpSpec(name, fn, ref, gen, "real", **kw)


SHAPE = [
    _shape_row("reshape", lambda x, shape: wf.reshape(x, shape),
               lambda xp, x, shape: xp.reshape(x, shape),
               [("(2,3)->(3,2)", (2, 3), {"shape": (3, 2)}),
                ("(2,3)->(-1,)", (2, 3), {"shape": (-1,)}),
                ("(6,)->(2,1,3)", (6,), {"shape": (2, 1, 3)}), ("()->(1,1)", (), {"shape": (1, 1)}),
                ("(2,3,2)->(3,-1)", (2, 3, 2), {"shape": (3, -1)})]),
    _shape_row("transpose", lambda x, axes=None: wf.transpose(x, axes),
               lambda xp, x, axes=None: xp.transpose(x, axes),
               [("(2,3)", (2, 3), {}), ("(2,3,4)", (2, 3, 4), {}),
                ("(2,3,4)axes(1,2,0)", (2, 3, 4), {"axes": (1, 2, 0)}),
                ("(2,3,4)axes(-1,0,1)", (2, 3, 4), {"axes": (-1, 0, 1)})]),
    _shape_row("swapaxes", lambda x, a, b: wf.swapaxes(x, a, b),
               lambda xp, x, a, b: xp.swapaxes(x, a, b),
               [("(2,3)0,1", (2, 3), {"a": 0, "b": 1}),
                ("(2,3,4)0,-1", (2, 3, 4), {"a": 0, "b": -1}),
                ("(2,3)1,1", (2, 3), {"a": 1, "b": 1})]),
    _shape_row("moveaxis", lambda x, s, d: wf.moveaxis(x, s, d),
               lambda xp, x, s, d: xp.moveaxis(x, s, d),
               [("(2,3,4)0->-1", (2, 3, 4), {"s": 0, "d": -1}),
                ("(2,3,4)(0,1)->(2,0)", (2, 3, 4), {"s": (0, 1), "d": (2, 0)})]),
    _shape_row("expand_dims", lambda x, axis: wf.expand_dims(x, axis),
               lambda xp, x, axis: xp.expand_dims(x, axis),
               [("(3,)0", (3,), {"axis": 0}), ("(2,3)-1", (2, 3), {"axis": -1}),
                ("(2,3)(0,3)", (2, 3), {"axis": (0, 3)}), ("()0", (), {"axis": 0})]),
    _shape_row("squeeze", lambda x, axis=None: wf.squeeze(x, axis),
               lambda xp, x, axis=None: xp.squeeze(x, axis),
               [("(1,3,1)", (1, 3, 1), {}), ("(1,3,1)axis0", (1, 3, 1), {"axis": 0}),
                ("(1,3,1)axis(0,2)", (1, 3, 1), {"axis": (0, 2)}), ("(1,)", (1,), {}),
                ("(1,3,1)axis-1", (1, 3, 1), {"axis": -1})]),
    _shape_row("broadcast_to", lambda x, shape: wf.broadcast_to(x, shape),
               lambda xp, x, shape: xp.broadcast_to(x, shape),
               [("(3,)->(2,3)", (3,), {"shape": (2, 3)}),
                ("(3,1)->(2,3,4)", (3, 1), {"shape": (2, 3, 4)}),
                ("()->(2,2)", (), {"shape": (2, 2)}), ("(2,3)->(2,3)", (2, 3), {"shape": (2, 3)})]),
    _shape_row("concatenate", lambda *xs, axis=0: wf.concatenate(list(xs), axis=axis),
               lambda xp, *xs, axis=0: xp.concatenate(list(xs), axis=axis),
               [("(2,)(3,)", ((2,), (3,)), {}), ("(2,3)(1,3)(2,3)", ((2, 3), (1, 3), (2, 3)), {}),
                ("(2,3)(2,1)axis1", ((2, 3), (2, 1)), {"axis": 1}),
                ("(2,3)(2,2)axis-1", ((2, 3), (2, 2)), {"axis": -1}),
                ("(2,3)(4,)axisNone", ((2, 3), (4,)), {"axis": None})]),
    _shape_row("stack", lambda *xs, axis=0: wf.stack(list(xs), axis=axis),
               lambda xp, *xs, axis=0: xp.stack(list(xs), axis=axis),
               [("2x(3,)", ((3,), (3,)), {}), ("3x(2,3)axis1", ((2, 3),) * 3, {"axis": 1}),
                ("2x(2,3)axis-1", ((2, 3),) * 2, {"axis": -1}), ("2x()", ((), ()), {})]),
    _shape_row("split", lambda x, ios, axis=0: wf.split(x, ios, axis=axis),
               lambda xp, x, ios, axis=0: xp.split(x, ios, axis=axis),
               [("(6,)3", (6,), {"ios": 3}), ("(4,3)[1,3]", (4, 3), {"ios": [1, 3]}),
                ("(2,6)2axis1", (2, 6), {"ios": 2, "axis": 1}),
                ("(5,2)[2,2,4]", (5, 2), {"ios": [2, 2, 4]})]),
    _shape_row("flip", lambda x, axis=None: wf.flip(x, axis),
               lambda xp, x, axis=None: xp.flip(x, axis),
               [("(4,)", (4,), {}), ("(2,3)axis1", (2, 3), {"axis": 1}),
                ("(2,3,2)axis(0,2)", (2, 3, 2), {"axis": (0, 2)}), ("(2,3)", (2, 3), {})]),
    _shape_row("pad", lambda x, pw, cv=0: wf.pad(x, pw, mode="constant", constant_values=cv),
               lambda xp, x, pw, cv=0: xp.pad(x, pw, mode="constant", constant_values=cv),
               [("(3,)1", (3,), {"pw": 1}),
                ("(2,3)((1,0),(2,1))", (2, 3), {"pw": ((1, 0), (2, 1))}),
                ("(2,3)(1,2)cv1.5", (2, 3), {"pw": (1, 2), "cv": 1.5}),
                ("(2,2)((0,0),(0,2))", (2, 2), {"pw": ((0, 0), (0, 2))})]),
    _shape_row("tile", lambda x, reps: wf.tile(x, reps), lambda xp, x, reps: xp.tile(x, reps),
               [("(3,)2", (3,), {"reps": 2}), ("(2,3)(2,1)", (2, 3), {"reps": (2, 1)}),
                ("(3,)(2,2)", (3,), {"reps": (2, 2)}),
                ("(2,1)(1,2,3)", (2, 1), {"reps": (1, 2, 3)})]),
    _shape_row("repeat", lambda x, r, axis=None: wf.repeat(x, r, axis=axis),
               lambda xp, x, r, axis=None: xp.repeat(x, r, axis=axis),
               [("(2,3)2", (2, 3), {"r": 2}), ("(2,3)2axis0", (2, 3), {"r": 2, "axis": 0}),
                ("(2,3)[1,0,3]axis1", (2, 3), {"r": np.array([1, 0, 3]), "axis": 1}),
                ("()3", (), {"r": 3})]),
]


# ---------------------------------------------------------------------------- indexing
def _index_samples(rng):
    x23 = REAL(rng, (2, 3))
    x45 = REAL(rng, (4, 5))
    x234 = REAL(rng, (2, 3, 4))
    x5 = REAL(rng, (5,))
    ix = np.array
    return [
        Sample("basic_int", (x45,), {"index": 1}),
        Sample("basic_neg_int", (x5,), {"index": -2}),
        Sample("basic_slices", (x45,), {"index": (slice(None), slice(1, 4))}),
        # torch has no negative slice steps
        Sample("basic_step", (x45,), {"index": (slice(None, None, -1), slice(0, 5, 2))},
               oracles=("jax",)),
        Sample("basic_none_ellipsis", (x234,),
               {"index": (None, 1, Ellipsis, slice(None, None, 2))}),
        Sample("basic_scalar_entry", (x23,), {"index": (1, 2)}),
        Sample("adv_repeated", (x5,), {"index": ix([0, 2, 0, 0, 4])}),
        Sample("adv_2d_index", (x45,), {"index": ix([[0, 1], [1, 1]])}),
        Sample("adv_pairs_repeated", (x45,), {"index": (ix([0, 1, 0]), ix([2, 0, 2]))}),
        Sample("adv_slice_then_array", (x45,), {"index": (slice(None), ix([0, 0, 3]))}),
        Sample("adv_negative", (x5,), {"index": ix([-1, -1, 1])}),
        Sample("adv_0d_array", (x45,), {"index": ix(2)}),
        # NumPy puts the broadcast advanced axes first when a slice separates them
        Sample("adv_separated", (x234,), {"index": (ix([0, 1, 1]), slice(None), ix([3, 0, 3]))}),
        # a Python list is an advanced index too (jax refuses lists)
        Sample("adv_list", (x5,), {"index": [0, 2, 0]}, oracles=("torch",)),
        Sample("bool_mask_full", (x23,), {"index": ix([[True, False, True], [False, True, True]])}),
        Sample("bool_mask_rows", (x45,), {"index": ix([True, False, False, True])}),
        Sample("bool_mask_none", (x5,), {"index": np.zeros(5, bool)}),
    ]


INDEXING = [
    OpSpec("getitem", lambda x, index: _as_tensor(x)[index],
           lambda xp, x, index: x[index], _index_samples, "real; constant indices"),
]


def _as_tensor(x):
    # raw arrays would take NumPy's own indexing and methods: these rows test weifen values
    return x if isinstance(x, Box) else wf.tensor(x)


# ============================================================================ linear algebra
def _mm_samples(rng):
    pairs = [((2, 3), (3, 4)), ((3,), (3, 4)), ((2, 3), (3,)), ((3,), (3,)),
             ((2, 2, 3), (3, 4)), ((2, 1, 2, 3), (3, 3, 2)), ((3,), (2, 3, 4)),
             ((2, 2, 3), (3,))]
    return [Sample(f"{_sh(a)}@{_sh(b)}", (REAL(rng, a), REAL(rng, b))) for a, b in pairs]


def _pairs(pairs):
    def gen(rng):
        return [Sample(f"{_sh(a)}.{_sh(b)}", (REAL(rng, a), REAL(rng, b))) for a, b in pairs]
    return gen


def _einsum_samples(rng):
    cases = [("ij,jk->ik", (2, 3), (3, 4)), ("i,i->", (3,), (3,)), ("ij->", (2, 3)),
             ("ii->i", (3, 3)), ("ii", (3, 3)), ("bij,bjk->bik", (2, 2, 3), (2, 3, 2)),
             ("ij,ij->ij", (2, 3), (2, 3)), ("ij,jk", (2, 3), (3, 2)), ("i,j->ij", (2,), (3,)),
             ("...ij->...ji", (2, 2, 3))]
    return [Sample(c[0], tuple(REAL(rng, s) for s in c[1:]), {"subscripts": c[0]}) for c in cases]


def _trace_samples(rng):
    return [Sample("(3,3)", (REAL(rng, (3, 3)),)), Sample("(3,4)offset1", (REAL(rng, (3, 4)),),
                                                           {"offset": 1}),
            Sample("(3,4)offset-1", (REAL(rng, (3, 4)),), {"offset": -1}),
            Sample("(2,3,3)axes1,2", (REAL(rng, (2, 3, 3)),), {"axis1": 1, "axis2": 2})]


def _inv_samples(rng):
    return [Sample("spd(3,3)", (spd(rng, 3),)), Sample("(3,3)", (wellcond(rng, 3),)),
            Sample("(2,3,3)", (wellcond(rng, 3, (2,)),)), Sample("(1,1)", (wellcond(rng, 1),))]


def _solve_samples(rng):
    return [Sample("(3,3)(3,)", (wellcond(rng, 3), REAL(rng, (3,)))),
            Sample("(3,3)(3,2)", (wellcond(rng, 3), REAL(rng, (3, 2)))),
            Sample("(2,3,3)(2,3,1)", (wellcond(rng, 3, (2,)), REAL(rng, (2, 3, 1)))),
            Sample("spd(3,3)(3,)", (spd(rng, 3), REAL(rng, (3,))))]


def _chol_samples(rng):
    return [Sample("spd(3,3)", (spd(rng, 3),)), Sample("spd(2,3,3)", (spd(rng, 3, (2,)),)),
            Sample("spd(1,1)", (spd(rng, 1),))]


def _sym(xp, a):
    # cholesky reads one triangle only; symmetrising first gives every oracle the same
    # (symmetric) gradient convention
    return (a + xp.swapaxes(a, -1, -2)) / 2


LINALG = [
    OpSpec("matmul", lambda a, b: wf.matmul(a, b), lambda xp, a, b: xp.matmul(a, b), _mm_samples,
           "real"),
    OpSpec("matmul_operator", lambda a, b: _as_tensor(a) @ b, lambda xp, a, b: xp.matmul(a, b),
           _pairs([((2, 3), (3, 2)), ((3,), (3,))]), "real"),
    OpSpec("dot", lambda a, b: wf.dot(a, b), lambda xp, a, b: xp.dot(a, b),
           _pairs([((3,), (3,)), ((2, 3), (3, 4)), ((2, 3), (3,)), ((), (2, 3)),
                   ((2, 2, 3), (3,)), ((2, 3), (2, 3, 2))]), "real"),
    OpSpec("vdot", lambda a, b: wf.vdot(a, b), lambda xp, a, b: xp.vdot(a, b),
           _pairs([((3,), (3,)), ((2, 3), (2, 3)), ((2, 3), (6,))]), "real"),
    OpSpec("outer", lambda a, b: wf.outer(a, b), lambda xp, a, b: xp.outer(a, b),
           _pairs([((3,), (2,)), ((2, 2), (3,)), ((), (2,))]), "real"),
    OpSpec("einsum", lambda *ops, subscripts: wf.einsum(subscripts, *ops),
           lambda xp, *ops, subscripts: xp.einsum(subscripts, *ops), _einsum_samples, "real"),
    OpSpec("trace", lambda x, **k: wf.trace(x, **k), lambda xp, x, **k: xp.trace(x, **k),
           _trace_samples, "real"),
    OpSpec("linalg.inv", lambda a: wf.linalg.inv(a), lambda xp, a: xp.linalg.inv(a), _inv_samples,
           "well-conditioned matrices", grad_rtol=1e-4, f32_rtol=1e-3, f32_atol=1e-4),
    OpSpec("linalg.solve", lambda a, b: wf.linalg.solve(a, b),
           lambda xp, a, b: xp.linalg.solve(a, b), _solve_samples, "well-conditioned matrices",
           grad_rtol=1e-4, f32_rtol=1e-3, f32_atol=1e-4),
    OpSpec("linalg.det", lambda a: wf.linalg.det(a), lambda xp, a: xp.linalg.det(a), _inv_samples,
           "well-conditioned matrices", grad_rtol=1e-4, f32_rtol=1e-3, f32_atol=1e-4),
    OpSpec("linalg.slogdet[logabsdet]", lambda a: wf.linalg.slogdet(a)[1],
           lambda xp, a: xp.linalg.slogdet(a)[1], _inv_samples, "well-conditioned matrices",
           grad_rtol=1e-4, f32_rtol=1e-3, f32_atol=1e-4),
    OpSpec("linalg.slogdet[sign]", lambda a: wf.linalg.slogdet(a)[0],
           lambda xp, a: xp.linalg.slogdet(a)[0], _inv_samples, "well-conditioned matrices",
           differentiable=False, smooth2=False),
    OpSpec("linalg.cholesky", lambda a: wf.linalg.cholesky(_sym(wf, a)),
           lambda xp, a: xp.linalg.cholesky(_sym(xp, a)), _chol_samples,
           "symmetric positive definite (symmetrised before the call)", grad_rtol=1e-4,
           f32_rtol=1e-3, f32_atol=1e-4),
]

# ============================================================================ nn helpers
NN = [
    OpSpec("softmax", lambda x, axis=-1: wf.softmax(x, axis=axis),
           lambda xp, x, axis=-1: _softmax_ref(xp, x, axis), _softmax_samples, "real"),
    OpSpec("log_softmax", lambda x, axis=-1: wf.log_softmax(x, axis=axis),
           lambda xp, x, axis=-1: _log_softmax_ref(xp, x, axis), _softmax_samples, "real"),
]


def _softmax_ref(xp, x, axis):
    e = xp.exp(x - xp.max(x, axis=axis, keepdims=True))
    return e / xp.sum(e, axis=axis, keepdims=True)


def _log_softmax_ref(xp, x, axis):
    z = x - xp.max(x, axis=axis, keepdims=True)
    return z - xp.log(xp.sum(xp.exp(z), axis=axis, keepdims=True))


# The rows of API.md section 1; tests/spec_extra.py adds the other public ops, the Tensor
# methods and the operators.
SPECS: list[OpSpec] = ELEMENTWISE + REDUCTIONS + SHAPE + INDEXING + LINALG + NN

# Primitives no row calls directly, each with the reason. Everything else in
# weifen.prims.REGISTRY must be reached by some row's forward evaluation (a test checks it),
# so a new primitive cannot land untested.
EXCLUDED_PRIMS: dict[str, str] = {
    "index_add": "the adjoint (scatter-add) of getitem/index/take: run by their vjp and, "
                 "with its own rules, by their second-order checks",
    "embed_diagonal": "the adjoint of diagonal: run by the vjp and second-order checks of "
                      "diagonal and trace",
    "gather": "indexing by an index that varies per vmap example (vmap turns x[i] into it); "
              "checked against loops, torch and differences in tests/test_vmap.py",
    "gather_add": "the adjoint of gather: run by its vjp and second-order checks in "
                  "tests/test_vmap.py",
    "pool_scatter": "the adjoint of pool_gather (max pooling's routing of the gradient to "
                    "each window's first maximum): run by the vjp and second-order checks "
                    "of the nn.functional.max_pool2d row",
}


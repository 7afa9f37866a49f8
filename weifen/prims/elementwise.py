"""Elementwise primitives: one block per primitive with its impl, vjp and jvp rules.

Rules are written with weifen ops (operators on boxes, other primitives called directly)
so that they differentiate again. Python floats take ``math`` (no array machinery for
scalars); anything else goes to NumPy's ufuncs, which dispatch to CuPy and Dask arrays.
"""
from __future__ import annotations

import math
import operator

import numpy as np

from weifen.core.primitive import Box, Primitive, passthrough

LN2 = math.log(2.0)
LN10 = math.log(10.0)
TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)


def _scalar_first(npf, mf):
    """An impl taking ``math`` for Python floats (falling back to NumPy on domain errors)."""

    def impl(x):
        if type(x) is float:
            try:
                return mf(x)
            except (ValueError, ArithmeticError):  # a domain error: NumPy's nan or inf
                pass
        return npf(x)

    impl.__name__ = npf.__name__
    return impl


def _unary(name, npf, mf=None, *, vjp, jvp, out=False, **kw):
    """Declare a unary elementwise primitive (``out=True``: the rules read only ``out``)."""
    impl = _scalar_first(npf, mf) if mf is not None else npf
    keep = ((),) if out else None
    return Primitive(name, impl, vjp=(vjp,), jvp=(jvp,), keep=keep, save_out=out,
                     impl_array=npf, impl_float=mf, **kw)


# ---------------------------------------------------------------- unary, smooth
# Each rule is written out (one frame per call: this is the backward hot path). The local
# derivative is formed first from the primal values and then multiplies g once: under vmap
# g is a whole batch while o and x are not, so that order does one big product, not three.
# Array-array products are preferred to Python-scalar ones, which NumPy runs more slowly.
neg_p = _unary("neg", np.negative, operator.neg, out=True,
               vjp=lambda g, o, x: -g, jvp=lambda dx, o, x: -dx)
exp_p = _unary("exp", np.exp, math.exp, out=True,
               vjp=lambda g, o, x: g * o, jvp=lambda dx, o, x: dx * o)
exp2_p = _unary("exp2", np.exp2, lambda x: 2.0 ** x, out=True,
                vjp=lambda g, o, x: g * (o * LN2), jvp=lambda dx, o, x: dx * (o * LN2))
expm1_p = _unary("expm1", np.expm1, math.expm1, out=True,
                 vjp=lambda g, o, x: g * o + g, jvp=lambda dx, o, x: dx * o + dx)
log_p = _unary("log", np.log, math.log,
               vjp=lambda g, o, x: g / x, jvp=lambda dx, o, x: dx / x)
log2_p = _unary("log2", np.log2, math.log2,
                vjp=lambda g, o, x: g / (x * LN2), jvp=lambda dx, o, x: dx / (x * LN2))
log10_p = _unary("log10", np.log10, math.log10,
                 vjp=lambda g, o, x: g / (x * LN10), jvp=lambda dx, o, x: dx / (x * LN10))
log1p_p = _unary("log1p", np.log1p, math.log1p,
                 vjp=lambda g, o, x: g / (x + 1), jvp=lambda dx, o, x: dx / (x + 1))
sqrt_p = _unary("sqrt", np.sqrt, math.sqrt, out=True,
                vjp=lambda g, o, x: g / (o + o), jvp=lambda dx, o, x: dx / (o + o))
square_p = _unary("square", np.square, lambda x: x * x,
                  vjp=lambda g, o, x: g * (x + x), jvp=lambda dx, o, x: dx * (x + x))
reciprocal_p = _unary("reciprocal", np.reciprocal, lambda x: 1.0 / x, out=True,
                      vjp=lambda g, o, x: -(g * (o * o)), jvp=lambda dx, o, x: -(dx * (o * o)))
sin_p = _unary("sin", np.sin, math.sin,
               vjp=lambda g, o, x: g * (math.cos(x) if type(x) is float else cos_p(x)),
               jvp=lambda dx, o, x: dx * (math.cos(x) if type(x) is float else cos_p(x)))
cos_p = _unary("cos", np.cos, math.cos,
               vjp=lambda g, o, x: -(g * (math.sin(x) if type(x) is float else sin_p(x))),
               jvp=lambda dx, o, x: -(dx * (math.sin(x) if type(x) is float else sin_p(x))))
tan_p = _unary("tan", np.tan, math.tan, out=True,
               vjp=lambda g, o, x: g + g * (o * o), jvp=lambda dx, o, x: dx + dx * (o * o))
arcsin_p = _unary("arcsin", np.arcsin, math.asin,
                  vjp=lambda g, o, x: g / sqrt_p(1 - x * x),
                  jvp=lambda dx, o, x: dx / sqrt_p(1 - x * x))
arccos_p = _unary("arccos", np.arccos, math.acos,
                  vjp=lambda g, o, x: -(g / sqrt_p(1 - x * x)),
                  jvp=lambda dx, o, x: -(dx / sqrt_p(1 - x * x)))
arctan_p = _unary("arctan", np.arctan, math.atan,
                  vjp=lambda g, o, x: g / (x * x + 1), jvp=lambda dx, o, x: dx / (x * x + 1))
sinh_p = _unary("sinh", np.sinh, math.sinh,
                vjp=lambda g, o, x: g * cosh_p(x), jvp=lambda dx, o, x: dx * cosh_p(x))
cosh_p = _unary("cosh", np.cosh, math.cosh,
                vjp=lambda g, o, x: g * sinh_p(x), jvp=lambda dx, o, x: dx * sinh_p(x))
def _tanh_scale(g, o, x):
    # g (1 - o^2). A batch of cotangents against one plain output (vmap of a VJP: Jacobians)
    # takes one big product; otherwise three array-array products beat NumPy's slower
    # Python-scalar subtraction on small arrays (the eager hot path).
    if type(g) is not np.ndarray and isinstance(g, Box) and not isinstance(o, Box):
        return g * (1 - o * o)
    return g - g * (o * o)


tanh_p = _unary("tanh", np.tanh, math.tanh, out=True, vjp=_tanh_scale, jvp=_tanh_scale)
arcsinh_p = _unary("arcsinh", np.arcsinh, math.asinh,
                   vjp=lambda g, o, x: g / sqrt_p(x * x + 1),
                   jvp=lambda dx, o, x: dx / sqrt_p(x * x + 1))
arccosh_p = _unary("arccosh", np.arccosh, math.acosh,
                   vjp=lambda g, o, x: g / sqrt_p(x * x - 1),
                   jvp=lambda dx, o, x: dx / sqrt_p(x * x - 1))
arctanh_p = _unary("arctanh", np.arctanh, math.atanh,
                   vjp=lambda g, o, x: g / (1 - x * x), jvp=lambda dx, o, x: dx / (1 - x * x))


def _sigmoid(x):
    if type(x) is float:
        if x >= 0:
            return 1.0 / (1.0 + math.exp(-x))
        e = math.exp(x)
        return e / (1.0 + e)
    if _is_cplx(x):  # logaddexp is real-only; the logistic function is holomorphic
        return 1.0 / (1.0 + np.exp(-x))
    # exp(-logaddexp(0, -x)) never overflows, for either sign of x
    return np.exp(-np.logaddexp(0, -x))


sigmoid_p = _unary("sigmoid", _sigmoid, out=True,
                   vjp=lambda g, o, x: g * (o - o * o), jvp=lambda dx, o, x: dx * (o - o * o))


def _softplus(x):
    if type(x) is float:
        return max(x, 0.0) + math.log1p(math.exp(-abs(x)))
    return np.logaddexp(0, x)


softplus_p = _unary("softplus", _softplus,
                    vjp=lambda g, o, x: g * sigmoid_p(x), jvp=lambda dx, o, x: dx * sigmoid_p(x))


def _erf_array(x):
    try:  # SciPy, when present, is faster for big arrays; the fallback is exact too
        from scipy.special import erf
    except ImportError:  # pragma: no cover - depends on the environment
        return np.vectorize(math.erf, otypes=[np.result_type(x, 1.0)])(x)
    return erf(x)


erf_p = _unary("erf", _erf_array, math.erf,
               vjp=lambda g, o, x: g * exp_p(-(x * x)) * TWO_OVER_SQRT_PI,
               jvp=lambda dx, o, x: dx * exp_p(-(x * x)) * TWO_OVER_SQRT_PI)

# ---------------------------------------------------------------- unary, kinks
def _is_cplx(x):
    if type(x) is float:
        return False
    dt = getattr(x, "dtype", None)
    return type(x) is complex if dt is None else dt.kind == "c"


def _abs_vjp(g, o, x):
    if not _is_cplx(x):
        return g * sign_p(x)
    # |z| of z = a + ib is real: its cotangent g is real (a complex one is kept to its real
    # part), and JAX's convention gives g (da|z| - i db|z|) = g conj(z) / |z|, 0 at z = 0;
    # written in differentiable ops (sign_p has no derivative) so it differentiates again
    from weifen.prims.complex import conj_p, real_p

    if _is_cplx(g):
        g = real_p(g)
    r = abs_p(x)
    return g * conj_p(x) / where_p(eq_p(r, 0), 1.0, r)


def _abs_jvp(dx, o, x):
    if not _is_cplx(x):
        return dx * sign_p(x)
    from weifen.prims.complex import conj_p, real_p

    r = abs_p(x)
    return real_p(conj_p(x) * dx) / where_p(eq_p(r, 0), 1.0, r)


abs_p = _unary("abs", np.abs, abs, vjp=_abs_vjp, jvp=_abs_jvp)
relu_p = _unary("relu", lambda x: np.maximum(x, 0), lambda x: x if x > 0 else 0.0, out=True,
                vjp=lambda g, o, x: g * (o > 0), jvp=lambda dx, o, x: dx * (o > 0))

# piecewise constant: the output carries no derivative
stop_gradient_p = Primitive("stop_gradient", lambda x: x, nondiff=True)
sign_p = Primitive("sign", np.sign, nondiff=True)
floor_p = Primitive("floor", np.floor, nondiff=True)
ceil_p = Primitive("ceil", np.ceil, nondiff=True)
round_p = Primitive("round", np.round, nondiff=True)
trunc_p = Primitive("trunc", np.trunc, nondiff=True)


def _clip(x, lo=None, hi=None):
    return np.clip(x, lo, hi)


def _clip_mask(x, lo, hi):
    # the gradient passes where lo <= x <= hi (both ends inclusive, as in torch.clamp)
    m = True
    if lo is not None:
        m = x >= lo
    if hi is not None:
        m = (x <= hi) if m is True else m & (x <= hi)
    return m


clip_p = Primitive("clip", _clip,
                   vjp=(lambda g, o, x, lo=None, hi=None: g * _clip_mask(x, lo, hi),),
                   jvp=(lambda dx, o, x, lo=None, hi=None: dx * _clip_mask(x, lo, hi),))

# ---------------------------------------------------------------- binary
def _div(x, y):
    try:
        return x / y
    except ZeroDivisionError:  # Python floats: follow NumPy (inf/nan), not Python
        return np.divide(np.float64(x), y)


def _pow(x, y):
    try:
        r = x ** y
    except (ZeroDivisionError, OverflowError):
        return np.power(np.float64(x), y)
    if type(r) is complex and type(x) is not complex and type(y) is not complex:
        return np.power(np.float64(x), y)  # negative float to a fractional power: nan
    return r


def _pow_gy(g, o, x, y):
    # d(x**y)/dy = x**y log x. At x == 0 (torch's convention, checked in
    # tests/test_edge_values.py) it is 0 where y >= 0, the limit from the right of the
    # constant 0 ** y, and -inf where y < 0 (o * log 0 = inf * -inf). The log is taken at 1
    # where the answer is 0 so that the second derivative meets no 0 * inf there either
    # (torch's second derivative of 0 ** y is nan; jax and autograd give 0, as here).
    if type(x) is float or type(x) is int:  # a number base: keep g's dtype, no arrays
        if x > 0:
            return g * o * math.log(x)
        if x < 0:
            return g * o * math.nan
        # log 0 = -inf where y < 0, else 0 (times o = 0 ** y, finite there): as on arrays
        if type(y) is float or type(y) is int:
            return g * o * (0.0 if y >= 0 else -math.inf)
        return g * o * where_p(lt_p(y, 0), -math.inf, 0.0)
    # eq_p, not ==: on some boxes (graph nodes) == is identity, not an elementwise test
    zero = logical_and_p(eq_p(x, 0), ge_p(y, 0))
    safe = where_p(zero, 1.0, x)
    return where_p(zero, 0.0, g * o * log_p(safe))


def _pow_dy(dy, o, x, y):
    return _pow_gy(dy, o, x, y)


def _tie_share(g, a, b, win):
    # all of g where a wins, half on ties (the subgradient JAX and torch pick), 0 where a
    # loses; products with boolean masks keep g's dtype
    return g * win(a, b) + (g * 0.5) * eq_p(a, b)  # eq_p: see _pow_gy


add_p = Primitive("add", operator.add, broadcasts=True, keep=((), ()),
                  vjp=(passthrough, passthrough), jvp=(passthrough, passthrough))
sub_p = Primitive("sub", operator.sub, broadcasts=True, keep=((), ()),
                  vjp=(passthrough, lambda g, o, x, y: -g),
                  jvp=(passthrough, lambda dy, o, x, y: -dy))
mul_p = Primitive("mul", operator.mul, broadcasts=True, keep=((1,), (0,)),
                  vjp=(lambda g, o, x, y: g * y, lambda g, o, x, y: g * x),
                  jvp=(lambda dx, o, x, y: dx * y, lambda dy, o, x, y: x * dy))
div_p = Primitive("div", _div, broadcasts=True, keep=((1,), (0, 1)),
                  vjp=(lambda g, o, x, y: g / y, lambda g, o, x, y: -g * x / (y * y)),
                  jvp=(lambda dx, o, x, y: dx / y, lambda dy, o, x, y: -dy * x / (y * y)))
def _pow_dx(g, x, y):
    # d(x**y)/dx = y x**(y-1); a constant exponent 2 or 1 needs no power (and keeps the
    # second derivative free of x**0 and x**-1 terms). Where y == 0 the derivative is 0,
    # also at x == 0 where y x**(y-1) would be 0 * inf: x**0 is the constant 1 (NumPy's
    # 0**0 == 1), and torch and autograd give 0 there too (jax gives nan).
    if type(y) is int or type(y) is float:
        if y == 2:
            return g * (x + x)
        if y == 1:
            return g
        if y == 0:
            return g * 0.0
        # pow_p, not **: Python's (-1.0) ** -0.5 is complex where NumPy's is nan
        return g * y * pow_p(x, y - 1)
    # an exponent array or traced value: the power is taken at 1 where y == 0, so neither
    # this derivative nor its own derivatives (hessians) meet 0 * inf at x == 0
    return g * y * pow_p(where_p(eq_p(y, 0), 1.0, x), y - 1)


pow_p = Primitive("pow", _pow, broadcasts=True, save_out=True,
                  vjp=(lambda g, o, x, y: _pow_dx(g, x, y), _pow_gy),
                  jvp=(lambda dx, o, x, y: _pow_dx(dx, x, y), _pow_dy))
maximum_p = Primitive("maximum", np.maximum, broadcasts=True,
                      vjp=(lambda g, o, x, y: _tie_share(g, x, y, operator.gt),
                           lambda g, o, x, y: _tie_share(g, y, x, operator.gt)),
                      jvp=(lambda dx, o, x, y: _tie_share(dx, x, y, operator.gt),
                           lambda dy, o, x, y: _tie_share(dy, y, x, operator.gt)))
minimum_p = Primitive("minimum", np.minimum, broadcasts=True,
                      vjp=(lambda g, o, x, y: _tie_share(g, x, y, operator.lt),
                           lambda g, o, x, y: _tie_share(g, y, x, operator.lt)),
                      jvp=(lambda dx, o, x, y: _tie_share(dx, x, y, operator.lt),
                           lambda dy, o, x, y: _tie_share(dy, y, x, operator.lt)))
arctan2_p = Primitive("arctan2", np.arctan2, broadcasts=True,
                      vjp=(lambda g, o, x, y: g * y / (x * x + y * y),
                           lambda g, o, x, y: -g * x / (x * x + y * y)),
                      jvp=(lambda dx, o, x, y: dx * y / (x * x + y * y),
                           lambda dy, o, x, y: -dy * x / (x * x + y * y)))
mod_p = Primitive("mod", np.mod, broadcasts=True,
                  vjp=(lambda g, o, x, y: g, lambda g, o, x, y: -g * floor_p(x / y)),
                  jvp=(lambda dx, o, x, y: dx, lambda dy, o, x, y: -dy * floor_p(x / y)))
floordiv_p = Primitive("floordiv", np.floor_divide, nondiff=True)

# comparisons and logic: boolean results, no derivative
eq_p = Primitive("eq", operator.eq, nondiff=True)
ne_p = Primitive("ne", operator.ne, nondiff=True)
lt_p = Primitive("lt", operator.lt, nondiff=True)
le_p = Primitive("le", operator.le, nondiff=True)
gt_p = Primitive("gt", operator.gt, nondiff=True)
ge_p = Primitive("ge", operator.ge, nondiff=True)
logical_and_p = Primitive("logical_and", np.logical_and, nondiff=True)
logical_or_p = Primitive("logical_or", np.logical_or, nondiff=True)
logical_not_p = Primitive("logical_not", np.logical_not, nondiff=True)
isfinite_p = Primitive("isfinite", np.isfinite, nondiff=True)


def _where(c, x, y):
    return np.where(c, x, y)


where_p = Primitive("where", _where, broadcasts=True, keep=None,
                    vjp=(None,
                         lambda g, o, c, x, y: where_p(c, g, 0.0),
                         lambda g, o, c, x, y: where_p(c, 0.0, g)),
                    jvp=(None,
                         lambda dx, o, c, x, y: where_p(c, dx, 0.0),
                         lambda dy, o, c, x, y: where_p(c, 0.0, dy)))
where_p.keep = ((), (0,), (0,))


def _astype(x, dtype=None):
    return x.astype(dtype) if hasattr(x, "astype") else np.asarray(x).astype(dtype)


# casting: the cotangent is cast back to the input's dtype
def _astype_vjp(g, o, x, dtype=None):
    if np.dtype(dtype).kind in "biu":  # integers and bools are piecewise constant: no
        return None                    # derivative flows back through the cast (as in jax)
    if _is_cplx(g) and np.dtype(dtype).kind != "c":  # a real output's cotangent is real
        from weifen.prims.complex import real_p

        g = real_p(g)
    return astype_p(g, dtype=_dtype_of(x))


astype_p = Primitive("astype", _astype, keep=((0,),),
                     vjp=(_astype_vjp,),
                     jvp=(lambda dx, o, x, dtype=None:
                          None if np.dtype(dtype).kind in "biu" else astype_p(dx, dtype=dtype),))


def _dtype_of(x):
    d = getattr(x, "dtype", None)
    return d if d is not None else np.result_type(x)


def _attach_batch_rules() -> None:
    # every primitive of this family is elementwise: batching only aligns ranks
    from weifen.prims._batch import elementwise

    for p in list(globals().values()):
        if isinstance(p, Primitive) and p.batch is None:
            p.batch = elementwise(p)


_attach_batch_rules()

"""Spec rows for weifen.scipy (issue 12), read through tests/spec_extra.py: every function of
weifen.scipy.special and weifen.scipy.stats.

The "NumPy" reference calls SciPy (cast to the dtype weifen keeps: that of the value
arguments, float32 staying float32 where SciPy promotes); the JAX reference calls
``jax.scipy.special`` / ``jax.scipy.stats`` where JAX has the function, torch's
``torch.special`` serves the unary functions it has. Orders, shapes of cdfs (``a`` of
``gammainc``, ``v`` of ``iv``) and Poisson counts are constants (``diff`` names the
differentiated arguments): their derivatives are refused, see tests/test_scipy_special.py.
"""
from __future__ import annotations

from typing import Callable

import numpy as np

from spec import (GTM1, NONZERO, POS, REAL, OpSpec, Sample, binary, dom, fixed, spd, unary)

SPECS_SCIPY_SPECIAL: list[OpSpec] = []

UNIT = dom(-0.8, 0.8)
PROB = dom(0.1, 0.9)


def _is_np(xp) -> bool:
    return getattr(xp, "_base", None) is np


def _is_torch(xp) -> bool:
    return hasattr(xp, "torch")


def _cast(r, args):
    """SciPy's result in the dtype weifen keeps (float32 in, float32 out)."""
    from weifen.prims.special import out_dtype

    dt = out_dtype(tuple(args))
    if isinstance(r, tuple):
        return tuple(_cast(x, args) for x in r)
    if not any(hasattr(a, "dtype") for a in args):
        return np.asarray(r, dt)
    return np.asarray(r).astype(dt)


def _sp(xp):
    if _is_np(xp):
        import scipy.special as m
    else:
        import jax.scipy.special as m
    return m


def _st(xp, dist):
    if _is_np(xp):
        import scipy.stats as m
    else:
        import jax.scipy.stats as m
    return getattr(m, dist)


def _wf(path: str) -> Callable:
    def fn(*a, **k):
        import weifen.scipy as wsp

        mod, name = path.rsplit(".", 1)
        obj = wsp
        for part in mod.split("."):
            obj = getattr(obj, part)
        return getattr(obj, name)(*a, **k)
    return fn


def _row(path: str, samples: Callable, domain: str, ref: Callable | None = None, *,
         vals: int | None = None, torch: str | None = None, jax: bool = True,
         fn: Callable | None = None, **kw) -> OpSpec:
    """A row for ``weifen.scipy.<path>`` against ``scipy.<path>``; the last ``vals``
    positional arguments decide the dtype (all by default)."""
    mod, name = path.rsplit(".", 1)

    def default_ref(xp, *a, **k):
        f = (getattr(_sp(xp), name) if mod == "special"
             else getattr(_st(xp, mod.split(".")[1]), name))
        r = f(*a, **k)
        return _cast(r, a if vals is None else a[len(a) - vals:]) if _is_np(xp) else r

    r = ref or default_ref

    def torch_ref(xp, *a, **k):
        return getattr(xp.torch.special, torch)(*a, **k)

    kw.setdefault("torch_ref", torch_ref if torch else None)
    kw.setdefault("jax_ref", "same" if jax else None)
    return OpSpec(path, fn or _wf(path), r, samples, domain, **kw)


# ============================================================================ special, unary
def _extreme_ndtr(rng):
    return [Sample("tails", (np.array([-30.0, -8.0, 6.0, 12.0]),), eps=1e-8)]


def _bessel_samples(domain):
    return unary(domain, lambda rng: [Sample("wide", (dom(0.5, 15.0)(rng, (5,)),))])


UNARY = [
    _row("special.erf", unary(REAL), "real", torch="erf"),
    _row("special.erfc", unary(REAL), "real", torch="erfc"),
    _row("special.erfinv", unary(UNIT), "|y| < 0.8", torch="erfinv"),
    _row("special.erfcinv", unary(dom(0.2, 1.8)), "0.2 < y < 1.8", jax=False),
    _row("special.ndtr", unary(REAL), "real", torch="ndtr"),
    _row("special.ndtri", unary(PROB), "0.1 < p < 0.9", torch="ndtri"),
    _row("special.log_ndtr", unary(REAL, _extreme_ndtr), "real (one sample in the tails)",
         torch="log_ndtr"),
    _row("special.gammaln", unary(POS), "x > 0", torch="gammaln"),
    _row("special.gamma", unary(POS), "x > 0"),
    _row("special.rgamma", unary(POS), "x > 0", jax=False),
    _row("special.digamma", unary(POS), "x > 0", torch="digamma"),
    _row("special.psi", unary(POS), "x > 0", ref=lambda xp, x: (
        _cast(_sp(xp).psi(x), (x,)) if _is_np(xp) else _sp(xp).digamma(x)), full=False),
    _row("special.gammasgn", unary(dom(-2.9, 2.9)), "away from the poles", jax=False,
         differentiable=False, smooth2=False),
    _row("special.expit", unary(REAL), "real", torch="expit"),
    _row("special.logit", unary(PROB), "0.1 < p < 0.9", torch="logit"),
    _row("special.log_expit", unary(REAL), "real", jax=False),
    _row("special.i0", _bessel_samples(REAL), "real", torch="i0"),
    _row("special.i1", _bessel_samples(REAL), "real", torch="i1"),
    _row("special.i0e", _bessel_samples(NONZERO), "away from the kink of |x| at 0",
         torch="i0e"),
    _row("special.i1e", _bessel_samples(NONZERO), "away from the kink of |x| at 0",
         torch="i1e"),
    _row("special.j0", _bessel_samples(REAL), "real", jax=False),
    _row("special.j1", _bessel_samples(REAL), "real", jax=False),
    _row("special.y0", _bessel_samples(POS), "x > 0", jax=False),
    _row("special.y1", _bessel_samples(POS), "x > 0", jax=False),
]


# ============================================================================ special, more args
def _order_samples(orders, domain=POS):
    """(order, x): an int, a float and an array of orders, all constants."""
    def gen(rng):
        out = []
        for o in orders:
            out.append(Sample(f"n={o}(3,)", (o, domain(rng, (3,))), diff=(1,)))
        out.append(Sample("n(2,1)x(3,)", (np.array([[orders[0]], [orders[-1]]]),
                                          domain(rng, (3,))), diff=(1,)))
        out.append(Sample("n()x(2,3)", (orders[-1], domain(rng, (2, 3))), diff=(1,)))
        return out
    return gen


def _real_orders(rng):
    return [Sample("v=0.5(3,)", (0.5, POS(rng, (3,))), diff=(1,)),
            Sample("v(3,)x(3,)", (dom(0.0, 3.0)(rng, (3,)), POS(rng, (3,))), diff=(1,)),
            Sample("v(2,1)x(3,)", (np.array([[1.5], [2.0]]), dom(0.5, 8.0)(rng, (3,))),
                   diff=(1,))]


def _shape_x(dx=POS):
    def gen(rng):
        return [Sample("a(3,)x(3,)", (POS(rng, (3,)), dx(rng, (3,))), diff=(1,)),
                Sample("a(2,1)x(3,)", (POS(rng, (2, 1)), dx(rng, (3,))), diff=(1,)),
                Sample("afloat_x(2,3)", (1.7, dx(rng, (2, 3))), diff=(1,))]
    return gen


def _betainc_samples(rng):
    return [Sample("ab(3,)x(3,)", (POS(rng, (3,)), POS(rng, (3,)), PROB(rng, (3,))), diff=(2,)),
            Sample("a()b(2,1)x(3,)", (POS(rng, ()), POS(rng, (2, 1)), PROB(rng, (3,))),
                   diff=(2,))]


def _multigammaln_samples(rng):
    d = dom(2.0, 3.5)
    return [Sample("(3,)d1", (d(rng, (3,)),), {"d": 1}),
            Sample("(2,3)d3", (d(rng, (2, 3)),), {"d": 3}),
            Sample("()d2", (d(rng, ()),), {"d": 2})]


def _lse_samples(rng):
    bpos = dom(0.3, 2.0)
    return [Sample("(4,)", (REAL(rng, (4,)),)),
            Sample("(3,4)axis1", (REAL(rng, (3, 4)),), {"axis": 1}),
            Sample("(3,4)axis0keep", (REAL(rng, (3, 4)),), {"axis": 0, "keepdims": True}),
            Sample("(3,4)b", (REAL(rng, (3, 4)), bpos(rng, (3, 4)))),
            Sample("(3,4)b(4,)axis1", (REAL(rng, (3, 4)), bpos(rng, (4,))), {"axis": 1}),
            Sample("(2,3,2)b_axis(0,2)keep", (REAL(rng, (2, 3, 2)), bpos(rng, (2, 3, 2))),
                   {"axis": (0, 2), "keepdims": True}),
            # a alone: the relative step next to 1000 would be noise for b
            Sample("large_b", (np.array([1000.0, 1001.0, 999.5]), np.array([0.5, 1.0, 2.0])),
                   eps=1e-9, diff=(0,))]


def _lse_ref(xp, a, b=None, **k):
    if _is_torch(xp):
        return None
    r = _sp(xp).logsumexp(a, b=b, **k)
    return _cast(r, (a,) if b is None else (a, b)) if _is_np(xp) else r


def _lse_sign_samples(rng):
    return [Sample("(4,)b_signed", (REAL(rng, (4,)), np.array([1.0, -0.5, 2.0, -0.3]))),
            Sample("(2,3)b_signed_axis1", (REAL(rng, (2, 3)),
                                          np.array([[1.0, -2.0, 0.5], [-1.0, -0.2, -0.7]])),
                   {"axis": 1})]


def _lse_sign_ref(xp, a, b, **k):
    # log|sum| only: the sign has no derivative (and no graph node); its values are checked
    # in tests/test_scipy_special.py
    r, s = _sp(xp).logsumexp(a, b=b, return_sign=True, **k)
    return _cast(r, (a, b)) if _is_np(xp) else r


def _softmax_samples(rng):
    return [Sample("(4,)", (REAL(rng, (4,)),)), Sample("(2,3)all", (REAL(rng, (2, 3)),)),
            Sample("(2,3)axis1", (REAL(rng, (2, 3)),), {"axis": 1}),
            Sample("(2,3,2)axis(0,2)", (REAL(rng, (2, 3, 2)),), {"axis": (0, 2)})]


def _softmax_ref(name):
    def ref(xp, x, axis=None):
        if _is_np(xp):
            return getattr(_sp(xp), name)(x, axis=axis)
        import jax

        ax = tuple(range(x.ndim)) if axis is None else axis
        return getattr(jax.nn, name)(x, axis=ax)
    return ref


SPECIAL_MORE = [
    _row("special.polygamma", _order_samples([0, 1, 2]), "x > 0; constant integer orders",
         vals=1),
    _row("special.beta", binary(POS, POS), "a, b > 0"),
    _row("special.betaln", binary(POS, POS), "a, b > 0"),
    _row("special.xlogy", binary(REAL, POS), "y > 0", torch=None),
    _row("special.xlog1py", binary(REAL, GTM1), "y > -1"),
    _row("special.gammainc", _shape_x(), "a, x > 0; a constant", vals=None),
    _row("special.gammaincc", _shape_x(), "a, x > 0; a constant"),
    _row("special.betainc", fixed(lambda r: _betainc_samples(r)[0],
                                  lambda r: _betainc_samples(r)[1]),
         "a, b > 0 constants, 0.1 < x < 0.9"),
    _row("special.multigammaln", _multigammaln_samples, "a > (d - 1) / 2"),
    _row("special.iv", _real_orders, "x > 0; constant real orders", vals=1, jax=False),
    _row("special.ive", _real_orders, "x > 0; constant real orders", vals=1, jax=False),
    _row("special.jv", _real_orders, "x > 0; constant real orders", vals=1, jax=False),
    _row("special.yv", _real_orders, "x > 0; constant real orders", vals=1, jax=False),
    _row("special.jn", _order_samples([0, 1, 3], dom(0.5, 10.0)), "constant integer orders",
         vals=1, jax=False),
    _row("special.yn", _order_samples([0, 1, 3], dom(0.5, 10.0)), "constant integer orders",
         vals=1, jax=False),
    _row("special.logsumexp", _lse_samples, "real; b > 0", ref=_lse_ref,
         fn=lambda a, b=None, **k: _wf("special.logsumexp")(a, b=b, **k)),
    _row("special.logsumexp[return_sign]", _lse_sign_samples, "real; b of both signs",
         ref=_lse_sign_ref, jax=False,
         fn=lambda a, b, **k: _wf("special.logsumexp")(a, b=b, return_sign=True, **k)[0]),
    _row("special.softmax", _softmax_samples, "real", ref=_softmax_ref("softmax")),
    _row("special.log_softmax", _softmax_samples, "real", ref=_softmax_ref("log_softmax")),
]


# ============================================================================ stats
def _loc_scale(xdom, shapes=(((4,), (4,), (4,)), ((2, 3), (1, 3), (2, 1)))):
    def gen(rng):
        out = [Sample(f"x{_s(sx)}loc{_s(sl)}scale{_s(ss)}",
                      (xdom(rng, sx), REAL(rng, sl) * 0.3, dom(0.7, 1.6)(rng, ss)))
               for sx, sl, ss in shapes]
        out.append(Sample("x(3,)defaults", (xdom(rng, (3,)),)))
        return out
    return gen


def _s(shape) -> str:
    return str(shape).replace(" ", "")


def _shape_loc_scale(xdom, nshape, sdom, diff_shapes=True):
    """(x, shape params..., loc, scale); the shapes constant unless ``diff_shapes``."""
    def gen(rng):
        out = []
        for sx, sp in (((4,), (4,)), ((2, 3), (1, 3))):
            x = xdom(rng, sx)
            shapes = tuple(sdom(rng, sp) for _ in range(nshape))
            diff = None if diff_shapes else (0, nshape + 1, nshape + 2)
            loc, scale = np.array(REAL(rng, ()) * 0.05), dom(0.9, 1.2)(rng, ())
            out.append(Sample(f"x{_s(sx)}shape{_s(sp)}", (x,) + shapes + (loc, scale),
                              diff=diff))
        x = xdom(rng, (3,))
        shapes = tuple(sdom(rng, (3,)) for _ in range(nshape))
        out.append(Sample("x(3,)defaults", (x,) + shapes,
                          diff=None if diff_shapes else (0,)))
        return out
    return gen


def _stats_rows(dist, fns, samples, domain, jax_missing=(), **kw):
    return [_row(f"stats.{dist}.{f}", samples, domain, jax=f not in jax_missing, **kw)
            for f in fns]


def _poisson_samples(rng):
    def k(shape):
        return np.asarray(rng.integers(0, 6, shape), np.float64)
    return [Sample("k(4,)mu(4,)", (k((4,)), POS(rng, (4,)) * 2), diff=(1,)),
            Sample("k(2,3)mu(2,1)", (k((2, 3)), POS(rng, (2, 1)) * 2), diff=(1,)),
            Sample("k_int(3,)", (np.array([0, 2, 5]), POS(rng, (3,))), diff=(1,)),
            # off the integers: pmf 0 (finite differences of -inf are nan)
            Sample("k_off(4,)", (np.array([0.0, 2.5, 1.0, 3.0]), POS(rng, (4,))), diff=(1,),
                   numeric=False, second_order=False),
            Sample("k_negative_values", (np.array([-1.0, -0.5, 1.0]), POS(rng, (3,))), diff=())]


def _mvn_samples(rng):
    return [Sample("x(3,)", (REAL(rng, (3,)), REAL(rng, (3,)), spd(rng, 3))),
            Sample("x(4,3)", (REAL(rng, (4, 3)), REAL(rng, (3,)), spd(rng, 3))),
            Sample("cov_diag", (REAL(rng, (2, 3)), REAL(rng, (3,)), POS(rng, (3,))))]


def _mvn_ref(name):
    def ref(xp, x, mean, cov):
        if not _is_np(xp):  # the function SciPy computes reads the lower triangle
            cov = xp.diag(cov) if np.ndim(cov) == 1 else xp.tril(cov) + xp.tril(cov, -1).T
        r = getattr(_st(xp, "multivariate_normal"), name)(x, mean, cov)
        return _cast(r, (x, mean, cov)) if _is_np(xp) else r
    return ref


def _singular_samples(rng):
    # x and mean move on the support of the singular cov (their first two coordinates; the
    # other two are 0): off it the log density is -inf, as in autograd's test
    cov = np.zeros((4, 4))
    cov[:2, :2] = spd(rng, 2)
    return [Sample("x(2,)", (REAL(rng, (2,)), REAL(rng, (2,)), cov), diff=(0, 1)),
            Sample("x(3,2)", (REAL(rng, (3, 2)), REAL(rng, (2,)), cov), diff=(0, 1))]


def _on_support(xp, x, mean):
    # zeros made from the data (same backend and dtype)
    return (xp.concatenate([x, x * 0.0], axis=-1), xp.concatenate([mean, mean * 0.0]))


def _singular_ref(xp, x, mean, cov):
    from scipy.stats import multivariate_normal

    xs, ms = _on_support(np, x, mean)
    return _cast(multivariate_normal.logpdf(xs, ms, cov, allow_singular=True), (x, mean, cov))


def _singular_fn(x, mean, cov):
    import weifen as wf

    xs, ms = _on_support(wf, x, mean)
    return _wf("stats.multivariate_normal.logpdf")(xs, ms, cov, allow_singular=True)


def _ent_samples(rng):
    return [Sample("(3,3)", (REAL(rng, (3,)), spd(rng, 3)), diff=(1,)),
            Sample("(2,2)", (REAL(rng, (2,)), spd(rng, 2)), diff=(1,))]


def _ent_ref(xp, mean, cov):
    from scipy.stats import multivariate_normal

    return _cast(multivariate_normal.entropy(mean, cov), (mean, cov))


def _dirichlet_samples(rng):
    def simplex(k, n=None):
        g = rng.uniform(0.5, 2.0, (k,) if n is None else (k, n))
        return g / g.sum(axis=0)
    return [Sample("x(3,)", (simplex(3), dom(0.8, 3.0)(rng, (3,)))),
            Sample("x(3,2)", (simplex(3, 2), dom(0.8, 3.0)(rng, (3,)))),
            Sample("x(K-1)", (simplex(4)[:3], dom(0.8, 3.0)(rng, (4,))))]


def _dirichlet_ref(name):
    # the formula SciPy evaluates, written out: finite differences leave the simplex, where
    # scipy.stats.dirichlet refuses (tests/test_scipy_special.py compares with it on it)
    def ref(xp, x, alpha):
        if x.shape[0] == alpha.shape[0] - 1:
            x = xp.concatenate([x, 1.0 - xp.sum(x, axis=0, keepdims=True)], axis=0)
        sp = _sp(xp)
        a = xp.reshape(alpha, (alpha.shape[0],) + (1,) * (x.ndim - 1))
        r = (xp.sum(sp.xlogy(a - 1.0, x), axis=0) - xp.sum(sp.gammaln(alpha))
             + sp.gammaln(xp.sum(alpha)))
        r = r if name == "logpdf" else xp.exp(r)
        return _cast(r, (x, alpha)) if _is_np(xp) else r
    return ref


SIX = ("pdf", "logpdf", "cdf", "logcdf", "sf", "logsf")
STATS = [
    *_stats_rows("norm", SIX, _loc_scale(REAL), "real x, loc; scale in [0.7, 1.6]"),
    *_stats_rows("norm", ("ppf", "isf"), _loc_scale(PROB), "0.1 < q < 0.9"),
    *_stats_rows("t", ("pdf", "logpdf"), _shape_loc_scale(REAL, 1, dom(1.5, 6.0)),
                 "real x; df in [1.5, 6]"),
    *_stats_rows("t", ("cdf", "logcdf", "sf", "logsf"),
                 _shape_loc_scale(REAL, 1, dom(1.5, 6.0), False),
                 "real x; df constant", jax_missing=SIX),
    *_stats_rows("gamma", ("pdf", "logpdf"), _shape_loc_scale(dom(0.5, 3.0), 1, dom(1.2, 3.0)),
                 "x inside the support; a in [1.2, 3]"),
    *_stats_rows("gamma", ("cdf", "logcdf", "sf", "logsf"),
                 _shape_loc_scale(dom(0.5, 3.0), 1, dom(1.2, 3.0), False), "a constant"),
    *_stats_rows("chi2", ("pdf", "logpdf"), _shape_loc_scale(dom(0.5, 3.0), 1, dom(2.5, 5.0)),
                 "x inside the support; df in [2.5, 5]"),
    *_stats_rows("chi2", ("cdf", "logcdf", "sf", "logsf"),
                 _shape_loc_scale(dom(0.5, 3.0), 1, dom(2.5, 5.0), False), "df constant"),
    *_stats_rows("beta", ("pdf", "logpdf"), _shape_loc_scale(dom(0.2, 0.8), 2, dom(1.2, 3.0)),
                 "0.2 < x < 0.8; a, b in [1.2, 3]"),
    *_stats_rows("beta", ("cdf", "logcdf", "sf", "logsf"),
                 _shape_loc_scale(dom(0.2, 0.8), 2, dom(1.2, 3.0), False), "a, b constant"),
    *_stats_rows("poisson", ("pmf", "logpmf", "cdf", "logcdf", "sf", "logsf"),
                 _poisson_samples, "integer counts (one sample off them), mu > 0",
                 jax_missing=("logcdf", "sf", "logsf"), vals=1),
    _row("stats.multivariate_normal.logpdf", _mvn_samples, "SPD cov", ref=_mvn_ref("logpdf"),
         grad_rtol=1e-4, f32_rtol=1e-3, f32_atol=1e-4),
    _row("stats.multivariate_normal.pdf", _mvn_samples, "SPD cov", ref=_mvn_ref("pdf"),
         grad_rtol=1e-4, f32_rtol=1e-3, f32_atol=1e-4),
    _row("stats.multivariate_normal.logpdf[allow_singular]", _singular_samples,
         "singular PSD cov (constant), x and mean on its support", ref=_singular_ref,
         fn=_singular_fn,
         jax=False, grad_rtol=1e-4, f32_rtol=1e-3, f32_atol=1e-4),
    _row("stats.multivariate_normal.entropy", _ent_samples, "SPD cov",
         ref=_ent_ref, jax=False, grad_rtol=1e-4, f32_rtol=1e-3, f32_atol=1e-4),
    _row("stats.dirichlet.logpdf", _dirichlet_samples, "x on the simplex, alpha > 0.8",
         ref=_dirichlet_ref("logpdf")),
    _row("stats.dirichlet.pdf", _dirichlet_samples, "x on the simplex, alpha > 0.8",
         ref=_dirichlet_ref("pdf")),
]

SPECS_SCIPY_SPECIAL += UNARY + SPECIAL_MORE + STATS

"""weifen.scipy.special and weifen.scipy.stats beyond the spec rows (tests/spec_scipy_special.py):

* every public function fed a traced value in every float argument: the right derivative
  (against central differences) or a weifen error, never a silent constant, under
  ``wf.grad``, ``wf.jvp``, the eager tape and ``Dual`` (as tests/test_every_function.py does
  for weifen.numpy);
* refused derivatives (orders, cdf shapes, a singular covariance) raise NoDerivativeError,
  which is both a WeifenError and a NotImplementedError;
* distributions against scipy.stats on more shapes, and derivatives against jax.grad;
* logsumexp's ``b`` and ``return_sign``;
* the NumPy fallbacks against SciPy, and the ImportError that names ``weifen[scipy]``;
* ``import weifen`` does not import SciPy.
"""
from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

import weifen as wf
from weifen.errors import WeifenError
from weifen.prims import special as S
from weifen.prims.special import NoDerivativeError
from weifen.scipy import special, stats

sp = pytest.importorskip("scipy.special")
ss = pytest.importorskip("scipy.stats")

P = np.array([0.6, 1.3, 2.2])
U = np.array([0.2, -0.4, 0.6])
Q = np.array([0.2, 0.45, 0.7])
SPD = np.array([[2.0, 0.3, -0.1], [0.3, 1.5, 0.2], [-0.1, 0.2, 1.8]])

# name -> (function, args, kwargs); every float argument is traced in turn
CASES = {
    "special.erf": (special.erf, (U,), {}), "special.erfc": (special.erfc, (U,), {}),
    "special.erfinv": (special.erfinv, (U,), {}),
    "special.erfcinv": (special.erfcinv, (P * 0.5,), {}),
    "special.ndtr": (special.ndtr, (U,), {}), "special.ndtri": (special.ndtri, (Q,), {}),
    "special.log_ndtr": (special.log_ndtr, (U,), {}),
    "special.gamma": (special.gamma, (P,), {}), "special.gammaln": (special.gammaln, (P,), {}),
    "special.rgamma": (special.rgamma, (P,), {}), "special.gammasgn": (special.gammasgn, (P,), {}),
    "special.digamma": (special.digamma, (P,), {}), "special.psi": (special.psi, (P,), {}),
    "special.polygamma": (special.polygamma, (2, P), {}),
    "special.multigammaln": (special.multigammaln, (P + 2.0, 3), {}),
    "special.gammainc": (special.gammainc, (P, Q + 1), {}),
    "special.gammaincc": (special.gammaincc, (P, Q + 1), {}),
    "special.beta": (special.beta, (P, Q + 1), {}),
    "special.betaln": (special.betaln, (P, Q + 1), {}),
    "special.betainc": (special.betainc, (P, P + 1, Q), {}),
    "special.expit": (special.expit, (U,), {}), "special.logit": (special.logit, (Q,), {}),
    "special.log_expit": (special.log_expit, (U,), {}),
    "special.logsumexp": (special.logsumexp, (U,), {"b": P}),
    "special.softmax": (special.softmax, (U,), {}),
    "special.log_softmax": (special.log_softmax, (U,), {}),
    "special.xlogy": (special.xlogy, (U, P), {}), "special.xlog1py": (special.xlog1py, (U, P), {}),
    "special.i0": (special.i0, (U,), {}), "special.i1": (special.i1, (U,), {}),
    "special.i0e": (special.i0e, (U,), {}), "special.i1e": (special.i1e, (U,), {}),
    "special.iv": (special.iv, (P, P), {}), "special.ive": (special.ive, (P, P), {}),
    "special.jv": (special.jv, (P, P), {}), "special.yv": (special.yv, (P, P), {}),
    "special.jn": (special.jn, (2, P), {}), "special.yn": (special.yn, (2, P), {}),
    "special.j0": (special.j0, (P,), {}), "special.j1": (special.j1, (P,), {}),
    "special.y0": (special.y0, (P,), {}), "special.y1": (special.y1, (P,), {}),
}
for _f in ("pdf", "logpdf", "cdf", "logcdf", "sf", "logsf"):
    CASES[f"stats.norm.{_f}"] = (getattr(stats.norm, _f), (U, Q, P), {})
    CASES[f"stats.t.{_f}"] = (getattr(stats.t, _f), (U, P + 2, Q, P), {})
    CASES[f"stats.gamma.{_f}"] = (getattr(stats.gamma, _f), (P + 1, P + 0.5, Q * 0.5, P), {})
    CASES[f"stats.chi2.{_f}"] = (getattr(stats.chi2, _f), (P + 1, P + 2, Q * 0.5, P), {})
    CASES[f"stats.beta.{_f}"] = (getattr(stats.beta, _f), (Q, P + 1, P + 0.5, Q * 0.1, P), {})
for _f in ("pmf", "logpmf", "cdf", "logcdf", "sf", "logsf"):
    CASES[f"stats.poisson.{_f}"] = (getattr(stats.poisson, _f), (np.array([0.0, 2.0, 3.0]), P), {})
CASES.update({
    "stats.norm.ppf": (stats.norm.ppf, (Q, U, P), {}),
    "stats.norm.isf": (stats.norm.isf, (Q, U, P), {}),
    "stats.multivariate_normal.logpdf": (stats.multivariate_normal.logpdf, (U, Q, SPD), {}),
    "stats.multivariate_normal.pdf": (stats.multivariate_normal.pdf, (U, Q, SPD), {}),
    "stats.multivariate_normal.entropy": (stats.multivariate_normal.entropy, (Q, SPD), {}),
    "stats.dirichlet.logpdf": (stats.dirichlet.logpdf, (Q / Q.sum(), P), {}),
    "stats.dirichlet.pdf": (stats.dirichlet.pdf, (Q / Q.sum(), P), {}),
})
# derivatives refused on purpose: (name, argument position)
REFUSED = {("special.gammainc", 0), ("special.gammaincc", 0), ("special.betainc", 0),
           ("special.betainc", 1), ("special.iv", 0), ("special.ive", 0), ("special.jv", 0),
           ("special.yv", 0), ("stats.gamma.cdf", 1), ("stats.gamma.logcdf", 1),
           ("stats.gamma.sf", 1), ("stats.gamma.logsf", 1), ("stats.beta.cdf", 1),
           ("stats.beta.cdf", 2), ("stats.beta.logcdf", 1), ("stats.beta.logcdf", 2),
           ("stats.beta.sf", 1), ("stats.beta.sf", 2), ("stats.beta.logsf", 1),
           ("stats.beta.logsf", 2)}
REFUSED |= {(f"stats.chi2.{f}", 1) for f in ("cdf", "logcdf", "sf", "logsf")}
REFUSED |= {(f"stats.t.{f}", 1) for f in ("cdf", "logcdf", "sf", "logsf")}


def _public():
    names = {f"special.{n}" for n in special.__all__ if n != "NoDerivativeError"}
    for d in stats.__all__:
        names |= {f"stats.{d}.{n}" for n in getattr(stats, d).__all__ if n != "rvs"}
    return names


def test_every_public_function_has_a_case():
    assert sorted(_public() - set(CASES)) == []


def _scalar(out):
    outs = out if isinstance(out, tuple) else (out,)
    total = 0.0
    for k, o in enumerate(outs):
        w = np.random.default_rng(k).uniform(0.5, 1.5, np.shape(o))
        total = total + wf.sum(o * w)
    return total


CALLS = [(n, i) for n, (f, args, kw) in sorted(CASES.items()) for i, a in enumerate(args)
         if isinstance(a, np.ndarray)]


def _fd(f, args, kw, i, h=1e-6):
    x0 = args[i]
    g = np.zeros_like(x0)
    for k in np.ndindex(x0.shape):
        e = np.zeros_like(x0)
        e[k] = h
        a_hi, a_lo = list(args), list(args)
        a_hi[i], a_lo[i] = x0 + e, x0 - e
        g[k] = (float(_scalar(f(*a_hi, **kw))) - float(_scalar(f(*a_lo, **kw)))) / (2 * h)
    return g


@pytest.mark.parametrize("name, i", CALLS, ids=[f"{n}-arg{i}" for n, i in CALLS])
def test_traced_argument_gets_its_derivative_or_an_error(name, i):
    f, args, kw = CASES[name]
    counts = name.startswith("stats.poisson") and i == 0  # piecewise constant: zero
    want = np.zeros_like(args[i]) if counts else _fd(f, args, kw, i)

    def g(x):
        a = list(args)
        a[i] = x
        return _scalar(f(*a, **kw))

    refused = (name, i) in REFUSED
    checks = [("grad", lambda: wf.grad(g)(args[i])),
              ("jvp", lambda: wf.jvp(g, (args[i],), (np.ones_like(args[i]),))[1]),
              ("tape", lambda: _tape(g, args[i]))]
    for how, run in checks:
        if refused:
            with pytest.raises(NoDerivativeError):
                run()
            continue
        got = run()
        target = np.sum(want) if how == "jvp" else want
        np.testing.assert_allclose(np.asarray(got, float), target, rtol=1e-4, atol=1e-6,
                                   err_msg=f"{name}: {how}")


def _tape(g, x0):
    x = wf.tensor(x0, requires_grad=True)
    y = g(x)
    if not getattr(y, "requires_grad", False):
        return np.zeros_like(x0)
    y.backward()
    return x.grad if x.grad is not None else np.zeros_like(x0)


def test_refusal_is_both_a_weifen_error_and_not_implemented():
    assert issubclass(NoDerivativeError, WeifenError)
    assert issubclass(NoDerivativeError, NotImplementedError)
    with pytest.raises(NotImplementedError, match="with respect to a"):
        wf.grad(lambda a: special.gammainc(a, 1.5))(1.2)
    with pytest.raises(NoDerivativeError):
        special.gammainc(wf.Dual(1.2, 1.0), 1.5)
    with pytest.raises(NoDerivativeError):  # eager tape: refused at the call
        special.iv(wf.tensor(1.0, requires_grad=True), 2.0)
    # vmap over the shape (values only) is fine, and the derivative in x still flows
    a = np.array([0.5, 1.0, 2.0])
    np.testing.assert_allclose(wf.vmap(lambda ai: special.gammainc(ai, 1.5))(a),
                               sp.gammainc(a, 1.5), rtol=1e-12)
    g = wf.grad(lambda x: special.gammainc(2.0, x))(1.5)
    np.testing.assert_allclose(float(g), 1.5 * np.exp(-1.5), rtol=1e-12)


def test_singular_mvn_refuses_cov_but_differentiates_x():
    cov = np.diag([1.0, 2.0, 0.0])
    x = np.array([0.3, -0.2, 0.0])
    f = stats.multivariate_normal.logpdf
    g = wf.grad(lambda x: f(x, np.zeros(3), cov, allow_singular=True))(x)
    np.testing.assert_allclose(np.asarray(g)[:2], [-0.3, 0.1], rtol=1e-12)
    for run in (lambda: wf.grad(lambda c: f(x, np.zeros(3), c, allow_singular=True))(cov),
                lambda: wf.jvp(lambda c: f(x, np.zeros(3), c, allow_singular=True), (cov,),
                               (np.eye(3),))):
        with pytest.raises(NoDerivativeError):
            run()


# ---------------------------------------------------------------- values against SciPy
def test_distributions_against_scipy_broadcasting():
    rng = np.random.default_rng(0)
    x, loc, scale = rng.normal(size=(4, 3)), rng.normal(size=(1, 3)), rng.uniform(0.5, 2, (4, 1))
    for f in ("pdf", "logpdf", "cdf", "logcdf", "sf", "logsf"):
        np.testing.assert_allclose(getattr(stats.norm, f)(x, loc, scale),
                                   getattr(ss.norm, f)(x, loc, scale), rtol=1e-12)
        np.testing.assert_allclose(getattr(stats.t, f)(x, 3.5, loc, scale),
                                   getattr(ss.t, f)(x, 3.5, loc, scale), rtol=1e-10)
    xp = np.abs(x) + 0.1
    for f in ("pdf", "logpdf", "cdf", "logcdf", "sf", "logsf"):
        np.testing.assert_allclose(getattr(stats.gamma, f)(xp, 2.5, 0.05, scale),
                                   getattr(ss.gamma, f)(xp, 2.5, 0.05, scale), rtol=1e-10)
        np.testing.assert_allclose(getattr(stats.chi2, f)(xp, 3.0), getattr(ss.chi2, f)(xp, 3.0),
                                   rtol=1e-10)
        u = xp / (xp.max() + 0.1)
        np.testing.assert_allclose(getattr(stats.beta, f)(u, 2.5, 1.5),
                                   getattr(ss.beta, f)(u, 2.5, 1.5), rtol=1e-10)
    # outside the supports: 0 density, -inf log density, cdf 0 or 1, as SciPy
    for mod in ("gamma", "beta"):
        args = (np.array([-0.5, 1.5]), 2.0) + ((3.0,) if mod == "beta" else ())
        for f in ("pdf", "logpdf", "cdf", "sf"):
            np.testing.assert_array_equal(getattr(getattr(stats, mod), f)(*args),
                                          getattr(getattr(ss, mod), f)(*args))
    k = np.array([-1.0, 0.0, 2.0, 2.5, 7.0])
    for f in ("pmf", "logpmf", "cdf", "logcdf", "sf", "logsf"):
        np.testing.assert_allclose(getattr(stats.poisson, f)(k, 3.2),
                                   getattr(ss.poisson, f)(k, 3.2), rtol=1e-12)
    np.testing.assert_allclose(stats.poisson.pmf(k, 3.2, loc=1.0), ss.poisson.pmf(k, 3.2, loc=1.0),
                               rtol=1e-12)


def test_mvn_and_dirichlet_against_scipy():
    rng = np.random.default_rng(1)
    X, m = rng.normal(size=(5, 3)), rng.normal(size=3)
    for args in ((X, m, SPD), (X[0], m, SPD), (X, m, np.array([1.0, 2.0, 0.5])),
                 (X[:, 0], 0.5, 2.0), (0.3, 0.5, 2.0), (X[0], None, SPD)):
        np.testing.assert_allclose(stats.multivariate_normal.logpdf(*args),
                                   ss.multivariate_normal.logpdf(*args), rtol=1e-12)
        assert np.shape(stats.multivariate_normal.pdf(*args)) == \
            np.shape(ss.multivariate_normal.pdf(*args))
    np.testing.assert_allclose(stats.multivariate_normal.entropy(m, SPD),
                               ss.multivariate_normal.entropy(m, SPD), rtol=1e-12)
    alpha = np.array([1.5, 2.0, 3.0])
    for x in (np.array([0.2, 0.3, 0.5]), np.array([[0.2, 0.3], [0.3, 0.1], [0.5, 0.6]]),
              np.array([0.2, 0.3])):
        np.testing.assert_allclose(stats.dirichlet.logpdf(x, alpha), ss.dirichlet.logpdf(x, alpha),
                                   rtol=1e-12)
    s = stats.dirichlet.rvs(alpha, size=2, random_state=3)
    np.testing.assert_array_equal(s, ss.dirichlet.rvs(alpha, size=2, random_state=3))


def test_derivatives_against_jax_grad():
    jax = pytest.importorskip("jax")
    jss = pytest.importorskip("jax.scipy.stats")
    with jax.enable_x64(True):
        cases = [
            (stats.t.logpdf, jss.t.logpdf, (0.7, 3.3, 0.2, 1.4)),
            (stats.gamma.logpdf, jss.gamma.logpdf, (1.7, 2.3, 0.1, 1.2)),
            (stats.beta.logpdf, jss.beta.logpdf, (0.3, 2.3, 1.7, 0.0, 1.1)),
            (stats.chi2.logpdf, jss.chi2.logpdf, (1.7, 3.1, 0.1, 1.2)),
            (stats.norm.logcdf, jss.norm.logcdf, (-3.7, 0.2, 1.4)),
            (stats.poisson.logpmf, jss.poisson.logpmf, (3.0, 2.2)),
        ]
        for ours, theirs, args in cases:
            for i in range(len(args)):
                if ours is stats.poisson.logpmf and i == 0:
                    continue
                want = float(jax.grad(theirs, argnums=i)(*args))
                got = float(wf.grad(ours, argnums=i)(*args))
                np.testing.assert_allclose(got, want, rtol=1e-10, err_msg=f"{ours.__module__}:{i}")


def test_logsumexp_b_and_return_sign():
    rng = np.random.default_rng(2)
    a, b = rng.normal(size=(3, 4)), rng.normal(size=(3, 4))
    for axis in (None, 0, 1, (0, 1), -1):
        for keepdims in (False, True):
            r, s = special.logsumexp(a, axis=axis, b=b, keepdims=keepdims, return_sign=True)
            er, es = sp.logsumexp(a, axis=axis, b=b, keepdims=keepdims, return_sign=True)
            np.testing.assert_allclose(r, er, rtol=1e-12)
            np.testing.assert_array_equal(s, es)
            assert np.shape(r) == np.shape(er)
    # b == 0 removes a term, whatever its a (also +inf); -inf terms contribute nothing
    a2 = np.array([np.inf, 0.5, -np.inf])
    np.testing.assert_allclose(special.logsumexp(a2, b=np.array([0.0, 2.0, 1.0])),
                               sp.logsumexp(a2, b=np.array([0.0, 2.0, 1.0])), rtol=1e-12)
    # a negative sum without return_sign: nan, as SciPy
    with np.errstate(invalid="ignore"):
        assert np.isnan(float(special.logsumexp(np.zeros(2), b=np.array([1.0, -2.0]))))
    # the derivative in b
    g = wf.grad(lambda b: special.logsumexp(a[0], b=b))(np.abs(b[0]))
    np.testing.assert_allclose(g, np.exp(a[0]) / np.sum(np.abs(b[0]) * np.exp(a[0])), rtol=1e-12)


def test_complex_erf_and_float32():
    z = np.array([0.3 + 0.2j, -1.0 + 0.5j])
    np.testing.assert_allclose(special.erfc(z), sp.erfc(z), rtol=1e-12)
    x32 = np.array([0.5, 1.5], np.float32)
    for f in (special.gammaln, special.digamma, special.erfinv, special.i0, special.i1e,
              special.rgamma, lambda x: special.polygamma(1, x),
              lambda x: special.gammainc(1, x), lambda x: stats.t.cdf(x, 3.0)):
        y = f(x32 * 0.5)
        assert np.asarray(y).dtype == np.float32
        assert np.asarray(wf.grad(lambda x: wf.sum(f(x)))(x32 * 0.5)).dtype == np.float32


# ---------------------------------------------------------------- without SciPy
@pytest.fixture
def no_scipy(monkeypatch):
    monkeypatch.setattr(S, "_SCIPY", [None])


@pytest.mark.parametrize("name, x", [
    ("gammaln", np.array([0.1, 0.7, 3.5, 40.0, -0.5, -2.5])),
    ("gamma", np.array([0.1, 0.7, 3.5, 20.0, -0.5, -2.5])),
    ("rgamma", np.array([0.1, 0.7, 3.5, -0.5, -2.0, 0.0])),
    ("gammasgn", np.array([0.1, 3.5, -0.5, -1.5, -2.5])),
    ("digamma", np.array([0.1, 0.7, 3.5, 40.0, -0.5, -2.7])),
    ("erfc", np.array([-3.0, -0.2, 0.4, 5.0])),
    ("erfinv", np.array([-0.999, -0.3, 0.0, 0.5, 0.99999])),
    ("erfcinv", np.array([0.01, 0.3, 1.0, 1.7])),
    ("log_ndtr", np.array([-60.0, -36.0, -34.0, -5.0, 0.0, 3.0, 9.0])),
    ("i0", np.array([-3.0, 0.0, 0.4, 12.0])),
])
def test_numpy_fallbacks_match_scipy(no_scipy, name, x):
    got = getattr(special, name)(x)
    np.testing.assert_allclose(got, getattr(sp, name)(x), rtol=1e-12, atol=1e-300)


def test_numpy_fallbacks_two_arguments(no_scipy):
    x = np.array([0.3, 1.7, 6.0, 25.0])
    for n in (1, 2, 3):
        np.testing.assert_allclose(special.polygamma(n, x), sp.polygamma(n, x), rtol=1e-12)
    a, b = np.array([0.4, 2.5, -0.5]), np.array([1.2, 3.0, 2.2])
    np.testing.assert_allclose(special.betaln(a[:2], b[:2]), sp.betaln(a[:2], b[:2]), rtol=1e-12)
    np.testing.assert_allclose(special.beta(a, b), sp.beta(a, b), rtol=1e-12)
    np.testing.assert_allclose(special.xlogy(np.array([0.0, 2.0]), np.array([0.0, 3.0])),
                               sp.xlogy([0.0, 2.0], [0.0, 3.0]))
    # derivatives still come from the rules
    g = wf.grad(lambda x: wf.sum(special.gammaln(x)))(x)
    np.testing.assert_allclose(g, sp.digamma(x), rtol=1e-12)


def test_without_scipy_the_error_names_the_extra(no_scipy):
    with pytest.raises(ImportError, match=r"pip install weifen\[scipy\]"):
        special.iv(1.0, np.array([0.5]))
    with pytest.raises(ImportError, match=r"weifen\[scipy\]"):
        stats.gamma.cdf(np.array([0.5]), 2.0)


def test_import_weifen_does_not_import_scipy():
    code = ("import sys, weifen, weifen.scipy; "
            "assert not any(m == 'scipy' or m.startswith('scipy.') for m in sys.modules), "
            "sorted(m for m in sys.modules if m.startswith('scipy'))")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr

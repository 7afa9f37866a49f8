"""Every public function, fed traced values in every float argument: the right derivative
or a weifen error, never a silent constant (issue 11).

Each case is checked four ways against central differences of the same call on plain
arrays: under ``wf.grad``, under ``wf.jvp``, on the eager tape (``.backward()``), and with
1-d arguments given as Python lists of traced scalars (``[x[0], x[1], ...]``). The table
must name every public function; a new one without a row fails the coverage test.
"""
import numpy as np
import pytest

import weifen as wf
import weifen.numpy as wnp
import weifen.scipy  # noqa: F401 - wf.scipy.linalg, .signal, .integrate (imported on first use)
from weifen.errors import WeifenError

U = np.array([0.2, -0.4, 0.6])          # inside (-1, 1), no zeros, no ties
P = np.array([0.3, 0.8, 1.7])           # positive
G = np.array([1.3, 2.1, 1.6])           # above 1 (arccosh)
R = np.array([[0.5, -1.2, 0.3], [0.9, 0.4, -0.7]])
S = np.array([[2.0, 0.3, -0.1], [0.5, 1.5, 0.2], [-0.3, 0.1, 1.8]])  # well conditioned
SPD = S @ S.T + np.eye(3)
V = np.array([0.7, -0.2, 0.5])
E = {}  # no keyword arguments

UNARY_U = ["abs", "absolute", "sin", "cos", "tan", "arcsin", "arccos", "arctan", "sinh", "cosh",
           "tanh", "arcsinh", "arctanh", "exp", "exp2", "expm1", "log1p", "negative", "square",
           "sigmoid", "relu", "softplus", "erf", "sign", "floor", "ceil", "trunc", "round",
           "around", "isfinite", "logical_not", "copy", "ravel", "atleast_1d", "atleast_2d",
           "softmax", "log_softmax", "logsumexp", "cumsum", "cumprod", "flip", "sum", "mean",
           "prod", "max", "min", "amax", "amin", "var", "std", "argmax", "argmin", "all", "any",
           "count_nonzero", "norm", "transpose", "squeeze"]
UNARY_P = ["log", "log2", "log10", "sqrt", "reciprocal"]
BINARY = ["add", "subtract", "multiply", "divide", "true_divide", "power", "maximum", "minimum",
          "arctan2", "mod", "remainder", "floor_divide", "equal", "not_equal", "less",
          "less_equal", "greater", "greater_equal", "logical_and", "logical_or", "dot", "vdot",
          "inner", "outer"]

CASES = {n: [((U,), E)] for n in UNARY_U}
CASES.update({n: [((P,), E)] for n in UNARY_P})
W = np.array([0.23, -0.37, 0.61])       # no ratio with P is an integer (mod, //)
CASES.update({n: [((P, W), E)] for n in BINARY})
CASES["arccosh"] = [((G,), E)]
CASES["power"] = [((P, U), E), ((U, 2.0), E), ((2.0, U), E)]
CASES.update({
    "astype": [((U, np.float64), E)],
    "clip": [((U, -0.3, 0.5), E)],
    "where": [((U > 0, U, V), E)],
    "broadcast_to": [((U, (2, 3)), E)],
    "reshape": [((R, (3, 2)), E)],
    "expand_dims": [((U, 0), E)],
    "moveaxis": [((R, 0, 1), E)],
    "swapaxes": [((R, 0, 1), E)],
    "concatenate": [(([U, V],), E)],
    "stack": [(([U, V],), E)],
    "hstack": [(([U, V],), E)],
    "vstack": [(([U, V],), E)],
    "split": [((np.concatenate([U, V]), 2), E)],
    "array_split": [((np.concatenate([U, V]), 4), E)],
    "pad": [((U, 1), {"constant_values": 0.5})],
    "tile": [((U, 2), E)],
    "repeat": [((U, 2), E)],
    "take": [((U, np.array([2, 0, 2])), E)],
    "getitem": [((R, (slice(None), 1)), E)],
    "index_update": [((U, 1, 0.9), E)],
    "diagonal": [((S,), E)],
    "trace": [((S,), E)],
    "tril": [((S,), E)],
    "triu": [((S,), E)],
    "matmul": [((S, V), E)],
    "tensordot": [((S, R.T), {"axes": 1})],
    "einsum": [(("ij,j->i", S, V), E)],
    # creation
    "tensor": [((U,), E)], "array": [((U,), E)], "asarray": [((U,), E)],
    "linspace": [((0.3, 1.9, 5), E)], "arange": [((0.25, 3.0, 0.5), E)],
    "full": [(((2, 2), 0.7), E)], "full_like": [((U, 0.7), E)],
    "zeros_like": [((U,), E)], "ones_like": [((U,), E)],
    "cat": [(([U, V],), E)],
    # linear algebra
    "linalg.inv": [((S,), E)], "linalg.det": [((S,), E)], "linalg.slogdet": [((S,), E)],
    "linalg.solve": [((S, V), E)], "linalg.cholesky": [((SPD,), E)],
    "linalg.eigh": [((SPD,), E)], "linalg.eigvalsh": [((SPD,), E)],
    "linalg.norm": [((S,), E), ((U,), {"ord": 1})],
    "linalg.solve_triangular": [((S, V), {"lower": True})],
    "linalg.matmul": [((S, V), E)], "linalg.outer": [((U, V), E)],
    "linalg.tensordot": [((S, R.T), {"axes": 1})],
    # decompositions: real inputs, so singular vectors and eigenvectors have only a sign
    # to choose (locally constant); full_matrices=False where a factor would have columns
    # of a complement (a basis LAPACK picks)
    "linalg.svd": [((S,), E), ((R,), {"full_matrices": False}), ((R,), {"compute_uv": False})],
    "linalg.svdvals": [((R,), E)],
    "linalg.eig": [((S,), E)], "linalg.eigvals": [((S,), E)],
    "linalg.qr": [((R.T,), E), ((R,), {"mode": "r"})],
    "linalg.pinv": [((R,), E), ((S,), {"hermitian": True})],
    "linalg.matrix_power": [((S, 3), E), ((S, -2), E), ((S, 0), E)],
    "linalg.lstsq": [((R.T, V), E), ((S, R.T), E)],
    "linalg.matrix_transpose": [((R,), E)],
    "linalg.vector_norm": [((R,), E), ((R,), {"axis": 1, "ord": 3})],
    "linalg.matrix_norm": [((S,), E), ((S,), {"ord": "nuc"})],
    "linalg.cond": [((S,), E), ((S,), {"p": "fro"})],
    "linalg.matrix_rank": [((S,), E)],
    "linalg.multi_dot": [(([S, R.T, U[:2]],), E)],
    "linalg.diagonal": [((S,), {"offset": 1})], "linalg.trace": [((S,), E)],
    "linalg.vecdot": [((R, U), E)],
})
# the NumPy extras (issue 12)
CASES.update({n: [((U,), E)] for n in (
    "angle", "argsort", "atleast_3d", "cbrt", "conj", "conjugate", "real", "imag", "real_if_close",
    "radians", "degrees", "deg2rad", "rad2deg", "diff", "fabs", "flipud", "nan_to_num",
    "nonzero", "sinc", "sort", "trapz")})
CASES.update({n: [((P, W), E)] for n in ("fmax", "fmin", "hypot", "logaddexp", "logaddexp2")})
CASES.update({n: [(([U, V],), E)] for n in ("column_stack", "dstack", "row_stack")})
CASES.update({
    "append": [((U, V), E)], "kron": [((U, V), E)], "cross": [((U, V), E)],
    "argpartition": [((U, 1), E)], "partition": [((U, 1), E)],
    "diag": [((U,), E), ((S,), {"k": 1})], "diagflat": [((R,), E)],
    "make_diagonal": [((R,), {"axis1": -1, "axis2": -2})],
    "gradient": [((U,), E), ((U, 0.5), E), ((S, P), {"axis": 0})],
    "vsplit": [((R, 2), E)], "hsplit": [((R, 3), E)], "dsplit": [((R.reshape(1, 2, 3), 3), E)],
    "fliplr": [((R,), E)], "roll": [((U, 1), E)], "rollaxis": [((R, 1), E)],
    "rot90": [((R,), E)], "take_along_axis": [((R, np.array([[0, 2], [1, 1]])), {"axis": 1})],
    "select": [(((U > 0, U < -0.3), [U, V], 0.5), E)],
    "trapezoid": [((U, P), E)],
})
# wf.fft (complex outputs count with both parts: see _scalarise)
CASES.update({f"fft.{n}": [((U,), E)] for n in (
    "fft", "ifft", "rfft", "irfft", "hfft", "ihfft", "fftshift", "ifftshift")})
CASES.update({f"fft.{n}": [((R,), E)] for n in (
    "fft2", "ifft2", "fftn", "ifftn", "rfft2", "irfft2", "rfftn", "irfftn")})
CASES.update({"fft.fftfreq": [((4, 0.7), E)], "fft.rfftfreq": [((5, 0.7), E)]})
CASES["fft.fft"].append(((U,), {"n": 5, "norm": "ortho"}))
CASES["fft.irfft"].append(((U,), {"n": 3}))
# weifen.scipy.linalg, .signal and .integrate (SciPy's names)
_BAND = np.array([[0.0, 0.3, -0.2], [2.0, 1.8, 2.2], [0.4, -0.1, 0.0]])
_ODE = lambda y, t, k: -k * y + wf.sin(t)  # noqa: E731
CASES.update({
    "scipy.linalg.solve_triangular": [((S, V), {"lower": True}), ((S, V), {"trans": "T"}),
                                      ((S, V), {"unit_diagonal": True})],
    "scipy.linalg.solve": [((S, V), E), ((SPD, V), {"assume_a": "pos"})],
    "scipy.linalg.solve_banded": [(((1, 1), _BAND, V), E)],
    "scipy.linalg.solve_sylvester": [((S, SPD, S.T), E)],
    "scipy.linalg.cholesky": [((SPD,), E), ((SPD,), {"lower": True})],
    "scipy.linalg.cho_factor": [((SPD,), E)],
    "scipy.linalg.cho_solve": [(((np.linalg.cholesky(SPD), True), V), E)],
    "scipy.linalg.inv": [((S,), E)], "scipy.linalg.det": [((S,), E)],
    "scipy.linalg.sqrtm": [((SPD,), E)], "scipy.linalg.expm": [((S * 0.5,), E)],
    "scipy.linalg.expm_frechet": [((S * 0.5, SPD), E)],
    "scipy.linalg.eigh": [((SPD,), E),
                          ((SPD, 2 * np.eye(3) + 0.1 * (S + S.T)), {"eigvals_only": True})],
    "scipy.linalg.eigvalsh": [((SPD,), E)],
    "scipy.linalg.eig": [((S,), E)], "scipy.linalg.eigvals": [((S,), E)],
    "scipy.linalg.svd": [((R,), {"full_matrices": False}), ((R,), {"compute_uv": False})],
    "scipy.linalg.svdvals": [((R,), E)],
    "scipy.linalg.qr": [((R.T,), {"mode": "economic"})],
    "scipy.linalg.pinv": [((R,), E)], "scipy.linalg.norm": [((S,), E)],
    "scipy.linalg.lstsq": [((R.T, V), E)],
    "scipy.linalg.block_diag": [((S, U), E)],
    "scipy.signal.convolve": [((U, V[:2]), E), ((U, V[:2]), {"mode": "same"})],
    "scipy.signal.correlate": [((U, V[:2]), {"mode": "valid"})],
    "scipy.integrate.odeint": [((_ODE, U, np.array([0.1, 0.4, 0.9]), (0.7,)), E)],
})
# weifen.scipy.special and .stats (SciPy's names); orders, cdf shapes and Poisson counts
# (integers here) have no derivative: a traced one is refused with a WeifenError
_Q = P * 0.5                            # inside (0, 1)
CASES.update({f"scipy.special.{n}": [((U,), E)] for n in (
    "erf", "erfc", "erfinv", "ndtr", "log_ndtr", "expit", "log_expit", "softmax",
    "log_softmax", "logsumexp", "i0", "i1", "i0e", "i1e")})
CASES.update({f"scipy.special.{n}": [((P,), E)] for n in (
    "erfcinv", "gamma", "gammaln", "rgamma", "gammasgn", "digamma", "psi", "j0", "j1", "y0",
    "y1")})
CASES.update({f"scipy.special.{n}": [((_Q,), E)] for n in ("ndtri", "logit")})
CASES.update({f"scipy.special.{n}": [((P, G), E)] for n in (
    "beta", "betaln", "xlogy", "xlog1py", "gammainc", "gammaincc", "iv", "ive", "jv", "yv")})
CASES.update({f"scipy.special.{n}": [((2, G), E)] for n in ("polygamma", "jn", "yn")})
CASES.update({
    "scipy.special.betainc": [((P, G, _Q), E)],
    "scipy.special.multigammaln": [((G + 1.0, 3), E)],
    "scipy.special.logsumexp": [((U,), E), ((R,), {"axis": 1, "b": G})],
})
for _f in ("pdf", "logpdf", "cdf", "logcdf", "sf", "logsf"):
    CASES.update({
        f"scipy.stats.norm.{_f}": [((U, W, P), E)],
        f"scipy.stats.t.{_f}": [((U, G + 1, W, P), E)],
        f"scipy.stats.gamma.{_f}": [((G, P + 0.5, _Q * 0.5, P), E)],
        f"scipy.stats.chi2.{_f}": [((G, G + 1, _Q * 0.5, P), E)],
        f"scipy.stats.beta.{_f}": [((_Q, G, P + 0.5), E)],
    })
for _f in ("pmf", "logpmf", "cdf", "logcdf", "sf", "logsf"):
    CASES[f"scipy.stats.poisson.{_f}"] = [((np.array([0, 2, 3]), G), E)]
CASES.update({
    "scipy.stats.norm.ppf": [((_Q, W, P), E)], "scipy.stats.norm.isf": [((_Q, W, P), E)],
    "scipy.stats.multivariate_normal.logpdf": [((U, V, SPD), E), ((R, V, SPD), E)],
    "scipy.stats.multivariate_normal.pdf": [((U * 0.3, V * 0.3, SPD), E)],
    "scipy.stats.multivariate_normal.entropy": [((V, SPD), E)],
    "scipy.stats.dirichlet.logpdf": [((P / P.sum(), G), E)],
    "scipy.stats.dirichlet.pdf": [((P / P.sum(), G), E)],
})
# names with no float argument to trace (sizes and shapes only): their refusal is tested
# in test_trust.py
NO_FLOAT_ARGS = {"zeros", "ones", "eye", "rand", "randn", "from_numpy"}


def _fn(name):
    if name.startswith("linalg."):
        return getattr(wf.linalg, name[7:])
    if name.startswith("fft."):
        return getattr(wf.fft, name[4:])
    if name.startswith("scipy."):  # scipy.linalg.solve, scipy.stats.norm.pdf
        obj = wf.scipy
        for part in name[6:].split("."):
            obj = getattr(obj, part)
        return obj
    return getattr(wf, name)


def _float_positions(args):
    return [i for i, a in enumerate(args)
            if isinstance(a, float) or (isinstance(a, np.ndarray) and a.dtype.kind == "f")
            or (isinstance(a, list) and all(isinstance(b, np.ndarray) for b in a))]


def _leaves(out):
    if isinstance(out, (tuple, list)):
        return [x for o in out for x in _leaves(o)]
    return [out]


def _weights(shape, seed):
    return np.random.default_rng(seed).uniform(0.5, 1.5, shape)


def _scalarise(out, wrap):
    """A weighted sum of every output leaf (cast to float), so one number sees them all."""
    total = 0.0
    for k, o in enumerate(_leaves(out)):
        if getattr(o, "dtype", np.dtype(float)).kind == "c":  # both parts count
            o = wf.real(o) + 0.5 * wf.imag(o)
        o = wf.astype(o, np.float64)
        total = total + wf.sum(o * _weights(tuple(o.shape), k))
    return total


def _call(name, args, kwargs, i, x, as_list=False):
    a = list(args)
    if isinstance(args[i], list):  # a list of arrays: trace the first one
        a[i] = [x] + list(args[i][1:])
    elif as_list:
        a[i] = [x[k] for k in range(len(args[i]))]
    else:
        a[i] = x
    return _scalarise(_fn(name)(*a, **kwargs), None)


def _base(args, i):
    return args[i][0] if isinstance(args[i], list) else args[i]


def _fd(name, args, kwargs, i, h=1e-6):
    x0 = np.asarray(_base(args, i), dtype=float)
    g = np.zeros_like(x0)
    for k in np.ndindex(x0.shape):
        e = np.zeros_like(x0)
        e[k] = h
        hi = float(_call(name, args, kwargs, i, x0 + e if x0.ndim else float(x0 + e)))
        lo = float(_call(name, args, kwargs, i, x0 - e if x0.ndim else float(x0 - e)))
        g[k] = (hi - lo) / (2 * h)
    return g


CALLS = [(n, k, i) for n, cs in sorted(CASES.items()) for k, (args, kw) in enumerate(cs)
         for i in _float_positions(args)]


def _check(got, want, how):
    got = np.asarray(got, dtype=float)
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-5, err_msg=how)


@pytest.mark.parametrize("name, k, i", CALLS, ids=[f"{n}-{k}-arg{i}" for n, k, i in CALLS])
def test_traced_argument_gets_its_derivative_or_an_error(name, k, i):
    args, kwargs = CASES[name][k]
    x0 = _base(args, i)
    want = _fd(name, args, kwargs, i)
    f = lambda x: _call(name, args, kwargs, i, x)  # noqa: E731
    try:
        g = wf.grad(f)(x0)
    except WeifenError:
        g = None  # a clear refusal is allowed; a silent constant is not
    if g is not None:
        _check(g, want, f"{name}: wf.grad")
    # forward mode, along a fixed direction
    d = _weights(np.shape(x0), 99)
    try:
        _, t = wf.jvp(f, (x0,), (d if np.ndim(x0) else float(d),))
    except WeifenError:
        t = None
    if t is not None:
        _check(t, float(np.sum(want * d)), f"{name}: wf.jvp")
    # the eager tape
    x = wf.tensor(x0, requires_grad=True)
    try:
        y = f(x)
    except WeifenError:
        y = None
    if y is not None:
        if isinstance(y, wf.Tensor) and y.requires_grad:
            y.backward()
            _check(x.grad, want, f"{name}: .backward()")
        else:  # nothing recorded: only right if the derivative is zero
            _check(np.zeros_like(want), want, f"{name}: eager result has no grad_fn")
    # a list of traced scalars in place of a 1-d array
    if isinstance(x0, np.ndarray) and x0.ndim == 1 and not isinstance(args[i], list):
        try:
            g = wf.grad(lambda x: _call(name, args, kwargs, i, x, as_list=True))(x0)
        except WeifenError:
            g = None
        if g is not None:
            _check(g, want, f"{name}: list of traced scalars")


def test_every_public_function_has_a_row():
    # r_ and c_ are index expressions, not functions (their rows: tests/spec_more.py)
    public = set(wnp.__all__) - {"UFUNCS", "unary_op", "r_", "c_"}
    public |= {"tensor", "array", "asarray", "linspace", "arange", "full", "full_like",
               "zeros_like", "ones_like", "cat"} | NO_FLOAT_ARGS
    public |= {f"linalg.{n}" for n in dir(wf.linalg)
               if not n.startswith("_") and callable(getattr(wf.linalg, n))
               and not n.endswith("Result")}
    public |= {f"fft.{n}" for n in wf.fft.__all__}
    for mod in ("linalg", "signal", "integrate", "special"):
        public |= {f"scipy.{mod}.{n}" for n in getattr(wf.scipy, mod).__all__
                   if n != "NoDerivativeError"}
    for dist in wf.scipy.stats.__all__:  # rvs draws samples: values only (test_scipy_special)
        public |= {f"scipy.stats.{dist}.{n}" for n in getattr(wf.scipy.stats, dist).__all__
                   if n != "rvs"}
    missing = sorted(public - set(CASES) - NO_FLOAT_ARGS)
    assert not missing, f"public functions with no traced-argument case: {missing}"

"""Generic checks of every op, driven by the rows of tests/spec.py and tests/spec_extra.py
(rows x samples):

1. values equal NumPy's, with NumPy's dtype (float32 stays float32 next to Python floats);
2. reverse mode (``Tensor.backward(gradient=u)`` and ``wf.vjp``) equals central differences;
3. ... and torch's VJP (float64);
4. forward mode (``wf.jvp``) equals central differences and jax's jvp (x64), reverse mode
   (``wf.vjp``) and values jax's vjp;
5. <u, J v> == <J^T u, v>;
6. second order: reverse-over-reverse (``wf.grad`` of a vjp, ``create_graph=True``),
   forward-over-reverse, ``wf.hvp`` and ``wf.hessian`` against central differences of the
   first-order VJP, and against torch's double backward;
7. float32: values, gradients and tangents stay float32, close to the float64 results;
8. gradients have their inputs' shapes (broadcasting reduces back).
Plus: every primitive in ``weifen.prims.REGISTRY`` is reached by some row (or excluded with a
reason in ``spec.EXCLUDED_PRIMS``), and every op of API.md section 1 has a row.

A row whose weifen function does not exist yet is skipped ("not implemented yet").
Known weifen bugs are listed in KNOWN_BUGS and xfail strictly, so a fix shows up as XPASS.
"""
from __future__ import annotations

import zlib
from dataclasses import replace

import numpy as np
import pytest

import weifen as wf
from _oracles import NP, central_dir, central_grad, jnp_ns, tnp_ns
from spec import EXCLUDED_PRIMS, SPECS, OpSpec, Sample, rng_for
from spec_extra import SPECS_EXTRA

ROWS: list[OpSpec] = SPECS + SPECS_EXTRA
assert len({r.name for r in ROWS}) == len(ROWS), "duplicate spec row names"

# (check, row name, sample desc or "*") -> the weifen bug it hits (empty: none known)
KNOWN_BUGS: dict[tuple[str, str, str], str] = {}

EXACT = dict(rtol=1e-8, atol=1e-10)  # derivative against derivative (weifen, torch, jax)


# ============================================================================ cases
CASES = [(row, s) for row in ROWS for s in row.samples(rng_for(row.name))]


def _is_float_array(a) -> bool:
    return isinstance(a, np.ndarray) and a.dtype.kind == "f"


def _diffable(row: OpSpec, s: Sample) -> bool:
    return row.differentiable and bool(s.diff)


def _full(row: OpSpec, s: Sample) -> bool:
    return _diffable(row, s) and row.full


def _second(row: OpSpec, s: Sample) -> bool:
    return _full(row, s) and row.smooth2 and s.second_order and s.numeric


def _numeric(row: OpSpec, s: Sample) -> bool:
    return _diffable(row, s) and s.numeric


def _params(check: str, pred, cases=None, known=None) -> list:
    """pytest params for the (row, sample) cases ``pred`` keeps, known bugs marked xfail."""
    known = KNOWN_BUGS if known is None else known
    out = []
    for row, s in CASES if cases is None else cases:
        if not pred(row, s):
            continue
        reason = (known.get((check, row.name, s.desc))
                  or known.get((check, row.name, "*")))
        marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
        out.append(pytest.param(row, s, id=f"{row.name}[{s.desc}]", marks=marks))
    return out


# ============================================================================ helpers
def _plug(s: Sample, dargs) -> list:
    a = list(s.args)
    for i, v in zip(s.diff, dargs):
        a[i] = v
    return a


def _dargs(s: Sample) -> list:
    return [s.args[i] for i in s.diff]


def _missing(e: AttributeError) -> bool:
    return str(e).startswith("module 'weifen")


def call_wf(row: OpSpec, s: Sample, dargs):
    try:
        return row.fn(*_plug(s, dargs), **s.kwargs)
    except AttributeError as e:
        if _missing(e):
            pytest.skip(f"{row.name}: not implemented yet ({e})")
        raise


def f_wf(row: OpSpec, s: Sample):
    """The row as a function of its differentiable args only."""
    return lambda *d: call_wf(row, s, d)


def ref(row: OpSpec, s: Sample, dargs, xp=NP):
    return row.ref(xp, *_plug(s, dargs), **s.kwargs)


def outs(o) -> list:
    return list(o) if isinstance(o, (tuple, list)) else [o]


def pack(out, items: list):
    """``items`` in the structure of ``out`` (one array, a list, a tuple or a named tuple)."""
    if hasattr(out, "_fields"):
        return type(out)(*items)
    return type(out)(items) if isinstance(out, (tuple, list)) else items[0]


def rng_case(row: OpSpec, s: Sample, salt: str) -> np.random.Generator:
    return np.random.default_rng(zlib.crc32(f"{row.name}|{s.desc}|{salt}".encode()))


def like(rng, arrays) -> list:
    return [np.asarray(rng.standard_normal(np.shape(a))) for a in arrays]


def cotangents(row: OpSpec, s: Sample) -> list:
    return like(rng_case(row, s, "u"), outs(ref(row, s, _dargs(s))))


def phi(row: OpSpec, s: Sample, us: list):
    """The scalar <u, f(x)> on the NumPy reference, for finite differences."""
    def fun(d):
        return sum(float(np.sum(u * np.asarray(o, np.float64)))
                   for u, o in zip(us, outs(ref(row, s, d))))
    return fun


def vdot_all(a: list, b: list) -> float:
    return sum(float(np.sum(np.asarray(x, np.float64) * np.asarray(y, np.float64)))
               for x, y in zip(a, b))


def close(got, want, rtol: float, atol: float, what: str) -> None:
    """Shapes equal (no broadcasting hides a wrong gradient shape), then allclose with atol
    scaled by the size of the expected values."""
    g = np.asarray(got)
    w = np.asarray(want)
    assert g.shape == w.shape, f"{what}: shape {g.shape}, expected {w.shape}"
    if w.dtype.kind not in "fc":
        np.testing.assert_array_equal(g, w, err_msg=what)
        return
    scale = max(1.0, float(np.max(np.abs(w)))) if w.size else 1.0
    np.testing.assert_allclose(g.astype(np.float64), w, rtol=rtol, atol=atol * scale,
                               err_msg=what)


def zeros_if_none(g, x):
    return np.zeros(np.shape(x)) if g is None else np.asarray(g)


def backward_grads(row: OpSpec, s: Sample, dargs, us) -> list:
    """Gradients by the PyTorch face: leaves, then ``out.backward(gradient=u)``."""
    xs = [wf.tensor(a, requires_grad=True) for a in dargs]
    o = outs(call_wf(row, s, xs))
    live = [(t, u) for t, u in zip(o, us) if getattr(t, "requires_grad", False)]
    for k, (t, u) in enumerate(live):
        t.backward(gradient=wf.tensor(u), retain_graph=k < len(live) - 1)
    return [x.grad for x in xs]


def vjp_at(row: OpSpec, s: Sample, us):
    """x -> J(x)^T u, by wf.vjp (differentiable again: written in weifen ops)."""
    def fn(*d):
        out, f = wf.vjp(f_wf(row, s), *d)
        return f(pack(out, us))
    return fn


def numeric_vjp_dir(row: OpSpec, s: Sample, us, vs) -> list:
    """The derivative of x -> J(x)^T u along v, by central differences of weifen's VJP."""
    fn = vjp_at(row, s, us)
    return central_dir(lambda d: [np.asarray(c) for c in fn(*d)], _dargs(s), vs, eps=10 * s.eps)


def as32(s: Sample) -> Sample:
    return replace(s, args=tuple(a.astype(np.float32) if _is_float_array(a) else a
                                 for a in s.args))


# ============================================================================ 1. values
@pytest.mark.parametrize("row,s", _params("value", lambda r, s: True))
def test_value(row: OpSpec, s: Sample) -> None:
    dargs = _dargs(s)
    want = outs(ref(row, s, dargs))
    for mode, xs in (("tensor", [wf.tensor(a) for a in dargs]), ("raw", dargs)):
        got = outs(call_wf(row, s, xs))
        assert len(got) == len(want), f"{mode}: {len(got)} outputs, expected {len(want)}"
        for k, (g, w) in enumerate(zip(got, want)):
            ga, wa = np.asarray(g), np.asarray(w)
            assert ga.dtype == wa.dtype, f"{mode} output {k}: dtype {ga.dtype}, NumPy {wa.dtype}"
            close(ga, wa, row.rtol, row.atol, f"{mode} output {k}")


@pytest.mark.parametrize("row,s", _params(
    "value_f32", lambda r, s: r.float32 and any(_is_float_array(a) for a in s.args)))
def test_value_float32(row: OpSpec, s: Sample) -> None:
    s32 = as32(s)
    want = outs(ref(row, s32, _dargs(s32)))
    got32 = outs(call_wf(row, s32, [wf.tensor(a) for a in _dargs(s32)]))
    got64 = outs(call_wf(row, s, [wf.tensor(a) for a in _dargs(s)]))
    for k, (g, w, g64) in enumerate(zip(got32, want, got64)):
        ga = np.asarray(g)
        wd = np.asarray(w).dtype
        assert ga.dtype == wd, f"output {k}: {ga.dtype}, NumPy {wd}"
        if ga.dtype.kind == "f":
            assert ga.dtype == np.float32, f"output {k}: float32 inputs gave {ga.dtype}"
        close(ga, np.asarray(g64), row.f32_rtol, row.f32_atol, f"output {k} vs float64")


@pytest.mark.parametrize("row,s", _params(
    "nondiff", lambda r, s: not r.differentiable and any(_is_float_array(a) for a in s.args)))
def test_nondiff_zero_gradient(row: OpSpec, s: Sample) -> None:
    """Piecewise-constant ops: no gradient flows (the result may simply not require grad)."""
    xs = [wf.tensor(a, requires_grad=True) for a in _dargs(s)]
    for o in outs(call_wf(row, s, xs)):
        if np.asarray(o).dtype.kind == "f" and getattr(o, "requires_grad", False):
            o.backward(gradient=wf.ones_like(o), retain_graph=True)
    for x in xs:
        assert x.grad is None or not np.any(np.asarray(x.grad))


# ============================================================================ 2, 3, 8: VJP
@pytest.mark.parametrize("row,s", _params("vjp", _numeric))
def test_vjp_numeric(row: OpSpec, s: Sample) -> None:
    dargs, us = _dargs(s), cotangents(row, s)
    num = central_grad(phi(row, s, us), dargs, s.eps)
    for x, g, n in zip(dargs, backward_grads(row, s, dargs, us), num):
        close(zeros_if_none(g, x), n, row.grad_rtol, row.grad_atol, "Tensor.backward")
    out, f = wf.vjp(f_wf(row, s), *dargs)
    cts = f(pack(out, us))
    assert len(cts) == len(dargs)
    for c, n in zip(cts, num):
        close(c, n, row.grad_rtol, row.grad_atol, "wf.vjp")


@pytest.mark.parametrize("row,s", _params("shapes", _diffable))
def test_grad_shapes(row: OpSpec, s: Sample) -> None:
    """Gradients come back with the inputs' shapes and dtypes (broadcasting reduces back)."""
    dargs, us = _dargs(s), cotangents(row, s)

    def h(*d):
        return sum((o * u).sum() for o, u in zip(outs(call_wf(row, s, d)), us))

    gs = wf.grad(h, argnums=tuple(range(len(dargs))))(*dargs)
    for x, g in zip(dargs, gs):
        assert np.shape(g) == x.shape and np.asarray(g).dtype == x.dtype


def _torch_grads(row: OpSpec, s: Sample, dargs, us, create_graph=False):
    torch = pytest.importorskip("torch")
    T = tnp_ns()
    fn = row.ref if row.torch_ref == "same" else row.torch_ref
    xs = [torch.tensor(a, dtype=torch.float64, requires_grad=True) for a in dargs]
    o = outs(fn(T, *_plug(s, xs), **s.kwargs))
    gs = torch.autograd.grad(o, xs, [torch.from_numpy(u) for u in us], allow_unused=True,
                             create_graph=create_graph)
    return xs, [torch.zeros_like(x) if g is None else g for g, x in zip(gs, xs)]


def _tnumpy(t) -> np.ndarray:
    return t.detach().numpy(force=True)  # force: torch may hand back a lazy ZeroTensor


# jax compiles every new op and shape on first use (about 50 ms each): it checks the first
# JAX_SAMPLES samples of each row, which include the broadcasting pairs
JAX_SAMPLES = 2
_FIRST = {}
for _row, _s in CASES:
    _FIRST.setdefault(_row.name, []).append(_s.desc)


def _has(row, s, oracle):
    if oracle == "jax" and s.desc not in _FIRST[row.name][:JAX_SAMPLES]:
        return False
    return _full(row, s) and getattr(row, f"{oracle}_ref") is not None and oracle in s.oracles


@pytest.mark.parametrize("row,s", _params("torch", lambda r, s: _has(r, s, "torch")))
def test_vjp_torch(row: OpSpec, s: Sample) -> None:
    dargs, us = _dargs(s), cotangents(row, s)
    _, tg = _torch_grads(row, s, dargs, us)
    out, f = wf.vjp(f_wf(row, s), *dargs)
    for c, t in zip(f(pack(out, us)), tg):
        close(c, _tnumpy(t), what="wf.vjp vs torch", **EXACT)


# ============================================================================ 4, 5: JVP
def tangents(row: OpSpec, s: Sample) -> list:
    return like(rng_case(row, s, "v"), _dargs(s))


@pytest.mark.parametrize("row,s", _params("jvp", lambda r, s: _numeric(r, s) and r.full))
def test_jvp_numeric(row: OpSpec, s: Sample) -> None:
    dargs, vs = _dargs(s), tangents(row, s)
    out, t = wf.jvp(f_wf(row, s), tuple(dargs), tuple(vs))
    want = outs(ref(row, s, dargs))
    num = central_dir(lambda d: [np.asarray(o) for o in outs(ref(row, s, d))], dargs, vs, s.eps)
    assert len(outs(t)) == len(num)
    for o, w in zip(outs(out), want):
        close(o, w, row.rtol, row.atol, "wf.jvp primal")
    for tk, n in zip(outs(t), num):
        close(tk, n, row.grad_rtol, row.grad_atol, "wf.jvp tangent")


@pytest.mark.parametrize("row,s", _params("jax", lambda r, s: _has(r, s, "jax")))
def test_jvp_jax(row: OpSpec, s: Sample) -> None:
    jax = pytest.importorskip("jax")
    dargs, vs = _dargs(s), tangents(row, s)
    fn = row.ref if row.jax_ref == "same" else row.jax_ref
    with jax.enable_x64(True):
        J = jnp_ns()
        _, jt = jax.jvp(lambda *d: fn(J, *_plug(s, d), **s.kwargs), tuple(dargs), tuple(vs))
        jt = [np.asarray(a) for a in outs(jt)]
    _, t = wf.jvp(f_wf(row, s), tuple(dargs), tuple(vs))
    for tk, j in zip(outs(t), jt):
        close(tk, j, what="wf.jvp vs jax", **EXACT)


@pytest.mark.parametrize("row,s", _params("jax_vjp", lambda r, s: _has(r, s, "jax")))
def test_vjp_jax(row: OpSpec, s: Sample) -> None:
    """Values and VJPs against jax (x64): jax.vjp of the row's reference."""
    jax = pytest.importorskip("jax")
    dargs, us = _dargs(s), cotangents(row, s)
    fn = row.ref if row.jax_ref == "same" else row.jax_ref
    with jax.enable_x64(True):
        J = jnp_ns()
        jout, jf = jax.vjp(lambda *d: fn(J, *_plug(s, d), **s.kwargs), *dargs)
        jus = [jax.numpy.asarray(u, dtype=o.dtype) for u, o in zip(us, outs(jout))]
        jct = [np.asarray(c) for c in jf(pack(jout, jus))]
        jout = [np.asarray(o) for o in outs(jout)]
    out, f = wf.vjp(f_wf(row, s), *dargs)
    for o, j in zip(outs(out), jout):
        close(o, j, row.rtol * 100 + 1e-12, row.atol * 100 + 1e-12, "value vs jax")
    for c, j in zip(f(pack(out, us)), jct):
        close(c, j, what="wf.vjp vs jax", **EXACT)


@pytest.mark.parametrize("row,s", _params("consistency", _full))
def test_jvp_vjp_consistency(row: OpSpec, s: Sample) -> None:
    """<u, J v> == <J^T u, v>: the jvp and vjp rules describe the same Jacobian."""
    dargs, us, vs = _dargs(s), cotangents(row, s), tangents(row, s)
    _, t = wf.jvp(f_wf(row, s), tuple(dargs), tuple(vs))
    out, f = wf.vjp(f_wf(row, s), *dargs)
    lhs, rhs = vdot_all(us, outs(t)), vdot_all(f(pack(out, us)), vs)
    single = any(np.asarray(o).dtype == np.float32 for o in outs(out))  # astype to float32
    tol = 1e-5 if single else 1e-9
    assert abs(lhs - rhs) <= tol * (1 + abs(lhs) + abs(rhs)), (lhs, rhs)


# ============================================================================ 6: second order
def _ws(row: OpSpec, s: Sample) -> list:
    return like(rng_case(row, s, "w"), _dargs(s))


def _grad_of_vjp(row: OpSpec, s: Sample, us, ws) -> list:
    """grad_x <w, J(x)^T u>, reverse over reverse through wf.grad(wf.vjp(...))."""
    fn = vjp_at(row, s, us)

    def G(*d):
        return sum((c * w).sum() for c, w in zip(fn(*d), ws))

    return [np.asarray(g) for g in wf.grad(G, argnums=tuple(range(len(ws))))(*_dargs(s))]


@pytest.mark.parametrize("row,s", _params("second_rev", _second))
def test_second_order_reverse(row: OpSpec, s: Sample) -> None:
    dargs, us, vs, ws = _dargs(s), cotangents(row, s), tangents(row, s), _ws(row, s)
    num = numeric_vjp_dir(row, s, us, vs)
    gg = _grad_of_vjp(row, s, us, ws)
    # <grad <w, J^T u>, v> is <w, d/dv (J^T u)>: the numeric side is a directional derivative
    a, b = vdot_all(gg, vs), vdot_all(ws, num)
    assert abs(a - b) <= 1e-5 * (1 + abs(a) + abs(b)), f"grad of vjp: {a} vs numeric {b}"
    # the PyTorch face: autograd.grad(create_graph=True), then backward
    xs = [wf.tensor(x, requires_grad=True) for x in dargs]
    o = outs(call_wf(row, s, xs))
    gs = wf.autograd.grad(o, xs, grad_outputs=[wf.tensor(u) for u in us], create_graph=True)
    total = sum((g * w).sum() for g, w in zip(gs, ws))
    if getattr(total, "requires_grad", False):
        total.backward()
    for x, g in zip(xs, gg):
        close(zeros_if_none(x.grad, x), g, what="create_graph=True vs wf.grad", **EXACT)


@pytest.mark.parametrize("row,s", _params("second_fwd", _second))
def test_second_order_forward_over_reverse(row: OpSpec, s: Sample) -> None:
    dargs, us, vs = _dargs(s), cotangents(row, s), tangents(row, s)
    num = numeric_vjp_dir(row, s, us, vs)
    _, t = wf.jvp(vjp_at(row, s, us), tuple(dargs), tuple(vs))
    for tk, n in zip(t, num):
        close(tk, n, 1e-5, 1e-6, "jvp of vjp")


@pytest.mark.parametrize("row,s", _params("hvp", _second))
def test_hvp_hessian(row: OpSpec, s: Sample) -> None:
    dargs, us, vs = _dargs(s), cotangents(row, s), tangents(row, s)
    num = numeric_vjp_dir(row, s, us, vs)

    def h(*d):
        return sum((o * u).sum() for o, u in zip(outs(call_wf(row, s, d)), us))

    _, hv = wf.hvp(h, tuple(dargs), tuple(vs))
    hv = [hv] if len(dargs) == 1 else list(hv)
    for a, n in zip(hv, num):
        close(a, n, 1e-5, 1e-6, "wf.hvp")
    if len(dargs) == 1 and dargs[0].size <= 6:
        x = dargs[0]
        H = np.asarray(wf.hessian(h)(x))
        assert H.shape == x.shape + x.shape
        H = H.reshape(x.size, x.size)
        close(H, H.T, **EXACT, what="hessian symmetric")
        close((H @ vs[0].reshape(-1)).reshape(x.shape), num[0], 1e-5, 1e-6, "wf.hessian @ v")


@pytest.mark.parametrize("row,s", _params("second_torch", lambda r, s: _second(r, s)
                                          and _has(r, s, "torch")))
def test_second_order_torch(row: OpSpec, s: Sample) -> None:
    torch = pytest.importorskip("torch")
    us, ws = cotangents(row, s), _ws(row, s)
    xs, tg = _torch_grads(row, s, _dargs(s), us, create_graph=True)
    total = sum((g * torch.from_numpy(w)).sum() for g, w in zip(tg, ws))
    t2 = (torch.autograd.grad(total, xs, allow_unused=True) if total.requires_grad
          else [None] * len(xs))
    for g, t, x in zip(_grad_of_vjp(row, s, us, ws), t2, xs):
        want = torch.zeros_like(x) if t is None else t
        close(g, _tnumpy(want), what="grad of vjp vs torch", **EXACT)


# ============================================================================ Python floats
def _tan(d):
    # a tangent that no op touched stays a plain constant (its own tangent is zero)
    return d.tangent if isinstance(d, wf.Dual) else 0.0


@pytest.mark.parametrize("row,s", _params("pyfloat", lambda r, s: r.differentiable and r.full
                                          and s.desc == "pyfloat"
                                          and np.shape(r.ref(NP, *s.args)) == ()))
def test_python_float_derivatives(row: OpSpec, s: Sample) -> None:
    """Python floats stay first-class: grad, grad of grad, jvp and Dual numbers on them."""
    x = s.args[0]
    f = f_wf(row, replace(s, diff=(0,)))

    def num(fun, at):
        h = 1e-5 * max(1.0, abs(at))
        return (float(fun(at + h)) - float(fun(at - h))) / (2 * h)

    d1 = num(lambda a: row.ref(NP, a), x)
    close(wf.grad(f)(x), d1, 1e-6, 1e-7, "wf.grad")
    close(wf.jvp(f, (x,), (1.0,))[1], d1, 1e-6, 1e-7, "wf.jvp")
    close(f(wf.Dual(x, 1.0)).tangent, d1, 1e-6, 1e-7, "Dual tangent")
    d2 = num(lambda a: float(wf.grad(f)(a)), x)
    close(wf.grad(wf.grad(f))(x), d2, 1e-5, 1e-6, "grad of grad")
    hyper = f(wf.Dual(wf.Dual(x, 1.0), 1.0))
    close(_tan(hyper.tangent), d2, 1e-5, 1e-6, "hyper-dual tangent.tangent")
    close(_tan(hyper.primal), d1, 1e-6, 1e-7, "hyper-dual primal.tangent")


# ============================================================================ 7: float32
@pytest.mark.parametrize("row,s", _params("grad_f32", lambda r, s: r.float32 and _diffable(r, s)))
def test_grad_float32(row: OpSpec, s: Sample) -> None:
    s32, us = as32(s), cotangents(row, s)
    g64 = backward_grads(row, s, _dargs(s), us)
    g32 = backward_grads(row, s32, _dargs(s32), [u.astype(np.float32) for u in us])
    for x, a, b in zip(_dargs(s), g32, g64):
        if a is None:
            continue
        assert np.asarray(a).dtype == np.float32, f"gradient dtype {np.asarray(a).dtype}"
        close(a, zeros_if_none(b, x), 10 * row.f32_rtol, 10 * row.f32_atol, "float32 gradient")
    us32 = [u.astype(np.float32) for u in us]
    out, f = wf.vjp(f_wf(row, s32), *_dargs(s32))
    for c in f(pack(out, us32)):
        assert np.asarray(c).dtype == np.float32, f"wf.vjp cotangent dtype {np.asarray(c).dtype}"
    vs = [v.astype(np.float32) for v in tangents(row, s)]
    _, t = wf.jvp(f_wf(row, s32), tuple(_dargs(s32)), tuple(vs))
    for tk in outs(t):
        assert np.asarray(tk).dtype == np.float32, f"tangent dtype {np.asarray(tk).dtype}"


# ============================================================================ coverage
API_OPS = """add subtract multiply divide power negative abs sign exp exp2 log log2 log10 log1p
expm1 sqrt square reciprocal sin cos tan arcsin arccos arctan arctan2 sinh cosh tanh arcsinh
arccosh arctanh sigmoid relu softplus erf maximum minimum clip where sum mean prod max min var
std logsumexp norm reshape transpose swapaxes moveaxis expand_dims squeeze broadcast_to
concatenate stack split flip pad tile repeat getitem matmul dot vdot outer einsum trace
linalg.inv linalg.solve linalg.det linalg.slogdet linalg.cholesky linalg.norm softmax
log_softmax""".split()


def test_every_api_op_has_a_row() -> None:
    names = {r.name.split("[")[0] for r in SPECS}
    assert not [n for n in API_OPS if n not in names]


def test_every_primitive_is_covered(monkeypatch) -> None:
    """Each registered primitive is evaluated by some row's forward pass (so its impl, vjp
    and jvp rules are exercised by the checks above) or excluded with a reason."""
    from weifen.core.primitive import Primitive
    from weifen.prims import REGISTRY

    seen: set[str] = set()
    bind = Primitive.bind

    def recording_bind(self, *args, **params):
        seen.add(self.name)
        return bind(self, *args, **params)

    monkeypatch.setattr(Primitive, "bind", recording_bind)
    monkeypatch.setattr(Primitive, "__call__", recording_bind)
    for p in REGISTRY.values():  # fast paths may call impl directly
        monkeypatch.setattr(p, "impl", _recording_impl(p, seen))
    for row, s in CASES:
        try:
            row.fn(*_plug(s, [wf.tensor(a) for a in _dargs(s)]), **s.kwargs)
        except AttributeError as e:
            if not _missing(e):
                raise
    stale = sorted(set(EXCLUDED_PRIMS) - set(REGISTRY))
    assert not stale, f"EXCLUDED_PRIMS names primitives that no longer exist: {stale}"
    missing = sorted(set(REGISTRY) - seen - set(EXCLUDED_PRIMS))
    assert not missing, (f"primitives no spec row reaches: {missing}; add a row to "
                         "tests/spec.py (or an exclusion with its reason)")


def _recording_impl(p, seen):
    impl = p.impl

    def rec(*a, **k):
        seen.add(p.name)
        return impl(*a, **k)

    return rec

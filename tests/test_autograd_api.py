"""autograd's differential operators and extension points in weifen, checked against HIPS
autograd itself: same names, same signatures, same numbers."""
from __future__ import annotations

import numpy as np
import pytest

import weifen as wf
from weifen.transforms import autograd_api as ag_api
from weifen.transforms import autograd_extend as ag_ext

ag = pytest.importorskip("autograd")
anp = pytest.importorskip("autograd.numpy")
from autograd.extend import defjvp as a_defjvp  # noqa: E402
from autograd.extend import defvjp as a_defvjp  # noqa: E402
from autograd.extend import primitive as a_primitive  # noqa: E402

RNG = np.random.default_rng(3)
A = RNG.standard_normal((5, 4))
X = RNG.standard_normal(4)
V = RNG.standard_normal(4)


def _close(a, b, tol=1e-10):
    if isinstance(b, (tuple, list)):
        assert len(a) == len(b)
        for p, q in zip(a, b):
            _close(p, q, tol)
        return
    np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=tol, atol=tol)


def _pair(name):
    """(weifen function, autograd function) for a name of autograd's top-level API."""
    return getattr(ag_api, name), getattr(ag, name)


def f3(a, b, c=1.5):
    return a * (b ** 2) + c * (a if np.ndim(a) == 0 else a.sum()) + (a * b).sum() * 0


def test_grad_argnum_forms_and_kwargs():
    def fun(a, b, c, d, e, f=1.1, g=9.0):
        return a + b ** 2 * c + d * e * f - g

    args = (0.5, -0.3, 0.2, -1.1, 0.7)
    for argnum in (0, 3, [3, 1], (0, 4)):
        w = ag_api.grad(fun, argnum)(*args, f=0.6, g=-0.1)
        a = ag.grad(fun, argnum)(*args, f=0.6, g=-0.1)
        _close(w, a)
        assert isinstance(w, tuple) == isinstance(argnum, (list, tuple))
    vw, gw = ag_api.value_and_grad(fun, [3, 1])(*args)
    va, ga = ag.value_and_grad(fun, [3, 1])(*args)
    _close(vw, va)
    _close(gw, ga)


def test_names_and_docs_follow_autograd():
    def foo(x):
        return x

    assert ag_api.grad.__name__ == "grad"
    assert ag_api.grad.__doc__.lstrip(" ").startswith("\n") or \
        ag_api.grad.__doc__.startswith("\n")
    assert ag_api.grad(foo, 1).__name__ == ag.grad(foo, 1).__name__
    assert ag_api.grad(foo, 1).__doc__ == ag.grad(foo, 1).__doc__


def test_grad_accepts_size_one_outputs_and_refuses_others():
    f = lambda x: anp.sum(anp.sin(x), axis=1, keepdims=True)
    fw = lambda x: wf.sum(wf.sin(x), axis=1, keepdims=True)
    x = RNG.standard_normal((1, 3))
    _close(ag_api.grad(fw)(x), ag.grad(f)(x))
    with pytest.raises(TypeError):
        ag_api.grad(lambda x: x * 2)(np.ones(2))
    with pytest.raises(TypeError, match="holomorphic_grad"):
        ag_api.grad(lambda x: x * (1.0 + 0.2j))(1.0)
    with pytest.raises(TypeError):  # a bool has no derivative (autograd: no vector space)
        ag_api.grad(lambda x: np.allclose(x, x))(np.ones(3))


def test_make_vjp_and_make_jvp():
    fw = lambda x: wf.tanh(A @ x)
    fa = lambda x: anp.tanh(anp.dot(A, x))
    vjp_w, ans_w = wf.make_vjp(fw)(X)
    vjp_a, ans_a = ag.make_vjp(fa)(X)
    _close(ans_w, ans_a)
    g = RNG.standard_normal(5)
    _close(vjp_w(g), vjp_a(g))
    _close(wf.make_jvp(fw)(X)(V), ag.make_jvp(fa)(X)(V))
    # comparisons have zero derivative in make_vjp (with autograd's warning)
    with pytest.warns(UserWarning, match="independent"):
        vjp, ans = ag_api.make_vjp_unary(lambda x: x > 0.5, 0.7)
    assert float(vjp(1.0)) == 0.0 and bool(ans)


def test_elementwise_grad_deriv_jacobian_hessian():
    f = lambda a: a + wf.sin(a) + wf.cosh(a) * a
    fa = lambda a: a + anp.sin(a) + anp.cosh(a) * a
    x = RNG.standard_normal(6)
    _close(wf.elementwise_grad(f)(x), ag.elementwise_grad(fa)(x))
    _close(wf.deriv(f)(0.3), ag.deriv(fa)(0.3))
    g2 = lambda a, b: wf.outer(wf.sin(a), b)
    g2a = lambda a, b: anp.outer(anp.sin(a), b)
    for argnum in (0, 1):
        _close(ag_api.jacobian(g2, argnum)(X, V), ag.jacobian(g2a, argnum)(X, V))
    h = lambda a: wf.sum(wf.sin(a) * a[::-1]) ** 2
    ha = lambda a: anp.sum(anp.sin(a) * a[::-1]) ** 2
    _close(ag_api.hessian(h)(X), ag.hessian(ha)(X), 1e-9)
    with pytest.raises(TypeError):
        wf.elementwise_grad(lambda z: z * 1j)(X)


def test_hvp_products_against_autograd():
    fw = lambda a: wf.sum(wf.sin(a) * wf.cos(a[::-1]))
    fa = lambda a: anp.sum(anp.sin(a) * anp.cos(a[::-1]))
    hvp_w, g_w = wf.make_hvp(fw)(X)
    hvp_a, g_a = ag.make_hvp(fa)(X)
    _close(g_w, g_a)
    _close(hvp_w(V), hvp_a(V))
    a = RNG.standard_normal((3, 4))
    t = RNG.standard_normal((3, 4))
    _close(ag_api.hessian_tensor_product(fw)(a, t), ag.hessian_tensor_product(fa)(a, t))
    _close(ag_api.hessian_vector_product(fw)(X, V), ag.hessian_vector_product(fa)(X, V))


def test_tensor_jacobian_product_against_autograd():
    fw = lambda a: wf.roll(wf.sin(a), 1) * a
    fa = lambda a: anp.roll(anp.sin(a), 1) * a
    a = RNG.standard_normal((5, 4, 3))
    for t in (RNG.standard_normal((5, 4, 3)), RNG.standard_normal((5, 4))):
        if t.ndim == 3:
            _close(wf.tensor_jacobian_product(fw)(a, t), ag.tensor_jacobian_product(fa)(a, t))
    b = RNG.standard_normal((2, 3))
    g2 = lambda x, y: wf.sin(x) @ y
    g2a = lambda x, y: anp.dot(anp.sin(x), y)
    t = RNG.standard_normal((2, 4))
    y = RNG.standard_normal((3, 4))
    for argnum in (0, 1):
        _close(wf.tensor_jacobian_product(g2, argnum)(b, y, t),
               ag.tensor_jacobian_product(g2a, argnum)(b, y, t))


def test_make_ggnvp_against_autograd():
    for fw, fa in [(lambda x: A @ x, lambda x: anp.dot(A, x)),
                   (lambda x: wf.tanh(A @ x), lambda x: anp.tanh(anp.dot(A, x)))]:
        _close(wf.make_ggnvp(fw)(X)(V), ag.make_ggnvp(fa)(X)(V))
        gw = lambda y: wf.sum(2.0 * y ** 2 + y ** 4)
        ga = lambda y: anp.sum(2.0 * y ** 2 + y ** 4)
        _close(wf.make_ggnvp(fw, gw)(X)(V), ag.make_ggnvp(fa, ga)(X)(V))


def test_grad_and_aux_and_grad_named():
    fw = lambda x: (wf.sum(A @ x), x ** 2)
    fa = lambda x: (anp.sum(anp.dot(A, x)), x ** 2)
    gw, aux_w = ag_api.grad_and_aux(fw)(X)
    ga, aux_a = ag.grad_and_aux(fa)(X)
    _close(gw, ga)
    _close(aux_w, aux_a)
    h = lambda x, y: x * y ** 2
    _close(ag_api.grad_named(h, "y")(2.0, 3.0), ag.grad_named(h, "y")(2.0, 3.0))


def test_holomorphic_grad_against_autograd():
    fw = lambda z: wf.sin(z) * z ** 2 + 1 / z
    fa = lambda z: anp.sin(z) * z ** 2 + 1 / z
    for z in (0.7 + 0.4j, -1.3 + 2.0j):
        _close(wf.holomorphic_grad(fw)(z), ag.holomorphic_grad(fa)(z))


# ---------------------------------------------------------------- primitive, defvjp, defjvp
def _both_logsumexp():
    """The same primitive defined in weifen and in autograd (autograd's README example)."""

    def body(x):
        m = np.max(x)
        return m + np.log(np.sum(np.exp(x - m)))

    w = wf.primitive(body)
    wf.defvjp(w, lambda ans, x: lambda g: g * wf.exp(x - ans))
    a = a_primitive(body)
    a_defvjp(a, lambda ans, x: lambda g: g * anp.exp(x - ans))
    return w, a


def test_primitive_first_and_second_order_against_autograd():
    w, a = _both_logsumexp()
    x = RNG.standard_normal(5)
    _close(w(x), a(x))
    assert type(w(x)) is type(a(x))  # no weifen value in: the plain function
    _close(wf.grad(lambda v: w(v) * 2)(x), ag.grad(lambda v: a(v) * 2)(x))
    # the rule is written in weifen ops, so it differentiates again (as autograd's)
    _close(ag_api.hessian(w)(x), ag.hessian(a)(x), 1e-9)
    # forward mode comes from transposing the VJP, where autograd has none
    t = np.append(V, 0.5)
    _close(wf.jvp(w, (x,), (t,))[1], np.dot(ag.grad(a)(x), t))


def test_defvjp_several_arguments_argnums_none_and_kwargs():
    def body(x, y, scale=1.0):
        return scale * x * np.sin(y)

    w = wf.primitive(body)
    wf.defvjp(w, lambda ans, x, y, scale=1.0: lambda g: g * scale * wf.sin(y),
              lambda ans, x, y, scale=1.0: lambda g: g * scale * x * wf.cos(y))
    a = a_primitive(body)
    a_defvjp(a, lambda ans, x, y, scale=1.0: lambda g: g * scale * anp.sin(y),
             lambda ans, x, y, scale=1.0: lambda g: g * scale * x * anp.cos(y))
    x, y = RNG.standard_normal(3), RNG.standard_normal(3)
    for argnum in (0, 1, (0, 1)):
        _close(ag_api.grad(lambda p, q: wf.sum(w(p, q, scale=2.0)), argnum)(x, y),
               ag.grad(lambda p, q: anp.sum(a(p, q, scale=2.0)), argnum)(x, y))
    # argnums= and None (a declared zero derivative)
    w2 = wf.primitive(body)
    wf.defvjp(w2, None, lambda ans, x, y, scale=1.0: lambda g: g * x, argnums=(0, 1))
    _close(ag_api.grad(lambda p: wf.sum(w2(p, y)))(x), np.zeros(3))


def test_defjvp_same_and_transposed_vjp():
    # "same": the function is linear in that argument (here bilinear), as in autograd
    w = wf.primitive(lambda x, y: 3.0 * x * y)
    wf.defjvp(w, "same", "same")
    a = a_primitive(lambda x, y: 3.0 * x * y)
    a_defjvp(a, "same", "same")
    x, y = RNG.standard_normal(3), RNG.standard_normal(3)
    for argnum in (0, 1):
        _close(ag_api.make_jvp(w, argnum)(x, y)(V[:3])[1],
               ag.make_jvp(a, argnum)(x, y)(V[:3])[1])
    # reverse mode by transposing the linear JVP (autograd would need a VJP too)
    w3 = 3 * x * y
    _close(ag_api.grad(lambda p, q: wf.sum(w(p, q) ** 2), (0, 1))(x, y),
           (6 * w3 * y, 6 * w3 * x))


def test_missing_rules_raise_not_implemented_when_needed():
    w = wf.primitive(lambda x: 2.0 * x)
    assert float(w(1.5)) == 3.0  # a plain call needs no rule
    with pytest.raises(NotImplementedError, match="VJP"):
        wf.grad(w)(1.0)
    with pytest.raises(NotImplementedError, match="JVP"):
        wf.deriv(w)(1.0)
    with pytest.raises(TypeError):
        wf.defvjp(lambda x: x, lambda ans, x: lambda g: g)


def test_defvjp_argnum_forms():
    def body(x, y):
        return x * y

    w = wf.primitive(body)
    ag_ext.defvjp_argnum(w, lambda i, ans, args, kw: lambda g: g * args[1 - i])
    _close(ag_api.grad(lambda p, q: w(p, q), (0, 1))(2.0, 5.0), (5.0, 2.0))
    w2 = wf.primitive(body)
    ag_ext.defjvp_argnum(w2, lambda i, g, ans, args, kw: g * args[1 - i])
    _close(wf.jvp(lambda p: w2(p, 5.0), (2.0,), (1.0,))[1], 5.0)
    _close(wf.grad(lambda p: w2(p, 5.0))(2.0), 5.0)


# ---------------------------------------------------------------- vspace and flatten
@pytest.mark.parametrize("value", [np.zeros((3, 2)), 0.0, 1j * np.zeros((2, 1)),
                                   [1.0, np.zeros((2, 1))], (1.0, np.zeros((2, 1))),
                                   {"a": 1.0, "b": np.zeros((2, 1))},
                                   {"x": [0.0, np.zeros((3, 1))], "y": ({"a": 0.0}, [0.0])}])
def test_vspace_matches_autograd(value):
    from autograd.core import vspace as a_vspace

    vw, va = ag_ext.vspace(value), a_vspace(value)
    assert vw.size == va.size and vw.iscomplex == va.iscomplex
    np.random.seed(5)
    rw = vw.randn(), vw.randn()
    np.random.seed(5)
    ra = va.randn(), va.randn()
    _close(wf.tree_flatten(rw)[0], wf.tree_flatten(ra)[0])  # same draws, same order
    _close(vw.inner_prod(*rw), va.inner_prod(*ra))
    _close(wf.tree_flatten(vw.covector(rw[0]))[0], wf.tree_flatten(va.covector(ra[0]))[0])
    assert len(list(vw.standard_basis())) == vw.size
    assert vw == ag_ext.vspace(vw.add(*rw))


def test_flatten_matches_autograd():
    from autograd.misc import flatten as a_flatten

    val = (1.0, RNG.standard_normal((2, 3)), [RNG.standard_normal((1, 4)),
                                              {"y": RNG.standard_normal(2), "x": 2.0}], ())
    vw, unw = ag_ext.flatten(val)
    va, _ = a_flatten(val)
    _close(vw, va)
    _close(wf.tree_flatten(unw(vw))[0], wf.tree_flatten(val)[0])
    # differentiable: the gradient of a function of the flat vector reaches every leaf
    g = wf.grad(lambda t: wf.sum(ag_ext.flatten(t)[0] ** 2))(val)
    _close(wf.tree_flatten(g)[0], [2 * np.asarray(x) for x in wf.tree_flatten(val)[0]])


def test_top_level_names():
    for name in ("elementwise_grad", "holomorphic_grad", "make_hvp", "make_ggnvp",
                 "tensor_jacobian_product", "deriv", "primitive", "defvjp", "defjvp"):
        assert callable(getattr(wf, name)), name
    assert wf.defvjp is ag_ext.defvjp and wf.primitive is ag_ext.primitive

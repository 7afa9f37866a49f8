"""HIPS autograd's differential operators, by autograd's names and meanings.

People who come from autograd keep their code: ``grad(fun, argnum)(*args)``,
``elementwise_grad``, ``jacobian(fun)`` (a function, not a value), ``make_vjp`` returning
``(vjp, ans)``, ``make_hvp``, ``make_ggnvp``, ``tensor_jacobian_product``, ``deriv``,
``holomorphic_grad``. Each operator here is a few lines over weifen's own transforms
(``vjp``, ``jvp``, ``jacrev``, ``jacfwd``): one machinery, autograd's spelling. Where autograd
and JAX differ in spelling (``argnum`` vs ``argnums``, ``jacobian`` that returns a function),
these functions follow autograd; ``wf.grad`` and the other JAX-named transforms keep JAX's.

Complex numbers follow JAX's convention, which is also autograd's: for a real-valued ``f``
of ``z = x + iy`` the gradient is ``df/dx - i df/dy`` (so the gradient of ``|z|**2`` is
``2 conj(z)``), and ``holomorphic_grad(f)(z)`` is the complex derivative ``f'(z)``.

>>> import weifen as wf
>>> wf.elementwise_grad(wf.sin)(wf.tensor([0.0, 1.0]))
tensor([1.        , 0.54030231])
>>> wf.holomorphic_grad(lambda z: z * z)(1.0 + 2.0j)
tensor(2.+4.j, dtype=complex128)
"""
from __future__ import annotations

import functools
import inspect
import warnings
from typing import Any, Callable

import numpy as np

from weifen.core.pytree import tree_flatten
from weifen.errors import WeifenTypeError

__all__ = ["unary_to_nary", "get_name", "make_vjp_unary", "make_jvp_unary", "make_vjp",
           "make_jvp", "grad", "value_and_grad", "elementwise_grad", "deriv", "jacobian",
           "holomorphic_grad", "hessian", "make_hvp", "hessian_tensor_product",
           "hessian_vector_product", "tensor_jacobian_product", "vector_jacobian_product",
           "make_jvp_reversemode", "make_ggnvp", "grad_and_aux", "grad_named", "checkpoint"]


def get_name(f: Any) -> str:
    """``f.__name__``, or ``"[unknown name]"`` (the name autograd's messages use).

    >>> get_name(np.sin), get_name(3)
    ('sin', '[unknown name]')
    """
    return getattr(f, "__name__", "[unknown name]")


def _rename(f: Callable, name: str, doc: str | None) -> Callable:
    try:
        f.__name__ = name
        f.__qualname__ = name
        f.__doc__ = doc
    except (AttributeError, TypeError):  # pragma: no cover - builtins refuse new names
        pass
    return f


def unary_to_nary(unary_operator: Callable) -> Callable:
    """Turn ``op(fun, x, *extra)``, an operator on a function of one argument, into
    ``op(fun, argnum=0, *extra)(*args, **kwargs)``, taken with respect to ``args[argnum]``
    (a tuple or list of argnums differentiates with respect to that tuple of arguments).

    The argument handling of every operator below is written once, here, as in autograd.

    >>> import weifen as wf
    >>> @unary_to_nary
    ... def double_grad(fun, x):
    ...     return 2 * grad(fun)(x)
    >>> double_grad(lambda a, b: a * b, 1)(3.0, 5.0)
    tensor(6.)
    """
    op_name = get_name(unary_operator)

    @functools.wraps(unary_operator)
    def nary_operator(fun: Callable, argnum: int | tuple | list = 0, *op_args: Any,
                      **op_kwargs: Any) -> Callable:
        if not callable(fun):
            raise WeifenTypeError(
                f"{op_name} expects a function to differentiate first, got "
                f"{type(fun).__name__}; call it as {op_name}(f, argnum)(*args)")
        if type(argnum) not in (int, tuple, list):
            raise WeifenTypeError(f"{op_name}: argnum must be an int, tuple or list of ints, "
                                  f"got {argnum!r}")

        def nary_f(*args: Any, **kwargs: Any) -> Any:
            def unary_f(x: Any) -> Any:
                new = list(args)
                if isinstance(argnum, int):
                    new[argnum] = x
                else:
                    for i, xi in zip(argnum, x):
                        new[i] = xi
                return fun(*new, **kwargs)

            unary_f.__name__ = get_name(fun)
            x = args[argnum] if isinstance(argnum, int) else tuple(args[i] for i in argnum)
            return unary_operator(unary_f, x, *op_args, **op_kwargs)

        doc = (f"    {op_name} of function {get_name(fun)} with respect to argument number "
               f"{argnum}. Takes the\n    same arguments as {get_name(fun)} but returns the "
               f"{op_name}.\n    ")
        return _rename(nary_f, f"{op_name}_of_{get_name(fun)}_wrt_argnum_{argnum}", doc)

    return nary_operator


# ---------------------------------------------------------------- the two core makers
def _wrap_out(x: Any) -> Any:
    from weifen.transforms._util import out

    return out(x)


def make_vjp_unary(fun: Callable, x: Any) -> tuple[Callable, Any]:
    """autograd's ``core.make_vjp``: ``(vjp, ans)`` where ``vjp(g)`` is ``g @ J`` with the
    structure of ``x``. An output that cannot depend on ``x`` (a bool, an int: comparisons)
    has a zero derivative, with autograd's warning.

    >>> import weifen as wf
    >>> vjp, ans = make_vjp_unary(lambda x: x * x, wf.tensor([1.0, 2.0]))
    >>> vjp(wf.ones(2))
    tensor([2., 4.])
    """
    from weifen.transforms.reverse import vjp as _vjp

    box: dict = {}

    def f(x: Any) -> Any:
        res = fun(x)
        leaves = tree_flatten(res)[0]
        if leaves and all(_is_discrete(o) for o in leaves):
            box["const"] = res  # a piecewise-constant output: its derivative is zero
            return 0.0
        return res

    ans, vjp_fn = _vjp(f, x)
    if "const" in box:
        warnings.warn("Output seems independent of input.", stacklevel=2)
        const = box["const"]

        def vjp_const(g: Any) -> Any:
            return _zeros_tree(x)

        return vjp_const, const

    def vjp(g: Any) -> Any:
        return vjp_fn(g)[0]

    return vjp, ans


def _is_discrete(o: Any) -> bool:
    if isinstance(o, (bool, np.bool_)):
        return True
    if type(o) is int:
        return True
    dt = getattr(o, "dtype", None)
    return dt is not None and np.dtype(dt).kind in "biu"


def _zeros_tree(x: Any) -> Any:
    from weifen.core.pytree import tree_map
    from weifen.transforms import _util as U

    return tree_map(lambda a: _wrap_out(U.zeros_like_value(U.as_value(a))), x)


def make_jvp_unary(fun: Callable, x: Any) -> Callable:
    """autograd's ``core.make_jvp``: ``jvp(v) -> (ans, J @ v)`` at ``x`` (forward mode).

    >>> import weifen as wf
    >>> make_jvp_unary(wf.sin, 0.0)(2.0)
    (tensor(0.), tensor(2.))
    """
    from weifen.transforms.forward import jvp as _jvp

    def jvp(v: Any) -> tuple:
        return _jvp(fun, (x,), (v,))

    return jvp


make_vjp = unary_to_nary(make_vjp_unary)
make_vjp.__name__ = make_vjp.__qualname__ = "make_vjp"
make_vjp.__doc__ = """``make_vjp(fun, argnum=0)(*args) -> (vjp, ans)``: autograd's VJP maker.

    >>> import weifen as wf
    >>> vjp, ans = wf.make_vjp(lambda x, y: x * y, 1)(2.0, 3.0)
    >>> vjp(1.0)
    tensor(2.)
    """
make_jvp = unary_to_nary(make_jvp_unary)
make_jvp.__name__ = make_jvp.__qualname__ = "make_jvp"
make_jvp.__doc__ = """``make_jvp(fun, argnum=0)(*args)(v) -> (ans, J @ v)``: autograd's JVP maker.

    >>> import weifen as wf
    >>> wf.make_jvp(lambda x: x ** 3)(2.0)(1.0)
    (tensor(8.), tensor(12.))
    """


# ---------------------------------------------------------------- shared checks
def _out_info(ans: Any) -> tuple[int, bool]:
    """(number of real entries, complex?) of an output pytree."""
    from weifen.prims.shape import shape_of

    size, cplx = 0, False
    for o in tree_flatten(ans)[0]:
        if _is_discrete(o):
            raise WeifenTypeError(
                f"the function returned {o!r:.40} ({type(o).__name__}), which has no "
                "derivative (a comparison or count is piecewise constant); return a float")
        dt = getattr(o, "dtype", None)
        if dt is None:
            dt = np.result_type(o)
        c = np.dtype(dt).kind == "c"
        cplx = cplx or c
        size += int(np.prod(shape_of(o), dtype=np.int64)) * (2 if c else 1)
    return size, cplx


def _ones_like_out(ans: Any) -> Any:
    from weifen.core.pytree import tree_map
    from weifen.transforms import _util as U

    def one(o: Any) -> Any:
        d = U.concrete(o)
        if isinstance(d, (float, int)):
            return 1.0
        return np.ones_like(d, shape=getattr(o, "shape", None))

    return tree_map(one, ans)


def _complex_output_error(name: str) -> WeifenTypeError:
    return WeifenTypeError(
        f"{name} only applies to real scalar-output functions, but the function returned a "
        "complex value; differentiate a real quantity (wf.real(f(z)), wf.abs(f(z)) ** 2) or, "
        "for a complex-differentiable f, use wf.holomorphic_grad(f)")


def _check_scalar(ans: Any, name: str) -> None:
    size, cplx = _out_info(ans)
    if cplx:
        raise _complex_output_error(name)
    if size != 1:
        raise WeifenTypeError(
            f"{name} only applies to real scalar-output functions (the output has {size} "
            "entries); try wf.jacobian, wf.elementwise_grad or wf.holomorphic_grad")


# ---------------------------------------------------------------- the operators
@unary_to_nary
def grad(fun: Callable, x: Any) -> Any:
    """
    Returns a function which computes the gradient of `fun` with respect to
    positional argument number `argnum` (autograd's ``grad``). The output of ``fun`` must
    be real with one entry (a shape ``(1,)`` array is allowed, as in autograd).

    >>> from weifen.transforms import autograd_api as ag
    >>> ag.grad(lambda x, y: x * y, 1)(2.0, 3.0)
    tensor(2.)
    """
    vjp, ans = make_vjp_unary(fun, x)
    _check_scalar(ans, "grad")
    return vjp(_ones_like_out(ans))


@unary_to_nary
def value_and_grad(fun: Callable, x: Any) -> tuple:
    """``(fun(*args), grad(fun, argnum)(*args))`` in one pass (autograd's meaning).

    >>> from weifen.transforms import autograd_api as ag
    >>> ag.value_and_grad(lambda x: x ** 2)(3.0)
    (tensor(9.), tensor(6.))
    """
    vjp, ans = make_vjp_unary(fun, x)
    _check_scalar(ans, "value_and_grad")
    return ans, vjp(_ones_like_out(ans))


@unary_to_nary
def elementwise_grad(fun: Callable, x: Any) -> Any:
    """The sum of each column of the Jacobian of ``fun`` in one backward pass: for a
    function applied elementwise, the elementwise derivative.

    >>> import weifen as wf
    >>> wf.elementwise_grad(lambda x: x ** 3)(wf.tensor([1.0, 2.0]))
    tensor([ 3., 12.])
    """
    vjp, ans = make_vjp_unary(fun, x)
    if _out_info(ans)[1]:
        raise _complex_output_error("elementwise_grad")
    return vjp(_ones_like_out(ans))


@unary_to_nary
def deriv(fun: Callable, x: Any) -> Any:
    """The derivative along a tangent of ones, by forward mode (``f'(x)`` for scalar x).

    >>> import weifen as wf
    >>> wf.deriv(wf.sin)(0.0)
    tensor(1.)
    """
    from weifen.transforms.autograd_extend import vspace

    return make_jvp_unary(fun, x)(vspace(x).ones())[1]


@unary_to_nary
def jacobian(fun: Callable, x: Any) -> Any:
    """
    Returns a function which computes the Jacobian of `fun` with respect to positional
    argument number `argnum` (autograd's ``jacobian``, shape out + in), one batched
    backward pass. ``wf.jacobian(f, *inputs)`` is weifen's evaluate-now form.

    >>> import weifen as wf
    >>> from weifen.transforms import autograd_api as ag
    >>> ag.jacobian(lambda x: x * x)(wf.tensor([1.0, 3.0]))
    tensor([[2., 0.],
            [0., 6.]])
    """
    from weifen.transforms.reverse import jacrev

    return jacrev(fun)(x)


@unary_to_nary
def holomorphic_grad(fun: Callable, x: Any) -> Any:
    """The complex derivative ``f'(z)`` of a holomorphic ``fun`` (autograd's
    ``holomorphic_grad``, JAX's ``grad(f, holomorphic=True)``): the gradient of
    ``real(f)``, which under the JAX/autograd convention is ``f'(z)`` itself.

    >>> import weifen as wf
    >>> wf.holomorphic_grad(lambda z: z ** 3)(1.0 + 1.0j)  # 3 z**2
    tensor(0.+6.j, dtype=complex128)
    """
    from weifen.transforms.autograd_extend import vspace

    if not vspace(x).iscomplex:
        warnings.warn("Input to holomorphic_grad is not complex", stacklevel=3)
    from weifen.numpy import real

    return grad(lambda z: real(fun(z)))(x)


@unary_to_nary
def hessian(fun: Callable, x: Any) -> Any:
    """The exact Hessian, shape out + in + in (forward over reverse).

    >>> import weifen as wf
    >>> from weifen.transforms import autograd_api as ag
    >>> ag.hessian(lambda x: (x ** 3).sum())(wf.tensor([1.0, 2.0]))
    tensor([[ 6.,  0.],
            [ 0., 12.]])
    """
    from weifen.transforms.forward import jacfwd
    from weifen.transforms.reverse import jacrev

    return jacfwd(jacrev(fun))(x)


@unary_to_nary
def make_hvp(fun: Callable, x: Any) -> tuple[Callable, Any]:
    """``(hvp, grad_at_x)``: ``hvp(v)`` is ``H @ v`` at ``x``, reusing one forward pass for
    many vectors (the VJP of the gradient, which is the HVP since H is symmetric).

    >>> import weifen as wf
    >>> hvp, g = wf.make_hvp(lambda x: (x ** 3).sum())(wf.tensor([1.0, 2.0]))
    >>> hvp(wf.tensor([1.0, 0.0])), g
    (tensor([6., 0.]), tensor([ 3., 12.]))
    """
    return make_vjp_unary(grad(fun), x)


def hessian_tensor_product(fun: Callable, argnum: int = 0) -> Callable:
    """``f(*args, tensor) -> H @ tensor`` (the Hessian contracted with ``tensor`` over all of
    its axes), by reverse over reverse.

    >>> import weifen as wf
    >>> from weifen.transforms import autograd_api as ag
    >>> ag.hessian_tensor_product(lambda x: (x ** 3).sum())(wf.tensor([1.0, 2.0]),
    ...                                                     wf.tensor([1.0, 1.0]))
    tensor([ 6., 12.])
    """
    from weifen.numpy import tensordot

    fun_grad = grad(fun, argnum)

    def vector_dot_grad(*args: Any, **kwargs: Any) -> Any:
        args, vector = args[:-1], args[-1]
        return tensordot(fun_grad(*args, **kwargs), vector, np.ndim(vector))

    return grad(vector_dot_grad, argnum)


hessian_vector_product = hessian_tensor_product


def tensor_jacobian_product(fun: Callable, argnum: int = 0) -> Callable:
    """``f(*args, tensor) -> tensor @ J``: the Jacobian left-multiplied by ``tensor``
    (contracted over all of ``tensor``'s axes).

    >>> import weifen as wf
    >>> tjp = wf.tensor_jacobian_product(lambda x: x ** 2)
    >>> tjp(wf.tensor([1.0, 2.0]), wf.tensor([1.0, 10.0]))
    tensor([ 2., 40.])
    """
    from weifen.numpy import tensordot

    def vector_dot_fun(*args: Any, **kwargs: Any) -> Any:
        args, vector = args[:-1], args[-1]
        return tensordot(vector, fun(*args, **kwargs), axes=np.ndim(vector))

    return jacobian(vector_dot_fun, argnum)


vector_jacobian_product = tensor_jacobian_product


@unary_to_nary
def make_jvp_reversemode(fun: Callable, x: Any) -> Callable:
    """A JVP function built from two reverse passes (the VJP is linear in its cotangent, so
    the VJP of the VJP is the JVP).

    >>> from weifen.transforms import autograd_api as ag
    >>> ag.make_jvp_reversemode(lambda x: x ** 3)(2.0)(1.0)
    tensor(12.)
    """
    from weifen.transforms.autograd_extend import vspace

    vjp, y = make_vjp_unary(fun, x)
    vjp_vjp, _ = make_vjp_unary(vjp, vspace(y).zeros())
    return vjp_vjp


def _half_sq(x: Any) -> Any:
    from weifen.numpy import sum as _sum

    return 0.5 * _sum(x ** 2, axis=-1)


def make_ggnvp(f: Callable, g: Callable = _half_sq, f_argnum: int = 0) -> Callable:
    """Generalized Gauss-Newton products: ``make_ggnvp(f, g)(*args)(v)`` is
    ``J^T H_g J v`` with ``J`` the Jacobian of ``f`` at ``args`` and ``H_g`` the Hessian of
    ``g`` at ``f(args)`` (``g`` defaults to half the squared norm over the last axis).

    >>> import weifen as wf
    >>> A = wf.tensor([[1.0, 2.0], [3.0, 4.0]])
    >>> wf.make_ggnvp(lambda x: A @ x)(wf.tensor([1.0, 1.0]))(wf.tensor([1.0, 0.0]))
    tensor([10., 14.])
    """
    from weifen.transforms.autograd_extend import vspace

    @unary_to_nary
    def _make_ggnvp(f: Callable, x: Any) -> Callable:
        f_vjp, f_x = make_vjp_unary(f, x)
        g_hvp, grad_g_x = make_vjp_unary(grad(g), f_x)
        f_jvp, _ = make_vjp_unary(f_vjp, vspace(grad_g_x).zeros())

        def ggnvp(v: Any) -> Any:
            return f_vjp(g_hvp(f_jvp(v)))

        return ggnvp

    return _make_ggnvp(f, f_argnum)


@unary_to_nary
def grad_and_aux(fun: Callable, x: Any) -> tuple:
    """``(gradient of the first output, the second output)`` of a function returning two.

    >>> from weifen.transforms import autograd_api as ag
    >>> ag.grad_and_aux(lambda x: (x ** 2, "aux"))(3.0)
    (tensor(6.), 'aux')
    """
    from weifen.transforms.reverse import vjp as _vjp

    ans, vjp_fn, aux = _vjp(lambda x: tuple(fun(x)), x, has_aux=True)
    _check_scalar(ans, "grad_and_aux")
    return vjp_fn(_ones_like_out(ans))[0], aux


def grad_named(fun: Callable, argname: str) -> Callable:
    """The gradient with respect to the argument called ``argname``.

    >>> from weifen.transforms import autograd_api as ag
    >>> ag.grad_named(lambda x, y: x * y, "y")(2.0, 3.0)
    tensor(2.)
    """
    return grad(fun, inspect.getfullargspec(fun).args.index(argname))


def checkpoint(fun: Callable) -> Callable:
    """``fun`` recomputed in the backward pass instead of stored (``wf.checkpoint``).

    >>> from weifen.transforms import autograd_api as ag
    >>> ag.grad(lambda x: ag.checkpoint(lambda y: y ** 3)(x))(2.0)
    tensor(12.)
    """
    from weifen.transforms.custom import checkpoint as _checkpoint

    return _checkpoint(fun)

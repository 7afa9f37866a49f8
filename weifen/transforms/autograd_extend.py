"""autograd's extension points: ``primitive`` with ``defvjp`` / ``defjvp``, and ``vspace``.

``wf.primitive(f)`` is autograd's spelling of a custom rule: ``f`` runs on plain arrays
(weifen never looks inside it) and its derivatives are the rules given afterwards,

* ``defvjp(f, maker_x, maker_y, argnums=...)`` with ``maker(ans, x, y) -> (lambda g: gx)``
  (``custom_vjp``'s rule, autograd's signature: one maker per argument), and
* ``defjvp(f, rule_x, ..., argnums=...)`` with ``rule(g, ans, x, y) -> tangent of ans``
  (``custom_jvp``'s rule; ``"same"`` for an argument ``f`` is linear in).

It is the one mechanism of :mod:`weifen.transforms.custom`, a primitive built on the fly
whose rules are the user's, so it works in every transform and at any order (the rules are
written with weifen ops and differentiate again). A side given only one way is derived from
the other by transposition, as ``custom_jvp`` does: a VJP from a linear JVP, and a JVP as
the VJP of the (linear) VJP.

``vspace(value)`` is autograd's view of a value as a real vector space (the one its
``check_grads`` oracle walks): ``zeros ones randn standard_basis add scalar_mul inner_prod
covector size shape dtype iscomplex``, with the operations written in weifen ops.

>>> import weifen as wf
>>> @wf.primitive
... def logsumexp(x):
...     m = np.max(x)
...     return m + np.log(np.sum(np.exp(x - m)))
>>> wf.defvjp(logsumexp, lambda ans, x: lambda g: g * wf.exp(x - ans))
>>> wf.grad(logsumexp)(np.array([0.0, 0.0]))
tensor([0.5, 0.5])
"""
from __future__ import annotations

import builtins
import functools
import itertools
import warnings
from typing import Any, Callable

import numpy as np

from weifen.core.lift import traced
from weifen.core.primitive import Box, Primitive
from weifen.core.pytree import tree_flatten, tree_unflatten
from weifen.errors import WeifenTypeError

__all__ = ["primitive", "defvjp", "defjvp", "defvjp_argnum", "defvjp_argnums",
           "defjvp_argnum", "defjvp_argnums", "def_linear", "notrace_primitive", "isbox",
           "vspace", "VSpace", "isinstance", "type", "flatten", "const_graph",
           "quick_grad_check"]


def _concrete(x: Any) -> Any:
    while builtins.isinstance(x, Box):
        x = x._primal_data()
    return x


def _strip(x: Any) -> Any:
    """A level-0 constant Tensor's array (what a raw function should see); else ``x``."""
    from weifen.tape.tensor import Tensor

    if builtins.isinstance(x, Tensor) and x._level == 0 and x._node is None:
        return x._data
    return x


# ---------------------------------------------------------------- primitive
class primitive:
    """Wrap ``fun`` (plain NumPy inside) as a weifen primitive whose derivatives are the
    rules given by :func:`defvjp` / :func:`defjvp`.

    Called with no weifen value among its arguments, it is ``fun`` itself. Called on
    traced values, it computes ``fun`` on their arrays and records one op whose rules are
    the makers: at every level, so gradients of gradients work when the makers are
    written with weifen ops. A missing derivative raises ``NotImplementedError`` when it
    is needed (not before).

    >>> import weifen as wf
    >>> @wf.primitive
    ... def cube(x):
    ...     return x ** 3
    >>> wf.defvjp(cube, lambda ans, x: lambda g: g * 3 * x ** 2)
    >>> wf.grad(cube)(2.0), wf.grad(wf.grad(cube))(2.0), wf.deriv(cube)(2.0)
    (tensor(12.), tensor(12.), tensor(12.))
    """

    def __init__(self, fun: Callable) -> None:
        functools.update_wrapper(self, fun)
        self.fun = fun
        self.vjps: dict = {}  # argnum -> maker(ans, *args, **kwargs) -> (g -> gx)
        self.jvps: dict = {}  # argnum -> rule(g, ans, *args, **kwargs) -> tangent
        self.vjp_argnum: Callable | None = None  # maker(argnum, ans, args, kwargs)
        self.jvp_argnum: Callable | None = None  # rule(argnum, g, ans, args, kwargs)
        self._prims: dict = {}  # number of positional arguments -> weifen Primitive
        # > 0 while one side is derived from the other: a rule that calls the function
        # itself ("same") then traces through its body instead of recursing into the rule
        self._deriving = 0

    def __repr__(self) -> str:
        return f"<weifen primitive {getattr(self, '__name__', 'f')}>"

    def __get__(self, obj: Any, objtype: Any = None) -> Any:  # methods: bind self
        return self if obj is None else functools.partial(self, obj)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if not any(builtins.isinstance(a, Box) for a in tree_flatten(list(args))[0]):
            return self.fun(*args, **kwargs)
        if not any(traced(a) for a in args):  # constant Tensors only: plain arrays in
            return self.fun(*[_strip(a) for a in args], **kwargs)
        if self._deriving:
            return self.fun(*args, **kwargs)
        from weifen.transforms import _util as U

        prim = self._prims.get(len(args))
        if prim is None:
            prim = self._prims[len(args)] = self._build(len(args))
        return U.out(prim.bind(*args, **kwargs))

    # the rules the weifen primitive calls: looked up at call time, so defvjp may come later
    def _vjp_maker(self, i: int) -> Callable | None:
        m = self.vjps.get(i)
        if m is not None:
            return m
        if self.vjp_argnum is not None:
            va = self.vjp_argnum
            return lambda ans, *xs, **kw: va(i, ans, xs, kw)
        return None

    def _jvp_rule(self, i: int) -> Callable | None:
        r = self.jvps.get(i)
        if r is not None:
            return r
        if self.jvp_argnum is not None:
            ja = self.jvp_argnum
            return lambda g, ans, *xs, **kw: ja(i, g, ans, xs, kw)
        return None

    def _build(self, n: int) -> Primitive:
        name = getattr(self, "__name__", "primitive")

        def impl(*xs: Any, **kw: Any) -> Any:
            return self.fun(*xs, **kw)

        def vjp_rule(i: int) -> Callable:
            def rule(g: Any, out: Any, *xs: Any, **kw: Any) -> Any:
                maker = self._vjp_maker(i)
                if maker is not None:
                    return maker(out, *xs, **kw)(g)
                jr = self._jvp_rule(i)
                if jr is None:
                    raise NotImplementedError(f"VJP of {name} wrt argnum {i} not defined")
                # transpose the linear JVP (custom_jvp's way): reverse mode of t -> J t
                return self._derive(lambda t: jr(t, out, *xs, **kw), _zeros_at(xs[i]), g)

            return rule

        def jvp_rule(i: int) -> Callable:
            def rule(dx: Any, out: Any, *xs: Any, **kw: Any) -> Any:
                jr = self._jvp_rule(i)
                if jr is not None:
                    return jr(dx, out, *xs, **kw)
                maker = self._vjp_maker(i)
                if maker is None:
                    raise NotImplementedError(f"JVP of {name} wrt argnum {i} not defined")
                # the VJP g -> J^T g is linear; its transpose is the JVP
                return self._derive(maker(out, *xs, **kw), _zeros_at(out), dx)

            return rule

        return Primitive(f"primitive_{name}", impl, save_out=True, register=False,
                         vjp=tuple(vjp_rule(i) for i in range(n)),
                         jvp=tuple(jvp_rule(i) for i in range(n)))

    def _derive(self, linear: Callable, at: Any, ct: Any) -> Any:
        self._deriving += 1
        try:
            return _transpose(linear, at, ct)
        finally:
            self._deriving -= 1

    # ------------------------------------------------ autograd's deprecated method forms
    def defgrad(self, maker: Callable, argnum: int = 0) -> None:
        """Deprecated autograd spelling of ``defvjp(fun, maker, argnums=[argnum])``."""
        warnings.warn("defgrad is deprecated; use wf.defvjp(fun, maker)", DeprecationWarning,
                      stacklevel=2)
        self.vjps[argnum] = maker

    def defvjp(self, vjpfun: Callable, argnum: int = 0) -> None:
        """Deprecated autograd method form: ``vjpfun(g, ans, vs, gvs, *args)``."""
        warnings.warn("primitive.defvjp is deprecated; use wf.defvjp(fun, maker)",
                      DeprecationWarning, stacklevel=2)

        def maker(ans: Any, *args: Any, **kw: Any) -> Callable:
            return lambda g: vjpfun(g, ans, vspace(ans), vspace(args[argnum]), *args, **kw)

        self.vjps[argnum] = maker

    def defvjp_is_zero(self, argnums: tuple = (0,)) -> None:
        """Deprecated autograd method form: zero derivative with respect to ``argnums``."""
        warnings.warn("defvjp_is_zero is deprecated; use wf.defvjp(fun, None)",
                      DeprecationWarning, stacklevel=2)
        for i in argnums:
            self.vjps[i] = _zero_vjp(i)


def _zeros_at(x: Any) -> Any:
    from weifen.transforms import _util as U

    return U.zeros_like_value(x)


def _transpose(linear: Callable, at: Any, ct: Any) -> Any:
    """The transpose of the linear map ``linear`` applied to ``ct`` (by reverse mode at
    ``at``): ``<ct, linear(t)> = <transpose(ct), t>``."""
    from weifen.transforms.custom import _strip as strip_out
    from weifen.transforms.reverse import vjp

    return strip_out(vjp(linear, at)[1](ct)[0])


def _zero_vjp(i: int) -> Callable:
    return lambda ans, *args, **kw: lambda g: vspace(args[i]).zeros()


def _check_prim(fun: Any, what: str) -> None:
    if not builtins.isinstance(fun, primitive):
        raise WeifenTypeError(f"{what}: {fun!r} is not a weifen primitive; decorate the "
                              "function with @wf.primitive first")


def defvjp(fun: primitive, *vjpmakers: Callable | None, argnums: Any = None) -> None:
    """Give ``fun`` its reverse-mode rules: one maker per argument (or per ``argnums``),
    ``maker(ans, *args, **kwargs)`` returning ``g -> cotangent of that argument``. ``None``
    declares a zero derivative.

    >>> import weifen as wf
    >>> mul = wf.primitive(lambda x, y: x * y)
    >>> wf.defvjp(mul, lambda ans, x, y: lambda g: g * y, lambda ans, x, y: lambda g: g * x)
    >>> wf.grad(lambda x: mul(x, 3.0))(2.0)
    tensor(3.)
    """
    _check_prim(fun, "defvjp")
    for i, maker in zip(itertools.count() if argnums is None else argnums, vjpmakers):
        if maker is not None and not callable(maker):
            raise WeifenTypeError(f"defvjp: the rule for argument {i} must be callable or "
                                  f"None, got {maker!r}")
        fun.vjps[i] = _zero_vjp(i) if maker is None else maker


def defjvp(fun: primitive, *jvpfuns: Callable | str | None, argnums: Any = None) -> None:
    """Give ``fun`` its forward-mode rules, one per argument: ``rule(g, ans, *args,
    **kwargs)`` is the output's tangent for the argument's tangent ``g``; ``"same"`` means
    ``fun`` itself (``fun`` is linear in that argument); ``None`` a zero derivative.

    >>> import weifen as wf
    >>> sin = wf.primitive(np.sin)
    >>> wf.defjvp(sin, lambda g, ans, x: g * wf.cos(x))
    >>> wf.deriv(sin)(0.0), wf.grad(sin)(0.0)  # reverse mode by transposition
    (tensor(1.), tensor(1.))
    """
    _check_prim(fun, "defjvp")
    for i, rule in zip(itertools.count() if argnums is None else argnums, jvpfuns):
        if rule is None:
            rule = _zero_jvp
        elif rule == "same":
            rule = _same_jvp(fun, i)
        elif not callable(rule):
            raise WeifenTypeError(f"defjvp: the rule for argument {i} must be callable, "
                                  f"'same' or None, got {rule!r}")
        fun.jvps[i] = rule


def _zero_jvp(g: Any, ans: Any, *args: Any, **kw: Any) -> Any:
    return vspace(ans).zeros()


def _same_jvp(fun: primitive, i: int) -> Callable:
    def rule(g: Any, ans: Any, *args: Any, **kw: Any) -> Any:
        new = list(args)
        new[i] = g
        return fun(*new, **kw)

    return rule


def defvjp_argnum(fun: primitive, vjpmaker: Callable) -> None:
    """One maker for every argument: ``vjpmaker(argnum, ans, args, kwargs) -> (g -> gx)``.

    >>> import weifen as wf
    >>> mul = primitive(lambda x, y: x * y)
    >>> defvjp_argnum(mul, lambda i, ans, args, kw: lambda g: g * args[1 - i])
    >>> wf.grad(lambda x: mul(x, 4.0))(2.0)
    tensor(4.)
    """
    _check_prim(fun, "defvjp_argnum")
    fun.vjp_argnum = vjpmaker


def defvjp_argnums(fun: primitive, vjpmaker: Callable) -> None:
    """``vjpmaker(argnums, ans, args, kwargs) -> (g -> tuple of cotangents)``.

    >>> import weifen as wf
    >>> mul = primitive(lambda x, y: x * y)
    >>> defvjp_argnums(mul, lambda nums, ans, args, kw: lambda g: tuple(
    ...     g * args[1 - i] for i in nums))
    >>> wf.grad(lambda y: mul(4.0, y))(2.0)
    tensor(4.)
    """
    _check_prim(fun, "defvjp_argnums")
    fun.vjp_argnum = lambda i, ans, args, kw: (lambda g: vjpmaker((i,), ans, args, kw)(g)[0])


def defjvp_argnum(fun: primitive, jvpmaker: Callable) -> None:
    """One rule for every argument: ``jvpmaker(argnum, g, ans, args, kwargs) -> tangent``.

    >>> import weifen as wf
    >>> mul = primitive(lambda x, y: x * y)
    >>> defjvp_argnum(mul, lambda i, g, ans, args, kw: g * args[1 - i])
    >>> wf.deriv(lambda x: mul(x, 4.0))(2.0)
    tensor(4.)
    """
    _check_prim(fun, "defjvp_argnum")
    fun.jvp_argnum = jvpmaker


def defjvp_argnums(fun: primitive, jvpmaker: Callable) -> None:
    """``jvpmaker(argnums, gs, ans, args, kwargs) -> tangent`` (summed over ``argnums``).

    >>> import weifen as wf
    >>> mul = primitive(lambda x, y: x * y)
    >>> defjvp_argnums(mul, lambda nums, gs, ans, args, kw: sum(
    ...     g * args[1 - i] for i, g in zip(nums, gs)))
    >>> wf.deriv(lambda x: mul(x, x))(3.0)
    tensor(6.)
    """
    _check_prim(fun, "defjvp_argnums")
    fun.jvp_argnum = lambda i, g, ans, args, kw: jvpmaker((i,), (g,), ans, args, kw)


def def_linear(fun: primitive) -> None:
    """Declare ``fun`` linear in each argument: its JVP is ``fun`` of the tangent (and its
    VJP the transpose of that, traced through ``fun``'s body).

    >>> import weifen as wf
    >>> scale = primitive(lambda x: 3.0 * x)
    >>> def_linear(scale)
    >>> wf.deriv(scale)(1.0), wf.grad(scale)(1.0)
    (tensor(3.), tensor(3.))
    """
    _check_prim(fun, "def_linear")
    fun.jvp_argnum = lambda i, g, ans, args, kw: fun(*_subval(args, i, g), **kw)


def _subval(args: tuple, i: int, v: Any) -> tuple:
    new = list(args)
    new[i] = v
    return tuple(new)


def notrace_primitive(fun: Callable) -> Callable:
    """``fun`` run on the plain values of its arguments, its result a constant (for
    functions whose result cannot carry a derivative: type tests, shapes).

    >>> import weifen as wf
    >>> wf.grad(lambda x: x * notrace_primitive(float)(x))(3.0)
    tensor(3.)
    """

    @functools.wraps(fun)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        return fun(*[_concrete(a) for a in args],
                   **{k: _concrete(v) for k, v in kwargs.items()})

    return wrapped


def isbox(x: Any) -> bool:
    """Whether ``x`` carries a live derivative (autograd's ``isbox``): :func:`traced`.

    >>> import weifen as wf
    >>> isbox(wf.tensor(1.0)), isbox(wf.tensor(1.0, requires_grad=True))
    (False, True)
    """
    return traced(x)


def isinstance(obj: Any, classinfo: Any) -> bool:
    """``builtins.isinstance`` that looks through weifen values to the array inside (so a
    traced array is an ``np.ndarray``), as autograd's ``isinstance`` looks through boxes.

    >>> import weifen as wf
    >>> wf.grad(lambda x: (x * isinstance(x, np.ndarray)).sum())(np.ones(2))
    tensor([1., 1.])
    """
    return builtins.isinstance(obj, classinfo) or builtins.isinstance(_concrete(obj), classinfo)


def type(obj: Any) -> Any:
    """The type of the value inside ``obj`` (autograd's ``type``).

    >>> import weifen as wf
    >>> type(wf.tensor(np.ones(2), requires_grad=True)).__name__
    'ndarray'
    """
    return builtins.type(_concrete(obj))


# ---------------------------------------------------------------- vector spaces
class VSpace:
    """A value's vector space (autograd's ``vspace``); see :func:`vspace`."""

    iscomplex = False

    def __eq__(self, other: object) -> bool:
        return builtins.type(self) is builtins.type(other) and self.__dict__ == other.__dict__

    def __ne__(self, other: object) -> bool:
        return not self == other

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"{builtins.type(self).__name__}_{self.__dict__}"

    def covector(self, x: Any) -> Any:
        return x


class ArrayVSpace(VSpace):
    """Real arrays and numbers of one shape and dtype."""

    def __init__(self, shape: tuple, dtype: np.dtype) -> None:
        self.shape = tuple(shape)
        self.dtype = np.dtype(dtype)

    @property
    def size(self) -> int:
        return int(np.prod(self.shape, dtype=np.int64))

    @property
    def ndim(self) -> int:
        return len(self.shape)

    def zeros(self) -> np.ndarray:
        return np.zeros(self.shape, dtype=self.dtype)

    def ones(self) -> np.ndarray:
        return np.ones(self.shape, dtype=self.dtype)

    def standard_basis(self):
        for idx in np.ndindex(*self.shape):
            v = np.zeros(self.shape, dtype=self.dtype)
            v[idx] = 1
            yield v

    def randn(self) -> np.ndarray:
        return np.array(np.random.randn(*self.shape)).astype(self.dtype)

    def add(self, x: Any, y: Any) -> Any:
        from weifen.numpy import add

        return add(x, y)

    def scalar_mul(self, x: Any, a: Any) -> Any:
        from weifen.numpy import multiply

        return multiply(x, a)

    def inner_prod(self, x: Any, y: Any) -> Any:
        from weifen.numpy import multiply, sum as _sum

        return _sum(multiply(x, y))


class ComplexArrayVSpace(ArrayVSpace):
    """Complex arrays, a real space of twice the size: ``<x, y> = Re sum(conj(x) y)``."""

    iscomplex = True

    @property
    def size(self) -> int:
        return 2 * int(np.prod(self.shape, dtype=np.int64))

    def ones(self) -> np.ndarray:
        return np.ones(self.shape, dtype=self.dtype) + 1j * np.ones(self.shape, dtype=self.dtype)

    def standard_basis(self):
        for idx in np.ndindex(*self.shape):
            for u in (1.0, 1.0j):
                v = np.zeros(self.shape, dtype=self.dtype)
                v[idx] = u
                yield v

    def randn(self) -> np.ndarray:
        re = np.array(np.random.randn(*self.shape)).astype(self.dtype)
        return re + 1j * np.array(np.random.randn(*self.shape)).astype(self.dtype)

    def inner_prod(self, x: Any, y: Any) -> Any:
        from weifen.numpy import conj, multiply, real, sum as _sum

        return real(_sum(multiply(conj(x), y)))

    def covector(self, x: Any) -> Any:
        from weifen.numpy import conj

        return conj(x)


class ContainerVSpace(VSpace):
    """Tuples, lists and dicts of values: the direct sum of their spaces."""

    def __init__(self, value: Any) -> None:
        self.kind = builtins.type(value)
        if self.kind is dict:
            self.shape = {k: vspace(v) for k, v in value.items()}
        else:
            self.shape = [vspace(v) for v in value]

    def _parts(self) -> list:
        return list(self.shape.values()) if self.kind is dict else self.shape

    def _make(self, items: Any) -> Any:
        items = list(items)
        if self.kind is dict:
            return dict(zip(self.shape.keys(), items))
        return self.kind(items)

    def _vals(self, x: Any) -> list:
        return [x[k] for k in self.shape] if self.kind is dict else list(x)

    @property
    def size(self) -> int:
        return sum(s.size for s in self._parts())

    @property
    def iscomplex(self) -> bool:  # type: ignore[override]
        return any(s.iscomplex for s in self._parts())

    def zeros(self) -> Any:
        return self._make(s.zeros() for s in self._parts())

    def ones(self) -> Any:
        return self._make(s.ones() for s in self._parts())

    def randn(self) -> Any:
        return self._make(s.randn() for s in self._parts())

    def standard_basis(self):
        parts = self._parts()
        for i, s in enumerate(parts):
            for b in s.standard_basis():
                yield self._make(b if j == i else t.zeros() for j, t in enumerate(parts))

    def add(self, x: Any, y: Any) -> Any:
        return self._make(s.add(a, b) for s, a, b in
                          zip(self._parts(), self._vals(x), self._vals(y)))

    def scalar_mul(self, x: Any, a: Any) -> Any:
        return self._make(s.scalar_mul(v, a) for s, v in zip(self._parts(), self._vals(x)))

    def inner_prod(self, x: Any, y: Any) -> Any:
        total = 0.0
        for s, a, b in zip(self._parts(), self._vals(x), self._vals(y)):
            total = total + s.inner_prod(a, b)
        return total

    def covector(self, x: Any) -> Any:
        return self._make(s.covector(v) for s, v in zip(self._parts(), self._vals(x)))


def vspace(value: Any) -> VSpace:
    """The vector space of ``value`` (an array, a number, a weifen value, or a tuple, list
    or dict of them), as autograd's ``vspace``: complex arrays are real spaces of twice the
    size with ``<x, y> = Re sum(conj(x) y)``.

    >>> vs = vspace(np.zeros((2, 3)))
    >>> vs.size, vs.shape, vs == vspace(np.ones((2, 3)))
    (6, (2, 3), True)
    >>> vspace((1.0, 1j)).size
    3
    """
    t = builtins.type(value)
    if t is tuple or t is list or t is dict:
        return ContainerVSpace(value)
    if t is bool or t is int or builtins.isinstance(value, (str, bytes)) or value is None:
        raise WeifenTypeError(f"vspace: a value of type {t.__name__} is not a vector "
                              "(use float arrays or numbers)")
    from weifen.prims.shape import shape_of

    dt = getattr(value, "dtype", None)
    if dt is None:
        dt = np.result_type(value)
    dt = np.dtype(dt)
    if dt.kind == "c":
        return ComplexArrayVSpace(shape_of(value), dt)
    if dt.kind != "f":
        raise WeifenTypeError(f"vspace: arrays of dtype {dt} are not a real vector space "
                              "(convert with .astype(float))")
    return ArrayVSpace(shape_of(value), dt)


# ---------------------------------------------------------------- utilities
def flatten(value: Any) -> tuple[Any, Callable]:
    """``(vector, unflatten)``: every array of a (nested) tuple, list or dict raveled and
    concatenated (dict keys in sorted order), and the function that rebuilds the structure
    from such a vector. Both are differentiable (autograd's ``misc.flatten``).

    >>> v, unflatten = flatten({"b": np.ones(2), "a": (3.0, np.zeros((1, 2)))})
    >>> v
    tensor([3., 0., 0., 1., 1.])
    >>> unflatten(v)["a"][1]
    tensor([[0., 0.]])
    """
    from weifen.numpy import concatenate, ravel, reshape
    from weifen.prims.shape import shape_of
    from weifen.transforms import _util as U

    leaves, tree = tree_flatten(value)
    shapes = [tuple(shape_of(x)) for x in leaves]
    sizes = [int(np.prod(s, dtype=np.int64)) for s in shapes]
    if leaves:
        vec = concatenate([ravel(x) for x in leaves])
    else:
        vec = U.out(np.zeros(0))

    def unflatten(v: Any) -> Any:
        parts, i = [], 0
        for s, n in zip(shapes, sizes):
            parts.append(reshape(v[i:i + n], s))
            i += n
        return tree_unflatten(tree, parts)

    return vec, unflatten


def const_graph(fun: Callable, *args: Any, **kwargs: Any) -> Callable:
    """``fun`` with ``args`` / ``kwargs`` fixed, traced once and replayed (``wf.jit`` of the
    partial application; autograd's ``misc.const_graph``).

    >>> import weifen as wf
    >>> f = const_graph(lambda a, x: a * wf.sin(x), 2.0)
    >>> round(float(f(0.5)), 6)
    0.958851
    """
    from weifen.transforms.jit import jit

    return jit(functools.partial(fun, *args, **kwargs))


def quick_grad_check(fun: Callable, arg0: Any, extra_args: tuple = (), kwargs: dict | None = None,
                     verbose: bool = True, eps: float = 1e-4, rtol: float = 1e-4,
                     atol: float = 1e-6, rs: Any = None) -> None:
    """autograd's deprecated ``quick_grad_check``: ``wf.gradcheck`` of ``fun`` in ``arg0``
    (raises ``wf.GradcheckError`` naming the worst entry when the derivative is wrong).

    >>> import warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     quick_grad_check(lambda x, y: x ** 2 + y, 1.0, (2.0,))
    """
    from weifen.numeric import gradcheck

    warnings.warn("quick_grad_check is deprecated; use wf.gradcheck", DeprecationWarning,
                  stacklevel=2)
    kw = kwargs or {}
    x = np.asarray(arg0, dtype=float)
    gradcheck(lambda a: fun(a, *extra_args, **kw), (x,), atol=max(atol, 1e-5), rtol=rtol)

"""User-defined rules and gradient control: ``custom_vjp``, ``custom_jvp``, ``checkpoint``,
``stop_gradient``.

Each builds a primitive on the fly whose ``impl`` is the user's function written in weifen
ops (``impl_traceable``), so lower levels see straight through it while the level that
applies it uses the user's rule.
"""
from __future__ import annotations

import functools
from typing import Any, Callable

from weifen.errors import WeifenTypeError
from weifen.core.primitive import Box, Primitive
from weifen.core.pytree import tree_flatten
from weifen.tape.tensor import Tensor
from weifen.transforms import _util as U


def _strip(x: Any) -> Any:
    """Values an impl returns: level-0 constant Tensors become raw (boxes stay)."""
    if isinstance(x, Tensor) and x._level == 0 and x._node is None:
        return x._data
    return x


def _single(res: Any, what: str) -> Any:
    leaves, _ = tree_flatten(res)
    if len(leaves) != 1 or isinstance(res, (tuple, list, dict)):
        raise NotImplementedError(f"{what}: the function must return a single array")
    return res


from weifen.prims.elementwise import stop_gradient_p  # noqa: E402


def stop_gradient(x: Any) -> Any:
    """``x``'s value as a constant for every transform and tape (its derivative is zero).

    >>> import weifen as wf
    >>> wf.grad(lambda x: x * wf.stop_gradient(x))(3.0)
    tensor(3.)
    """
    return U.out(stop_gradient_p.bind(x))


def checkpoint(f: Callable) -> Callable:
    """``f`` that saves only its inputs for backward and recomputes its inside there.

    Trades compute for memory: the intermediates of ``f`` are not kept alive between the
    forward and the backward pass.

    >>> import weifen as wf
    >>> layer = wf.checkpoint(lambda h: wf.tanh(h * 0.9))
    >>> wf.grad(lambda x: layer(layer(x)).sum())(wf.ones(2))
    tensor([0.26712798, 0.26712798])
    """

    def impl(*xs: Any) -> Any:
        return _strip(_single(f(*xs), "checkpoint"))

    def rule(g: Any, out: Any, *xs: Any) -> tuple:
        from weifen.transforms.reverse import vjp

        return vjp(f, *xs)[1](g)

    prim = Primitive(f"checkpoint_{getattr(f, '__name__', 'f')}", impl, vjp=rule,
                     impl_traceable=True, register=False)

    @functools.wraps(f)
    def wrapped(*args: Any) -> Any:
        return U.out(prim.bind(*args))

    return wrapped


class custom_vjp:
    """A function with a user-given reverse-mode rule.

    >>> import weifen as wf
    >>> @wf.custom_vjp
    ... def f(x):
    ...     return wf.sin(x)
    >>> f.defvjp(lambda x: (wf.sin(x), wf.cos(x)), lambda cos_x, g: (2 * g * cos_x,))
    >>> wf.grad(f)(0.0)  # the rule's (deliberately doubled) derivative
    tensor(2.)
    """

    def __init__(self, fun: Callable) -> None:
        functools.update_wrapper(self, fun)
        self.fun = fun
        self.fwd: Callable | None = None
        self.bwd: Callable | None = None

    def defvjp(self, fwd: Callable, bwd: Callable) -> None:
        """``fwd(*args) -> (out, residuals)``; ``bwd(residuals, g) -> tuple of cotangents``."""
        self.fwd, self.bwd = fwd, bwd

    def __call__(self, *args: Any) -> Any:
        if self.fwd is None:
            raise WeifenTypeError(f"custom_vjp {self.__name__!r}: call defvjp(fwd, bwd) first")
        if not any(isinstance(a, Box) for a in tree_flatten(args)[0]):
            return self.fun(*args)
        cell: list = []
        fwd, bwd, name = self.fwd, self.bwd, self.__name__

        def impl(*xs: Any) -> Any:
            out, res = fwd(*xs)
            cell.append(res)
            return _strip(_single(out, "custom_vjp"))

        def rule(g: Any, out: Any, *xs: Any) -> tuple:
            gs = bwd(cell[-1], g)
            if not isinstance(gs, (tuple, list)) or len(gs) != len(xs):
                raise WeifenTypeError(
                    f"custom_vjp {name!r}: bwd must return a tuple with one cotangent per "
                    f"argument ({len(xs)}), got {type(gs).__name__}")
            return tuple(None if c is None else _strip(c) for c in gs)

        # no jvp rule: forward mode sees through to fwd (impl_traceable), as JAX cannot
        prim = Primitive(f"custom_vjp_{name}", impl, vjp=rule, impl_traceable=True,
                         register=False)
        return U.out(prim.bind(*args))


class custom_jvp:
    """A function with a user-given forward-mode rule, used by every transform.

    Reverse mode uses the same rule: the tangent it returns is linear in the input
    tangents, so its transpose (the VJP) is the reverse-mode gradient of that linear map,
    taken at zero tangents. The rule must therefore be written with weifen ops.

    >>> import weifen as wf
    >>> @wf.custom_jvp
    ... def f(x):
    ...     return wf.log1p(wf.exp(x))
    >>> _ = f.defjvp(lambda primals, tangents: (f(*primals), wf.sigmoid(primals[0]) * tangents[0]))
    >>> float(wf.grad(f)(0.0)), float(wf.jvp(f, (0.0,), (1.0,))[1])
    (0.5, 0.5)
    """

    def __init__(self, fun: Callable) -> None:
        functools.update_wrapper(self, fun)
        self.fun = fun
        self.rule: Callable | None = None

    def defjvp(self, rule: Callable) -> Callable:
        """``rule(primals, tangents) -> (out, tangent_out)``; returns ``rule`` (decorator use)."""
        self.rule = rule
        return rule

    def __call__(self, *args: Any) -> Any:
        if self.rule is None:
            raise WeifenTypeError(f"custom_jvp {self.__name__!r}: call defjvp(rule) first")
        if not any(isinstance(a, Box) for a in tree_flatten(args)[0]):
            return self.fun(*args)
        fun, rule, name = self.fun, self.rule, self.__name__

        def impl(*xs: Any) -> Any:
            return _strip(_single(fun(*xs), "custom_jvp"))

        def jvp_rule(tangents: list, out: Any, *xs: Any) -> Any:
            ts = tuple(U.zeros_like_value(x) if t is None else t for t, x in zip(tangents, xs))
            return _strip(rule(tuple(xs), ts)[1])

        def vjp_rule(g: Any, out: Any, *xs: Any) -> tuple:
            from weifen.transforms.reverse import vjp

            zeros = [U.zeros_like_value(x) for x in xs]
            lin = lambda *ts: rule(tuple(xs), ts)[1]  # noqa: E731 - linear in ts
            return tuple(_strip(c) for c in vjp(lin, *zeros)[1](g))

        prim = Primitive(f"custom_jvp_{name}", impl, jvp=jvp_rule, vjp=vjp_rule,
                         impl_traceable=True, register=False)
        return U.out(prim.bind(*args))

"""Reverse-mode transforms: ``vjp``, ``grad``, ``value_and_grad``, ``jacrev``, ``hessian``.

Each call opens a fresh tape level, wraps the differentiated arguments as leaves at that
level, runs the function (ops record on that level's tape; lower-level values are
constants to it) and backpropagates with the engine, asking only for those leaves.
Because rules are written in weifen ops, a rule applied to lower-level boxes records on
the lower tapes: that is all ``grad(grad(f))`` needs.
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from weifen.core.pytree import tree_flatten, tree_unflatten
from weifen.core.state import _STATE, new_level
from weifen.errors import ShapeError, WeifenTypeError
from weifen.prims.shape import shape_of
from weifen.tape.engine import _run, run_backward
from weifen.tape.node import LeafNode
from weifen.tape.tensor import Tensor, _new
from weifen.transforms import _util as U


def _zeros_like(x: Any) -> Any:
    return U.zeros_like_value(x)


def _vjp_flat(f: Callable, args: tuple, nums: tuple, has_aux: bool):
    """Run ``f`` at a new level with ``args[nums]`` as leaves; return what vjp needs."""
    flat, defs = U.split_args(args, nums)
    flat = [U.as_value(x) for x in flat]
    for x in flat:
        U.check_float(x, "differentiation")
    with new_level() as L:
        leaves = [U.leaf(x, L) for x in flat]
        res = f(*U.rebuild(args, nums, defs, leaves))
    aux = None
    if has_aux:
        if not (isinstance(res, (tuple, list)) and len(res) == 2):
            raise WeifenTypeError("has_aux=True needs f to return a pair (output, aux)")
        res, aux = res
        aux = tree_unflatten(*_unbox_tree(aux, L))
    return flat, defs, leaves, res, aux, L


def _unbox_tree(tree: Any, L: int):
    leaves, treedef = tree_flatten(tree)
    return treedef, [_aux_leaf(U.unbox(x, L)) for x in leaves]


def _aux_leaf(x: Any) -> Any:
    # numbers and arrays come back as Tensors; anything else in aux (a str, an object) as is
    if isinstance(x, (str, bytes)) or not (np.isscalar(x) or hasattr(x, "__array__")):
        return x
    return U.out(x)


def _backward_to(outs: list, cts: list, leaves: list, flat: list, L: int,
                 retain: bool = False, own_seeds: bool = True) -> list:
    roots, seeds = [], []
    for o, c in zip(outs, cts):
        if isinstance(o, Tensor) and o._node is not None and o._level == L:
            roots.append(o)
            seeds.append(c)
    if roots:
        # transforms opened inside the backward pass (vmap over vjp_fn) sit above level L
        with new_level(floor=L):
            grads = run_backward(roots, seeds, targets=leaves, retain_graph=retain, prune=False,
                                 own_seeds=own_seeds)
    else:
        grads = [None] * len(leaves)
    return [_zeros_like(x) if g is None else _real_for_real(g, x) for g, x in zip(grads, flat)]


def _is_complex(x: Any) -> bool:
    if type(x) is float:
        return False
    dt = getattr(x, "dtype", None)
    return (type(x) is complex) if dt is None else np.dtype(dt).kind == "c"


def _real_for_real(g: Any, x: Any) -> Any:
    """The cotangent of a real input is real. A complex one arrives where the input met
    complex values (``x * 1j``): JAX's convention keeps its real part, the derivative with
    respect to the real input (for a complex input the cotangent is df/dx - i df/dy)."""
    if _is_complex(g) and not _is_complex(x):
        from weifen.prims.complex import real_p

        return real_p.bind(g)  # a weifen op: outer transforms differentiate through it
    return g


def vjp(f: Callable, *primals: Any, has_aux: bool = False):
    """``(out, vjp_fn)``: ``vjp_fn(cotangent)`` is the tuple of ``cotangent @ J``, one per primal.

    >>> import weifen as wf
    >>> out, vjp_fn = wf.vjp(lambda x: x * x, wf.tensor([1.0, 2.0]))
    >>> vjp_fn(wf.ones(2))
    (tensor([2., 4.]),)
    """
    U.check_callable(f, "vjp")
    nums = tuple(range(len(primals)))
    flat, defs, leaves, res, aux, L = _vjp_flat(f, primals, nums, has_aux)
    outs, out_tree = tree_flatten(res)
    U.check_outputs(outs, "vjp")
    primal_out = tree_unflatten(out_tree, [U.out(U.unbox(o, L)) for o in outs])

    def vjp_fn(cotangent: Any) -> tuple:
        cts, ct_tree = tree_flatten(cotangent)
        if len(cts) != len(outs):
            raise ShapeError(
                f"vjp_fn: the cotangent has {len(cts)} leaves but the output has {len(outs)}; "
                "pass one array per output, in the output's structure")
        for o, c in zip(outs, cts):
            if shape_of(c) != shape_of(o):
                raise ShapeError(f"vjp_fn: cotangent shape {shape_of(c)} does not match the "
                                 f"output shape {shape_of(o)}")
        cts = [c._data if isinstance(c, Tensor) and c._level == 0 and c._node is None else c
               for c in cts]
        # level L closed when vjp returned: a cotangent at that level number comes from a
        # transform opened since (jacrev of vjp_fn) and must stay traced
        grads = _backward_to(outs, cts, leaves, flat, L, retain=True, own_seeds=False)
        return tuple(U.out(g) if not isinstance(g, (tuple, list, dict)) else g
                     for g in U.per_argnum(defs, grads))

    if has_aux:
        return primal_out, vjp_fn, aux
    return primal_out, vjp_fn


def _scalar_out(o: Any, name: str) -> None:
    U.check_outputs([o], name)
    s = shape_of(o)
    if s != ():
        raise WeifenTypeError(
            f"{name} requires a scalar output, but the function returned shape {s}; reduce it "
            "(e.g. .sum()) or use wf.vjp / wf.jacrev for non-scalar outputs")
    dt = getattr(o, "dtype", None)
    if dt is None and type(o) is int:
        dt = np.dtype(int)
    if dt is None and type(o) is complex:
        dt = np.dtype(complex)
    if dt is not None and not np.issubdtype(dt, np.inexact):
        raise WeifenTypeError(f"{name} requires a floating-point output, got dtype {dt}")
    if dt is not None and np.dtype(dt).kind == "c":
        raise WeifenTypeError(
            f"{name} requires a real-valued output, but the function returned dtype {dt}: a "
            "complex output has no gradient. Differentiate a real quantity (wf.real(f(z)), "
            "wf.abs(f(z)) ** 2), or use wf.holomorphic_grad(f) for the complex derivative "
            "of a holomorphic f (wf.vjp / wf.jacrev take complex outputs as they are)")


def value_and_grad(f: Callable, argnums: int | tuple = 0, has_aux: bool = False) -> Callable:
    """``f``'s value and its gradient with respect to ``args[argnums]`` (pytrees allowed).

    >>> import weifen as wf
    >>> f = lambda x1, x2: wf.log(x1) + x1 * x2 - wf.sin(x2)
    >>> v, (g1, g2) = wf.value_and_grad(f, argnums=(0, 1))(2.0, 5.0)
    >>> round(float(v), 4), float(g1), round(float(g2), 4)
    (11.6521, 5.5, 1.7163)
    """

    memo: dict = {}  # number of positional arguments -> normalised argnums
    single = isinstance(argnums, int)

    @U.wraps(f, "value_and_grad")
    def vg(*args: Any, **kwargs: Any):
        nums = memo.get(len(args))
        if nums is None:
            nums = memo[len(args)] = U.norm_argnums(argnums, len(args), "value_and_grad")
        if has_aux or kwargs:
            return _vg_general(f, args, kwargs, nums, single, has_aux)
        # The common case, inlined (it is the scalar hot path): every differentiated
        # argument is one float or float array. One level for the forward and the backward
        # pass (new_level(), inlined), so a transform opened by a rule during backward sits
        # above L too.
        d, ng = _STATE.get()
        L = d + 1
        new = list(args)
        xs = []
        leaves = []
        for a in nums:
            x = new[a]
            t = type(x)
            if t is float or (t is np.ndarray and x.dtype.kind == "f"):
                pass
            elif t is Tensor and x._level == 0 and x._node is None and (
                    type(x._data) is float or x._data.dtype.kind == "f"):
                x = x._data
            else:
                return _vg_general(f, args, kwargs, nums, single, has_aux)
            xs.append(x)
            n = _new(LeafNode)  # U.leaf(x, L), inlined
            n.ref = None
            t = _new(Tensor)
            t._data = x
            t._level = L
            t._node = n
            t._ver = t._grad = None
            new[a] = t
            leaves.append(t)
        token = _STATE.set((L, ng))
        try:
            res = f(*new)
            if type(res) is Tensor and res._level == L:
                od = res._data
                if type(od) is not float:
                    _scalar_out(res, "grad")
                if res._node is None:
                    grads = [None] * len(xs)
                else:
                    grads = _run([(res._node, 1.0 if type(od) is float else _one(res))], leaves,
                                 False, False, L, False)
            else:  # the output does not depend on the inputs (at this level)
                _scalar_out(res, "grad")
                od = res
                grads = [None] * len(xs)
        finally:
            _STATE.reset(token)
        gs = []
        for g, x in zip(grads, xs):
            if g is None:
                g = U.zeros_like_value(x)
            elif type(g) is np.ndarray:
                if g.dtype.kind == "c":  # a real input's cotangent is real: _real_for_real
                    g = g.real
            elif type(g) is complex:
                g = g.real
            if type(g) is float or type(g) is np.ndarray:  # U.out(g), inlined
                t = _new(Tensor)
                t._data = g
                t._level = 0
                t._node = t._ver = t._grad = None
                gs.append(t)
            else:
                gs.append(U.out(g))
        if type(od) is float:
            t = _new(Tensor)
            t._data = od
            t._level = 0
            t._node = t._ver = t._grad = None
        else:
            t = U.out(od)
        return t, (gs[0] if single else tuple(gs))

    return vg


def _vg_general(f: Callable, args: tuple, kwargs: dict, nums: tuple, single: bool,
                has_aux: bool):
    """value_and_grad for pytrees, keyword arguments, ``has_aux`` and nested boxes."""
    fk = (lambda *a: f(*a, **kwargs)) if kwargs else f
    flat, defs, leaves, res, aux, L = _vjp_flat(fk, args, nums, has_aux)
    _scalar_out(res, "grad")
    grads = _backward_to([res], [_one(res)], leaves, flat, L)
    grads = [U.out(g) for g in grads]
    per = U.per_argnum(defs, grads)
    g = per[0] if single else tuple(per)
    value = U.out(U.unbox(res, L))
    if has_aux:
        return (value, aux), g
    return value, g


def _one(res: Any) -> Any:
    d = res._data if isinstance(res, Tensor) else res
    if type(d) is float:
        return 1.0
    dt = getattr(d, "dtype", None)
    if dt is not None and type(d) is not np.ndarray and not hasattr(d, "_primal_data"):
        return np.ones_like(d)  # another backend's array: the seed lives on that backend
    return 1.0 if dt is None else np.ones((), dtype=dt)


def grad(f: Callable, argnums: int | tuple = 0, has_aux: bool = False) -> Callable:
    """The gradient of scalar-valued ``f`` with respect to ``args[argnums]``.

    >>> import weifen as wf
    >>> wf.grad(lambda x: 2 * wf.dot(x, x))(wf.arange(4.0))
    tensor([ 0.,  4.,  8., 12.])
    >>> wf.grad(wf.grad(wf.sin))(0.5)  # -sin(0.5)
    tensor(-0.47942554)
    """
    U.check_callable(f, "grad")
    vg = value_and_grad(f, argnums, has_aux)

    @U.wraps(f, "grad")
    def g(*args: Any, **kwargs: Any):
        v, gr = vg(*args, **kwargs)
        if has_aux:
            return gr, v[1]
        return gr

    return g


def jacrev(f: Callable, argnums: int | tuple = 0, has_aux: bool = False) -> Callable:
    """The Jacobian of ``f`` by reverse mode, shape out + in: one batched backward pass
    (``vmap`` of the VJP over the rows of the identity).

    >>> import weifen as wf
    >>> f = lambda x: wf.stack([x[0] ** 2 + 2 * x[1], 3 * x[0] + 4 * x[1] ** 2])
    >>> wf.jacrev(f)(wf.tensor([1.0, 2.0]))
    tensor([[ 2.,  2.],
            [ 3., 16.]])
    """
    from weifen.numpy import reshape
    from weifen.transforms.vmap import vmap

    @U.wraps(f, "jacrev")
    def jac(*args: Any):
        nums = U.norm_argnums(argnums, len(args), "jacrev")
        flat, defs, leaves, res, aux, L = _vjp_flat(f, args, nums, has_aux)
        outs, out_tree = tree_flatten(res)
        U.check_outputs(outs, "jacrev")
        for o in outs:
            if not np.issubdtype(np.result_type(U.concrete(o)), np.inexact):
                raise WeifenTypeError(
                    f"jacrev requires floating-point outputs, got dtype "
                    f"{np.result_type(U.concrete(o))}; integer outputs have no derivative")
        if not outs:
            raise WeifenTypeError(f"jacrev: the function returned {res!r}, which holds no "
                                  "array to differentiate")
        per_out = []
        for o in outs:
            oshape = shape_of(o)
            rows = vmap(lambda e, o=o: tuple(
                _backward_to([o], [e], leaves, flat, L, retain=True)))(U.identity_like(o))
            jacs = [reshape(r, oshape + shape_of(x)) for r, x in zip(rows, flat)]
            per = U.per_argnum(defs, jacs)
            per_out.append(per[0] if isinstance(argnums, int) else tuple(per))
        j = tree_unflatten(out_tree, per_out)
        return (j, aux) if has_aux else j

    return jac


def hessian(f: Callable, argnums: int | tuple = 0) -> Callable:
    """The Hessian of scalar ``f``: the Jacobian of its gradient; shape in + in.

    >>> import weifen as wf
    >>> wf.hessian(lambda x: (x ** 3).sum())(wf.tensor([1.0, 2.0]))
    tensor([[ 6.,  0.],
            [ 0., 12.]])
    """
    from weifen.transforms.forward import jacfwd

    U.check_callable(f, "hessian")
    return jacfwd(jacrev(f, argnums), argnums)

"""Forward-mode transforms: ``jvp``, ``linearize``, ``jacfwd``, ``hvp``, ``jacobian``."""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from weifen.core.pytree import tree_flatten, tree_unflatten
from weifen.core.state import new_level
from weifen.errors import ShapeError, WeifenTypeError, WeifenValueError
from weifen.forward.dual import Dual, make_dual, zero_tangent
from weifen.prims.shape import shape_of
from weifen.transforms import _util as U


def _tangent_of(o: Any, L: int) -> Any:
    if isinstance(o, Dual) and o._level == L:
        if o._t is not None:
            return o._t
        o = o._p  # a symbolic zero tangent (sign, floor, comparisons)
    return zero_tangent(o)


def _primal_of(o: Any, L: int) -> Any:
    return o._p if isinstance(o, Dual) and o._level == L else o


def _jvp_flat(f: Callable, args: list, tans: list,
              has_aux: bool = False) -> tuple[list, list, Any]:
    with new_level() as L:
        duals = [x if t is None else make_dual(x, t, L) for x, t in zip(args, tans)]
        res = f(*duals)
    outs, tree = tree_flatten(res)
    if len(outs) != 1 and has_aux is None:
        raise NotImplementedError("jacfwd: f must return a single array")
    return [_primal_of(o, L) for o in outs], [_tangent_of(o, L) for o in outs], tree


def _check_float_tangent(t: Any, x: Any) -> None:
    # jax takes only float0 tangents for integer primals (refused above, as jacrev refuses
    # them) and float tangents of the primal's dtype otherwise; an integer tangent here would
    # truncate every tangent the rules compute, so it is an error with the fix
    dt = getattr(t, "dtype", None)
    if dt is not None and np.dtype(dt).kind not in "fc":
        raise WeifenTypeError(
            f"jvp requires floating-point tangents, got dtype {dt} for a primal of dtype "
            f"{getattr(x, 'dtype', type(x).__name__)}; convert with t.astype(float) (integer "
            "tangents have no meaning in a derivative)")


def jvp(f: Callable, primals: tuple | list, tangents: tuple | list):
    """``(f(*primals), J @ tangents)`` by forward mode (pytrees allowed).

    >>> import weifen as wf
    >>> out, t = wf.jvp(wf.sin, (0.0,), (2.0,))
    >>> float(out), float(t)
    (0.0, 2.0)
    """
    U.check_callable(f, "jvp")
    if not isinstance(primals, (tuple, list)) or not isinstance(tangents, (tuple, list)):
        raise WeifenTypeError("jvp: primals and tangents must be tuples, e.g. jvp(f, (x,), (v,))")
    pflat, ptree = tree_flatten(tuple(primals))
    tflat, ttree = tree_flatten(tuple(tangents))
    if len(pflat) != len(tflat):
        raise ShapeError(f"jvp: {len(pflat)} primal leaves but {len(tflat)} tangent leaves")
    pflat = [U.as_value(x) for x in pflat]
    tflat = [U.as_value(t) for t in tflat]
    for x, t in zip(pflat, tflat):
        U.check_float(x, "jvp")
        _check_float_tangent(t, x)
        if shape_of(x) != shape_of(t):
            raise ShapeError(f"jvp: tangent shape {shape_of(t)} does not match primal shape "
                             f"{shape_of(x)}")
    outs, touts, tree = _jvp_flat(lambda *a: f(*tree_unflatten(ptree, a)), pflat, tflat)
    return (tree_unflatten(tree, [U.out(o) for o in outs]),
            tree_unflatten(tree, [U.out(t) for t in touts]))


def linearize(f: Callable, *primals: Any):
    """``(f(*primals), jvp_fn)`` where ``jvp_fn(*tangents)`` is ``J @ tangents`` at the primals.

    >>> import weifen as wf
    >>> out, lin = wf.linearize(lambda x: x ** 2, 3.0)
    >>> float(lin(1.0))
    6.0
    """
    U.check_callable(f, "linearize")
    out = f(*primals)

    def jvp_fn(*tangents: Any) -> Any:
        return jvp(f, primals, tangents)[1]

    return out, jvp_fn


def jacfwd(f: Callable, argnums: int | tuple = 0, has_aux: bool = False) -> Callable:
    """The Jacobian of ``f`` by forward mode, shape out + in: one batched forward pass
    (``vmap`` of the JVP over the columns of the identity).

    >>> import weifen as wf
    >>> f = lambda x: wf.stack([x[0] ** 2 + 2 * x[1], 3 * x[0] + 4 * x[1] ** 2])
    >>> wf.jacfwd(f)(wf.tensor([1.0, 2.0]))
    tensor([[ 2.,  2.],
            [ 3., 16.]])
    """
    from weifen.numpy import moveaxis, reshape
    from weifen.transforms.vmap import vmap

    @U.wraps(f, "jacfwd")
    def jac(*args: Any):
        nums = U.norm_argnums(argnums, len(args), "jacfwd")
        flat, defs = U.split_args(args, nums)
        flat = [U.as_value(x) for x in flat]
        for x in flat:
            U.check_float(x, "jacfwd")
        box: dict = {}

        def fk(*xs):
            r = f(*U.rebuild(args, nums, defs, list(xs)))
            if has_aux:
                r, box["aux"] = r
            return r

        per_arg = []  # per input: the Jacobian of every output leaf
        out_tree = None
        for k, x in enumerate(flat):
            def push(e, k=k):
                tans = [e if j == k else None for j in range(len(flat))]
                outs, touts, tree = _jvp_flat(fk, flat, tans)
                box["tree"] = tree
                return tuple(touts), tuple(outs)

            cols, outs = vmap(push, out_axes=(0, None))(U.identity_like(x))
            out_tree = box["tree"]
            jk = []
            for c, o in zip(cols, outs):
                oshape = shape_of(o)
                j = moveaxis(c, 0, -1) if oshape else c
                jk.append(reshape(j, oshape + shape_of(x)))
            per_arg.append(jk)
        per_out = []
        for i in range(len(per_arg[0]) if per_arg else 0):
            per = U.per_argnum(defs, [pa[i] for pa in per_arg])
            per_out.append(per[0] if isinstance(argnums, int) else tuple(per))
        r = tree_unflatten(out_tree, per_out)
        if has_aux:
            from weifen.transforms.reverse import _unbox_tree  # noqa: F401

            return r, tree_unflatten(*_plain(box["aux"]))
        return r

    return jac


def _plain(tree: Any):
    leaves, treedef = tree_flatten(tree)
    return treedef, [U.out(U.concrete(x)) if isinstance(x, Dual) else U.out(x) for x in leaves]


def hvp(f: Callable, primals: tuple | list, tangents: tuple | list):
    """``(f(*primals), H @ tangents)``: a Hessian-vector product by forward-over-reverse.

    >>> import weifen as wf
    >>> out, hv = wf.hvp(lambda x: (x ** 3).sum(), (wf.tensor([1.0, 2.0]),), (wf.ones(2),))
    >>> hv
    tensor([ 6., 12.])
    """
    U.check_callable(f, "hvp")
    from weifen.transforms.reverse import value_and_grad

    nums = tuple(range(len(primals)))
    vg = value_and_grad(f, argnums=nums)
    (val, _), (_, hv) = jvp(lambda *xs: vg(*xs), tuple(primals), tuple(tangents))
    return val, hv[0] if len(primals) == 1 else hv


def jacobian(f: Callable, *inputs: Any, mode: str = "auto") -> Any:
    """Evaluate the Jacobian of ``f`` at ``inputs`` now.

    ``mode="forward"`` pushes one tangent per input entry, ``"reverse"`` pulls one
    cotangent per output entry; ``"auto"`` picks forward when the inputs' total size is
    below the outputs' (fewer passes), reverse otherwise. Several inputs give a tuple, one
    Jacobian (shape out + in) per input.

    >>> import weifen as wf
    >>> wf.jacobian(lambda x: x * x, wf.tensor([1.0, 3.0]))
    tensor([[2., 0.],
            [0., 6.]])
    """
    U.check_callable(f, "jacobian")
    from weifen.transforms.reverse import jacrev

    nums = tuple(range(len(inputs)))
    if mode == "auto":
        n_in = sum(int(np.prod(shape_of(x))) for x in tree_flatten(inputs)[0])
        out = f(*inputs)
        n_out = sum(int(np.prod(shape_of(o))) for o in tree_flatten(out)[0])
        mode = "forward" if n_in < n_out else "reverse"
    if mode not in ("forward", "reverse"):
        raise WeifenValueError(
            f"jacobian: mode must be 'auto', 'forward' or 'reverse', got {mode!r}")
    jf = jacfwd if mode == "forward" else jacrev
    r = jf(f, argnums=nums if len(inputs) > 1 else 0)(*inputs)
    return r

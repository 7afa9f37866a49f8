"""``Tensor``: the array users hold, and the tape interpreter that records ops on it.

A Tensor is a box at a *level*: level 0 is the eager PyTorch-style tape that is always on;
``wf.grad`` and friends open deeper levels (see :mod:`weifen.core.state`). Recording is
the same at every level: ``_process`` unboxes this level's Tensors, computes the op on
what is underneath (raw arrays at level 0, lower-level boxes otherwise) and, when some
input requires grad, appends a :class:`Node` holding only what the vjp rules read.

The level-0 path is the hot path of the whole library; keep it lean and profile changes.
"""
from __future__ import annotations

import weakref
from typing import Any

import numpy as np

from weifen.array import ArrayMethods
from weifen.core.lift import refuse, traced
from weifen.core.primitive import Box, impl_error
from weifen.core.state import _STATE
from weifen.prims.shape import shape_of
from weifen.errors import GraphError, WeifenTypeError, WeifenValueError
from weifen.tape.node import LeafNode, Node
from weifen.tape import _prims as _P

_new = object.__new__
_nd = np.ndarray
_state = _STATE.get  # (depth, no_grad_upto), read on every recorded op


def _wrap(data: Any, level: float = 0, node: Any = None) -> "Tensor":
    t = _new(Tensor)
    t._data = data
    t._level = level
    t._node = node
    t._ver = None
    t._grad = None
    return t


def _is_float_dtype(dtype) -> bool:
    return np.issubdtype(dtype, np.floating) or np.issubdtype(dtype, np.complexfloating)


class Tensor(ArrayMethods, Box):
    """An array that can record the ops applied to it, for reverse-mode differentiation.

    >>> import weifen as wf
    >>> x = wf.tensor([1.0, 2.0], requires_grad=True)
    >>> y = (x * x).sum()
    >>> y.backward()
    >>> x.grad
    tensor([2., 4.])
    """

    __slots__ = ("_data", "_level", "_node", "_ver", "_grad", "__weakref__")
    __array_priority__ = 1000

    def __init__(self, data: Any, requires_grad: bool = False) -> None:
        from weifen.creation import as_array

        self._data = as_array(data)
        self._level = 0
        self._node = None
        self._ver = None
        self._grad = None
        if requires_grad:
            self.requires_grad_(True)

    # ------------------------------------------------------------------ the tape
    def _process(self, prim, args, params):
        L = self._level
        vals = []
        parents = []
        need = False
        boxed = False
        for a in args:
            if isinstance(a, Tensor) and a._level == L:
                d = a._data
                vals.append(d)
                n = a._node
                parents.append(n)
                if n is not None:
                    need = True
            else:
                d = a
                vals.append(a)
                parents.append(None)
            if L and isinstance(d, Box):
                boxed = True
        if boxed and not prim.impl_traceable:
            out = prim.bind(*vals, **params)
        else:
            try:
                out = prim.impl(*vals, **params)
            except (ValueError, TypeError) as e:
                raise impl_error(prim, vals, e) from None
        if need and L > _state()[1] and not prim.nondiff:
            return _record(prim, tuple(args), tuple(vals), tuple(parents), params, out, L)
        t = _wrap(out, L)
        if prim.view and isinstance(args[0], Tensor) and args[0]._level == L:
            t._ver = _share_ver(args[0])
        return t

    # ------------------------------------------------------------------ fast operators
    # Level-0 Tensor with a level-0 Tensor or a Python number: skip the general dispatch
    # (see ``_fast_binary`` below); anything else goes through ``bind``.
    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = None
    __truediv__ = __rtruediv__ = __pow__ = __matmul__ = None

    __neg__ = tanh = exp = log = sigmoid = relu = None  # _unary_method, installed below

    # ------------------------------------------------------------------ autograd members
    @property
    def requires_grad(self) -> bool:
        return self._node is not None

    @requires_grad.setter
    def requires_grad(self, flag: bool) -> None:
        self.requires_grad_(flag)

    def requires_grad_(self, requires_grad: bool = True) -> "Tensor":
        """Mark (or unmark) this leaf as needing gradients; returns ``self``.

        >>> import weifen as wf
        >>> wf.zeros(2).requires_grad_().requires_grad
        True
        """
        if requires_grad:
            if type(self._node) is Node:
                return self
            dt = self.dtype
            if not _is_float_dtype(dt):
                raise WeifenTypeError(
                    f"requires_grad=True needs floating point data, got dtype {dt}; "
                    "convert first, e.g. wf.tensor(data, dtype=wf.float64)")
            if self._node is None:
                self._node = LeafNode(self)
        else:
            if type(self._node) is Node:
                raise GraphError(
                    "requires_grad can only be turned off on a leaf; use .detach() for a "
                    "non-leaf tensor")
            self._node = None
        return self

    @property
    def is_leaf(self) -> bool:
        return type(self._node) is not Node

    @property
    def grad_fn(self) -> Node | None:
        n = self._node
        return n if type(n) is Node else None

    @property
    def grad(self) -> "Tensor | None":
        return self._grad

    @grad.setter
    def grad(self, value: Any) -> None:
        if value is not None and not isinstance(value, Tensor):
            value = Tensor(value)
        self._grad = value

    def retain_grad(self) -> None:
        """Keep the gradient of this non-leaf tensor in ``.grad`` after backward."""
        n = self._node
        if n is None:
            raise GraphError("retain_grad() on a tensor that does not require grad")
        if type(n) is Node:
            if not n.check:  # a plain node may have left these unset
                n.outver = n.vsnap = None
            n.retain = weakref.ref(self)
            n.check = 2  # the engine looks at retain only on general nodes

    def backward(self, gradient: Any = None, retain_graph: bool = False,
                 create_graph: bool = False) -> None:
        """Accumulate d(self)/d(leaf) into every leaf's ``.grad`` (``gradient`` seeds a VJP).

        >>> import weifen as wf
        >>> x = wf.tensor([1.0, 2.0], requires_grad=True)
        >>> y = wf.stack([x[0] ** 2 + 2 * x[1], 3 * x[0] + 4 * x[1] ** 2])
        >>> y.backward(wf.ones_like(y))
        >>> x.grad
        tensor([ 5., 18.])
        """
        from weifen.tape.engine import run_backward

        run_backward([self], [gradient], retain_graph=retain_graph or create_graph,
                     create_graph=create_graph)

    def detach(self) -> "Tensor":
        """The same values (sharing memory) cut from the graph."""
        t = _wrap(self._data, self._level)
        t._ver = _share_ver(self)
        return t

    def detach_(self) -> "Tensor":
        self._node = None
        return self

    # ------------------------------------------------------------------ in-place ops
    def _check_leaf_inplace(self) -> None:
        n = self._node
        if n is not None and type(n) is not Node and recording_at(self._level):
            raise GraphError(
                "a leaf Tensor that requires grad is being used in an in-place operation; "
                "do it under wf.no_grad() or on x.detach()")

    def _assign(self, new: Any, functional_ok: bool = False) -> Any:
        """Make ``self`` hold ``new``'s values and history, in place (bumps the version).

        ``new`` may come from a transform opened after ``self`` was made (``y[0] = x`` inside
        ``wf.grad``): a constant ``self`` then joins that level; otherwise an in-place
        operator (``functional_ok``) returns ``new`` for Python to rebind, like JAX's
        immutable arrays, and ``__setitem__`` raises rather than drop the derivative.
        """
        self._check_leaf_inplace()
        L = self._level
        if isinstance(new, Box) and not (isinstance(new, Tensor) and new._level == L):
            if isinstance(new, Tensor) and new._level > L and self._node is None:
                self._data, self._level, self._node = new._data, new._level, new._node
                _bump(self)
                return self
            if functional_ok:
                return new
            raise GraphError(
                "an in-place write would store a value a transform is tracing into a tensor "
                "made outside it, losing the derivative; build the result functionally "
                "(wf.where, wf.index_update, wf.concatenate) or make the tensor inside")
        data = new._data if isinstance(new, Tensor) else new
        d = self._data
        if (isinstance(d, np.ndarray) and d.flags.writeable and L == 0
                and not isinstance(data, Box) and np.shape(data) == d.shape):
            d[...] = data
        else:
            self._data = data
        if isinstance(new, Tensor) and type(new._node) is Node:
            self._node = new._node
        _bump(self)
        return self

    def zero_(self) -> "Tensor":
        """Fill with zeros in place (``x.grad.zero_()`` resets accumulated gradients)."""
        from weifen.prims.elementwise import mul_p

        self._check_leaf_inplace()
        if type(self._node) is Node:
            return self._assign(mul_p(self, 0))
        d = self._data
        if isinstance(d, np.ndarray) and d.flags.writeable and self._level == 0:
            d[...] = 0
        else:
            self._data = d * 0
        _bump(self)
        return self

    def __setitem__(self, index, value) -> None:
        from weifen.numpy import index_update

        self._assign(index_update(self, index, value))

    def _inplace(self, prim, other) -> Any:
        d = self._data
        ufunc = _INPLACE_UFUNCS.get(prim.name)
        if (ufunc is not None and self._level == 0 and type(d) is np.ndarray
                and d.flags.writeable):
            # nothing to record (an optimizer step under no_grad): NumPy's own in-place op,
            # no temporary; same casting rules as ``ndarray.__iadd__``
            if type(other) is Tensor:
                if other._level == 0 and other._node is None:
                    o = other._data
                else:
                    o = None
            else:
                o = other if isinstance(other, (int, float, np.ndarray, np.generic)) else None
            if o is not None and (self._node is None or not recording_at(0)):
                self._check_leaf_inplace()
                ufunc(d, o, out=d)
                _bump(self)  # backward through ops that saved these values now raises
                return self
        return self._assign(prim(self, other), functional_ok=True)

    def __iadd__(self, o):
        from weifen.prims.elementwise import add_p
        return self._inplace(add_p, o)

    def __isub__(self, o):
        from weifen.prims.elementwise import sub_p
        return self._inplace(sub_p, o)

    def __imul__(self, o):
        from weifen.prims.elementwise import mul_p
        return self._inplace(mul_p, o)

    def __itruediv__(self, o):
        from weifen.prims.elementwise import div_p
        return self._inplace(div_p, o)

    def __ipow__(self, o):
        from weifen.prims.elementwise import pow_p
        return self._inplace(pow_p, o)

    def add_(self, o):
        return self.__iadd__(o)

    def sub_(self, o):
        return self.__isub__(o)

    def mul_(self, o):
        return self.__imul__(o)

    def div_(self, o):
        return self.__itruediv__(o)

    def fill_(self, value):
        from weifen.prims.elementwise import add_p, mul_p
        return self._assign(add_p(mul_p(self, 0), value))

    def copy_(self, src):
        from weifen.prims.elementwise import add_p, mul_p
        return self._assign(add_p(mul_p(self, 0), src))

    # ------------------------------------------------------------------ data access
    @property
    def data(self) -> "Tensor":
        """The values without history (shares memory, like ``detach()``)."""
        return self.detach()

    @data.setter
    def data(self, value) -> None:
        self._data = value._data if isinstance(value, Tensor) else value
        _bump(self)

    def numpy(self) -> np.ndarray:
        """The values as a NumPy array (copied from a device, or a Dask graph computed).

        A NumPy-backed Tensor hands out a read-only view of its memory: the tape may have
        saved these very values for backward, and a write through the view would change
        the gradient with no trace. Write through the Tensor (``x[0] = 5``, ``x += 1``,
        which the version counter sees) or on a copy (``x.numpy().copy()``). Inside a
        transform, the values of a traced Tensor are refused (they would drop its
        derivative).

        >>> import weifen as wf
        >>> a = wf.tensor([1.0, 2.0]).numpy()
        >>> a, a.flags.writeable
        (array([1., 2.]), False)
        """
        return _values(self, "numpy()")

    def _primal_data(self):
        return self._data

    def __array__(self, dtype=None, copy=None):
        # an integer or bool conversion (np.int64(x)) is piecewise constant: nothing to lose
        a = _values(self, "np.asarray", np.dtype(dtype).kind in "biu" if dtype else False)
        if dtype is not None:
            a = a.astype(dtype, copy=False)
        return np.array(a, copy=True) if copy else a

    def item(self) -> Any:
        """The value of a one-element Tensor as a Python number.

        >>> import weifen as wf
        >>> wf.tensor([2.5]).item()
        2.5
        """
        a = _values(self, "item()")
        if a.size != 1:
            raise WeifenValueError(
                f"item() needs a Tensor with one element, this one has shape {a.shape} "
                f"({a.size} elements); index it first (x[0]) or use .tolist()")
        return a.item()

    def tolist(self) -> Any:
        return _values(self, "tolist()").tolist()

    def __float__(self) -> float:
        if self._level:
            _values(self, "float()")
        return float(self._concrete())

    def __complex__(self) -> complex:
        if self._level:
            _values(self, "complex()")
        return complex(self._concrete())

    def __repr__(self) -> str:
        from weifen.printing import tensor_repr

        return tensor_repr(self)

    def _repr_html_(self) -> str | None:  # Jupyter: a table of the values
        from weifen.printing import tensor_html

        return tensor_html(self)

    def __getstate__(self):
        raise TypeError("weifen Tensors are not pickled; use wf.save(obj, path)")


def _values(t: Tensor, what: str, constant: bool = False) -> Any:
    """The NumPy values under ``t``, for a conversion called ``what``.

    Level 0 (the eager tape) hands them out, read-only; inside a transform a traced
    Tensor refuses, since the numbers would lose its derivative (unless the conversion is
    ``constant``: to integers or bools).
    """
    if t._level and not constant and traced(t):
        raise refuse(t, what)
    d = t._data
    while isinstance(d, Box):
        d = d._primal_data()
    if type(d) is np.ndarray:
        if d.flags.writeable:
            d = d.view()
            d.flags.writeable = False
        return d
    from weifen.core.backend import to_numpy

    return to_numpy(d)  # CuPy .get(), Dask .compute(), .to_numpy(): explicit copies


def _fast_binary(prim, general, reflected=False):
    """A Tensor operator with the tape's two-input path inlined (the eager hot path).

    Taken when the other operand is a Python number or a Tensor of the same level; anything
    else (arrays, duals, batched values) goes through ``general`` (``bind``). The body is
    ``Tensor._process`` + ``_record`` specialised to two arguments; keep them in step.
    """
    impl = prim.impl
    nondiff = prim.nondiff
    keep2 = prim.keep2
    broadcasts = prim.broadcasts
    save_out = prim.save_out
    # With a Python number, only this Tensor can need grad: which arguments its rule reads
    # (the Tensor, the number), numbers first when reflected (``2 * x``)
    k_num, k_self = keep2[2] if reflected else keep2[1][::-1]
    # the short path below covers ops whose rule reads at most the number (add, sub, mul,
    # div): no version to snapshot, nothing broadcast, nothing else saved
    number_path = broadcasts and not (k_self or save_out or nondiff)

    def op(self, o):
        L = self._level
        to = type(o)
        if to is float or to is int:
            if number_path:
                sd = self._data
                if L and isinstance(sd, Box):
                    return general(self, o)
                try:
                    out = impl(o, sd) if reflected else impl(sd, o)
                except (ValueError, TypeError) as e:
                    raise impl_error(prim, (o, sd) if reflected else (sd, o), e) from None
                t = _new(Tensor)
                t._data = out
                t._level = L
                t._grad = None
                t._ver = None
                sn = self._node
                if sn is None or _state()[1] >= L:
                    t._node = None
                    return t
                n = Node()
                n.prim = prim
                n.params = _EMPTY
                n.parents = (None, sn) if reflected else (sn, None)
                n.height = sn.height + 1
                n.shapes = n.out = None
                n.check = 0  # so retain, outver and vsnap are never read: left unset
                if k_num:
                    n.vals = n.args = (o, None) if reflected else (None, o)
                else:
                    n.vals = n.args = _NONE2
                t._node = n
                return t
            od = o
            on = None
        elif to is Tensor and o._level == L and not reflected:
            od = o._data
            on = o._node
        else:
            return general(self, o)
        if reflected:
            a = o
            ad = od
            an = on
            b = self
            bd = self._data
            bn = self._node
        else:
            a = self
            ad = self._data
            an = self._node
            b = o
            bd = od
            bn = on
        if L and ((type(ad) is not float and isinstance(ad, Box))
                  or (type(bd) is not float and isinstance(bd, Box))):
            out = prim.bind(ad, bd)
        else:
            try:
                out = impl(ad, bd)
            except (ValueError, TypeError) as e:
                raise impl_error(prim, (ad, bd), e) from None
        t = _new(Tensor)
        t._data = out
        t._level = L
        t._grad = None
        if (an is None and bn is None) or nondiff or _state()[1] >= L:
            t._node = t._ver = None
            return t
        n = Node()
        n.prim = prim
        n.params = _EMPTY
        n.parents = (an, bn)
        if an is None:
            n.height = bn.height + 1
            k0, k1 = keep2[2]
        elif bn is None:
            n.height = an.height + 1
            k0, k1 = keep2[1]
        else:
            h = an.height
            h1 = bn.height
            n.height = (h if h > h1 else h1) + 1
            k0, k1 = keep2[3]
        n.retain = None
        vs = None
        # a Python float cannot change in place (an in-place op rebinds the Tensor's data
        # and the saved value stays as it was), so only saved arrays need a version check
        # a (b) is this Tensor, of any Tensor subclass (nn.Parameter), or the other operand,
        # a plain Tensor or a number
        if k0 and (a is self or type(a) is Tensor) and type(ad) is not float:
            v = a._ver
            vs = 0 if v is None else v[0]
        if k1 and (b is self or type(b) is Tensor) and type(bd) is not float:
            v = b._ver
            vs = (vs or 0) + (0 if v is None else v[0])
        n.vsnap = vs
        n.vals = (ad if k0 else None, bd if k1 else None)
        n.args = (a if k0 else None, b if k1 else None)
        check = 0 if vs is None else 1
        # a Python number never changes the output's shape; same-shape arrays neither
        if broadcasts and to is Tensor and type(out) is not float and not (
                type(ad) is _nd and type(bd) is _nd and ad.shape == bd.shape):
            n.shapes = shapes = _broadcast_shapes(out, ad, bd, an, bn)
            if shapes is not None:
                check = 2
        else:
            n.shapes = None
        t._node = n
        if save_out and type(out) is not float:
            n.out = out
            n.outver = t._ver = [0]
            n.check = check or 1
        else:
            n.out = out if save_out else None
            n.outver = t._ver = None
            n.check = check
        return t

    op.__name__ = general.__name__
    return op


def _broadcast_shapes(out, ad, bd, an, bn):
    """The input shapes a broadcasting op must sum back to, or ``None`` if all match."""
    if type(out) is float:  # Python numbers in, a Python number out: nothing broadcast
        return None
    try:
        so = out.shape
        if (an is None or ad.shape == so) and (bn is None or bd.shape == so):
            return None
        return (None if an is None else ad.shape, None if bn is None else bd.shape)
    except AttributeError:  # a Python number among them
        so = shape_of(out)
        sa = shape_of(ad) if an is not None else so
        sb = shape_of(bd) if bn is not None else so
        if sa == so and sb == so:
            return None
        return (sa if an is not None else None, sb if bn is not None else None)


def _unary_method(prim):
    method = unary_op(prim)
    method.__doc__ = f"``{prim.name}`` of this tensor, elementwise (as ``wf.{prim.name}``)."
    return method


def _install_fast_operators() -> None:
    for name in ("tanh", "exp", "log", "sigmoid", "relu"):
        setattr(Tensor, name, _unary_method(getattr(_P, f"{name}_p")))
    Tensor.__neg__ = _unary_method(_P.neg_p)
    for name, prim in [("add", _P.add_p), ("sub", _P.sub_p), ("mul", _P.mul_p),
                       ("truediv", _P.div_p), ("pow", _P.pow_p), ("matmul", _P.matmul_p)]:
        setattr(Tensor, f"__{name}__",
                _fast_binary(prim, getattr(ArrayMethods, f"__{name}__")))
        if name != "matmul" and name != "pow":
            setattr(Tensor, f"__r{name}__",
                    _fast_binary(prim, getattr(ArrayMethods, f"__r{name}__"), reflected=True))
    Tensor.__rpow__ = ArrayMethods.__rpow__
    Tensor.__rmatmul__ = ArrayMethods.__rmatmul__


_INPLACE_UFUNCS = {"add": np.add, "sub": np.subtract, "mul": np.multiply, "div": np.true_divide}


def recording_at(level: float) -> bool:
    return level > _state()[1]


def _share_ver(t: Tensor) -> list:
    v = t._ver
    if v is None:
        v = t._ver = [0]
    return v


def _bump(t: Tensor) -> None:
    v = t._ver
    if v is None:
        t._ver = [1]
    else:
        v[0] += 1


_EMPTY: dict = {}
_NONE1 = (None,)
_NONE2 = (None, None)


def _keep_indices(prim, parents) -> tuple | None:
    """Which arguments the vjp rules of the inputs needing grad read (cached per pattern)."""
    keep = prim.keep
    if keep is None:
        return None
    bits = 0
    for i, p in enumerate(parents):
        if p is not None:
            bits |= 1 << i
    cache = prim.keep_cache
    idx = cache.get(bits)
    if idx is None:
        want = set()
        for i, p in enumerate(parents):
            if p is not None:
                want.update(keep[i])
        idx = cache[bits] = tuple(sorted(want))
    return idx


def _record(prim, args, vals, parents, params, out, L):
    """Append a node for ``prim`` applied to ``args`` (some requiring grad) -> ``out``."""
    n = Node()
    n.prim = prim
    n.params = params
    n.parents = parents
    n.height = 1 + max(p.height for p in parents if p is not None)
    n.retain = None
    if prim.broadcasts:
        so = shape_of(out)
        shapes = [None if p is None else shape_of(v) for p, v in zip(parents, vals)]
        n.shapes = None if all(s is None or s == so for s in shapes) else shapes
    else:
        n.shapes = None
    first = args[0]
    idx = _keep_indices(prim, parents)
    if idx is not None and len(idx) < len(vals):
        vals = tuple(vals[i] if i in idx else None for i in range(len(vals)))
        args = tuple(args[i] if i in idx else None for i in range(len(args)))
    vs = None
    for a in args:
        if isinstance(a, Tensor) and a._level == L:
            v = a._ver
            vs = (vs or 0) + (v[0] if v is not None else 0)
    n.vsnap = vs
    n.vals = vals
    n.args = args
    t = _wrap(out, L, n)
    if prim.save_out:
        n.out = out
        n.outver = t._ver = [0]
        n.check = 1
    else:
        n.out = None
        n.outver = None
        n.check = 0 if vs is None else 1
    if n.shapes is not None or params or not prim.plain_vjp or len(parents) > 2:
        n.check = 2
    if prim.view and isinstance(first, Tensor) and first._level == L:
        t._ver = _share_ver(first)
    return t


def unary_op(prim, other=None):
    """A one-input primitive as a function with the tape's path inlined (the eager hot path).

    Tensors (at any level) take the inlined path; anything else goes to ``other`` (by
    default ``prim.bind``). ``wf.tanh`` and ``Tensor.tanh`` are both made here.
    """
    impl = prim.impl
    impl_array = prim.impl_array
    impl_float = prim.impl_float
    bind = prim.bind
    nondiff = prim.nondiff
    keep_x = prim.keep is None or bool(prim.keep[0])
    save_out = prim.save_out
    view = prim.view
    plain = 0 if prim.plain_vjp else 2  # Node.check
    if other is None:
        other = bind

    def op(a):
        if type(a) is not Tensor:
            return other(a)
        d = a._data
        L = a._level
        try:
            if type(d) is float:
                if impl_float is None:
                    out = impl(d)
                else:
                    try:
                        out = impl_float(d)
                    except (ValueError, ArithmeticError):  # math's domain: NumPy's nan, inf
                        out = impl_array(d)
            elif L and isinstance(d, Box):
                out = bind(d)
            else:
                out = impl_array(d)
        except (ValueError, TypeError) as e:
            raise impl_error(prim, (d,), e) from None
        an = a._node
        t = _new(Tensor)
        t._data = out
        t._level = L
        t._grad = None
        if an is None or nondiff or _state()[1] >= L:
            t._node = None
            t._ver = _share_ver(a) if view else None
            return t
        n = Node()
        n.prim = prim
        n.params = _EMPTY
        n.parents = (an,)
        n.height = an.height + 1
        n.retain = None
        n.shapes = None
        check = plain
        if keep_x:
            n.vals = (d,)
            n.args = (a,)
            if type(d) is float:  # immutable: no version check (see _fast_binary)
                n.vsnap = None
            else:
                v = a._ver
                n.vsnap = 0 if v is None else v[0]
                check = check or 1
        else:
            n.vals = n.args = _NONE1  # shared: nothing saved, nothing allocated
            n.vsnap = None
        t._node = n
        if save_out:
            n.out = out
            if type(out) is float:
                n.outver = t._ver = None
            else:
                n.outver = t._ver = [0]
                check = check or 1
        else:
            n.out = n.outver = None
            t._ver = _share_ver(a) if view else None
        n.check = check
        return t

    op.__name__ = op.__qualname__ = prim.name
    return op


_install_fast_operators()

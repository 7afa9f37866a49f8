"""Abstract values of graph nodes: shape, dtype and weak typing, inferred per op.

Every node of a typed graph carries an :class:`Aval` ``(shape, dtype, weak)``. ``weak``
marks a Python number (a ``float`` argument, the ``0.9`` in ``x * 0.9``): NumPy 2 lets it
take the other operand's dtype, so a float32 array times a Python float stays float32;
weak values keep that rule through staging, exactly as eager weifen does.

Types are inferred by running the op itself on tiny stand-ins, the cheapest way that is
always right:

* an elementwise primitive: its shape is the broadcast of its inputs' shapes, and its
  dtype comes from running ``impl`` on 0-d stand-ins of the inputs' dtypes (memoised per
  primitive and input dtypes, so a graph of 10^5 nodes infers in a dictionary lookup per
  node);
* ``matmul`` and ``einsum``: shape rules (running them would cost the real product);
* anything else: ``impl`` (or a classic op's ``compute``) on zero-strided stand-ins of the
  right shape (``np.broadcast_to`` of one element: no memory, and a reduction or a view
  costs little). Linear-algebra ops that refuse singular stand-ins are retried on the
  identity.

>>> import numpy as np
>>> from weifen.graph.types import Aval, aval_of
>>> aval_of(np.ones((2, 3), np.float32)), aval_of(2.0)
(f32[2,3], f64~[])
"""
from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from weifen.errors import ShapeError, WeifenTypeError

_SHORT = {"float64": "f64", "float32": "f32", "float16": "f16", "int64": "i64",
          "int32": "i32", "int16": "i16", "int8": "i8", "uint8": "u8", "uint16": "u16",
          "uint32": "u32", "uint64": "u64", "bool": "bool", "complex128": "c128",
          "complex64": "c64"}


class Aval(NamedTuple):
    """The abstract value of a node: ``shape``, ``dtype`` and whether it is a weak Python
    number (printed with ``~``)."""

    shape: tuple
    dtype: np.dtype
    weak: bool = False

    def __str__(self) -> str:
        d = _SHORT.get(self.dtype.name, self.dtype.name)
        return f"{d}{'~' if self.weak else ''}[{','.join(str(s) for s in self.shape)}]"

    __repr__ = __str__

    @property
    def size(self) -> int:
        n = 1
        for s in self.shape:
            n *= s
        return n


_PY = {float: np.dtype(np.float64), int: np.dtype(np.int64), bool: np.dtype(np.bool_),
       complex: np.dtype(np.complex128)}


def aval_of(v: Any) -> Aval:
    """The abstract value of a concrete value (Python numbers are weak)."""
    t = type(v)
    d = _PY.get(t)
    if d is not None:
        return Aval((), d, True)
    from weifen.tape.tensor import Tensor

    if t is Tensor:
        return aval_of(v._data)
    dt = getattr(v, "dtype", None)
    if dt is None:
        v = np.asarray(v)
        dt = v.dtype
    return Aval(tuple(np.shape(v)), np.dtype(dt), False)


def make_aval(shape: Any, dtype: Any = None, weak: bool = False) -> Aval:
    """An :class:`Aval` from user input (``shape`` an int or a sequence of ints)."""
    if isinstance(shape, (int, np.integer)):
        shape = (int(shape),)
    try:
        shape = tuple(int(s) for s in shape)
    except TypeError:
        raise WeifenTypeError(f"a shape must be a tuple of ints, got {shape!r}") from None
    if any(s < 0 for s in shape):
        raise ShapeError(f"a shape cannot have negative sizes, got {shape}")
    return Aval(shape, np.dtype(np.float64 if dtype is None else dtype), weak)


def placeholder(a: Aval) -> Any:
    """A stand-in value of type ``a``: a Python number if weak, else a read-only
    zero-strided array (ones for floats, zeros for integers and bools, which index safely)."""
    k = a.dtype.kind
    if a.weak:
        return {"f": 1.0, "i": 1, "u": 1, "b": True, "c": 1 + 0j}.get(k, 1.0)
    fill = np.ones((), a.dtype) if k in "fc" else np.zeros((), a.dtype)
    return np.broadcast_to(fill, a.shape)


_LIKE = {"zeros_like": np.zeros, "ones_like": np.ones, "empty_like": np.zeros,
         "full_like": None}


class Abstract:
    """What a graph node hands to code that walks boxes down to their data (``_primal_data``):
    its shape and dtype, with no values. Code that only reads the type (identity seeds,
    zero tangents, ``np.zeros_like``) works; anything that would read numbers (``bool``,
    ``float``, ``np.asarray``, a ufunc) raises instead of silently using stand-ins.

    >>> a = Abstract(Aval((2,), np.dtype(np.float32)))
    >>> np.zeros_like(a).dtype, a.shape
    (dtype('float32'), (2,))
    """

    __slots__ = ("aval", "what")

    def __init__(self, aval: Aval, what: str = "a graph node") -> None:
        self.aval = aval
        self.what = what

    shape = property(lambda self: self.aval.shape)
    dtype = property(lambda self: self.aval.dtype)
    ndim = property(lambda self: len(self.aval.shape))
    size = property(lambda self: self.aval.size)
    weak = property(lambda self: self.aval.weak)

    def _refuse(self, how: str = "the values") -> WeifenTypeError:
        return WeifenTypeError(
            f"{how} of {self.what} ({self.aval}) are not known while a graph is built (by "
            "wf.graph, wf.make_graph or wf.jit): a decision on traced values cannot be "
            "staged. Use wf.where(cond, a, b) for data-dependent choices, or make the "
            "value a static argument (wf.jit(f, static_argnums=...))")

    def __array__(self, dtype: Any = None, copy: Any = None) -> Any:
        raise self._refuse()

    def __array_ufunc__(self, ufunc: Any, method: str, *args: Any, **kwargs: Any) -> Any:
        raise self._refuse()

    def __array_function__(self, func: Any, types: Any, args: tuple, kwargs: dict) -> Any:
        name = func.__name__
        if name in _LIKE and args and args[0] is self:
            shape = kwargs.get("shape") or self.aval.shape
            dtype = kwargs.get("dtype") or self.aval.dtype
            if name == "full_like":
                return np.full(shape, args[1] if len(args) > 1 else kwargs["fill_value"],
                               dtype=dtype)
            return _LIKE[name](shape, dtype=dtype)
        if name in ("shape", "ndim", "size"):
            return getattr(self, name)
        if name == "result_type":
            return np.result_type(*[placeholder(a.aval) if isinstance(a, Abstract) else a
                                    for a in args])
        raise self._refuse()

    def __bool__(self) -> bool:
        raise self._refuse("the truth value")

    def __float__(self) -> float:
        raise self._refuse("float()")

    def __int__(self) -> int:
        raise self._refuse("int()")

    __index__ = __int__
    __complex__ = __float__

    def __len__(self) -> int:
        if not self.aval.shape:
            raise TypeError("len() of a 0-d value")
        return self.aval.shape[0]

    def __repr__(self) -> str:
        return f"Abstract({self.aval})"


def _generic(a: Aval) -> Any:
    """A full-rank, well-conditioned stand-in for matrix functions (rank and residual shapes
    follow the generic case): fixed pseudo-random entries; square matrices symmetric (a
    real spectrum) plus n times the identity."""
    if a.weak or a.dtype.kind not in "fc" or len(a.shape) < 1:
        return placeholder(a)
    r = np.random.default_rng(12345).uniform(-0.5, 0.5, a.shape).astype(a.dtype)
    if len(a.shape) >= 2 and a.shape[-1] == a.shape[-2]:  # symmetric: a real spectrum
        r = (r + np.swapaxes(r, -1, -2)) / 2 + a.shape[-1] * np.eye(a.shape[-1], dtype=a.dtype)
    return r


def _eye_placeholder(a: Aval) -> Any:
    if a.weak or len(a.shape) < 2 or a.shape[-1] != a.shape[-2] or a.dtype.kind not in "fc":
        return placeholder(a)
    return np.broadcast_to(np.eye(a.shape[-1], dtype=a.dtype), a.shape)


# ============================================================================ primitives
_ELEMENTWISE: set | None = None
_DTYPE_MEMO: dict = {}


def elementwise_prims() -> set:
    """The primitives whose output is their inputs' broadcast shape (weifen.prims.elementwise)."""
    global _ELEMENTWISE
    if _ELEMENTWISE is None:
        from weifen.core.primitive import Primitive
        from weifen.prims import elementwise as E

        _ELEMENTWISE = {p for p in vars(E).values() if isinstance(p, Primitive)}
    return _ELEMENTWISE


def is_elementwise(prim: Any, params: dict) -> bool:
    """Whether a staged primitive is elementwise with scalar parameters only."""
    if prim not in elementwise_prims():
        return False
    for k, v in params.items():
        if k != "dtype" and v is not None and np.ndim(v) != 0:
            return False
    return True


def _freeze_params(params: dict) -> Any:
    try:
        key = tuple(sorted(params.items()))
        hash(key)
        return key
    except TypeError:
        return None


def _scalar_stand_in(a: Aval, c: Any) -> Any:
    if c is not None and type(c) in _PY:
        return c  # a Python constant keeps its value: NumPy 2's rules may read it
    if a.weak:
        return placeholder(a)
    k = a.dtype.kind
    return np.ones((), a.dtype) if k in "fc" else np.zeros((), a.dtype)


def broadcast_shapes(shapes: list) -> tuple:
    """NumPy's broadcast of ``shapes`` (ValueError if they do not broadcast), without the
    arrays ``np.broadcast_shapes`` builds: staging calls it for every elementwise op."""
    out = shapes[0]
    for s in shapes[1:]:
        if s == out or not s:
            continue
        if not out:
            out = s
            continue
        n = max(len(out), len(s))
        a = (1,) * (n - len(out)) + tuple(out)
        b = (1,) * (n - len(s)) + tuple(s)
        r = []
        for x, y in zip(a, b):
            if x == y or y == 1:
                r.append(x)
            elif x == 1:
                r.append(y)
            else:
                raise ValueError("shapes do not broadcast")
        out = tuple(r)
    return tuple(out)


def _broadcast(prim_name: str, avals: list) -> tuple:
    try:
        return broadcast_shapes([a.shape for a in avals])
    except ValueError:
        shapes = " and ".join(str(a.shape) for a in avals)
        raise ShapeError(f"{prim_name}: shapes {shapes} do not broadcast; shapes must "
                         "broadcast as in NumPy (reshape, or add an axis with [:, None])"
                         ) from None


def infer_prim(prim: Any, params: dict, avals: list, consts: list) -> Aval:
    """The type of ``prim(*inputs, **params)`` from the inputs' types (``consts[i]`` is the
    input's value when it is a constant, else None)."""
    if is_elementwise(prim, params):
        shape = _broadcast(prim.name, avals) if len(avals) > 1 else avals[0].shape
        pk = _freeze_params(params)
        key = None
        if pk is not None and all(c is None or type(c) not in _PY for c in consts):
            key = (prim, pk, tuple((a.dtype, a.weak) for a in avals))
            hit = _DTYPE_MEMO.get(key)
            if hit is not None:
                return Aval(shape, hit[0], hit[1])
        vals = [_scalar_stand_in(a, c) for a, c in zip(avals, consts)]
        r = _run(prim.impl, vals, params, prim)
        weak = type(r) in _PY and all(a.weak for a in avals)
        dt = _PY[type(r)] if type(r) in _PY else np.result_type(r)
        if key is not None:
            _DTYPE_MEMO[key] = (dt, weak)
        return Aval(shape, dt, weak)
    rule = SHAPE_RULES.get(prim.name)
    if rule is not None:
        return rule(avals, **params)
    mod = getattr(prim.impl, "__module__", "") or ""
    stand_in = _generic if mod.endswith((".linalg", ".decomp")) else placeholder
    vals = [stand_in(a) if c is None else c for a, c in zip(avals, consts)]
    try:
        r = _run(prim.impl, vals, params, prim, linalg_retry=False)
    except np.linalg.LinAlgError:
        vals = [_eye_placeholder(a) if c is None else c for a, c in zip(avals, consts)]
        r = _run(prim.impl, vals, params, prim)
    a = aval_of(r)
    if a.weak and not all(x.weak for x in avals):
        a = Aval(a.shape, a.dtype, False)
    return a


def _run(fn: Any, vals: list, params: dict, prim: Any, linalg_retry: bool = True) -> Any:
    from weifen.core.primitive import impl_error

    try:
        with np.errstate(all="ignore"):
            return fn(*vals, **params)
    except np.linalg.LinAlgError:
        if linalg_retry:
            raise impl_error(prim, tuple(vals), ValueError("singular stand-in")) from None
        raise
    except (ValueError, TypeError, IndexError, ArithmeticError) as e:
        raise impl_error(prim, tuple(vals), e if not isinstance(e, IndexError)
                         else ValueError(str(e))) from None


def infer_compute(op: Any, node: Any, avals: list, consts: list) -> Aval:
    """The type of a classic op's node, by running ``compute`` on stand-ins."""
    vals = [placeholder(a) if c is None else c for a, c in zip(avals, consts)]
    try:
        with np.errstate(all="ignore"):
            r = op.compute(node, vals)
    except (ValueError, TypeError, IndexError, ArithmeticError) as e:
        from weifen.graph.run import compute_error

        raise compute_error(node, vals, e if not isinstance(e, IndexError)
                            else ValueError(str(e))) from None
    a = aval_of(r)
    if a.weak and not all(x.weak for x in avals):
        a = Aval(a.shape, a.dtype, False)
    return a


# ============================================================================ shape rules
def matmul_shape(sa: tuple, sb: tuple, name: str = "matmul") -> tuple:
    """NumPy's ``matmul`` output shape, or a ShapeError naming both shapes."""
    if not sa or not sb:
        raise ShapeError(f"{name}: shapes {sa} and {sb} do not fit: matmul needs operands "
                         "with at least one dimension; use * for scalars")
    a = sa if len(sa) > 1 else (1,) + sa
    b = sb if len(sb) > 1 else sb + (1,)
    if a[-1] != b[-2]:
        raise ShapeError(f"{name}: shapes {sa} and {sb} do not fit: the inner dimensions "
                         f"{a[-1]} and {b[-2]} differ; transpose an operand or reshape")
    try:
        batch = np.broadcast_shapes(a[:-2], b[:-2])
    except ValueError:
        raise ShapeError(f"{name}: shapes {sa} and {sb} do not fit: their batch dimensions "
                         f"{a[:-2]} and {b[:-2]} do not broadcast") from None
    out = batch + (a[-2], b[-1])
    if len(sb) == 1:
        out = out[:-1]
    if len(sa) == 1:
        out = out[:-2] + out[-1:] if len(sb) > 1 else out[:-1]
    return out


def _result_dtype(avals: list) -> np.dtype:
    key = ("result", tuple((a.dtype, a.weak) for a in avals))
    hit = _DTYPE_MEMO.get(key)
    if hit is None:
        vals = [placeholder(Aval((), a.dtype, a.weak)) for a in avals]
        hit = _DTYPE_MEMO[key] = np.result_type(*vals)
    return hit


def _matmul_rule(avals: list) -> Aval:
    a, b = avals
    return Aval(matmul_shape(a.shape, b.shape), _result_dtype(avals), False)


def _einsum_rule(avals: list, subscripts: str) -> Aval:
    ins, out = subscripts.split("->")
    size: dict = {}
    for letters, a in zip(ins.split(","), avals, strict=True):
        if len(letters) != len(a.shape):
            raise ShapeError(f"einsum: operand {letters!r} has shape {a.shape}")
        for ch, n in zip(letters, a.shape):
            if size.get(ch, 1) not in (1, n) and n != 1:
                raise ShapeError(f"einsum: letter {ch!r} has sizes {size[ch]} and {n}")
            size[ch] = max(size.get(ch, 1), n) if n != 1 else size.get(ch, 1)
    return Aval(tuple(size[ch] for ch in out), _result_dtype(avals), False)


def _sqrtm_rule(avals: list) -> Aval:
    # typed as its input (floats from integers): SciPy's sqrtm of a real matrix is real
    # unless some eigenvalue is negative, and then the run-time guard (VALUE_TYPED) refuses
    (a,) = avals
    return Aval(a.shape, np.result_type(a.dtype, np.float16), False)


SHAPE_RULES: dict = {"matmul": _matmul_rule, "einsum": _einsum_rule, "sqrtm": _sqrtm_rule}


# primitives whose result type depends on the values (NumPy's eig is real when every
# eigenvalue is): typed from stand-ins, and checked at run time
VALUE_TYPED = {"eig", "eigvals", "sqrtm"}  # sqrtm: real, or complex for some real input


def guard(v: Any, a: Aval, name: str) -> Any:
    """``v`` if it has type ``a``; else a WeifenTypeError saying the op's type depends on
    its values (what a graph typed once cannot follow)."""
    dt = getattr(v, "dtype", None)
    if dt is not None and (dt != a.dtype or tuple(v.shape) != a.shape):
        raise WeifenTypeError(
            f"{name}: its result type depends on the values ({a} when the graph was made, "
            f"{aval_of(v)} now), which a staged graph cannot follow; call it outside "
            "make_graph / jit, or make the result's type fixed (e.g. take wf.real / cast)")
    return v


def check_feed(a: Aval, v: Any, name: str) -> None:
    """Raise when a fed value does not fit a typed variable's shape."""
    s = tuple(np.shape(v)) if not hasattr(v, "shape") else tuple(v.shape)
    if s != a.shape:
        raise ShapeError(f"variable {name!r} was declared with shape {a.shape} but was fed "
                         f"shape {s}; feed the declared shape or make the graph again")


__all__ = ["Aval", "Abstract", "aval_of", "make_aval", "placeholder", "infer_prim", "infer_compute",
           "is_elementwise", "elementwise_prims", "matmul_shape", "check_feed"]

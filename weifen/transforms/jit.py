"""``wf.jit``: stage a function into a typed graph once per signature, optimise it, compile it.

A call looks up its *signature*: the pytree structure of the arguments, each array leaf's
shape and dtype (Python floats are weak float64 scalars, as in eager weifen), and the
values of the static arguments (``static_argnums`` and any leaf that is not array data).
The first call with a signature traces ``f`` with typed graph variables
(:func:`weifen.graph.graph.stage`), so Python side effects in ``f`` run once per
signature; the graph goes through the passes (:meth:`Graph.optimize`) and a backend
compiles it; later calls with the signature run the compiled code only.

Backends: ``"numpy"`` generates straight-line NumPy code (preallocated buffers, ``out=``
ufunc calls, in-place reuse; :mod:`weifen.graph.codegen`); ``"numba"`` (the
``weifen[jit]`` extra) compiles each elementwise fusion region into one loop and falls
back to the NumPy code region by region; ``"auto"`` runs the NumPy code at once and, when
numba is installed and a signature keeps being called, switches to numba kernels compiled
in a background thread (first calls stay fast; :meth:`Jitted.ready` compiles them now).

How jit composes with the other transforms, in both orders:

* ``jit(grad(f))``, ``jit(vmap(f))``, ``jit(jacrev(f))``, ...: the inner transform runs
  *while tracing*, on graph nodes (every interpreter of weifen works on any box, graph
  nodes included), so the compiled graph holds the derivative or batched computation.
* ``grad(jit(f))``, ``vmap(jit(f))``, ``jvp(jit(f))``, and a jitted function fed Tensors
  that record on the eager tape: the arguments are boxes of another interpreter. The
  cached graph (traced once per signature, as for plain calls) is then *replayed*: each
  of its primitives is bound on the boxes, so the outer transform sees the same
  primitives ``f`` would have run and applies its own rules. We chose replay over
  binding the whole jitted function as one primitive (JAX's way) because it needs no
  multi-output primitives in the tape and composes to any order for free; its cost is
  the eager cost of the optimised graph. For speed, put ``jit`` outermost:
  ``jit(value_and_grad(f))`` compiles the forward and backward passes together.

>>> import numpy as np
>>> import weifen as wf
>>> @wf.jit
... def f(x):
...     return wf.tanh(x * 0.9 + 0.1).sum()
>>> round(float(f(np.zeros(3))), 6)
0.299004
>>> round(float(wf.grad(f)(np.zeros(3))[0]), 5), f.traces
(0.89106, 1)
"""
from __future__ import annotations

import functools
from typing import Any, Callable

import numpy as np

from weifen.core.primitive import Box
from weifen.core.pytree import tree_flatten, tree_unflatten
from weifen.core.state import recording
from weifen.errors import WeifenTypeError, WeifenValueError
from weifen.graph import types as T
from weifen.tape.tensor import Tensor, _wrap

_nd = np.ndarray
_BACKENDS = ("auto", "numpy", "numba")


def numba_available() -> bool:
    """Whether the numba backend can be used (``pip install weifen[jit]``)."""
    try:
        import numba  # noqa: F401
    except Exception:
        return False
    return True


class _Entry:
    """What one signature compiled to: ``fn`` (raw arrays in, a tuple of raw results out)
    and ``build`` (that tuple as Tensors in the function's result structure)."""

    __slots__ = ("graph", "fn", "out_tree", "compiled", "n_out", "build")

    def __init__(self, graph: Any, fn: Callable, out_tree: Any, compiled: Any) -> None:
        self.graph = graph
        self.fn = fn
        self.out_tree = out_tree
        self.compiled = compiled
        self.n_out = len(graph.outputs)
        self.build = make_builder(out_tree)


def make_builder(tree: Any) -> Callable:
    """A function from the tuple of raw results to ``tree``'s structure with each leaf a
    Tensor, generated once per signature (pytree walking per call costs microseconds).
    Dict keys and container types reach the code through its namespace, never as text."""
    ns: dict = {"_new": Tensor.__new__, "_T": Tensor}
    lines: list = []
    count = [0]

    def src(d: Any) -> str:  # the nesting of result trees is shallow: recursion is fine
        if d == "*":
            k = count[0]
            count[0] += 1
            pre.append(f"    t{k} = _new(_T); t{k}._data = r[{k}]; t{k}._level = 0; "
                       f"t{k}._node = t{k}._ver = t{k}._grad = None")
            return f"t{k}"
        if d is None:
            return "None"
        if d[0] is dict:
            ns[f"k{len(ns)}"] = d[1]
            kn = f"k{len(ns) - 1}"
            return "{" + ", ".join(f"{kn}[{i}]: {src(c)}" for i, c in enumerate(d[2])) + "}"
        parts = [src(c) for c in d[1]]
        if d[0] is tuple:
            return "(" + "".join(p + ", " for p in parts) + ")"
        if d[0] is list:
            return "[" + ", ".join(parts) + "]"
        ns[f"c{len(ns)}"] = d[0]
        return f"c{len(ns) - 1}(({''.join(p + ', ' for p in parts)}))"

    pre: list = []
    body = src(tree)
    lines += ["def build(r):"] + pre + [f"    return {body}"]
    exec(compile("\n".join(lines) + "\n", "<weifen.jit results>", "exec"), ns)  # noqa: S102
    return ns["build"]


class Jitted:
    """A jit-compiled function (see :func:`jit`). ``traces`` counts the traces so far;
    ``graph(*args)`` and ``source(*args)`` show what a signature compiles to."""

    def __init__(self, f: Callable, static_argnums: tuple, backend: str) -> None:
        self.f = f
        self.static_argnums = static_argnums
        self.backend = backend
        self.traces = 0
        self._last: _Entry | None = None
        self._pending: list = []  # background numba compiles (backend="auto")
        self._fast: dict = {}  # signature of plain positional leaves -> entry
        self._by_types: dict = {}  # all-Python-float signatures: (float, float, ...) -> entry
        self._cache: dict = {}  # general signature -> entry
        functools.update_wrapper(self, f)

    # ------------------------------------------------------------------ calls
    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        # Python numbers only (the scalar hot path): their types are the whole signature
        entry = self._by_types.get(tuple(map(type, args)))
        if entry is not None and not kwargs:
            return entry.build(entry.fn(*args))
        if not kwargs and not self.static_argnums:
            key = []
            for a in args:
                t = type(a)
                if t is float:
                    key.append(float)
                elif t is _nd:
                    key.append((a.shape, a.dtype))
                else:
                    break
            else:
                entry = self._fast.get(tuple(key))
                if entry is None:
                    entry = self._fast[tuple(key)] = self._compile(args, {})
                    if all(k is float for k in key):
                        self._by_types[tuple(key)] = entry
                self._last = entry
                return entry.build(entry.fn(*args))
        return self._call_general(args, kwargs)

    def _call_general(self, args: tuple, kwargs: dict) -> Any:
        nargs = len(args)
        for a in self.static_argnums:
            if not -nargs <= a < nargs:
                raise WeifenTypeError(f"jit: static_argnums {self.static_argnums} out of range "
                                      f"for a call with {nargs} positional arguments")
        statics = {a % nargs for a in self.static_argnums}
        leaves, tree = tree_flatten((args, kwargs))
        flat = not kwargs and not statics and len(leaves) == nargs and all(
            type(a) not in (list, tuple, dict) and a is not None for a in args)
        owner = []
        for i, a in enumerate(args):
            owner += [i] * len(tree_flatten(a)[0])
        owner += [-1] * (len(leaves) - len(owner))
        key: list = [tree]
        for i in sorted(statics):  # a static argument is part of the key as a whole
            try:
                hash(args[i])
            except TypeError:
                raise WeifenTypeError(
                    f"jit: static argument {i} ({args[i]!r:.40}) is not hashable; static "
                    "arguments are part of the cache key (pass a tuple instead of a list, "
                    "or pass arrays as ordinary arguments)") from None
            key.append(("static", i, type(args[i]), args[i]))
        dyn: list = []
        boxed = False
        for x, i in zip(leaves, owner):
            if i in statics:
                continue
            if not _is_data(x):
                try:
                    hash(x)
                except TypeError:
                    raise WeifenTypeError(
                        f"jit: static argument {x!r:.40} is not hashable; static arguments "
                        "are part of the cache key (pass arrays as ordinary arguments, or a "
                        "tuple instead of a list)") from None
                flat = False
                key.append(("static", type(x), x))
                continue
            v, is_box = _leaf_value(x)
            boxed = boxed or is_box
            key.append(_leaf_key(v, is_box))
            dyn.append(v)
        k = tuple(key[1:]) if flat else tuple(key)  # flat: the fast path's key
        cache = self._fast if flat else self._cache
        entry = cache.get(k)
        if entry is None:
            entry = cache[k] = self._compile(args, kwargs, statics, [_aval(v) for v in dyn])
        self._last = entry
        if boxed:
            return _replay(entry, dyn)
        return entry.build(entry.fn(*dyn))

    # ------------------------------------------------------------------ tracing
    def _compile(self, args: tuple, kwargs: dict, statics: set = frozenset(),
                 avals: list | None = None) -> _Entry:
        from weifen.graph.graph import stage

        f = self.f
        if kwargs:
            names = sorted(kwargs)
            staged_args = (args, {k: kwargs[k] for k in names})
            fn = lambda a, k: f(*a, **k)  # noqa: E731
            fn.__name__ = getattr(f, "__name__", "f")
            nums = ()
            if statics:  # static positions inside the args tuple: mark them by wrapping
                raise WeifenTypeError("jit: static_argnums with keyword arguments is not "
                                      "supported; pass the arguments positionally")
        else:
            staged_args, fn, nums = args, f, tuple(sorted(statics))
        if avals is None:
            avals = [_aval(_leaf_value(x)[0]) for x in tree_flatten(staged_args)[0]
                     if _is_data(x)]
        self.traces += 1
        g = stage(fn, staged_args, nums, avals=avals)
        opt = g.optimize()
        name = _ident(getattr(f, "__name__", "f"))
        compiled = _backend_compile(opt, self.backend, name)
        entry = _Entry(opt, compiled.fn, g.out_tree, compiled)
        if self.backend == "auto" and numba_available():
            _upgrade_later(entry, opt, name, self._pending)
        return entry

    def ready(self) -> "Jitted":
        """Compile now the numba kernels that ``backend="auto"`` would compile in the
        background after a few calls, and wait until they are in use; returns the function.

        >>> import numpy as np
        >>> import weifen as wf
        >>> f = wf.jit(lambda x: wf.tanh(x * 0.9 + 0.1).sum())
        >>> round(float(f.ready()(np.zeros(2))), 6) == round(float(f(np.zeros(2))), 6)
        True
        """
        while self._pending:
            self._pending.pop()().join()
        return self

    # ------------------------------------------------------------------ inspection
    def graph(self, *args: Any, **kwargs: Any) -> Any:
        """The optimised graph this call signature runs (tracing it if needed).

        >>> import weifen as wf
        >>> print(wf.jit(lambda x: x * 1.0 + wf.sin(x)).graph(2.0))
        { lambda ; x:f64~[]. let
            a:f64~[] = sin x
            b:f64~[] = add x a
          in (b) }
        """
        return self._entry(args, kwargs).graph

    def source(self, *args: Any, **kwargs: Any) -> str:
        """The generated source this call signature runs (after :meth:`ready`).

        >>> import weifen as wf
        >>> print(wf.jit(lambda x: x * 2.0, backend="numpy").source(1.0))
        def _lambda_(x0):
            v0 = f_mul_3(x0, 2.0)
            return (v0,)
        <BLANKLINE>
        """
        self._entry(args, kwargs)
        self.ready()
        return self._last.compiled.source

    def _entry(self, args: tuple, kwargs: dict) -> _Entry:
        self(*args, **kwargs)
        return self._last

    def __repr__(self) -> str:
        return f"<jit {getattr(self.f, '__name__', 'f')}: {self.traces} trace(s)>"

    def __get__(self, obj: Any, objtype: Any = None) -> Any:
        return self if obj is None else functools.partial(self, obj)


def _backend_compile(g: Any, backend: str, name: str) -> Any:
    if backend == "numba":
        if not numba_available():
            raise WeifenValueError(
                "jit(backend='numba') needs numba: pip install 'weifen[jit]' (or use "
                "backend='numpy')")
        from weifen.graph.numba_backend import compile_numba

        return compile_numba(g, name)
    from weifen.graph.codegen import compile_graph

    return compile_graph(g, name)


UPGRADE_AFTER = 3  # calls of one signature before backend="auto" compiles numba kernels


def _upgrade_later(entry: _Entry, g: Any, name: str, pending: list) -> None:
    """``backend="auto"`` with numba: the NumPy code serves the first calls; the
    ``UPGRADE_AFTER``-th call of the signature starts a thread that compiles the fused
    regions with numba (the NumPy code keeps serving meanwhile), then the entry switches to
    that code. A signature called once or twice never pays for numba, and graphs without
    a fusion region keep the NumPy code (numba would add nothing)."""
    import threading

    from weifen.graph.fusion import regions

    if not regions(g.nodes):
        return
    numpy_fn = entry.fn
    state = {"calls": 0, "thread": None}

    def work() -> None:
        try:
            from weifen.graph.numba_backend import compile_numba

            c = compile_numba(g, name)
        except Exception:  # numba could not help: the NumPy code stays
            entry.fn = numpy_fn
            return
        entry.compiled, entry.fn = c, c.fn

    def start() -> threading.Thread:
        if state["thread"] is None:
            state["thread"] = threading.Thread(target=work, name=f"weifen-numba-{name}",
                                               daemon=True)
            state["thread"].start()
        return state["thread"]

    def counting(*args: Any) -> Any:
        state["calls"] += 1
        if state["calls"] == UPGRADE_AFTER:
            start()
        return numpy_fn(*args)

    entry.fn = counting
    pending.append(start)


def _ident(name: str) -> str:
    s = "".join(c if c.isalnum() or c == "_" else "_" for c in name) or "f"
    return s if s[0].isalpha() or s[0] == "_" else "_" + s


# ============================================================================ leaves
def _is_data(x: Any) -> bool:
    return isinstance(x, (float, int, complex, _nd, np.generic, Box)) or (
        hasattr(x, "__array_function__") and hasattr(x, "dtype"))


def _leaf_value(x: Any) -> tuple[Any, bool]:
    """``(value, is_box)``: a leaf as the compiled code takes it, or a box to replay on."""
    if type(x) is Tensor:
        if x._level == 0 and (x._node is None or not recording(0)):
            return x._data, False
        return x, True
    if isinstance(x, Box):
        return x, True
    return x, False


_WEAK_KEY = {"f": float, "i": int, "b": bool, "c": complex}


def _leaf_key(v: Any, is_box: bool) -> Any:
    """A leaf's part of the cache key: the keys of the fast path (``float`` for a Python
    float, ``(shape, dtype)`` for an array), whatever box or array type carries it."""
    t = type(v)
    if t is _nd:
        return (v.shape, v.dtype)
    if t is float or t is int or t is bool or t is complex:
        return t
    a = _aval(v) if is_box else T.aval_of(v)
    if a.weak:
        return _WEAK_KEY.get(a.dtype.kind, float)
    return (a.shape, a.dtype)


def _aval(v: Any) -> T.Aval:
    if isinstance(v, Box):
        from weifen.transforms._util import concrete

        d = concrete(v)
        if isinstance(d, T.Abstract):  # a graph node under the box: its own type
            return T.Aval(tuple(v.shape), d.aval.dtype, d.aval.weak and tuple(v.shape) == ())
        weak = type(d) in (float, int, bool, complex)
        dt = T.aval_of(d).dtype
        return T.Aval(tuple(v.shape), dt, weak and tuple(v.shape) == ())
    return T.aval_of(v)


# ============================================================================ results
def _wrap_outputs(entry: _Entry, outs: tuple) -> Any:
    if entry.n_out == 1 and entry.out_tree == "*":
        o = outs[0]
        t = Tensor.__new__(Tensor)
        t._data, t._level, t._node, t._ver, t._grad = o, 0, None, None, None
        return t
    return tree_unflatten(entry.out_tree, [_wrap(o) for o in outs])


def _replay(entry: _Entry, dyn: list) -> Any:
    """Run the entry's optimised graph on boxes, binding each primitive (see the module
    docstring): the outer transform interprets every op as it would in eager code."""
    from weifen.graph.ir import ConstantOp, PlaceholderOp, PrimOp
    from weifen.transforms._util import out

    g = entry.graph
    env: dict[int, Any] = {id(v): x for v, x in zip(g.inputs, dyn)}
    for n in g.nodes:
        if id(n) in env:
            continue
        op = n.op
        if isinstance(op, ConstantOp):
            env[id(n)] = n.const_attr
        elif isinstance(op, PrimOp):
            env[id(n)] = op.prim.bind(*[env[id(x)] for x in n.inputs], **n.params)
        elif isinstance(op, PlaceholderOp):
            raise WeifenValueError(f"jit: variable {n.name!r} is not an input")
        else:
            raise WeifenTypeError(f"jit: the graph holds a {op.op_name} op, which cannot be "
                                  "differentiated or batched through jit")
    outs = [out(env[id(o)]) for o in g.outputs]
    return tree_unflatten(entry.out_tree, outs)


def jit(f: Callable | None = None, static_argnums: int | tuple = (),
        backend: str = "auto") -> Any:
    """Compile ``f``: traced once per argument signature (pytree structure, shapes, dtypes,
    static values), optimised, and run as generated code with no Python per op.

    ``static_argnums`` names arguments whose *values* select the graph (Python control flow
    on them is fine). A Python ``if`` on a traced value raises a WeifenTypeError naming
    ``static_argnums`` and ``wf.where``. Usable as ``@wf.jit`` or
    ``@functools.partial(wf.jit, static_argnums=1)``. Arrays the function closes over are
    constants of its trace, as in JAX (pass what changes, such as parameters, as
    arguments); a closed-over Tensor that requires grad is refused, never baked in.

    >>> import weifen as wf
    >>> f = wf.jit(lambda x1, x2: wf.log(x1) + x1 * x2 - wf.sin(x2))
    >>> round(float(f(2.0, 5.0)), 4), round(float(f(3.0, 1.0)), 4), f.traces
    (11.6521, 3.2571, 1)
    >>> v, g = wf.jit(wf.value_and_grad(f, argnums=(0, 1)))(2.0, 5.0)
    >>> round(float(v), 4), [round(float(t), 4) for t in g]
    (11.6521, [5.5, 1.7163])
    """
    if f is None:
        return functools.partial(jit, static_argnums=static_argnums, backend=backend)
    if not callable(f):
        raise WeifenTypeError(f"jit expects a function to compile, got {type(f).__name__}")
    if backend not in _BACKENDS:
        raise WeifenValueError(f"jit: backend must be one of {_BACKENDS}, got {backend!r}")
    nums = (static_argnums,) if isinstance(static_argnums, int) else tuple(static_argnums)
    return Jitted(f, nums, backend)


__all__ = ["jit", "Jitted", "numba_available"]

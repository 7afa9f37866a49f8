"""Primitives, the rule table, and ``bind`` (the one dispatch every op goes through).

A primitive is declared once, as one block holding all its rules::

    sin_p = Primitive("sin", np.sin,
                      vjp=(lambda g, out, x: g * P.cos(x),),
                      jvp=(lambda dx, out, x: dx * P.cos(x),))

* ``impl(*args, **params)`` computes on raw arrays (NumPy or any NumPy-protocol array).
* ``vjp`` holds one rule per input, ``rule(g, out, *args, **params) -> gx``; ``None`` marks
  an input with no derivative. A single callable instead of a tuple computes every input's
  cotangent at once (variadic primitives such as ``concatenate``). The engine reduces each
  ``gx`` to its input's shape (unbroadcasting) and accumulates, so rules never do.
* ``jvp`` mirrors it: one rule per input, ``rule(dx, out, *args, **params)``, linear in
  ``dx``; the tangent of the output is the sum over inputs whose tangent is not zero.
* ``batch`` (optional) maps ``(args, batch_dims, **params) -> (out, out_bdim)`` for vmap.
* ``keep``: per input, the argument positions that input's vjp rule reads; the tape saves
  only those (so ``x * 0.9`` does not keep ``x`` alive). ``None`` keeps every argument.
* ``save_out``: the vjp rules read ``out``.
* ``nondiff``: the output is piecewise constant (comparisons, ``sign``, ``floor``).
* ``broadcasts``: inputs broadcast NumPy-style; the engine records their shapes and sums
  each cotangent back to its input's shape.
* ``view``: the output may share memory with the first input (reshape, transpose, basic
  indexing); the tape then shares the version counter, so in-place writes are caught.
* ``impl_traceable``: ``impl`` is itself written with weifen ops (``checkpoint``,
  ``custom_vjp``): an interpreter may run it on its own boxes instead of re-binding.

Rules are written in weifen's own ops (``P.cos`` is ``cos_p.bind``, operators on boxes),
never in raw NumPy, so differentiating a rule is just more recording: higher order,
forward-over-reverse and symbolic derivatives all come from the same table.

``bind`` finds the argument boxed at the highest level and lets that level's interpreter
process the op (unboxing its own values and re-binding on the rest); with no box at all
it calls ``impl``. Levels come from :mod:`weifen.core.state`.
"""
from __future__ import annotations

from typing import Any, Callable

REGISTRY: dict[str, "Primitive"] = {}


def passthrough(g: Any, out: Any, *args: Any, **params: Any) -> Any:
    """The rule of an input whose derivative is the identity (add's inputs): ``g`` itself.

    Engines may pass ``g`` on without calling it; it is a rule like any other.
    """
    return g


class Box:
    """Base of every value an interpreter wraps (Tensor, Dual, batched and staged values)."""

    __slots__ = ()
    _level: float

    def _process(self, prim: "Primitive", args: tuple, params: dict) -> Any:
        raise NotImplementedError


class Primitive:
    """One row of the rule table. See the module docstring."""

    __slots__ = (
        "name", "impl", "vjp", "jvp", "batch", "keep", "save_out", "nondiff", "view",
        "broadcasts", "impl_traceable", "impl_array", "impl_float", "keep_cache", "keep2",
        "backward_name", "plain_vjp",
        "__weakref__",
    )

    def __init__(
        self,
        name: str,
        impl: Callable[..., Any],
        *,
        vjp: tuple | Callable | None = None,
        jvp: tuple | Callable | None = None,
        batch: Callable | None = None,
        keep: tuple | None = None,
        save_out: bool = False,
        nondiff: bool = False,
        view: bool = False,
        broadcasts: bool = False,
        impl_traceable: bool = False,
        impl_array: Callable[..., Any] | None = None,
        impl_float: Callable[[float], float] | None = None,
        register: bool = True,
    ) -> None:
        self.name = name
        self.impl = impl
        self.vjp = vjp
        self.jvp = jvp
        self.batch = batch
        self.keep = keep
        self.save_out = save_out
        self.nondiff = nondiff
        self.view = view
        self.broadcasts = broadcasts
        self.impl_traceable = impl_traceable
        # the array-only impl (no Python-float branch): the eager hot path calls it directly
        self.impl_array = impl_array if impl_array is not None else impl
        # a unary op's Python-float impl (``math``), tried first on floats by the eager path;
        # a domain error there falls back to impl_array (NumPy's nan or inf, with a warning)
        self.impl_float = impl_float
        self.keep_cache: dict = {}  # the tape's memo: pattern of inputs needing grad -> kept args
        # for two inputs, indexed by (x needs grad) + 2 * (y needs grad): keep (x?, y?)
        self.keep2 = tuple(
            (True, True) if keep is None or len(keep) != 2 else
            (any(0 in keep[i] for i in range(2) if bits >> i & 1),
             any(1 in keep[i] for i in range(2) if bits >> i & 1))
            for bits in range(4))
        # one rule per input, at most two inputs: backward's inlined path can run it
        self.plain_vjp = type(vjp) is tuple and len(vjp) <= 2
        self.backward_name = "".join(p.capitalize() for p in name.split("_")) + "Backward"
        if register:
            if name in REGISTRY:
                raise ValueError(f"primitive {name!r} is declared twice")
            REGISTRY[name] = self

    def bind(self, *args: Any, **params: Any) -> Any:
        """Apply the primitive: the highest-level box among ``args`` interprets it."""
        top = None
        for a in args:
            if isinstance(a, Box):
                if top is None or a._level > top._level:
                    top = a
            elif (type(a) is list or type(a) is tuple) and _holds_boxes(a):
                # weifen values inside a list: stack them differentiably, never via NumPy
                return self.bind(*[_lift(b) if (type(b) is list or type(b) is tuple)
                                   and _holds_boxes(b) else b for b in args], **params)
        if top is None:
            try:
                return self.impl(*args, **params)
            except (ValueError, TypeError) as e:
                raise impl_error(self, args, e) from None
        return top._process(self, args, params)

    __call__ = bind

    def __repr__(self) -> str:
        return f"<primitive {self.name}>"


def _holds_boxes(seq: Any) -> bool:
    from weifen.core.lift import holds_boxes

    return holds_boxes(seq)


def _lift(seq: Any) -> Any:
    from weifen.core.lift import lift

    return lift(seq)


def _describe(a: Any) -> str:
    s = getattr(a, "shape", None)
    if s is not None:
        return f"{tuple(s)} {getattr(a, 'dtype', '')}".strip()
    return type(a).__name__


def impl_error(prim: Primitive, args: tuple, e: Exception) -> Exception:
    """A weifen error naming the op and its inputs, for an error NumPy raised in ``impl``."""
    from weifen.errors import ShapeError, WeifenError, WeifenTypeError, WeifenValueError

    if isinstance(e, WeifenError):
        return e
    if isinstance(e, TypeError):  # arrays of two backends in one op: say which (error path)
        from weifen.core.backend import same_backend

        raw = []
        for a in args:
            while hasattr(a, "_primal_data"):
                a = a._primal_data()
            if hasattr(a, "shape"):
                raw.append(a)
        try:
            for a in raw[1:]:
                same_backend(raw[0], a, prim.name)
        except WeifenTypeError as mixed:
            return mixed
    ins = ", ".join(_describe(a) for a in args)
    msg = str(e).strip()
    if msg.startswith(prim.name + ":"):  # NumPy names the op too: say it once
        msg = msg[len(prim.name) + 1:].strip()
    if type(e).__name__ == "LinAlgError":
        low = msg.lower()
        if "positive definite" in low:
            return WeifenValueError(
                f"{prim.name}: the matrix is not positive definite (inputs: {ins}); Cholesky "
                "needs a symmetric positive-definite matrix (only its lower triangle is "
                "read); add a multiple of the identity to regularise it")
        if "singular" in low:
            return WeifenValueError(
                f"{prim.name}: the matrix is singular, so it has no inverse (inputs: {ins}); "
                "check for linearly dependent rows, or regularise (a + eps * I)")
        return WeifenValueError(f"{prim.name}: {msg} (inputs: {ins})")
    if isinstance(e, ValueError):
        if "broadcast" in msg:
            hint = ("shapes must broadcast as in NumPy (check the shapes, or reshape / add "
                    "an axis with [:, None])")
        elif "core dimension" in msg or "not aligned" in msg:
            hint = "the inner dimensions must agree (a's last axis and b's second-to-last)"
        else:
            hint = "check the shapes and values"
        return ShapeError(f"{prim.name}: {msg} (inputs: {ins}); {hint}")
    return WeifenTypeError(f"{prim.name}: {msg} (inputs: {ins})")

"""The mutable state: a context variable holding the transform depth (and one more, at the
end of this file, holding the default float dtype).

Every transform (``grad``, ``jvp``, ``vmap``, ...) opens a new *level* one deeper than
the current one and closes it in ``finally``. Values carry their level; an op looks at
its arguments and lets the highest level interpret it, treating lower-level values as
constants. That is what keeps nested derivatives apart (no perturbation confusion).

The state is an immutable tuple ``(depth, no_grad_upto)``: tape levels ``<= no_grad_upto``
do not record. ``no_grad`` sets it to the current depth, so a ``no_grad`` inside a
transformed function stops that transform's tape, while a transform opened inside
``no_grad`` records normally (torch.func's rule).
"""
from __future__ import annotations

import contextvars
import functools

_STATE: contextvars.ContextVar[tuple[int, int]] = contextvars.ContextVar(
    "weifen_state", default=(0, -1)
)
get_state = _STATE.get


def depth() -> int:
    """The current transform depth (0 outside every transform)."""
    return _STATE.get()[0]


def recording(level: int) -> bool:
    """Whether a tape at ``level`` records ops right now."""
    return level > _STATE.get()[1]


class new_level:
    """Open a transform level one deeper than the current one: ``with new_level() as L``.

    ``new_level(floor=L)`` instead makes the depth at least ``L`` (a VJP function run after
    its level closed: transforms opened inside it must sit above ``L``).
    """

    __slots__ = ("_floor", "_token")

    def __init__(self, floor: int | None = None) -> None:
        self._floor = floor

    def __enter__(self) -> int:
        d, ng = _STATE.get()
        L = d + 1 if self._floor is None else max(d, self._floor)
        self._token = _STATE.set((L, ng))
        return L

    def __exit__(self, *exc: object) -> None:
        _STATE.reset(self._token)


class _GradMode:
    """Shared body of ``no_grad`` and ``enable_grad``: a context manager and a decorator."""

    _enabled: bool

    def __enter__(self) -> None:
        d, ng = _STATE.get()
        self._token = _STATE.set((d, -1 if self._enabled else d))

    def __exit__(self, *exc: object) -> None:
        _STATE.reset(self._token)

    def __call__(self, fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with type(self)():
                return fn(*args, **kwargs)

        return wrapper


class no_grad(_GradMode):
    """Context manager (or decorator) in which no op is recorded for backward.

    >>> import weifen as wf
    >>> x = wf.tensor([1.0, 2.0], requires_grad=True)
    >>> with wf.no_grad():
    ...     y = x * 2
    >>> y.requires_grad
    False
    """

    _enabled = False


class enable_grad(_GradMode):
    """Context manager (or decorator) that turns recording back on inside ``no_grad``.

    >>> import weifen as wf
    >>> x = wf.tensor(1.0, requires_grad=True)
    >>> with wf.no_grad():
    ...     with wf.enable_grad():
    ...         y = x * 2
    >>> y.requires_grad
    True
    """

    _enabled = True


def is_grad_enabled() -> bool:
    """Whether eager (level-0) operations are being recorded.

    >>> import weifen as wf
    >>> wf.is_grad_enabled()
    True
    >>> with wf.no_grad():
    ...     wf.is_grad_enabled()
    False
    """
    return recording(0)


# The default floating dtype (``wf.set_default_dtype``): the second context variable, read
# only when something is created (a Module's parameters, a float factory), never by ops.
# Random numbers have no state here: every draw uses NumPy's global generator (the
# ``np.random`` functions), which ``wf.manual_seed`` seeds; see ``weifen.creation``.
_DEFAULT_DTYPE: contextvars.ContextVar = contextvars.ContextVar(
    "weifen_default_dtype", default=None)  # None: float64


def get_default_dtype():
    """The floating dtype that parameters and float factories use (float64 unless set):
    ``wf.float64`` or ``wf.float32`` themselves (so ``==`` and ``is`` both work).

    >>> import weifen as wf
    >>> wf.get_default_dtype() is wf.float64
    True
    """
    import numpy as np

    d = _DEFAULT_DTYPE.get()
    return np.float64 if d is None else d


def set_default_dtype(dtype) -> None:
    """Make ``dtype`` (``wf.float32`` or ``wf.float64``) the default floating dtype, as
    ``torch.set_default_dtype``: new Module parameters, ``wf.zeros/ones/full/eye/rand/randn/
    linspace``, ``wf.arange`` with float arguments and ``wf.tensor`` of Python floats take
    it. NumPy-named conversions (``wf.array``, ``wf.asarray``) and ops keep NumPy's rules.

    >>> import weifen as wf
    >>> wf.set_default_dtype(wf.float32)
    >>> try:
    ...     print(wf.zeros(2).dtype, wf.nn.Linear(2, 1).weight.dtype)
    ... finally:
    ...     wf.set_default_dtype(wf.float64)
    float32 float32
    """
    import numpy as np

    from weifen.errors import WeifenTypeError

    try:
        d = np.dtype(dtype)
    except TypeError:
        d = None
    if d is None or d.kind != "f" or d.itemsize < 4:
        raise WeifenTypeError(f"set_default_dtype: only float32 and float64 are supported, "
                              f"got {dtype!r}")
    _DEFAULT_DTYPE.set(None if d == np.float64 else d.type)

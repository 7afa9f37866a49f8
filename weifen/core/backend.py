"""The few array operations that differ between backends (NumPy, CuPy, Dask, ...).

Everything else in weifen reaches other backends through NumPy's dispatch protocols
(``np.sum(cupy_array)`` runs on the GPU). What the protocols do not cover lives here, so
supporting a new backend means reading this one file.

>>> import numpy as np
>>> a = np.zeros(3)
>>> scatter_add(a, (np.array([0, 0, 2]),), np.ones(3))
array([2., 0., 1.])
"""
from __future__ import annotations

from typing import Any


def backend_name(x: Any) -> str:
    """The top-level module of the array's type: ``"numpy"``, ``"cupy"``, ``"dask"``, ...

    >>> import numpy as np
    >>> backend_name(np.zeros(2)), backend_name(1.0)
    ('numpy', 'builtins')
    """
    return type(x).__module__.partition(".")[0]


def chunked(x: Any) -> bool:
    """Whether the array under ``x`` (weifen values unwrapped) is chunked (a Dask array).

    A rule that would make a fresh full-size array from a small one (the VJP of ``sum``
    broadcasting its cotangent) makes it chunked like its operand instead on such arrays:
    Dask would give ``broadcast_to``'s new axes one chunk of the whole length, and then
    rechunk it against every operand it meets.

    >>> import numpy as np
    >>> chunked(np.zeros(2))
    False
    """
    try:
        x = raw(x)
    except Exception:  # noqa: BLE001 - a value with no data yet (an untyped graph node)
        return False
    return hasattr(x, "chunks") and backend_name(x) == "dask"


def raw(x: Any) -> Any:
    """The array under ``x``, weifen values unwrapped (its primal data)."""
    while hasattr(x, "_primal_data"):
        x = x._primal_data()
    return x


def ieee(v: Any) -> Any:
    """``v``, with a Python float made a NumPy float64 (anything else passes).

    Python's float arithmetic raises on ``x / 0.0`` and overflow where NumPy's gives inf or
    nan with a warning. The eager paths keep Python floats for speed; when a rule raises
    ``ArithmeticError`` on them, they rerun it on these, so floats behave as arrays do.

    >>> ieee(1.0), ieee(2)
    (np.float64(1.0), 2)
    """
    if type(v) is float:
        import numpy as np

        return np.float64(v)
    return v


def scatter_add(target: Any, index: Any, values: Any) -> Any:
    """Add ``values`` into ``target[index]`` in place, summing repeated indices; returns ``target``.

    This is ``np.add.at`` (plain ``target[index] += values`` would keep only one of the
    values that land on a repeated index). NumPy's ufunc ``at`` does not dispatch to every
    backend, so CuPy takes ``cupyx.scatter_add``.

    >>> import numpy as np
    >>> scatter_add(np.zeros((2, 2)), (np.array([1, 1]), slice(None)), 1.0)
    array([[0., 0.],
           [2., 2.]])
    """
    name = backend_name(target)
    if name == "cupy":
        import cupyx  # pragma: no cover - needs a GPU

        cupyx.scatter_add(target, index, values)  # pragma: no cover
        return target  # pragma: no cover
    import numpy as np

    if name not in ("numpy", "builtins") and not hasattr(target, "__setitem__"):
        raise NotImplementedError(
            f"scatter_add: arrays of type {type(target).__module__}.{type(target).__name__} "
            "cannot be updated in place; the gradient of advanced indexing needs it")
    np.add.at(target, index, values)
    return target


def to_numpy(x: Any) -> Any:
    """An explicit host copy of ``x`` as a NumPy array: CuPy's ``.get()``, Dask's
    ``.compute()``, a ``.to_numpy()`` method where the type offers one; else ``np.asarray``.

    >>> import numpy as np
    >>> to_numpy(np.arange(2))
    array([0, 1])
    """
    import numpy as np

    if type(x) is np.ndarray:
        return x
    name = backend_name(x)
    if name == "cupy":  # pragma: no cover - needs a GPU
        return x.get()
    if name == "dask" and hasattr(x, "compute"):
        return np.asarray(x.compute())
    conv = getattr(type(x), "to_numpy", None)
    if conv is not None:
        return np.asarray(conv(x))
    return np.asarray(x)


def asarray_like(a: Any, like: Any) -> Any:
    """The constant ``a`` (a NumPy array, list or number) as an array of ``like``'s backend.

    Rules build small constants (offsets, masks, weights) with NumPy; where the data lives
    on another backend they move there once, explicitly (NumPy's ``like=`` dispatch), rather
    than meeting the data as NumPy arrays. For NumPy data ``a`` comes back as is.

    >>> import numpy as np
    >>> asarray_like(np.arange(3), np.zeros(2))
    array([0, 1, 2])
    """
    import numpy as np

    while hasattr(like, "_primal_data"):  # a Tensor or a traced value: its array decides
        like = like._primal_data()
    if type(like) is np.ndarray or not hasattr(type(like), "__array_function__"):
        return a
    return np.asarray(a, like=like)


def same_backend(a: Any, b: Any, what: str = "an op") -> None:
    """Raise ``WeifenTypeError`` when arrays ``a`` and ``b`` come from different backends.

    Python scalars and 0-d NumPy values mix with any backend (as CuPy allows); NumPy arrays
    with dimensions do not mix with another backend's arrays (CuPy refuses them, and a
    silent host-to-device copy is what this guards against).

    >>> import numpy as np
    >>> same_backend(np.ones(2), np.float64(1.0))
    """
    na, nb = backend_name(a), backend_name(b)
    if na == nb or na == "builtins" or nb == "builtins":
        return
    if (na == "numpy" and getattr(a, "ndim", 0) == 0) or (
            nb == "numpy" and getattr(b, "ndim", 0) == 0):
        return
    from weifen.errors import WeifenTypeError

    raise WeifenTypeError(
        f"{what} mixes arrays of two backends: {type(a).__module__}.{type(a).__name__} and "
        f"{type(b).__module__}.{type(b).__name__}; move one explicitly (e.g. cupy.asarray, "
        "da.from_array, or .numpy()) so no data crosses devices silently")


__all__ = ["asarray_like", "backend_name", "same_backend", "scatter_add", "to_numpy"]

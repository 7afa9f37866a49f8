"""``gradcheck``: weifen's reverse-mode Jacobian against central differences, entry by entry.

The analytic Jacobian is built one output entry at a time: ``f`` runs on fresh leaves
(``wf.tensor(x, requires_grad=True)``) and ``out.backward(gradient=e_k)`` fills row ``k``,
so every row exercises exactly the path a user's ``backward`` takes. The numeric Jacobian
perturbs one input coordinate at a time by ``+-eps`` (a representable step) under
``no_grad``. The check passes when ``|analytic - numeric| <= atol + rtol * |numeric|``
everywhere; otherwise the entry that exceeds its tolerance by the largest factor is named.
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from weifen.errors import GradcheckError, WeifenTypeError, WeifenValueError
from weifen.numeric.differences import _unravel as _index
from weifen.numeric.differences import to_array


def _is_arraylike(v: Any) -> bool:
    return hasattr(v, "shape") and hasattr(v, "dtype")


def _split_inputs(inputs: Any) -> list:
    """A tuple is several inputs; so is a list of arrays/Tensors; anything else is one."""
    if isinstance(inputs, tuple):
        return list(inputs)
    if isinstance(inputs, list) and inputs and all(_is_arraylike(v) for v in inputs):
        return list(inputs)
    return [inputs]


def _prepare(x: Any, i: int) -> tuple[Any, bool]:
    """A private float64 copy of a floating input (``True``), or the input itself (``False``).

    Floating inputs of any precision are checked in float64: float32 central differences
    with ``eps=1e-6`` would measure rounding, not the derivative.
    """
    if isinstance(x, bool) or (isinstance(x, (int, np.integer)) and not _is_arraylike(x)):
        return x, False
    a = to_array(x, "gradcheck", f"input {i}")
    kind = a.dtype.kind
    if kind == "c":
        raise WeifenTypeError(
            f"gradcheck: input {i} is complex ({a.dtype}); only real inputs are checked")
    if kind != "f":
        return x, False
    return a.astype(np.float64, copy=True), True


def _outputs(res: Any) -> tuple[list, bool]:
    if isinstance(res, (tuple, list)):
        return list(res), True
    return [res], False


def _name_output(o: int, multi: bool) -> str:
    return f"output {o} " if multi else "output "


def gradcheck(
    f: Callable[..., Any],
    inputs: Any,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    *,
    raise_exception: bool = True,
) -> bool:
    """Check weifen's reverse-mode derivatives of ``f`` against central differences.

    ``inputs`` is one Tensor/array/number or a tuple of them; every floating-point input
    is checked (in float64, on private copies: the caller's values are never touched),
    other inputs (integers, flags) are passed through as constants. ``f`` returns a Tensor
    of any shape, or a tuple of them (integer/bool outputs are skipped).

    For each input and output the Jacobian from ``backward`` (one row per output entry,
    on fresh leaves) is compared with ``(f(x + eps e_j) - f(x - eps e_j)) / (2 eps)``.
    Returns ``True`` when ``|analytic - numeric| <= atol + rtol * |numeric|`` holds for every
    entry; otherwise raises :class:`weifen.GradcheckError` naming the worst entry (input,
    output index, input index, both values and the tolerance), or returns ``False`` when
    ``raise_exception=False``.

    >>> import weifen as wf
    >>> from weifen.numeric import gradcheck
    >>> gradcheck(lambda x, y: wf.sin(x) * y, (wf.tensor([0.5, 1.5]), wf.tensor(2.0)))
    True
    """
    from weifen.core.state import no_grad
    from weifen.creation import tensor
    from weifen.tape.tensor import Tensor

    if not (eps > 0 and atol >= 0 and rtol >= 0):
        raise WeifenValueError(
            f"gradcheck: need eps > 0, atol >= 0 and rtol >= 0; got eps={eps}, atol={atol}, "
            f"rtol={rtol}")
    xs = _split_inputs(inputs)
    prepared = [_prepare(x, i) for i, x in enumerate(xs)]
    checked = [i for i, (_, fl) in enumerate(prepared) if fl]
    if not checked:
        raise WeifenValueError(
            "gradcheck: no floating-point input to check; pass float Tensors/arrays "
            "(e.g. wf.tensor([1.0, 2.0]))")
    raws = [v for v, _ in prepared]

    def call(values, leaves: bool):
        args = [tensor(v, requires_grad=leaves) if fl else v
                for v, (_, fl) in zip(values, prepared, strict=True)]
        res, multi = _outputs(f(*args))
        for o, r in enumerate(res):
            if not isinstance(r, Tensor):
                raise WeifenTypeError(
                    f"gradcheck: f must return a weifen Tensor (or a tuple of them), but "
                    f"{_name_output(o, multi)}is {type(r).__name__}; build it with weifen ops")
        return args, res, multi

    # -------------------------------------------------------------- analytic, row by row
    _, outs0, multi = call(raws, leaves=False)
    out_info = []  # (shape, size, differentiable) per output
    for r in outs0:
        shape = tuple(r.shape)
        out_info.append((shape, int(np.prod(shape, dtype=np.int64)), r.dtype.kind == "f"))
    analytic: dict[tuple[int, int], Any] = {}
    for o, (oshape, osize, diff) in enumerate(out_info):
        if not diff:
            continue
        rows = {i: [] for i in checked}
        for k in range(osize):
            args, res, _ = call(raws, leaves=True)
            out = res[o]
            if out.requires_grad:
                seed = np.zeros_like(to_array(out, "gradcheck"))
                seed[_index(k, oshape)] = 1
                out.backward(gradient=seed)
            for i in checked:
                g = args[i].grad
                if g is None:
                    rows[i].append(np.zeros_like(raws[i]).reshape(-1))
                    continue
                g = to_array(g, "gradcheck").astype(np.float64)
                if tuple(g.shape) != tuple(raws[i].shape):
                    raise GradcheckError(
                        f"gradcheck: the gradient of {_name_output(o, multi)}entry "
                        f"{_index(k, oshape)} for input {i} has shape {tuple(g.shape)}, but "
                        f"input {i} has shape {tuple(raws[i].shape)}")
                rows[i].append(g.reshape(-1))
        for i in checked:
            n = int(np.prod(raws[i].shape, dtype=np.int64))
            analytic[o, i] = (np.stack(rows[i]) if rows[i]
                              else np.zeros_like(raws[i], shape=(0, n)))

    # -------------------------------------------------------------- numeric, column by column
    numeric: dict[tuple[int, int], Any] = {}
    with no_grad():
        for i in checked:
            x = raws[i]
            n = int(np.prod(x.shape, dtype=np.int64))
            cols = {o: [] for o, inf in enumerate(out_info) if inf[2]}
            for j in range(n):
                vals = []
                xj = x.reshape(-1)[j:j + 1]
                step = float(((xj + eps) - xj)[0])  # representable step
                for sign in (1.0, -1.0):
                    p = x.copy()
                    p[_index(j, x.shape)] += sign * step
                    values = list(raws)
                    values[i] = p
                    _, res, _ = call(values, leaves=False)
                    vals.append([to_array(r, "gradcheck").astype(np.float64) for r in res])
                for o in cols:
                    cols[o].append(((vals[0][o] - vals[1][o]) / (2.0 * step)).reshape(-1))
            for o in cols:
                numeric[o, i] = (np.stack(cols[o], axis=-1) if cols[o]
                                 else np.zeros_like(x, shape=(out_info[o][1], 0)))

    # -------------------------------------------------------------- compare
    worst = None  # (ratio, o, i, flat_out, flat_in, a, nv, tol)
    bad = total = 0
    for (o, i), a in analytic.items():
        nv = numeric[o, i]
        tol = atol + rtol * np.abs(nv)
        diff = np.abs(a - nv)
        ratio = np.where(np.isfinite(diff), diff / np.where(tol > 0, tol, np.inf), np.inf)
        ratio = np.where((diff == 0) | (np.isnan(a) & np.isnan(nv)), 0.0, ratio)
        total += ratio.size
        bad += int(np.count_nonzero(ratio > 1))
        if ratio.size:
            k = int(np.argmax(ratio))
            if worst is None or ratio.flat[k] > worst[0]:
                ko, kin = divmod(k, ratio.shape[1])
                worst = (float(ratio.flat[k]), o, i, ko, kin, float(a.flat[k]),
                         float(nv.flat[k]), float(tol.flat[k]))
    if worst is None or worst[0] <= 1:
        return True
    _, o, i, ko, kin, av, nv, tol = worst
    oshape = out_info[o][0]
    ishape = tuple(raws[i].shape)
    msg = (
        f"gradcheck: the analytic and numeric Jacobians differ for input {i} "
        f"(shape {ishape}), {_name_output(o, multi)}index {_index(ko, oshape)}, input index "
        f"{_index(kin, ishape)}: analytic {av:.10g} vs numeric {nv:.10g}; |difference| "
        f"{abs(av - nv):.3g} exceeds atol + rtol * |numeric| = {atol:g} + {rtol:g} * "
        f"{abs(nv):.3g} = {tol:.3g} ({bad} of {total} entries out of tolerance, eps={eps:g})")
    if not raise_exception:
        return False
    err = GradcheckError(msg)
    err.input = i
    err.output = o
    err.output_index = _index(ko, oshape)
    err.input_index = _index(kin, ishape)
    err.analytic = av
    err.numeric = nv
    err.tolerance = tol
    raise err


"""``weifen.scipy.signal``: ``convolve`` as ``scipy.signal.convolve``, extended as HIPS
autograd's is with ``axes`` and ``dot_axes``, differentiable in both inputs.

The values never need SciPy (a direct sum over sliding windows); the derivative of a
convolution is a convolution of the cotangent with the other input reversed, so every order,
forward mode and ``vmap`` work.

>>> import weifen as wf
>>> from weifen.scipy import signal
>>> signal.convolve(wf.tensor([1.0, 2.0, 3.0]), wf.tensor([0.0, 1.0, 0.5]))
tensor([0. , 1. , 2.5, 4. , 1.5])
"""
from __future__ import annotations

from typing import Any

from weifen.errors import ShapeError, WeifenValueError
from weifen.numpy._util import _raw, _t
from weifen.prims.scipy_linalg import convolve_p
from weifen.prims.shape import shape_of, transpose_p

__all__ = ["convolve", "correlate"]

_MODES = ("full", "valid", "same")


def _axis_list(axes: Any, nd: int, what: str) -> list:
    out = []
    for ax in axes:
        ax = int(ax)
        if not -nd <= ax < nd:
            raise ShapeError(f"convolve: {what} axis {ax} is out of range for {nd} dimensions")
        out.append(ax % nd)
    if len(set(out)) != len(out):
        raise ShapeError(f"convolve: {what} axes {list(axes)} repeat an axis")
    return out


def _window(la: int, lb: int, mode: str) -> tuple:
    """``(start, size)`` of the output in the full convolution along one axis."""
    if mode == "full":
        return 0, la + lb - 1
    if mode == "same":
        return (lb - 1) // 2, la
    return min(la, lb) - 1, abs(la - lb) + 1


def convolve(in1: Any, in2: Any, mode: Any = "full", method: Any = "auto", *,
             axes: Any = None, dot_axes: Any = ((), ())) -> Any:
    """N-d convolution of ``in1`` and ``in2``, as ``scipy.signal.convolve``.

    ``mode`` is ``"full"`` (every overlap), ``"valid"`` (full overlaps only; one input must be
    at least as large as the other along every convolved axis) or ``"same"`` (the size of
    ``in1``, centred). ``method`` is accepted for SciPy's signature; values are always the
    direct sum.

    HIPS autograd's extension: ``axes=(axes1, axes2)`` pairs the axes of ``in1`` and ``in2``
    to convolve (default: every axis of ``in1`` with the same axis of ``in2``) and
    ``dot_axes=(d1, d2)`` pairs axes that are summed over (a tensor contraction). The other
    axes are outer-product axes; the output holds ``in1``'s, then ``in2``'s, then the
    convolved ones. autograd's positional order ``convolve(A, B, axes, dot_axes, mode)`` is
    accepted too: a ``mode`` that is not a string is taken as ``axes`` (and then ``method``
    as ``dot_axes``).

    >>> import weifen as wf
    >>> from weifen.scipy.signal import convolve
    >>> x = wf.tensor([1.0, 2.0, 3.0, 4.0], requires_grad=True)
    >>> y = convolve(x, wf.tensor([1.0, -1.0]), mode="valid")
    >>> y
    tensor([1., 1., 1.], grad_fn=<ConvolveBackward>)
    >>> y.sum().backward(); x.grad
    tensor([-1.,  0.,  0.,  1.])
    >>> convolve(wf.ones((2, 5)), wf.ones((2, 3)), axes=([1], [1]), dot_axes=([0], [0])).shape
    (7,)
    """
    if not isinstance(mode, str):  # autograd's positional order (A, B, axes, dot_axes, mode)
        axes, mode = mode, "full"
        if not isinstance(method, str):
            dot_axes = method
    if mode not in _MODES:
        raise WeifenValueError(f"convolve: mode must be one of {_MODES}, got {mode!r}")
    a, b = _raw(in1), _raw(in2)
    sa, sb = tuple(shape_of(a)), tuple(shape_of(b))
    if axes is None:
        if len(sb) < len(sa):
            raise ShapeError(f"convolve: in1 and in2 should have the same dimensionality, "
                             f"got shapes {sa} and {sb}")
        axes = (list(range(len(sa))), list(range(len(sa))))
    conv_a, conv_b = (_axis_list(axes[0], len(sa), "in1"), _axis_list(axes[1], len(sb), "in2"))
    dot_a = _axis_list(dot_axes[0], len(sa), "in1 dot")
    dot_b = _axis_list(dot_axes[1], len(sb), "in2 dot")
    if len(conv_a) != len(conv_b) or len(dot_a) != len(dot_b):
        raise ShapeError(f"convolve: axes {axes} and dot_axes {dot_axes} must pair the axes "
                         "of in1 with as many axes of in2")
    if set(conv_a) & set(dot_a) or set(conv_b) & set(dot_b):
        raise ShapeError("convolve: an axis cannot be both convolved and summed over")
    for i, j in zip(dot_a, dot_b):
        if sa[i] != sb[j]:
            raise ShapeError(f"convolve: summed axes of lengths {sa[i]} and {sb[j]} differ")
    la, lb = [sa[i] for i in conv_a], [sb[j] for j in conv_b]
    if mode == "valid" and not (all(x >= y for x, y in zip(la, lb))
                                or all(x <= y for x, y in zip(la, lb))):
        raise ShapeError(f"convolve: for 'valid' mode one input must be at least as large as "
                         f"the other along every convolved axis, got {la} and {lb}")
    ign_a = [i for i in range(len(sa)) if i not in conv_a and i not in dot_a]
    ign_b = [j for j in range(len(sb)) if j not in conv_b and j not in dot_b]
    perm_a, perm_b = tuple(ign_a + dot_a + conv_a), tuple(ign_b + dot_b + conv_b)
    if perm_a != tuple(range(len(sa))):
        a = transpose_p(a, axes=perm_a)
    if perm_b != tuple(range(len(sb))):
        b = transpose_p(b, axes=perm_b)
    win = [_window(x, y, mode) for x, y in zip(la, lb)]
    return _t(convolve_p.bind(a, b, na=len(ign_a), nb=len(ign_b), nd=len(dot_a),
                              start=tuple(w[0] for w in win), size=tuple(w[1] for w in win)))


def correlate(in1: Any, in2: Any, mode: str = "full", method: str = "auto") -> Any:
    """Cross-correlation, as ``scipy.signal.correlate``: ``convolve`` with ``in2`` reversed
    along every axis (and conjugated).

    >>> import weifen as wf
    >>> from weifen.scipy.signal import correlate
    >>> correlate(wf.tensor([1.0, 2.0, 3.0]), wf.tensor([0.0, 1.0, 0.5]), mode="same")
    tensor([2. , 3.5, 3. ])
    """
    from weifen.numpy.shape import flip
    from weifen.prims.decomp import _conj

    if mode not in _MODES:
        raise WeifenValueError(f"correlate: mode must be one of {_MODES}, got {mode!r}")
    a, b = _raw(in1), _raw(in2)
    if len(shape_of(a)) != len(shape_of(b)):
        raise ShapeError(f"correlate: in1 and in2 should have the same dimensionality, got "
                         f"shapes {tuple(shape_of(a))} and {tuple(shape_of(b))}")
    if mode == "valid" and any(x < y for x, y in zip(shape_of(a), shape_of(b))):
        # SciPy swaps the inputs here, which reverses the output
        return flip(_conj(convolve(b, _conj(_raw(flip(a))), mode="valid")))
    return convolve(a, _conj(_raw(flip(b))), mode=mode)

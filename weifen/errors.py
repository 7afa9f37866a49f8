"""The error hierarchy: every weifen error is a ``WeifenError`` and also the matching built-in.

>>> import weifen as wf
>>> issubclass(wf.ShapeError, ValueError) and issubclass(wf.ShapeError, wf.WeifenError)
True
"""


class WeifenError(Exception):
    """Base class of every error weifen raises on purpose."""


class WeifenValueError(WeifenError, ValueError):
    """A value an op cannot take (ragged lists, a missing feed, a bad option)."""


class ShapeError(WeifenValueError):
    """Shapes that do not fit an op (the message names the op and the shapes); a kind of
    ``WeifenValueError``, so ``except wf.WeifenValueError`` catches it too."""


class WeifenTypeError(WeifenError, TypeError):
    """A type an op cannot take (integer data with ``requires_grad``, non-numeric input)."""


class GraphError(WeifenError, RuntimeError):
    """The recorded graph cannot serve the request (freed graph, in-place change, no grad)."""


class GradcheckError(WeifenError, RuntimeError):
    """``gradcheck`` found analytic and numeric derivatives that disagree."""

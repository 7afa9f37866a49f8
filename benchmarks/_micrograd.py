"""A pure-Python scalar reverse-mode engine in the micrograd style: the baseline of case (b).

Each ``Value`` holds a float, its gradient, its parents and a closure that pushes its
gradient to them; ``backward`` orders the graph topologically and runs the closures in
reverse. Nothing else: no arrays, no graph pruning, no higher order. It is deliberately
the smallest idiomatic engine, since weifen must be no slower than this on Python floats.

>>> x1, x2 = Value(2.0), Value(5.0)
>>> y = x1.log() + x1 * x2 - x2.sin()
>>> y.backward()
>>> round(y.data, 4), x1.grad, round(x2.grad, 4)
(11.6521, 5.5, 1.7163)
"""
from __future__ import annotations

import math


def _noop() -> None:
    pass


class Value:
    __slots__ = ("data", "grad", "_backward", "_prev")

    def __init__(self, data: float, _prev: tuple = ()) -> None:
        self.data = data
        self.grad = 0.0
        self._backward = _noop
        self._prev = _prev

    def __add__(self, other: "Value | float") -> "Value":
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data + other.data, (self, other))

        def _backward() -> None:
            self.grad += out.grad
            other.grad += out.grad

        out._backward = _backward
        return out

    def __mul__(self, other: "Value | float") -> "Value":
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data * other.data, (self, other))

        def _backward() -> None:
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad

        out._backward = _backward
        return out

    def __neg__(self) -> "Value":
        return self * -1.0

    def __sub__(self, other: "Value | float") -> "Value":
        return self + (-other)

    def __radd__(self, other: float) -> "Value":
        return self + other

    def __rmul__(self, other: float) -> "Value":
        return self * other

    def log(self) -> "Value":
        out = Value(math.log(self.data), (self,))

        def _backward() -> None:
            self.grad += out.grad / self.data

        out._backward = _backward
        return out

    def sin(self) -> "Value":
        out = Value(math.sin(self.data), (self,))

        def _backward() -> None:
            self.grad += math.cos(self.data) * out.grad

        out._backward = _backward
        return out

    def backward(self) -> None:
        topo: list[Value] = []
        visited: set[Value] = set()

        def build(v: Value) -> None:
            if v not in visited:
                visited.add(v)
                for p in v._prev:
                    build(p)
                topo.append(v)

        build(self)
        self.grad = 1.0
        for v in reversed(topo):
            v._backward()


def value_and_grad(f, *args: float) -> tuple[float, tuple[float, ...]]:
    """``f(*args)`` and its gradient with respect to every argument, as Python floats."""
    xs = [Value(a) for a in args]
    y = f(*xs)
    y.backward()
    return y.data, tuple(x.grad for x in xs)

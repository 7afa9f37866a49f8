"""``Module``, ``Parameter`` and ``Sequential``: PyTorch's model containers over weifen Tensors.

A ``Module`` registers the ``Parameter``s and sub-modules assigned to its attributes, so
``parameters()``, ``state_dict()`` and ``zero_grad()`` find them, in assignment order.

>>> import weifen as wf
>>> class Affine(wf.nn.Module):
...     def __init__(self):
...         super().__init__()
...         self.w = wf.nn.Parameter(wf.ones(2))
...         self.b = wf.nn.Parameter(wf.zeros(()))
...     def forward(self, x):
...         return (self.w * x).sum() + self.b
>>> m = Affine()
>>> [name for name, _ in m.named_parameters()]
['w', 'b']
>>> m(wf.tensor([1.0, 2.0]))
tensor(3., grad_fn=<AddBackward>)
"""
from __future__ import annotations

from collections import OrderedDict
from typing import Any, Iterator

from weifen.core.state import no_grad
from weifen.errors import ShapeError, WeifenTypeError, WeifenValueError
from weifen.tape.tensor import Tensor, _bump


class Parameter(Tensor):
    """A Tensor that a ``Module`` registers as trainable; it requires grad by default.

    >>> import weifen as wf
    >>> p = wf.nn.Parameter(wf.zeros(2))
    >>> p.requires_grad, p.is_leaf
    (True, True)
    """

    __slots__ = ()

    def __init__(self, data: Any = None, requires_grad: bool = True) -> None:
        # a parameter owns its values: Tensor() copies them, cut from any graph
        super().__init__([] if data is None else data, requires_grad=requires_grad)

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()


class Module:
    """Base class of models and layers: subclass it, assign parts in ``__init__`` (after
    ``super().__init__()``) and define ``forward``; calling the module calls ``forward``.
    """

    def __init__(self) -> None:
        object.__setattr__(self, "_parameters", OrderedDict())
        object.__setattr__(self, "_modules", OrderedDict())
        object.__setattr__(self, "training", True)

    # ------------------------------------------------------------------ registration
    def __setattr__(self, name: str, value: Any) -> None:
        params = self.__dict__.get("_parameters")
        if params is None:
            raise WeifenTypeError(
                f"cannot assign {name!r} before Module.__init__() ran: call "
                "super().__init__() first in your module's __init__")
        mods = self.__dict__["_modules"]
        params.pop(name, None)
        mods.pop(name, None)
        if isinstance(value, Parameter):
            params[name] = value
            self.__dict__.pop(name, None)
        elif isinstance(value, Module):
            mods[name] = value
            self.__dict__.pop(name, None)
        else:
            object.__setattr__(self, name, value)

    def __getattr__(self, name: str) -> Any:  # only called when normal lookup fails
        d = self.__dict__
        if name in d.get("_parameters", ()):
            return d["_parameters"][name]
        if name in d.get("_modules", ()):
            return d["_modules"][name]
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def __delattr__(self, name: str) -> None:
        if name in self._parameters:
            del self._parameters[name]
        elif name in self._modules:
            del self._modules[name]
        else:
            object.__delattr__(self, name)

    def register_parameter(self, name: str, param: Parameter | None) -> None:
        """Add ``param`` under ``name`` (``None`` removes it), as assigning it would."""
        if param is None:
            self._parameters.pop(name, None)
        else:
            setattr(self, name, param)

    def add_module(self, name: str, module: "Module") -> None:
        """Add a sub-module under ``name``, as assigning it would."""
        setattr(self, name, module)

    # ------------------------------------------------------------------ running
    def forward(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(f"{type(self).__name__} does not define forward()")

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.forward(*args, **kwargs)

    # ------------------------------------------------------------------ traversal
    def named_children(self) -> Iterator[tuple[str, "Module"]]:
        yield from self._modules.items()

    def children(self) -> Iterator["Module"]:
        for _, m in self.named_children():
            yield m

    def named_modules(self, prefix: str = "") -> Iterator[tuple[str, "Module"]]:
        """This module and every sub-module, depth first, each once."""
        seen: set = set()
        stack = [(prefix, self)]
        while stack:
            name, m = stack.pop()
            if id(m) in seen:
                continue
            seen.add(id(m))
            yield name, m
            subs = [(f"{name}.{k}" if name else k, c) for k, c in m._modules.items()]
            stack.extend(reversed(subs))

    def modules(self) -> Iterator["Module"]:
        for _, m in self.named_modules():
            yield m

    def named_parameters(self, prefix: str = "", recurse: bool = True
                         ) -> Iterator[tuple[str, Parameter]]:
        """``(name, parameter)`` pairs, dotted through sub-modules; a shared one once."""
        seen: set = set()
        mods = self.named_modules(prefix) if recurse else [(prefix, self)]
        for mname, m in mods:
            for k, p in m._parameters.items():
                if id(p) not in seen:
                    seen.add(id(p))
                    yield (f"{mname}.{k}" if mname else k), p

    def parameters(self, recurse: bool = True) -> Iterator[Parameter]:
        for _, p in self.named_parameters(recurse=recurse):
            yield p

    # ------------------------------------------------------------------ state
    def zero_grad(self, set_to_none: bool = True) -> None:
        """Clear every parameter's ``.grad`` (to ``None``, or to zeros in place)."""
        for p in self.parameters():
            if p.grad is not None:
                if set_to_none:
                    p.grad = None
                else:
                    p.grad.zero_()

    def state_dict(self) -> "OrderedDict[str, Tensor]":
        """Name -> parameter values (detached Tensors sharing memory with the parameters)."""
        return OrderedDict((k, p.detach()) for k, p in self.named_parameters())

    def load_state_dict(self, state_dict: dict, strict: bool = True) -> tuple[list, list]:
        """Copy values into the parameters in place; returns ``(missing, unexpected)`` keys.

        With ``strict`` (the default) any missing or unexpected key raises ``ValueError``;
        a shape mismatch always does.
        """
        own = dict(self.named_parameters())
        missing = [k for k in own if k not in state_dict]
        unexpected = [k for k in state_dict if k not in own]
        if strict and (missing or unexpected):
            raise WeifenValueError(
                f"load_state_dict: missing keys {missing}, unexpected keys {unexpected}; "
                "pass strict=False to load the keys that match")
        with no_grad():
            for k, p in own.items():
                if k not in state_dict:
                    continue
                v = state_dict[k]
                v = v.numpy() if isinstance(v, Tensor) else v
                if tuple(getattr(v, "shape", ())) != p.shape:
                    raise ShapeError(
                        f"load_state_dict: {k!r} has shape {tuple(getattr(v, 'shape', ()))} in "
                        f"the state dict but {p.shape} in the module")
                p._data[...] = v
                _bump(p)
        return missing, unexpected

    def train(self, mode: bool = True) -> "Module":
        """Set training mode here and in every sub-module; returns ``self``."""
        for m in self.modules():
            object.__setattr__(m, "training", bool(mode))
        return self

    def eval(self) -> "Module":
        """Evaluation mode (``train(False)``); returns ``self``."""
        return self.train(False)

    # ------------------------------------------------------------------ printing
    def extra_repr(self) -> str:
        return ""

    def __repr__(self) -> str:
        lines = [f"{type(self).__name__}({self.extra_repr()}"]
        if self._modules:
            for k, m in self._modules.items():
                sub = repr(m).replace("\n", "\n  ")
                lines.append(f"  ({k}): {sub}")
            return "\n".join(lines) + "\n)"
        return lines[0] + ")"


class Sequential(Module):
    """Modules applied in order: ``Sequential(Linear(2, 8), Tanh(), Linear(8, 1))``.

    >>> import weifen as wf
    >>> net = wf.nn.Sequential(wf.nn.Linear(2, 3), wf.nn.ReLU())
    >>> len(net), type(net[1]).__name__, net(wf.ones(4, 2)).shape
    (2, 'ReLU', (4, 3))
    """

    def __init__(self, *modules: Module) -> None:
        super().__init__()
        for i, m in enumerate(modules):
            if not isinstance(m, Module):
                raise WeifenTypeError(f"Sequential: argument {i} is a {type(m).__name__}, "
                                      "not a Module")
            self._modules[str(i)] = m

    def forward(self, x: Any) -> Any:
        for m in self._modules.values():
            x = m(x)
        return x

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[Module]:
        return iter(self._modules.values())

    def __getitem__(self, i: int) -> Module:
        mods = list(self._modules.values())
        if isinstance(i, slice):
            return Sequential(*mods[i])
        return mods[i]

"""``Module``, ``Parameter`` and the containers: PyTorch's model classes over weifen Tensors.

A ``Module`` registers the ``Parameter``s, buffers (``register_buffer``) and sub-modules
assigned to its attributes, so ``parameters()``, ``state_dict()``, ``to()`` and
``zero_grad()`` find them, in assignment order (a reassigned parameter keeps its place).

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

from collections import OrderedDict, namedtuple
from typing import Any, Callable, Iterable, Iterator

import numpy as np

from weifen.core.state import get_default_dtype, no_grad
from weifen.errors import ShapeError, WeifenTypeError, WeifenValueError
from weifen.tape.tensor import Tensor, _bump

IncompatibleKeys = namedtuple("IncompatibleKeys", ["missing_keys", "unexpected_keys"])


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


def _tensor_of(value: Any, what: str) -> Tensor:
    if isinstance(value, Tensor):
        return value
    if isinstance(value, (np.ndarray, np.generic)):
        return Tensor(value)
    raise WeifenTypeError(f"{what}: expected a Tensor (or a NumPy array), got "
                          f"{type(value).__name__}")


class Module:
    """Base class of models and layers: subclass it, assign parts in ``__init__`` (after
    ``super().__init__()``) and define ``forward``; calling the module calls ``forward``.
    """

    training: bool

    def __init__(self) -> None:
        d = self.__dict__
        d["_parameters"] = OrderedDict()
        d["_buffers"] = OrderedDict()
        d["_non_persistent"] = set()
        d["_modules"] = OrderedDict()
        d["training"] = True

    # ------------------------------------------------------------------ registration
    def __setattr__(self, name: str, value: Any) -> None:
        d = self.__dict__
        params = d.get("_parameters")
        if params is None:
            raise WeifenTypeError(
                f"cannot assign {name!r} before Module.__init__() ran: call "
                "super().__init__() first in your module's __init__")
        mods, bufs = d["_modules"], d["_buffers"]
        if isinstance(value, Parameter):
            mods.pop(name, None)
            bufs.pop(name, None)
            d.pop(name, None)
            params[name] = value  # an existing name keeps its position, as in torch
        elif isinstance(value, Module):
            params.pop(name, None)
            bufs.pop(name, None)
            d.pop(name, None)
            mods[name] = value
        elif name in bufs and (value is None or isinstance(value, Tensor)):
            bufs[name] = value
        elif value is None and (name in params or name in mods):
            (params if name in params else mods)[name] = None
        else:
            params.pop(name, None)  # a plain value replaces a parameter or sub-module
            mods.pop(name, None)
            bufs.pop(name, None)
            object.__setattr__(self, name, value)

    def __getattr__(self, name: str) -> Any:  # only called when normal lookup fails
        d = self.__dict__
        for k in ("_parameters", "_buffers", "_modules"):
            part = d.get(k)
            if part is not None and name in part:
                return part[name]
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def __delattr__(self, name: str) -> None:
        for part in (self._parameters, self._buffers, self._modules):
            if name in part:
                del part[name]
                self._non_persistent.discard(name)
                return
        object.__delattr__(self, name)

    def register_parameter(self, name: str, param: Parameter | None) -> None:
        """Add ``param`` under ``name`` (``None`` reserves the name, as torch's
        ``Linear(bias=False)`` does for ``bias``)."""
        if param is not None and not isinstance(param, Parameter):
            raise WeifenTypeError(f"register_parameter: {name!r} must be a Parameter or None, "
                                  f"got {type(param).__name__}")
        if "_parameters" not in self.__dict__:
            raise WeifenTypeError("call super().__init__() before register_parameter")
        self._parameters[name] = param

    def register_buffer(self, name: str, tensor: Any, persistent: bool = True) -> None:
        """Add a tensor that is state but not a parameter (running statistics): it moves
        with ``to()``/``float()``/``double()`` and, if ``persistent``, is in ``state_dict``.

        >>> import weifen as wf
        >>> m = wf.nn.Module()
        >>> m.register_buffer("count", wf.zeros(()))
        >>> list(m.state_dict()), list(m.parameters())
        (['count'], [])
        """
        if "_buffers" not in self.__dict__:
            raise WeifenTypeError("call super().__init__() before register_buffer")
        if not isinstance(name, str) or not name or "." in name:
            raise WeifenValueError(f"register_buffer: bad buffer name {name!r}")
        if name in self.__dict__ or name in self._parameters or name in self._modules:
            raise WeifenValueError(f"register_buffer: attribute {name!r} already exists")
        self._buffers[name] = None if tensor is None else _tensor_of(tensor, "register_buffer")
        if persistent:
            self._non_persistent.discard(name)
        else:
            self._non_persistent.add(name)

    def add_module(self, name: str, module: "Module | None") -> None:
        """Add a sub-module under ``name``, as assigning it would."""
        if module is not None and not isinstance(module, Module):
            raise WeifenTypeError(f"add_module: {type(module).__name__} is not a Module")
        self._modules[name] = module

    register_module = add_module

    def get_submodule(self, target: str) -> "Module":
        """The sub-module at a dotted path (``"0.linear"``); ``""`` is this module."""
        m = self
        for part in target.split(".") if target else []:
            sub = m._modules.get(part)
            if sub is None:
                raise AttributeError(f"{type(m).__name__} has no sub-module {part!r}")
            m = sub
        return m

    # ------------------------------------------------------------------ running
    def forward(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(f"{type(self).__name__} does not define forward()")

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.forward(*args, **kwargs)

    # ------------------------------------------------------------------ traversal
    def named_children(self) -> Iterator[tuple[str, "Module"]]:
        seen: set = set()
        for k, m in self._modules.items():
            if m is not None and id(m) not in seen:
                seen.add(id(m))
                yield k, m

    def children(self) -> Iterator["Module"]:
        for _, m in self.named_children():
            yield m

    def named_modules(self, memo: set | None = None, prefix: str = "",
                      remove_duplicate: bool = True) -> Iterator[tuple[str, "Module"]]:
        """This module and every sub-module, depth first (pre-order), each once."""
        seen: set = set() if memo is None else memo
        stack = [(prefix, self)]
        while stack:
            name, m = stack.pop()
            if remove_duplicate:
                if id(m) in seen:
                    continue
                seen.add(id(m))
            yield name, m
            subs = [(f"{name}.{k}" if name else k, c) for k, c in m._modules.items()
                    if c is not None]
            stack.extend(reversed(subs))

    def modules(self) -> Iterator["Module"]:
        for _, m in self.named_modules():
            yield m

    def _named_members(self, part: str, prefix: str, recurse: bool,
                       remove_duplicate: bool) -> Iterator[tuple[str, Tensor]]:
        seen: set = set()
        mods = (self.named_modules(prefix=prefix, remove_duplicate=remove_duplicate)
                if recurse else [(prefix, self)])
        for mname, m in mods:
            for k, p in m.__dict__[part].items():
                if p is None or (remove_duplicate and id(p) in seen):
                    continue
                seen.add(id(p))
                yield (f"{mname}.{k}" if mname else k), p

    def named_parameters(self, prefix: str = "", recurse: bool = True,
                         remove_duplicate: bool = True) -> Iterator[tuple[str, Parameter]]:
        """``(name, parameter)`` pairs, dotted through sub-modules; a shared one once."""
        return self._named_members("_parameters", prefix, recurse, remove_duplicate)

    def parameters(self, recurse: bool = True) -> Iterator[Parameter]:
        for _, p in self.named_parameters(recurse=recurse):
            yield p

    def named_buffers(self, prefix: str = "", recurse: bool = True,
                      remove_duplicate: bool = True) -> Iterator[tuple[str, Tensor]]:
        """``(name, buffer)`` pairs, dotted through sub-modules."""
        return self._named_members("_buffers", prefix, recurse, remove_duplicate)

    def buffers(self, recurse: bool = True) -> Iterator[Tensor]:
        for _, b in self.named_buffers(recurse=recurse):
            yield b

    def _walk_all(self) -> Iterator[tuple[str, "Module"]]:
        """Every (path, module) as ``state_dict`` sees them: shared modules under each name."""
        stack = [("", self, ())]
        while stack:
            name, m, above = stack.pop()
            if id(m) in above:
                raise WeifenValueError(f"module {name!r} contains itself")
            yield name, m
            path = above + (id(m),)
            subs = [(f"{name}.{k}" if name else k, c, path) for k, c in m._modules.items()
                    if c is not None]
            stack.extend(reversed(subs))

    def apply(self, fn: Callable[["Module"], Any]) -> "Module":
        """Call ``fn`` on every sub-module, then on this one (children first, as torch);
        returns ``self``. The usual use is custom initialisation.

        >>> import weifen as wf
        >>> net = wf.nn.Sequential(wf.nn.Linear(2, 2), wf.nn.ReLU())
        >>> def init(m):
        ...     if isinstance(m, wf.nn.Linear):
        ...         wf.nn.init.zeros_(m.weight)
        >>> float(net.apply(init)[0].weight.sum())
        0.0
        """
        order: list = []
        stack = [(self, False)]
        while stack:  # post-order without recursion
            m, done = stack.pop()
            if done:
                order.append(m)
                continue
            stack.append((m, True))
            stack.extend((c, False) for c in reversed(list(m.children())))
        for m in order:
            fn(m)
        return self

    # ------------------------------------------------------------------ dtypes
    def _cast(self, dtype: Any) -> "Module":
        """Convert every floating parameter, gradient and buffer to ``dtype`` in place
        (the same Parameter objects, so optimizers built on them stay valid)."""
        dt = np.dtype(dtype)
        with no_grad():
            for m in self.modules():
                for t in list(m._parameters.values()) + list(m._buffers.values()):
                    if t is None or t.dtype.kind not in "fc" or t.dtype == dt:
                        continue
                    t._data = t._data.astype(dt)
                    _bump(t)
                    g = t._grad
                    if g is not None and g.dtype != dt:
                        t._grad = Tensor(g._data.astype(dt))
        return self

    def float(self) -> "Module":
        """Parameters and floating buffers to float32, in place; returns ``self``.

        >>> import weifen as wf
        >>> wf.nn.Linear(2, 1).float().weight.dtype
        dtype('float32')
        """
        return self._cast(np.float32)

    def double(self) -> "Module":
        """Parameters and floating buffers to float64, in place; returns ``self``."""
        return self._cast(np.float64)

    def half(self) -> "Module":
        """Parameters and floating buffers to float16, in place; returns ``self``."""
        return self._cast(np.float16)

    def to(self, *args: Any, **kwargs: Any) -> "Module":
        """``to(dtype)``, ``to(tensor)`` (its dtype) or ``to("cpu")``, in place, as torch;
        returns ``self``.

        >>> import weifen as wf
        >>> wf.nn.Linear(2, 1).to(wf.float32).bias.dtype
        dtype('float32')
        """
        from weifen.array import to_dtype

        dtype = to_dtype("Module.to", args, kwargs)
        if dtype is None:
            return self
        dt = np.dtype(dtype)
        if dt.kind != "f":
            raise WeifenTypeError(f"Module.to only accepts floating dtypes, got {dt}")
        return self._cast(dt)

    def requires_grad_(self, requires_grad: bool = True) -> "Module":
        """Turn gradient tracking of every parameter on or off (freezing); returns ``self``."""
        for p in self.parameters():
            p.requires_grad_(requires_grad)
        return self

    # ------------------------------------------------------------------ state
    def zero_grad(self, set_to_none: bool = True) -> None:
        """Clear every parameter's ``.grad`` (to ``None``, or to zeros in place)."""
        for p in self.parameters():
            if p.grad is not None:
                if set_to_none:
                    p.grad = None
                else:
                    p.grad.zero_()

    def state_dict(self, destination: dict | None = None, prefix: str = "",
                   keep_vars: bool = False) -> "OrderedDict[str, Tensor]":
        """Name -> values: each module's parameters, then its persistent buffers, then its
        sub-modules', as torch orders them (detached Tensors sharing memory, unless
        ``keep_vars``).

        >>> import weifen as wf
        >>> list(wf.nn.BatchNorm1d(3).state_dict())
        ['weight', 'bias', 'running_mean', 'running_var', 'num_batches_tracked']
        """
        out = OrderedDict() if destination is None else destination
        for mname, m in self._walk_all():
            pre = prefix + (mname + "." if mname else "")
            for k, p in m._parameters.items():
                if p is not None:
                    out[pre + k] = p if keep_vars else p.detach()
            for k, b in m._buffers.items():
                if b is not None and k not in m._non_persistent:
                    out[pre + k] = b if keep_vars else b.detach()
        return out

    def load_state_dict(self, state_dict: dict, strict: bool = True) -> IncompatibleKeys:
        """Copy values into the parameters and buffers in place; returns
        ``(missing_keys, unexpected_keys)``.

        With ``strict`` (the default) any missing or unexpected key raises ``ValueError``;
        a shape mismatch always does.
        """
        own = self.state_dict(keep_vars=True)
        missing = [k for k in own if k not in state_dict]
        unexpected = [k for k in state_dict if k not in own]
        if strict and (missing or unexpected):
            raise WeifenValueError(
                f"load_state_dict: missing keys {missing}, unexpected keys {unexpected}; "
                "pass strict=False to load the keys that match")
        for k, p in own.items():
            if k not in state_dict:
                continue
            v = state_dict[k]
            v = v.numpy() if isinstance(v, Tensor) else np.asarray(v)
            if tuple(v.shape) != p.shape:
                raise ShapeError(
                    f"load_state_dict: {k!r} has shape {tuple(v.shape)} in the state dict "
                    f"but {p.shape} in the module")
        with no_grad():
            for k, p in own.items():
                if k in state_dict:
                    v = state_dict[k]
                    v = v.numpy() if isinstance(v, Tensor) else v
                    d = p._data
                    if isinstance(d, np.ndarray) and d.flags.writeable:
                        d[...] = v
                    else:
                        p._data = np.array(v, dtype=p.dtype)
                    _bump(p)
        return IncompatibleKeys(missing, unexpected)

    def train(self, mode: bool = True) -> "Module":
        """Set training mode here and in every sub-module; returns ``self``."""
        for m in self.modules():
            m.__dict__["training"] = bool(mode)
        return self

    def eval(self) -> "Module":
        """Evaluation mode (``train(False)``); returns ``self``."""
        return self.train(False)

    # ------------------------------------------------------------------ printing
    def extra_repr(self) -> str:
        """The text inside this module's parentheses (override it, as in torch)."""
        return ""

    def _get_name(self) -> str:
        return type(self).__name__

    def _compose_repr(self, children: list) -> list:
        """Torch's layout as lines ``(indent, text)`` and children ``(indent, prefix,
        lines)``, from the children's ``(key, lines)`` pairs (rendered by ``_render``)."""
        extra = self.extra_repr()
        extra_lines = extra.split("\n") if extra else []
        name = self._get_name()
        if not extra_lines and not children:
            return [(0, name + "()")]
        if len(extra_lines) == 1 and not children:
            return [(0, f"{name}({extra_lines[0]})")]
        return ([(0, name + "(")] + [(2, t) for t in extra_lines]
                + [(2, f"({k}): ", r) for k, r in children] + [(0, ")")])

    def _repr_html_(self) -> str:  # Jupyter: a summary table of layers and parameters
        from weifen.printing import module_html

        return module_html(self)

    def __repr__(self) -> str:
        # bottom-up without recursion: a child's lines are made before its parent's, and
        # nothing is re-indented per level (the text is rendered once, at the end)
        done: dict[int, list] = {}
        stack = [(self, False)]
        while stack:
            m, ready = stack.pop()
            if id(m) in done:
                continue
            kids = [(k, c) for k, c in m._modules.items() if c is not None]
            if ready:
                done[id(m)] = m._compose_repr([(k, done[id(c)]) for k, c in kids])
                continue
            stack.append((m, True))
            for _, c in kids:
                if id(c) in done:
                    continue
                if type(c).__repr__ is not Module.__repr__:
                    done[id(c)] = [(0, t) for t in repr(c).split("\n")]  # prints itself
                else:
                    stack.append((c, False))
        return _render(done[id(self)])


def _render(lines: list) -> str:
    """The text of ``_compose_repr``'s lines: a child's first line follows its prefix, the
    rest sit at the child's indent plus their own."""
    out: list[str] = []
    stack = [(0, iter(lines))]
    while stack:
        base, it = stack[-1]
        e = next(it, None)
        if e is None:
            stack.pop()
        elif len(e) == 2:
            out.append(" " * (base + e[0]) + e[1])
        else:
            ind, prefix, child = e
            out.append(" " * (base + ind) + prefix + child[0][1])
            stack.append((base + ind, iter(child[1:])))
    return "\n".join(out)


def _dtype_error(module: Module, got: Any, want: Any) -> WeifenTypeError:
    want, got = np.dtype(want), np.dtype(got)
    name = {np.dtype(np.float32): "float", np.dtype(np.float64): "double",
            np.dtype(np.float16): "half"}
    fix_x = f"x.{name[want]}()" if want in name else f"x.astype({want})"
    fix_m = f" or the model with model.{name[got]}()" if got in name else ""
    return WeifenTypeError(
        f"{module!r} has {want} parameters but got a {got} input; weifen does not promote "
        f"silently (as torch): convert the input with {fix_x}{fix_m}")


def check_input(module: Module, x: Any, dtype: Any) -> Any:
    """``x`` as a Tensor-like of the module's parameter dtype, or a ``TypeError`` naming
    both dtypes and the fix (``.float()``, ``.double()``)."""
    dt = getattr(x, "dtype", None)
    if dt is None:
        from weifen.creation import tensor

        x = tensor(x)
        dt = x.dtype
    if dt != dtype:
        raise _dtype_error(module, dt, dtype)
    return x


def param_dtype(dtype: Any) -> np.dtype:
    """A new layer's parameter dtype: the one given, else the default (float64 unless
    ``wf.set_default_dtype``)."""
    dt = np.dtype(get_default_dtype() if dtype is None else dtype)
    if dt.kind != "f":
        raise WeifenTypeError(f"parameters must be floating point, got dtype {dt}")
    return dt


class Sequential(Module):
    """Modules applied in order: ``Sequential(Linear(2, 8), Tanh(), Linear(8, 1))``.

    >>> import weifen as wf
    >>> net = wf.nn.Sequential(wf.nn.Linear(2, 3), wf.nn.ReLU())
    >>> len(net), type(net[1]).__name__, net(wf.ones(4, 2)).shape
    (2, 'ReLU', (4, 3))
    >>> net
    Sequential(
      (0): Linear(in_features=2, out_features=3, bias=True)
      (1): ReLU()
    )
    """

    def __init__(self, *modules: Module) -> None:
        super().__init__()
        if len(modules) == 1 and isinstance(modules[0], OrderedDict):
            items = list(modules[0].items())
        else:
            items = [(str(i), m) for i, m in enumerate(modules)]
        for i, (k, m) in enumerate(items):
            if not isinstance(m, Module):
                raise WeifenTypeError(f"Sequential: argument {i} is a {type(m).__name__}, "
                                      "not a Module")
            self._modules[k] = m

    def forward(self, x: Any) -> Any:
        for k, m in self._modules.items():
            try:
                x = m(x)
            except (ShapeError, WeifenTypeError) as e:  # say where in the model it happened
                e.add_note(f"(raised by layer ({k}) of a {type(self).__name__})")
                raise
        return x

    def append(self, module: Module) -> "Sequential":
        self.add_module(str(len(self)), module)
        return self

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[Module]:
        return iter(self._modules.values())

    def __getitem__(self, i: Any) -> Any:
        mods = list(self._modules.items())
        if isinstance(i, slice):
            return Sequential(OrderedDict(mods[i]))
        return mods[i][1]


class ModuleList(Module):
    """A list of modules, registered so their parameters are found (torch's ``ModuleList``).

    >>> import weifen as wf
    >>> layers = wf.nn.ModuleList([wf.nn.Linear(2, 2) for _ in range(3)])
    >>> len(list(layers.parameters())), layers
    (6, ModuleList(
      (0-2): 3 x Linear(in_features=2, out_features=2, bias=True)
    ))
    """

    def __init__(self, modules: Iterable[Module] | None = None) -> None:
        super().__init__()
        for m in modules or ():
            self.append(m)

    def append(self, module: Module) -> "ModuleList":
        self.add_module(str(len(self)), module)
        return self

    def extend(self, modules: Iterable[Module]) -> "ModuleList":
        for m in modules:
            self.append(m)
        return self

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[Module]:
        return iter(self._modules.values())

    def __getitem__(self, i: Any) -> Any:
        mods = list(self._modules.values())
        return ModuleList(mods[i]) if isinstance(i, slice) else mods[i]

    def __setitem__(self, i: int, module: Module) -> None:
        self.add_module(str(range(len(self))[i]), module)

    def _compose_repr(self, children: list) -> list:
        if not children:
            return [(0, self._get_name() + "()")]
        blocks: list = []  # [start, end, text, lines]: runs of equal children print once
        for i, (_, r) in enumerate(children):
            text = _render(r)
            if blocks and blocks[-1][2] == text:
                blocks[-1][1] = i
            else:
                blocks.append([i, i, text, r])
        return ([(0, self._get_name() + "(")]
                + [(2, f"({a}): " if a == b else f"({a}-{b}): {b - a + 1} x ", r)
                   for a, b, _, r in blocks] + [(0, ")")])


class ModuleDict(Module):
    """A dict of modules, registered in insertion order (torch's ``ModuleDict``).

    >>> import weifen as wf
    >>> d = wf.nn.ModuleDict({"enc": wf.nn.Linear(2, 3), "act": wf.nn.Tanh()})
    >>> list(d.keys()), [k for k, _ in d.named_parameters()]
    (['enc', 'act'], ['enc.weight', 'enc.bias'])
    """

    def __init__(self, modules: Any = None) -> None:
        super().__init__()
        if modules is not None:
            self.update(modules)

    def update(self, modules: Any) -> None:
        items = modules.items() if hasattr(modules, "items") else modules
        for k, m in items:
            self[k] = m

    def __getitem__(self, key: str) -> Module:
        return self._modules[key]

    def __setitem__(self, key: str, module: Module) -> None:
        self.add_module(key, module)

    def __delitem__(self, key: str) -> None:
        del self._modules[key]

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[str]:
        return iter(self._modules)

    def __contains__(self, key: str) -> bool:
        return key in self._modules

    def keys(self) -> Iterable[str]:
        return self._modules.keys()

    def values(self) -> Iterable[Module]:
        return self._modules.values()

    def items(self) -> Iterable[tuple[str, Module]]:
        return self._modules.items()

"""``Optimizer``: parameter groups, per-parameter state and its ``state_dict``, as torch.

An optimizer holds ``param_groups`` (a list of dicts: ``"params"`` plus that group's
options) and ``state`` (parameter -> dict of running buffers). ``step()`` updates every
parameter that has a gradient, in place, on the raw arrays: nothing is recorded, and each
updated parameter's version counter is bumped, so a backward through values saved before
the step raises instead of using stale ones.

``state_dict()`` has torch's layout, ``{"state": {index: {...}}, "param_groups": [...]}``
with parameters named by their position across the groups, except that the indices are
strings (``"0"``, ``"1"``, ...) so that ``wf.save`` stores the dict as it is (JSON keys are
strings); indexing it with an int works too. Buffers come out as Tensors (copies), the
step count as an int. ``load_state_dict`` takes that, what ``wf.load`` gives back, or a
torch optimizer's state dict (int keys, torch tensors), casting buffers to each parameter's
dtype.

>>> import weifen as wf
>>> w = wf.nn.Parameter(wf.tensor([1.0, -2.0]))
>>> opt = wf.optim.SGD([w], lr=0.1, momentum=0.9)
>>> (w * w).sum().backward()
>>> opt.step()
>>> sd = opt.state_dict()
>>> sd["param_groups"][0]["params"], list(sd["state"]), sd["state"][0]["momentum_buffer"]
([0], ['0'], tensor([ 2., -4.]))
"""
from __future__ import annotations

from collections import defaultdict
from typing import Any, Callable, Iterable

import numpy as np

from weifen.core.state import enable_grad, no_grad
from weifen.errors import ShapeError, WeifenTypeError, WeifenValueError
from weifen.tape.tensor import Tensor

__all__ = ["Optimizer", "required"]


class _Required:
    """Marks an option with no default: every parameter group must give it."""

    def __repr__(self) -> str:
        return "<required parameter>"


required = _Required()


class _StateByIndex(dict):
    """The ``"state"`` of a state dict: string keys (so ``wf.save`` stores it as is), and
    lookups by the int index as torch's layout has them."""

    @staticmethod
    def _key(k: Any) -> Any:
        return str(k) if isinstance(k, (int, np.integer)) and not isinstance(k, bool) else k

    def __getitem__(self, k: Any) -> Any:
        return dict.__getitem__(self, self._key(k))

    def __contains__(self, k: Any) -> bool:
        return dict.__contains__(self, self._key(k))

    def get(self, k: Any, default: Any = None) -> Any:
        return dict.get(self, self._key(k), default)


def _copy_option(v: Any) -> Any:
    return list(v) if isinstance(v, list) else v


def _as_index(k: Any, what: str) -> int:
    try:
        i = int(k)
    except (TypeError, ValueError):
        i = -1
    if i < 0 or (isinstance(k, float) and k != i):
        raise WeifenValueError(
            f"load_state_dict: {what} {k!r} is not a parameter index (0, 1, ... or '0', "
            "'1', ...)")
    return i


def _with_grads(params: list) -> list:
    """``(parameter, its array, its gradient's array in the parameter's dtype)`` for every
    parameter that has a gradient."""
    out = []
    for p in params:
        gt = p._grad
        if gt is None:
            continue
        d = p._data
        g = gt._data
        dt = d.dtype
        if getattr(g, "dtype", None) != dt:
            g = g.astype(dt) if hasattr(g, "astype") else dt.type(g)
        out.append((p, d, g))
    return out


class Optimizer:
    """Base class of the optimizers: parameter groups, state, ``zero_grad``, ``step``,
    ``state_dict`` / ``load_state_dict``; a subclass defines ``_update_group(group)``.

    ``params`` is an iterable of parameters, of ``(name, parameter)`` pairs (as
    ``named_parameters()`` gives), or of dicts, each a group with its own options (a key
    a group leaves out takes the optimizer's default).

    >>> import weifen as wf
    >>> a, b = wf.nn.Parameter(wf.ones(2)), wf.nn.Parameter(wf.ones(3))
    >>> opt = wf.optim.SGD([{"params": [a]}, {"params": [b], "lr": 0.5}], lr=0.1)
    >>> [g["lr"] for g in opt.param_groups]
    [0.1, 0.5]
    """

    def __init__(self, params: Iterable[Any], defaults: dict[str, Any]) -> None:
        self.defaults = dict(defaults)
        self.state: defaultdict[Tensor, dict[str, Any]] = defaultdict(dict)
        self.param_groups: list[dict[str, Any]] = []
        self._scratch: dict[tuple, Any] = {}
        if isinstance(params, Tensor):
            raise WeifenTypeError(
                f"{type(self).__name__}: params must be an iterable of Tensors or dicts, got "
                "a Tensor; pass [tensor] or model.parameters()")
        if isinstance(params, dict):
            params = [params]
        elif isinstance(params, (set, frozenset)):
            params = [{"params": params}]  # add_param_group explains the refusal
        groups = list(params)
        if not groups:
            raise WeifenValueError(f"{type(self).__name__}: got an empty parameter list")
        if not isinstance(groups[0], dict):
            groups = [{"params": groups}]
        for g in groups:
            self.add_param_group(g)

    # ------------------------------------------------------------------ groups
    def add_param_group(self, param_group: dict[str, Any]) -> None:
        """Add a group of parameters with its own options (others take the defaults).

        >>> import weifen as wf
        >>> a, b = wf.nn.Parameter(wf.ones(2)), wf.nn.Parameter(wf.ones(2))
        >>> opt = wf.optim.Adam([a], lr=0.01)
        >>> opt.add_param_group({"params": b, "lr": 0.1})
        >>> [(g["lr"], g["betas"]) for g in opt.param_groups]
        [(0.01, (0.9, 0.999)), (0.1, (0.9, 0.999))]
        """
        name = type(self).__name__
        if not isinstance(param_group, dict):
            raise WeifenTypeError(
                f"{name}.add_param_group: a param group must be a dict, got "
                f"{type(param_group).__name__}")
        if "params" not in param_group:
            raise WeifenValueError(f"{name}.add_param_group: the group has no 'params' key")
        group = dict(param_group)
        params = group["params"]
        if isinstance(params, Tensor):
            params = [params]
        elif isinstance(params, (set, frozenset)):
            raise WeifenTypeError(
                f"{name}: parameters must come in an ordered collection (a list), not a set: "
                "a set's order changes between runs, and state dicts name parameters by "
                "position")
        else:
            params = list(params)
        names = [p[0] for p in params if isinstance(p, tuple)]
        if names:
            if len(names) != len(params):
                raise WeifenValueError(
                    f"{name}: give every parameter of a group with a name, or none")
            params = [p[1] for p in params]
            group["param_names"] = names
        group["params"] = params
        for i, p in enumerate(params):
            if not isinstance(p, Tensor) or not p.requires_grad or not p.is_leaf:
                raise WeifenTypeError(
                    f"{name}: parameter {i} of group {len(self.param_groups)} is not a leaf "
                    "Tensor that requires grad (pass model.parameters(), or tensors made "
                    "with requires_grad=True)")
            if p.dtype.kind == "c":
                raise WeifenTypeError(
                    f"{name}: parameter {i} of group {len(self.param_groups)} is complex "
                    f"({p.dtype}); weifen's gradients of real losses follow JAX's convention "
                    "(conjugate to torch's), so no optimizer takes complex parameters: "
                    "optimize the real and imaginary parts as two real parameters")
        for k, default in self.defaults.items():
            if default is required and k not in group:
                raise WeifenValueError(
                    f"{name}: parameter group {len(self.param_groups)} does not give {k!r}, "
                    "which has no default")
            group.setdefault(k, default)
        ids = {id(p) for p in params}
        if len(ids) != len(params):
            raise WeifenValueError(f"{name}: a parameter appears twice in one group")
        for other in self.param_groups:
            if ("param_names" in other) != ("param_names" in group):
                raise WeifenValueError(
                    f"{name}: all parameter groups must be given with names or all without")
            if any(id(p) in ids for p in other["params"]):
                raise WeifenValueError(
                    f"{name}: some parameters appear in more than one parameter group")
        self._check_group(group)
        self.param_groups.append(group)

    def _check_group(self, group: dict[str, Any]) -> None:
        """Refuse option values the update cannot use (a subclass adds its own checks)."""
        lr = group["lr"]
        if not lr >= 0:
            raise WeifenValueError(f"{type(self).__name__}: invalid learning rate {lr}; "
                                   "lr must be >= 0")
        wd = group.get("weight_decay", 0)
        if not wd >= 0:
            raise WeifenValueError(f"{type(self).__name__}: invalid weight_decay {wd}; "
                                   "it must be >= 0")

    # ------------------------------------------------------------------ stepping
    def zero_grad(self, set_to_none: bool = True) -> None:
        """Clear every parameter's ``.grad``: to ``None`` (the default, as torch 2), or to
        zeros in place.

        >>> import weifen as wf
        >>> w = wf.nn.Parameter(wf.ones(2))
        >>> opt = wf.optim.SGD([w], lr=0.1)
        >>> w.sum().backward()
        >>> opt.zero_grad()
        >>> w.grad is None
        True
        """
        for group in self.param_groups:
            for p in group["params"]:
                if p._grad is not None:
                    if set_to_none:
                        p._grad = None
                    else:
                        p._grad.zero_()

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Update every parameter that has a gradient (the others are left alone); with a
        ``closure`` (which recomputes the loss and its gradients), call it first, with
        gradients recorded, and return what it returns.

        >>> import weifen as wf
        >>> w = wf.nn.Parameter(wf.tensor([1.0, -2.0]))
        >>> opt = wf.optim.SGD([w], lr=0.1)
        >>> def closure():
        ...     opt.zero_grad()
        ...     loss = (w * w).sum()
        ...     loss.backward()
        ...     return loss
        >>> opt.step(closure)
        tensor(5., grad_fn=<SumBackward>)
        >>> w
        Parameter containing:
        tensor([ 0.8, -1.6], requires_grad=True)
        """
        loss = None
        if closure is not None:
            with enable_grad():
                loss = closure()
        with no_grad():
            for group in self.param_groups:
                self._update_group(group)
        return loss

    def _update_group(self, group: dict[str, Any]) -> None:
        raise NotImplementedError(f"{type(self).__name__} does not define _update_group")

    def _tmp(self, d: Any, which: int = 0) -> Any:
        """Scratch array ``which`` like ``d``, reused across steps and parameters of its
        shape (the update is the inner loop of training: no fresh temporaries there)."""
        key = (type(d), d.shape, d.dtype, which)
        t = self._scratch.get(key)
        if t is None:
            t = self._scratch[key] = np.empty_like(d)
        return t

    # ------------------------------------------------------------------ state dicts
    def state_dict(self) -> dict[str, Any]:
        """The optimizer's state in torch's layout: ``"state"`` maps each parameter's index
        (its position across the groups, as a string) to its buffers (Tensor copies) and
        step count; ``"param_groups"`` lists each group's options with ``"params"`` as
        indices. ``wf.save`` stores it as it is.

        >>> import weifen as wf, tempfile, os
        >>> w = wf.nn.Parameter(wf.tensor([1.0, -2.0]))
        >>> opt = wf.optim.Adam([w], lr=0.1)
        >>> (w * w).sum().backward(); opt.step()
        >>> path = os.path.join(tempfile.mkdtemp(), "opt.npz")
        >>> wf.save(opt.state_dict(), path)
        >>> opt2 = wf.optim.Adam([w], lr=0.5)
        >>> opt2.load_state_dict(wf.load(path))
        >>> opt2.param_groups[0]["lr"], opt2.state[w]["step"]
        (0.1, 1)
        """
        index: dict[int, int] = {}
        groups = []
        for g in self.param_groups:
            packed = {k: _copy_option(v) for k, v in g.items() if k != "params"}
            packed["params"] = [index.setdefault(id(p), len(index)) for p in g["params"]]
            groups.append(packed)
        state = _StateByIndex()
        entries = sorted((index[id(p)], st) for p, st in self.state.items()
                         if st and id(p) in index)
        for i, st in entries:
            state[str(i)] = {k: (Tensor(v) if hasattr(v, "shape") else v)
                             for k, v in st.items()}
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Take the state and group options from ``state_dict`` (this optimizer's groups keep
        their parameters). Buffers are copied and cast to each parameter's dtype; nothing
        changes unless the whole dict fits.

        >>> import weifen as wf
        >>> w = wf.nn.Parameter(wf.ones(2))
        >>> opt = wf.optim.SGD([w], lr=0.1)
        >>> opt.load_state_dict({"state": {}, "param_groups": [{"params": [0], "lr": 0.3}]})
        >>> opt.param_groups[0]["lr"], opt.param_groups[0]["momentum"]
        (0.3, 0)
        """
        name = f"{type(self).__name__}.load_state_dict"
        if not isinstance(state_dict, dict) or not {"state", "param_groups"} <= set(state_dict):
            raise WeifenValueError(
                f"{name}: expected a dict with 'state' and 'param_groups' (what "
                "state_dict() returns)")
        saved_groups = state_dict["param_groups"]
        if len(saved_groups) != len(self.param_groups):
            raise WeifenValueError(
                f"{name}: the state dict has {len(saved_groups)} parameter groups, the "
                f"optimizer {len(self.param_groups)}")
        id_map: dict[int, Tensor] = {}
        for i, (g, sg) in enumerate(zip(self.param_groups, saved_groups)):
            if len(g["params"]) != len(sg["params"]):
                raise WeifenValueError(
                    f"{name}: parameter group {i} has {len(sg['params'])} parameters in the "
                    f"state dict but {len(g['params'])} in the optimizer")
            for k, p in zip(sg["params"], g["params"]):
                id_map[_as_index(k, "parameter")] = p
        state: defaultdict[Tensor, dict[str, Any]] = defaultdict(dict)
        for k, entry in state_dict["state"].items():
            p = id_map.get(_as_index(k, "state key"))
            if p is None:
                raise WeifenValueError(
                    f"{name}: the state dict has state for parameter {k!r}, which none of its "
                    "param_groups lists")
            state[p] = {key: self._import_value(p, k, key, v) for key, v in entry.items()}
        groups = []
        for g, sg in zip(self.param_groups, saved_groups):
            ng = {k: _copy_option(v) for k, v in sg.items() if k != "params"}
            if isinstance(ng.get("betas"), list):
                ng["betas"] = tuple(ng["betas"])
            ng["params"] = g["params"]
            if "param_names" in g and "param_names" not in ng:
                ng["param_names"] = g["param_names"]
            for k, default in self.defaults.items():
                ng.setdefault(k, g.get(k, default))
            self._check_group(ng)
            groups.append(ng)
        self.state = state
        self.param_groups = groups

    @staticmethod
    def _import_value(p: Tensor, index: Any, key: str, v: Any) -> Any:
        if key == "step":
            return int(round(float(v)))
        if v is None or isinstance(v, (bool, int, float, str)):
            return v
        from weifen.creation import as_array

        a = as_array(v)
        if tuple(a.shape) != p.shape:
            raise ShapeError(
                f"load_state_dict: state {key!r} of parameter {index} has shape "
                f"{tuple(a.shape)}, but the parameter has shape {p.shape}")
        return a.astype(p.dtype, copy=False) if a.dtype != p.dtype else a

    # ------------------------------------------------------------------ printing
    def __repr__(self) -> str:
        lines = [f"{type(self).__name__} ("]
        for i, g in enumerate(self.param_groups):
            lines.append(f"Parameter Group {i}")
            for k in sorted(g):
                if k not in ("params", "param_names"):
                    lines.append(f"    {k}: {g[k]}")
        return "\n".join(lines) + "\n)"

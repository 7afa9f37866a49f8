"""``wf.optim.lr_scheduler``: learning-rate schedules that set each parameter group's
``"lr"``, with torch's names, arguments and ``last_epoch`` semantics.

A scheduler is made after its optimizer and stepped after ``optimizer.step()``, once per
epoch (or per batch, for ``OneCycleLR``). Making it already applies the schedule's first
value (``last_epoch`` becomes 0) and records each group's ``"initial_lr"``. The recurrences
are torch's (each ``step()`` computes the new rate from the current one, so a rate changed
by hand carries on), so the sequences equal torch's to the last bit of rounding.

``state_dict()`` holds numbers, strings and lists only (so ``wf.save`` stores it);
``load_state_dict`` restores it into a scheduler made on the restored optimizer.

>>> import weifen as wf
>>> w = wf.nn.Parameter(wf.ones(2))
>>> opt = wf.optim.SGD([w], lr=1.0)
>>> sched = wf.optim.lr_scheduler.ExponentialLR(opt, gamma=0.5)
>>> for _ in range(3):
...     opt.step()
...     sched.step()
>>> sched.last_epoch, sched.get_last_lr(), opt.param_groups[0]["lr"]
(3, [0.125], 0.125)
"""
from __future__ import annotations

import copy
import math
import warnings
from bisect import bisect_right
from collections import Counter
from typing import Any, Iterable

from weifen.errors import WeifenError, WeifenTypeError, WeifenValueError
from weifen.optim.optimizer import Optimizer

__all__ = ["LRScheduler", "StepLR", "MultiStepLR", "ExponentialLR", "CosineAnnealingLR",
           "OneCycleLR", "ReduceLROnPlateau"]


class _MissingKeyError(WeifenError, KeyError):
    """A key the scheduler needs is missing from a parameter group (torch: KeyError)."""

    def __str__(self) -> str:  # KeyError's own str() quotes the message
        return str(self.args[0]) if self.args else ""


def _lrs(optimizer: Optimizer) -> list:
    return [g["lr"] for g in optimizer.param_groups]


def _per_group(name: str, optimizer: Optimizer, value: Any) -> list:
    """One value per parameter group: a list or tuple as given, or a scalar repeated."""
    n = len(optimizer.param_groups)
    if isinstance(value, (list, tuple)):
        if len(value) != n:
            raise WeifenValueError(
                f"{name} must have one value per parameter group: got {len(value)} values "
                f"for {n} groups")
        return list(value)
    return [value] * n


class LRScheduler:
    """Base class of the schedules: a subclass defines ``get_lr()``, the next rates from
    the current ones (and ``_get_closed_form_lr()`` for ``step(epoch)``).

    >>> import weifen as wf
    >>> class Halve(wf.optim.lr_scheduler.LRScheduler):
    ...     def get_lr(self):
    ...         if self.last_epoch == 0:
    ...             return [g["lr"] for g in self.optimizer.param_groups]
    ...         return [g["lr"] / 2 for g in self.optimizer.param_groups]
    >>> opt = wf.optim.SGD([wf.nn.Parameter(wf.ones(1))], lr=1.0)
    >>> s = Halve(opt)
    >>> s.step(); s.step(); s.get_last_lr()
    [0.25]
    """

    def __init__(self, optimizer: Optimizer, last_epoch: int = -1) -> None:
        if not isinstance(optimizer, Optimizer):
            raise WeifenTypeError(f"{type(self).__name__}: {type(optimizer).__name__} is not "
                                  "a wf.optim Optimizer")
        self.optimizer = optimizer
        if last_epoch == -1:
            for g in optimizer.param_groups:
                g.setdefault("initial_lr", g["lr"])
        else:
            for i, g in enumerate(optimizer.param_groups):
                if "initial_lr" not in g:
                    raise _MissingKeyError(
                        f"{type(self).__name__}: param_groups[{i}] has no 'initial_lr', which "
                        f"resuming with last_epoch={last_epoch} needs; load the optimizer's "
                        "state dict first, or start with last_epoch=-1")
        self.base_lrs = [g["initial_lr"] for g in optimizer.param_groups]
        self.last_epoch = last_epoch
        self._initial_step()

    def _initial_step(self) -> None:
        self._step_count = 0
        self._is_initial = True
        try:
            self.step()
        finally:
            self._is_initial = False

    def get_lr(self) -> list:
        """The rates for the epoch ``step()`` has just moved to (called by ``step``; to read
        the current rates use ``get_last_lr()``)."""
        raise NotImplementedError(f"{type(self).__name__} does not define get_lr()")

    def _warn_outside_step(self) -> None:
        if not self.__dict__.get("_get_lr_called_within_step", False):
            warnings.warn("To get the last learning rate computed by the scheduler, please use "
                          "get_last_lr()", UserWarning, stacklevel=3)

    def step(self, epoch: int | None = None) -> None:
        """Move to the next epoch (or, deprecated as in torch, to ``epoch``) and set each
        group's ``"lr"``; call it after ``optimizer.step()``."""
        self._step_count += 1
        self._get_lr_called_within_step = True
        try:
            if epoch is None:
                self.last_epoch += 1
                values = self.get_lr()
            else:
                warnings.warn("passing an epoch to step() is deprecated (as in torch); call "
                              "step() without arguments", UserWarning, stacklevel=2)
                self.last_epoch = epoch
                closed = getattr(self, "_get_closed_form_lr", None)
                values = closed() if closed is not None else self.get_lr()
        finally:
            self._get_lr_called_within_step = False
        for g, lr in zip(self.optimizer.param_groups, values):
            g["lr"] = lr
        self._last_lr = _lrs(self.optimizer)

    def get_last_lr(self) -> list:
        """The rate of each parameter group that the last ``step()`` set.

        >>> import weifen as wf
        >>> opt = wf.optim.SGD([wf.nn.Parameter(wf.ones(1))], lr=0.1)
        >>> wf.optim.lr_scheduler.StepLR(opt, step_size=10).get_last_lr()
        [0.1]
        """
        return list(self._last_lr)

    def state_dict(self) -> dict[str, Any]:
        """Everything the scheduler holds but its optimizer, as numbers, strings and lists
        (``wf.save`` stores it as is).

        >>> import weifen as wf
        >>> opt = wf.optim.SGD([wf.nn.Parameter(wf.ones(1))], lr=0.1)
        >>> s = wf.optim.lr_scheduler.MultiStepLR(opt, milestones=[3, 6], gamma=0.5)
        >>> sd = s.state_dict()
        >>> sd["milestones"], sd["last_epoch"], sd["base_lrs"]
        ([3, 6], 0, [0.1])
        """
        sd = {k: copy.deepcopy(v) for k, v in self.__dict__.items() if k != "optimizer"}
        if isinstance(sd.get("milestones"), Counter):
            sd["milestones"] = sorted(sd["milestones"].elements())
        return sd

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore what ``state_dict()`` returned (or what ``wf.load`` gives back of it).

        >>> import weifen as wf
        >>> opt = wf.optim.SGD([wf.nn.Parameter(wf.ones(1))], lr=0.1)
        >>> s = wf.optim.lr_scheduler.StepLR(opt, step_size=2)
        >>> s.load_state_dict({**s.state_dict(), "last_epoch": 7})
        >>> s.last_epoch
        7
        """
        if not isinstance(state_dict, dict):
            raise WeifenTypeError(f"{type(self).__name__}.load_state_dict: expected a dict, "
                                  f"got {type(state_dict).__name__}")
        sd = {k: copy.deepcopy(v) for k, v in state_dict.items() if k != "optimizer"}
        if "milestones" in sd:
            m = sd["milestones"]
            sd["milestones"] = (Counter({int(k): int(c) for k, c in m.items()})
                                if isinstance(m, dict) else Counter(int(x) for x in m))
        self.__dict__.update(sd)


class StepLR(LRScheduler):
    """Multiply each group's rate by ``gamma`` every ``step_size`` epochs.

    >>> import weifen as wf
    >>> opt = wf.optim.SGD([wf.nn.Parameter(wf.ones(1))], lr=1.0)
    >>> sched = wf.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)
    >>> lrs = []
    >>> for _ in range(5):
    ...     lrs.append(sched.get_last_lr()[0])
    ...     opt.step()
    ...     sched.step()
    >>> lrs
    [1.0, 1.0, 0.5, 0.5, 0.25]
    """

    def __init__(self, optimizer: Optimizer, step_size: int, gamma: float = 0.1,
                 last_epoch: int = -1) -> None:
        if step_size <= 0:
            raise WeifenValueError(f"StepLR: step_size must be positive, got {step_size}")
        self.step_size = step_size
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list:
        self._warn_outside_step()
        if self.last_epoch == 0 or self.last_epoch % self.step_size != 0:
            return _lrs(self.optimizer)
        return [g["lr"] * self.gamma for g in self.optimizer.param_groups]

    def _get_closed_form_lr(self) -> list:
        return [b * self.gamma ** (self.last_epoch // self.step_size) for b in self.base_lrs]


class MultiStepLR(LRScheduler):
    """Multiply each group's rate by ``gamma`` at each of the ``milestones`` (epochs; a
    milestone given twice multiplies by ``gamma**2``).

    >>> import weifen as wf
    >>> opt = wf.optim.SGD([wf.nn.Parameter(wf.ones(1))], lr=1.0)
    >>> sched = wf.optim.lr_scheduler.MultiStepLR(opt, milestones=[1, 3], gamma=0.1)
    >>> lrs = []
    >>> for _ in range(4):
    ...     lrs.append(sched.get_last_lr()[0])
    ...     opt.step()
    ...     sched.step()
    >>> [round(x, 12) for x in lrs]
    [1.0, 0.1, 0.1, 0.01]
    """

    def __init__(self, optimizer: Optimizer, milestones: Iterable[int], gamma: float = 0.1,
                 last_epoch: int = -1) -> None:
        self.milestones = Counter(milestones)
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list:
        self._warn_outside_step()
        if self.last_epoch not in self.milestones:
            return _lrs(self.optimizer)
        k = self.milestones[self.last_epoch]
        return [g["lr"] * self.gamma ** k for g in self.optimizer.param_groups]

    def _get_closed_form_lr(self) -> list:
        ms = sorted(self.milestones.elements())
        return [b * self.gamma ** bisect_right(ms, self.last_epoch) for b in self.base_lrs]


class ExponentialLR(LRScheduler):
    """Multiply each group's rate by ``gamma`` every epoch.

    >>> import weifen as wf
    >>> opt = wf.optim.SGD([wf.nn.Parameter(wf.ones(1))], lr=1.0)
    >>> sched = wf.optim.lr_scheduler.ExponentialLR(opt, gamma=0.5)
    >>> opt.step(); sched.step(); opt.step(); sched.step()
    >>> sched.get_last_lr()
    [0.25]
    """

    def __init__(self, optimizer: Optimizer, gamma: float, last_epoch: int = -1) -> None:
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list:
        self._warn_outside_step()
        if self._is_initial:
            return _lrs(self.optimizer)
        return [g["lr"] * self.gamma for g in self.optimizer.param_groups]

    def _get_closed_form_lr(self) -> list:
        return [b * self.gamma ** self.last_epoch for b in self.base_lrs]


class CosineAnnealingLR(LRScheduler):
    """Cosine annealing from each group's initial rate down to ``eta_min`` over ``T_max``
    epochs, ``eta_min + (base - eta_min) * (1 + cos(pi * t / T_max)) / 2`` (and back up,
    periodically, past ``T_max``), computed by torch's recurrence.

    >>> import weifen as wf
    >>> opt = wf.optim.SGD([wf.nn.Parameter(wf.ones(1))], lr=1.0)
    >>> sched = wf.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=4)
    >>> lrs = []
    >>> for _ in range(5):
    ...     lrs.append(round(sched.get_last_lr()[0], 6))
    ...     opt.step()
    ...     sched.step()
    >>> lrs
    [1.0, 0.853553, 0.5, 0.146447, 0.0]
    """

    def __init__(self, optimizer: Optimizer, T_max: int, eta_min: float = 0.0,
                 last_epoch: int = -1) -> None:
        self.T_max = T_max
        self.eta_min = eta_min
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list:
        self._warn_outside_step()
        groups = self.optimizer.param_groups
        t, T, lo = self.last_epoch, self.T_max, self.eta_min
        if self._is_initial:
            return _lrs(self.optimizer)
        if self._step_count == 1 and t > 0:
            return [lo + (b - lo) * (1 + math.cos(t * math.pi / T)) / 2 for b in self.base_lrs]
        if (t - 1 - T) % (2 * T) == 0:
            return [g["lr"] + (b - lo) * (1 - math.cos(math.pi / T)) / 2
                    for b, g in zip(self.base_lrs, groups)]
        return [(1 + math.cos(math.pi * t / T)) / (1 + math.cos(math.pi * (t - 1) / T))
                * (g["lr"] - lo) + lo for g in groups]

    def _get_closed_form_lr(self) -> list:
        lo = self.eta_min
        return [lo + (b - lo) * (1 + math.cos(math.pi * self.last_epoch / self.T_max)) / 2
                for b in self.base_lrs]


class OneCycleLR(LRScheduler):
    """The 1cycle policy, stepped once per batch: the rate rises from ``max_lr /
    div_factor`` to ``max_lr`` over the first ``pct_start`` of ``total_steps`` (or
    ``epochs * steps_per_epoch``), then falls to ``initial_lr / final_div_factor``
    (``three_phase``: back to the initial rate first, then down); ``anneal_strategy``
    ``"cos"`` (default) or ``"linear"``. With ``cycle_momentum`` the momentum (SGD,
    RMSprop) or beta1 (Adam, AdamW) moves the opposite way between ``max_momentum`` and
    ``base_momentum``.

    >>> import weifen as wf
    >>> opt = wf.optim.Adam([wf.nn.Parameter(wf.ones(1))], lr=0.1)
    >>> sched = wf.optim.lr_scheduler.OneCycleLR(opt, max_lr=1.0, total_steps=10)
    >>> rates, beta1s = [], []
    >>> for _ in range(10):
    ...     rates.append(round(sched.get_last_lr()[0], 4))
    ...     beta1s.append(round(opt.param_groups[0]["betas"][0], 4))
    ...     opt.step()
    ...     sched.step()
    >>> rates
    [0.04, 0.52, 1.0, 0.9505, 0.8117, 0.6113, 0.3887, 0.1883, 0.0495, 0.0]
    >>> beta1s[:3]
    [0.95, 0.9, 0.85]
    """

    def __init__(self, optimizer: Optimizer, max_lr: float | list[float],
                 total_steps: int | None = None, epochs: int | None = None,
                 steps_per_epoch: int | None = None, pct_start: float = 0.3,
                 anneal_strategy: str = "cos", cycle_momentum: bool = True,
                 base_momentum: float | list[float] = 0.85,
                 max_momentum: float | list[float] = 0.95, div_factor: float = 25.0,
                 final_div_factor: float = 1e4, three_phase: bool = False,
                 last_epoch: int = -1) -> None:
        if not isinstance(optimizer, Optimizer):
            raise WeifenTypeError(f"OneCycleLR: {type(optimizer).__name__} is not a wf.optim "
                                  "Optimizer")
        self.optimizer = optimizer
        if total_steps is not None:
            if not isinstance(total_steps, int) or total_steps <= 0:
                raise WeifenValueError(
                    f"OneCycleLR: expected a positive integer total_steps, got {total_steps}")
            self.total_steps = total_steps
        elif epochs is not None and steps_per_epoch is not None:
            for k, v in (("epochs", epochs), ("steps_per_epoch", steps_per_epoch)):
                if not isinstance(v, int) or v <= 0:
                    raise WeifenValueError(
                        f"OneCycleLR: expected a positive integer {k}, got {v}")
            self.total_steps = epochs * steps_per_epoch
        else:
            raise WeifenValueError("OneCycleLR: give either total_steps or both epochs and "
                                   "steps_per_epoch")
        if not isinstance(pct_start, float) or not 0 <= pct_start <= 1:
            raise WeifenValueError(
                f"OneCycleLR: expected a float between 0 and 1 for pct_start, got {pct_start}")
        if anneal_strategy not in ("cos", "linear"):
            raise WeifenValueError("OneCycleLR: anneal_strategy must be 'cos' or 'linear', "
                                   f"got {anneal_strategy!r}")
        n = self.total_steps
        up = float(pct_start * n) - 1
        if three_phase:
            self._schedule_phases = [
                dict(end_step=up, start_lr="initial_lr", end_lr="max_lr",
                     start_momentum="max_momentum", end_momentum="base_momentum"),
                dict(end_step=float(2 * pct_start * n) - 2, start_lr="max_lr",
                     end_lr="initial_lr", start_momentum="base_momentum",
                     end_momentum="max_momentum"),
                dict(end_step=n - 1, start_lr="initial_lr", end_lr="min_lr",
                     start_momentum="max_momentum", end_momentum="max_momentum")]
        else:
            self._schedule_phases = [
                dict(end_step=up, start_lr="initial_lr", end_lr="max_lr",
                     start_momentum="max_momentum", end_momentum="base_momentum"),
                dict(end_step=n - 1, start_lr="max_lr", end_lr="min_lr",
                     start_momentum="base_momentum", end_momentum="max_momentum")]
        self._anneal_func_type = anneal_strategy
        max_lrs = _per_group("max_lr", optimizer, max_lr)
        if last_epoch == -1:
            for m, g in zip(max_lrs, optimizer.param_groups):
                g["initial_lr"] = m / div_factor
                g["max_lr"] = m
                g["min_lr"] = g["initial_lr"] / final_div_factor
        self.cycle_momentum = cycle_momentum
        if cycle_momentum:
            if "momentum" not in optimizer.defaults and "betas" not in optimizer.defaults:
                raise WeifenValueError(
                    f"OneCycleLR: {type(optimizer).__name__} has neither momentum nor betas "
                    "to cycle; pass cycle_momentum=False")
            self.use_beta1 = "betas" in optimizer.defaults
            maxes = _per_group("max_momentum", optimizer, max_momentum)
            bases = _per_group("base_momentum", optimizer, base_momentum)
            if last_epoch == -1:
                for hi, lo, g in zip(maxes, bases, optimizer.param_groups):
                    if self.use_beta1:
                        g["betas"] = (hi, *g["betas"][1:])
                    else:
                        g["momentum"] = hi
                    g["max_momentum"] = hi
                    g["base_momentum"] = lo
        super().__init__(optimizer, last_epoch)

    def _anneal(self, start: float, end: float, pct: float) -> float:
        if self._anneal_func_type == "cos":
            return end + (start - end) / 2.0 * (math.cos(math.pi * pct) + 1)
        return (end - start) * pct + start

    def get_lr(self) -> list:
        self._warn_outside_step()
        t = self.last_epoch
        if t > self.total_steps:
            raise WeifenValueError(f"OneCycleLR: tried to step {t} times; the schedule has "
                                   f"total_steps={self.total_steps}")
        lrs = []
        phases = self._schedule_phases
        for g in self.optimizer.param_groups:
            start = 0.0
            for i, ph in enumerate(phases):
                end = ph["end_step"]
                if t <= end or i == len(phases) - 1:
                    pct = (t - start) / (end - start)
                    lr = self._anneal(g[ph["start_lr"]], g[ph["end_lr"]], pct)
                    if self.cycle_momentum:
                        mom = self._anneal(g[ph["start_momentum"]], g[ph["end_momentum"]], pct)
                    break
                start = end
            lrs.append(lr)
            if self.cycle_momentum:
                if self.use_beta1:
                    g["betas"] = (mom, *g["betas"][1:])
                else:
                    g["momentum"] = mom
        return lrs


class ReduceLROnPlateau(LRScheduler):
    """Multiply the rates by ``factor`` once a metric has stopped improving for more than
    ``patience`` epochs; ``step(metric)`` after each evaluation.

    ``mode`` ``"min"`` or ``"max"``; an improvement must beat the best so far by
    ``threshold`` (``threshold_mode`` ``"rel"``: relatively, ``"abs"``: absolutely);
    ``cooldown`` epochs after a reduction count no bad epochs; rates never go below
    ``min_lr`` (one per group, or one for all), and a change smaller than ``eps`` is
    skipped.

    >>> import weifen as wf
    >>> opt = wf.optim.SGD([wf.nn.Parameter(wf.ones(1))], lr=1.0)
    >>> sched = wf.optim.lr_scheduler.ReduceLROnPlateau(opt, factor=0.5, patience=1)
    >>> lrs = []
    >>> for loss in [3.0, 2.0, 2.0, 2.0, 2.0, 2.0, 1.0]:
    ...     opt.step()
    ...     sched.step(loss)
    ...     lrs.append(sched.get_last_lr()[0])
    >>> lrs
    [1.0, 1.0, 1.0, 0.5, 0.5, 0.25, 0.25]
    """

    def __init__(self, optimizer: Optimizer, mode: str = "min", factor: float = 0.1,
                 patience: int = 10, threshold: float = 1e-4, threshold_mode: str = "rel",
                 cooldown: int = 0, min_lr: float | list[float] = 0,
                 eps: float = 1e-8) -> None:
        if factor >= 1.0:
            raise WeifenValueError(f"ReduceLROnPlateau: factor must be < 1.0, got {factor}")
        if not isinstance(optimizer, Optimizer):
            raise WeifenTypeError(f"ReduceLROnPlateau: {type(optimizer).__name__} is not a "
                                  "wf.optim Optimizer")
        self.factor = factor
        self.optimizer = optimizer
        if isinstance(min_lr, (list, tuple)):
            self.default_min_lr = None
            self.min_lrs = _per_group("min_lr", optimizer, min_lr)
        else:
            self.default_min_lr = min_lr
            self.min_lrs = [min_lr] * len(optimizer.param_groups)
        self.patience = patience
        self.cooldown = cooldown
        self.eps = eps
        self.last_epoch = 0
        self._last_lr = _lrs(optimizer)
        self._init_is_better(mode, threshold, threshold_mode)
        self._reset()

    def _init_is_better(self, mode: str, threshold: float, threshold_mode: str) -> None:
        if mode not in ("min", "max"):
            raise WeifenValueError(f"ReduceLROnPlateau: mode must be 'min' or 'max', got "
                                   f"{mode!r}")
        if threshold_mode not in ("rel", "abs"):
            raise WeifenValueError("ReduceLROnPlateau: threshold_mode must be 'rel' or 'abs', "
                                   f"got {threshold_mode!r}")
        self.mode_worse = math.inf if mode == "min" else -math.inf
        self.mode = mode
        self.threshold = threshold
        self.threshold_mode = threshold_mode

    def _reset(self) -> None:
        self.best = self.mode_worse
        self.cooldown_counter = 0
        self.num_bad_epochs = 0

    @property
    def in_cooldown(self) -> bool:
        """Whether the epochs after a reduction, in which bad epochs are not counted, last."""
        return self.cooldown_counter > 0

    def _is_better(self, a: float, best: float) -> bool:
        if self.mode == "min":
            if self.threshold_mode == "rel":
                return a < best * (1.0 - self.threshold)
            return a < best - self.threshold
        if self.threshold_mode == "rel":
            return a > best * (self.threshold + 1.0)
        return a > best + self.threshold

    def step(self, metrics: Any, epoch: int | None = None) -> None:  # type: ignore[override]
        """Record one evaluation of the metric (a number or a 0-d Tensor)."""
        current = float(metrics)
        if epoch is None:
            epoch = self.last_epoch + 1
        else:
            warnings.warn("passing an epoch to step() is deprecated (as in torch)",
                          UserWarning, stacklevel=2)
        self.last_epoch = epoch
        if self._is_better(current, self.best):
            self.best = current
            self.num_bad_epochs = 0
        else:
            self.num_bad_epochs += 1
        if self.in_cooldown:
            self.cooldown_counter -= 1
            self.num_bad_epochs = 0
        if self.num_bad_epochs > self.patience:
            self._reduce_lr()
            self.cooldown_counter = self.cooldown
            self.num_bad_epochs = 0
        self._last_lr = _lrs(self.optimizer)

    def _reduce_lr(self) -> None:
        groups = self.optimizer.param_groups
        if len(groups) != len(self.min_lrs):
            if self.default_min_lr is None:
                raise WeifenValueError(
                    f"ReduceLROnPlateau: the optimizer has {len(groups)} parameter groups "
                    f"but min_lrs has {len(self.min_lrs)} values (a group was added after "
                    "the scheduler was made); set the scheduler's min_lrs to match")
            self.min_lrs = [self.default_min_lr] * len(groups)
        for g, lo in zip(groups, self.min_lrs):
            old = float(g["lr"])
            new = max(old * self.factor, lo)
            if old - new > self.eps:
                g["lr"] = new

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore what ``state_dict()`` returned.

        >>> import weifen as wf
        >>> opt = wf.optim.SGD([wf.nn.Parameter(wf.ones(1))], lr=1.0)
        >>> s = wf.optim.lr_scheduler.ReduceLROnPlateau(opt, mode="max")
        >>> s.step(0.5)
        >>> s2 = wf.optim.lr_scheduler.ReduceLROnPlateau(opt)
        >>> s2.load_state_dict(s.state_dict())
        >>> s2.mode, s2.best, s2.last_epoch
        ('max', 0.5, 1)
        """
        super().load_state_dict(state_dict)
        self._init_is_better(self.mode, self.threshold, self.threshold_mode)

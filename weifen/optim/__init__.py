"""``wf.optim``: ``SGD``, ``Adam``, ``AdamW``, ``RMSprop`` and ``Adagrad`` with parameter
groups and state dicts, and learning-rate schedules in ``wf.optim.lr_scheduler``, all
step for step as ``torch.optim``.

Updates run in place on the raw arrays, under ``no_grad`` (no graph is recorded), and bump
each parameter's version counter, so a backward through values saved before the step
raises instead of using stale ones.

``opt.state_dict()`` has torch's layout except that the parameter indices keying
``"state"`` are strings (``"0"``, ``"1"``, ...; an int index looks them up too), so
``wf.save`` stores it as it is; ``load_state_dict`` takes it back from ``wf.load``, and
also takes torch's own (int keys, torch tensors). Schedulers' ``state_dict()`` hold only
numbers, strings and lists, so they save as they are too.

>>> import weifen as wf
>>> w = wf.nn.Parameter(wf.tensor([1.0, -2.0]))
>>> opt = wf.optim.SGD([w], lr=0.1)
>>> (w * w).sum().backward()
>>> opt.step()
>>> w
Parameter containing:
tensor([ 0.8, -1.6], requires_grad=True)
"""
from weifen.optim.optimizer import Optimizer
from weifen.optim.sgd import SGD
from weifen.optim.adam import Adam, AdamW
from weifen.optim.adaptive import Adagrad, RMSprop
from weifen.optim import lr_scheduler

__all__ = ["Optimizer", "SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "lr_scheduler"]

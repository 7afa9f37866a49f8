"""``wf.optim``: ``SGD``, ``Adam``, ``AdamW``, ``RMSprop`` and ``Adagrad`` with parameter
groups and state dicts, and learning-rate schedules in ``wf.optim.lr_scheduler``, all
step for step as ``torch.optim``.

Updates run on the raw arrays (no graph is recorded) and bump each parameter's version
counter, so a backward through values saved before the step raises instead of using
stale ones.

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

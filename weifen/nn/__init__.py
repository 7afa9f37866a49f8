"""``wf.nn``: PyTorch-shaped models (``Module``, ``Parameter``, layers and losses).

>>> import weifen as wf, numpy as np
>>> np.random.seed(0)
>>> net = wf.nn.Sequential(wf.nn.Linear(2, 4), wf.nn.Tanh(), wf.nn.Linear(4, 1))
>>> loss = wf.nn.MSELoss()(net(wf.ones(3, 2)), wf.zeros(3, 1))
>>> loss.backward()
>>> [tuple(p.grad.shape) for p in net.parameters()]
[(4, 2), (4,), (1, 4), (1,)]
"""
from weifen.nn.layers import Linear, ReLU, Sigmoid, Tanh
from weifen.nn.losses import BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, MSELoss
from weifen.nn.module import Module, Parameter, Sequential

__all__ = ["Module", "Parameter", "Sequential", "Linear", "ReLU", "Tanh", "Sigmoid",
           "MSELoss", "CrossEntropyLoss", "BCELoss", "BCEWithLogitsLoss"]

"""``wf.nn``: PyTorch-shaped models (``Module``, ``Parameter``, layers, losses), with
``wf.nn.functional``, ``wf.nn.init`` and ``wf.nn.utils``.

>>> import weifen as wf, numpy as np
>>> wf.manual_seed(0)
>>> net = wf.nn.Sequential(wf.nn.Linear(2, 4), wf.nn.Tanh(), wf.nn.Linear(4, 1))
>>> loss = wf.nn.MSELoss()(net(wf.ones(3, 2)), wf.zeros(3, 1))
>>> loss.backward()
>>> [tuple(p.grad.shape) for p in net.parameters()]
[(4, 2), (4,), (1, 4), (1,)]
"""
from weifen.nn.module import Module, ModuleDict, ModuleList, Parameter, Sequential
from weifen.nn import functional, init, utils
from weifen.nn.activation import (ELU, GELU, LeakyReLU, LogSoftmax, ReLU, Sigmoid, SiLU,
                                  Softmax, Softplus, Tanh)
from weifen.nn.layers import Dropout, Embedding, Flatten, Identity, Linear, Unflatten
from weifen.nn.conv import AvgPool2d, Conv2d, MaxPool2d
from weifen.nn.norm import BatchNorm1d, BatchNorm2d, LayerNorm
from weifen.nn.losses import (BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, HuberLoss, L1Loss,
                              MSELoss, NLLLoss, SmoothL1Loss)

__all__ = ["Module", "Parameter", "Sequential", "ModuleList", "ModuleDict", "Linear",
           "Identity", "Flatten", "Unflatten", "Dropout", "Embedding", "Conv2d", "MaxPool2d",
           "AvgPool2d", "LayerNorm", "BatchNorm1d", "BatchNorm2d", "ReLU", "Tanh", "Sigmoid",
           "GELU", "SiLU", "Softmax", "LogSoftmax", "LeakyReLU", "ELU", "Softplus", "MSELoss",
           "L1Loss", "HuberLoss", "SmoothL1Loss", "CrossEntropyLoss", "NLLLoss", "BCELoss",
           "BCEWithLogitsLoss", "functional", "init", "utils"]

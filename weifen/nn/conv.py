"""Convolution and pooling modules over NCHW images: ``Conv2d``, ``MaxPool2d``,
``AvgPool2d``, with torch's arguments, initialisation and ``repr``.

>>> import weifen as wf
>>> net = wf.nn.Sequential(wf.nn.Conv2d(1, 4, 3, padding=1), wf.nn.ReLU(), wf.nn.MaxPool2d(2))
>>> net(wf.ones(2, 1, 8, 8)).shape
(2, 4, 4, 4)
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from weifen.errors import ShapeError, WeifenValueError
from weifen.nn import functional as F
from weifen.nn import init
from weifen.nn._conv import _pair
from weifen.nn.layers import _device
from weifen.nn.module import Module, Parameter, check_input, param_dtype

__all__ = ["Conv2d", "MaxPool2d", "AvgPool2d"]


class Conv2d(Module):
    """2-D convolution (cross-correlation, as torch) of (N, C_in, H, W) or (C_in, H, W)
    images with ``out_channels`` kernels of ``kernel_size``.

    ``stride``, ``padding`` (an int, a pair, ``"valid"`` or ``"same"``), ``dilation`` and
    ``groups`` as torch; ``padding_mode`` ``"zeros"``, ``"reflect"``, ``"replicate"`` or
    ``"circular"``. The weight (out_channels, in_channels / groups, kh, kw) and bias are
    drawn as torch's: U(-b, b) with ``b = 1 / sqrt(in_channels / groups * kh * kw)``.

    >>> import weifen as wf
    >>> conv = wf.nn.Conv2d(3, 8, 3, stride=2, padding=1)
    >>> conv(wf.ones(2, 3, 9, 9)).shape, conv
    ((2, 8, 5, 5), Conv2d(3, 8, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1)))
    """

    def __init__(self, in_channels: int, out_channels: int, kernel_size: Any, stride: Any = 1,
                 padding: Any = 0, dilation: Any = 1, groups: int = 1, bias: bool = True,
                 padding_mode: str = "zeros", device: Any = None, dtype: Any = None) -> None:
        super().__init__()
        _device(device)
        name = "Conv2d"
        if groups <= 0 or in_channels % groups or out_channels % groups:
            raise WeifenValueError(f"{name}: in_channels ({in_channels}) and out_channels "
                                   f"({out_channels}) must be divisible by groups ({groups})")
        if padding_mode not in ("zeros", "reflect", "replicate", "circular"):
            raise WeifenValueError(f"{name}: padding_mode must be 'zeros', 'reflect', "
                                   f"'replicate' or 'circular', got {padding_mode!r}")
        self.in_channels = int(in_channels)
        self.out_channels = int(out_channels)
        self.kernel_size = _pair(kernel_size, name, "kernel_size")
        self.stride = _pair(stride, name, "stride")
        self.dilation = _pair(dilation, name, "dilation")
        if isinstance(padding, str):
            if padding not in ("valid", "same"):
                raise WeifenValueError(f"{name}: padding must be an int, a pair, 'valid' or "
                                       f"'same', got {padding!r}")
            if padding == "same" and self.stride != (1, 1):
                raise WeifenValueError("padding='same' is not supported for strided "
                                       "convolutions")
            self.padding = padding
        else:
            self.padding = _pair(padding, name, "padding")
        self.groups = int(groups)
        self.padding_mode = padding_mode
        self.output_padding = (0, 0)
        dt = param_dtype(dtype)
        kh, kw = self.kernel_size
        self.weight = Parameter(np.empty((self.out_channels, self.in_channels // self.groups,
                                          kh, kw), dt))
        if bias:
            self.bias = Parameter(np.empty(self.out_channels, dt))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in = self.in_channels // self.groups * self.kernel_size[0] * self.kernel_size[1]
            if fan_in:
                bound = 1 / math.sqrt(fan_in)
                init.uniform_(self.bias, -bound, bound)

    def _explicit_padding(self) -> tuple:
        """(left, right, top, bottom) for F.pad, from ``padding`` (torch's order)."""
        if self.padding == "valid":
            return (0, 0, 0, 0)
        if self.padding == "same":
            out = []
            for k, d in zip(reversed(self.kernel_size), reversed(self.dilation)):
                total = d * (k - 1)
                out += [total // 2, total - total // 2]
            return tuple(out)
        ph, pw = self.padding
        return (pw, pw, ph, ph)

    def forward(self, x: Any) -> Any:
        w = self.weight
        if getattr(x, "dtype", None) != w.dtype:
            x = check_input(self, x, w.dtype)
        s = tuple(x.shape)
        C = self.in_channels
        if len(s) not in (3, 4) or s[-3] != C:
            raise ShapeError(f"{self!r} expects input of shape (N, {C}, H, W) or ({C}, H, W), "
                             f"got {s}")
        if self.padding_mode != "zeros":
            x = F.pad(x, self._explicit_padding(), mode=self.padding_mode)
            return F.conv2d(x, w, self.bias, self.stride, 0, self.dilation, self.groups)
        return F.conv2d(x, w, self.bias, self.stride, self.padding, self.dilation, self.groups)

    def extra_repr(self) -> str:
        s = (f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
             f"stride={self.stride}")
        if self.padding != (0, 0):
            s += f", padding={self.padding}"
        if self.dilation != (1, 1):
            s += f", dilation={self.dilation}"
        if self.groups != 1:
            s += f", groups={self.groups}"
        if self.bias is None:
            s += ", bias=False"
        if self.padding_mode != "zeros":
            s += f", padding_mode={self.padding_mode}"
        return s


class MaxPool2d(Module):
    """The maximum of each ``kernel_size`` window (``stride`` defaults to the kernel size;
    padding counts as -inf; ``ceil_mode`` keeps a last partial window), as torch.

    >>> import weifen as wf
    >>> wf.nn.MaxPool2d(2)(wf.ones(1, 3, 8, 8)).shape, wf.nn.MaxPool2d(2)
    ((1, 3, 4, 4), MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False))
    """

    def __init__(self, kernel_size: Any, stride: Any = None, padding: Any = 0,
                 dilation: Any = 1, return_indices: bool = False,
                 ceil_mode: bool = False) -> None:
        super().__init__()
        if return_indices:
            raise NotImplementedError("MaxPool2d: return_indices=True is not supported")
        self.kernel_size = kernel_size
        self.stride = stride if stride is not None else kernel_size
        self.padding = padding
        self.dilation = dilation
        self.return_indices = return_indices
        self.ceil_mode = ceil_mode

    def forward(self, x: Any) -> Any:
        return F.max_pool2d(x, self.kernel_size, self.stride, self.padding, self.dilation,
                            self.ceil_mode)

    def extra_repr(self) -> str:
        return (f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"
                f", dilation={self.dilation}, ceil_mode={self.ceil_mode}")


class AvgPool2d(Module):
    """The mean of each ``kernel_size`` window, as torch (``ceil_mode`` unsupported).

    >>> import weifen as wf
    >>> wf.nn.AvgPool2d(2)(wf.ones(1, 1, 4, 4)).shape, wf.nn.AvgPool2d(2)
    ((1, 1, 2, 2), AvgPool2d(kernel_size=2, stride=2, padding=0))
    """

    def __init__(self, kernel_size: Any, stride: Any = None, padding: Any = 0,
                 ceil_mode: bool = False, count_include_pad: bool = True,
                 divisor_override: int | None = None) -> None:
        super().__init__()
        if ceil_mode:
            raise NotImplementedError("AvgPool2d: ceil_mode=True is not supported")
        self.kernel_size = kernel_size
        self.stride = stride if stride is not None else kernel_size
        self.padding = padding
        self.ceil_mode = ceil_mode
        self.count_include_pad = count_include_pad
        self.divisor_override = divisor_override

    def forward(self, x: Any) -> Any:
        return F.avg_pool2d(x, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                            self.count_include_pad, self.divisor_override)

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"

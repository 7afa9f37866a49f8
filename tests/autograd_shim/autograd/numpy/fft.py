"""autograd.numpy.fft -> weifen.fft (names only)."""
from weifen.fft import *  # noqa: F401,F403


def __getattr__(name: str):
    import weifen.fft as _wfft

    if hasattr(_wfft, name):
        return getattr(_wfft, name)
    raise AttributeError(f"autograd.numpy.fft (weifen shim): weifen.fft has no {name!r}")

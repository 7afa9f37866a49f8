"""The one rule every module of the shim follows to map a name (no other logic here)."""
import importlib


def export(target: dict, module: str, attr: str | None = None) -> None:
    """Copy the public names of weifen's ``module`` (or of its member ``attr``, for
    ``weifen.scipy.stats.norm``-style objects) into ``target``, a shim module's globals.
    A missing weifen module raises ImportError: the tests that need it fail, as they should.
    """
    obj = importlib.import_module(module)
    if attr is not None:
        obj = getattr(obj, attr)
    names = getattr(obj, "__all__", None)
    if names is None:
        names = [n for n in dir(obj) if not n.startswith("_")]
    for n in names:
        target[n] = getattr(obj, n)

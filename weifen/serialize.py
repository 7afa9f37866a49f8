"""``wf.save`` / ``wf.load``: tensors, arrays, numbers and strings in nested dicts, lists
and tuples (a ``state_dict``, a checkpoint), in a file that never runs code on load.

The file is a NumPy ``.npz`` archive: each array is one ``.npy`` member, and the nesting
is a JSON document in one more member. Loading parses the JSON and reads only numeric
``.npy`` members, so nothing in the file is ever executed or unpickled.

>>> import weifen as wf, tempfile, os
>>> path = os.path.join(tempfile.mkdtemp(), "ckpt.npz")
>>> wf.save({"w": wf.tensor([1.0, 2.0]), "step": 3, "name": "mlp"}, path)
>>> wf.load(path)
{'w': tensor([1., 2.]), 'step': 3, 'name': 'mlp'}

``load`` treats the file as untrusted input. Whatever is wrong with it (empty, truncated,
not a zip, a header that is not what ``save`` writes, a missing or malformed member, an
object dtype, a shape larger than the bytes behind it) raises ``WeifenValueError`` naming
the file and the problem. Declared sizes are checked against the bytes actually present
before anything is allocated, only the members the header names are read, and nesting is
bounded and walked with explicit stacks, so neither memory nor the interpreter's stack
grows with what a damaged file claims.
"""
from __future__ import annotations

import json
import math
import os
import re
import reprlib
import struct
import zipfile
import zlib
from json.encoder import encode_basestring_ascii
from typing import Any

import numpy as np

from weifen.errors import WeifenTypeError, WeifenValueError
from weifen.tape.tensor import Tensor

_HEADER = "__weifen__"
_FORMAT = "weifen-save-1"

# Real checkpoints nest a handful of levels; the bound keeps every walk, and the C stack
# of the JSON decoder, shallow whatever the input.
_MAX_DEPTH = 100
# One container level costs at most three JSON levels ({"dict": [["key", node]]}); add
# the document object and a leaf's object: no header save writes is deeper than this.
_MAX_JSON_DEPTH = 3 * _MAX_DEPTH + 2
# numpy writes .npy headers of about a hundred bytes and itself refuses more than 10000.
_MAX_NPY_HEADER = 10000
_MAX_NDIM = 64  # numpy's own limit on dimensions
# deflate cannot expand its input by more than about 1032:1, so a larger claim is a lie
_DEFLATE_RATIO = 1032
_CHUNK = 1 << 20  # array data is copied in pieces of this size, never read whole first
_KINDS = "biufc"  # bool, signed and unsigned integers, floats, complex

# What the zip, zlib and file layers raise on a damaged archive (RuntimeError: encrypted,
# NotImplementedError: an unknown compression, EOFError: data cut short).
_ARCHIVE_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError,
                   NotImplementedError, RuntimeError, struct.error, zlib.error, KeyError,
                   IndexError, OverflowError)

_short = reprlib.Repr()
_short.maxstring = _short.maxother = 60
_short.maxlevel = 2


class _Damaged(Exception):
    """A problem found in the file; ``load`` prefixes the path and raises WeifenValueError.

    Not a ValueError on purpose, so the handlers for the archive layers never swallow it.
    """


def _why(e: BaseException) -> str:
    return f"{type(e).__name__}: {_short.repr(str(e))[1:-1]}"


def _path_text(keys: list) -> str:
    """``['model'][0]`` for the keys leading to an entry; the middle of a deep one elided."""
    if not keys:
        return "the top level"
    parts = [f"[{_short.repr(k)}]" for k in keys]
    if len(parts) > 8:
        parts[3:-3] = [f"...{len(parts) - 6} levels..."]
    return "".join(parts)


# ================================================================ save
def _scalar_json(x: None | bool | int | float | str) -> str:
    """What ``json.dumps`` writes for one scalar, without its per-call setup (a checkpoint
    may hold long lists of numbers)."""
    if x is None or x is True or x is False:
        return "null" if x is None else "true" if x else "false"
    if isinstance(x, str):
        return encode_basestring_ascii(x)
    if isinstance(x, int):
        return int.__repr__(x)  # an IntEnum's own repr is not a number
    if x != x:
        return "NaN"
    if x in (math.inf, -math.inf):
        return "Infinity" if x > 0 else "-Infinity"
    return float.__repr__(x)


class _EncFrame:
    """A container being written: its remaining items and the key of the current one."""

    __slots__ = ("items", "is_dict", "ident", "count", "key")

    def __init__(self, items, is_dict: bool, ident: int) -> None:
        self.items, self.is_dict, self.ident = items, is_dict, ident
        self.count = 0
        self.key: Any = None


def _encode(obj: Any) -> tuple[str, dict[str, np.ndarray]]:
    """The JSON header and the arrays for ``obj``, written with an explicit stack."""
    arrays: dict[str, np.ndarray] = {}
    parts = ['{"format": ', json.dumps(_FORMAT), ', "root": ']
    stack: list[_EncFrame] = []  # the open containers, outermost first
    on_path: set[int] = set()  # their ids: meeting one again means it contains itself

    def where() -> str:
        return _path_text([fr.key for fr in stack])

    def put_array(tag: str, arr: np.ndarray) -> None:
        if arr.dtype.kind not in _KINDS:
            raise WeifenTypeError(
                f"save: cannot store an array of dtype {arr.dtype} (at {where()}); only "
                "bool, integer, float and complex arrays can be saved")
        key = f"a{len(arrays)}"
        arrays[key] = arr
        parts.append(f'{{"{tag}": "{key}"}}')

    def put_scalar(x: Any) -> None:
        try:
            text = _scalar_json(x)
        except ValueError as e:  # an int too long for int->str conversion
            raise WeifenValueError(f"save: cannot store the value at {where()}: {e}") from None
        parts.append(f'{{"value": {text}}}')

    def put(x: Any) -> None:
        """Write a leaf, or open a container and push its frame (the loop fills it)."""
        if isinstance(x, Tensor):
            put_array("tensor", np.asarray(x.numpy()))
        elif isinstance(x, np.ndarray):
            put_array("array", x)
        elif isinstance(x, (dict, list, tuple)):
            if id(x) in on_path:
                raise WeifenValueError(
                    f"save: the object contains itself (at {where()}); a container that "
                    "holds itself has no finite form in a file")
            if len(stack) >= _MAX_DEPTH:
                raise WeifenValueError(
                    f"save: containers nested more than {_MAX_DEPTH} deep (at {where()}); "
                    "flatten the structure, e.g. with keys like 'a.b.c'")
            on_path.add(id(x))
            is_dict = isinstance(x, dict)
            tag = "dict" if is_dict else "tuple" if isinstance(x, tuple) else "list"
            parts.append(f'{{"{tag}": [')
            stack.append(_EncFrame(iter(x.items()) if is_dict else enumerate(x), is_dict,
                                   id(x)))
        elif x is None or isinstance(x, (bool, int, float, str)):
            put_scalar(x)
        elif isinstance(x, np.generic) and isinstance(x.item(), (bool, int, float, str)):
            put_scalar(x.item())
        else:
            raise WeifenTypeError(
                f"save: cannot store a {type(x).__name__} (at {where()}); store tensors, "
                "arrays, numbers, strings, None, and dicts/lists/tuples of them")

    put(obj)
    while stack:
        fr = stack[-1]
        item = next(fr.items, None)  # items are (key, value) pairs, so None marks the end
        if fr.is_dict and fr.count:
            parts.append("]")  # closes the previous ["key", value] pair
        if item is None:
            parts.append("]}")
            on_path.discard(fr.ident)
            stack.pop()
            continue
        if fr.count:
            parts.append(", ")
        fr.count += 1
        fr.key, value = item
        if fr.is_dict:
            if not isinstance(fr.key, str):
                raise WeifenTypeError(
                    f"save: dict keys must be strings, got {_short.repr(fr.key)} of type "
                    f"{type(fr.key).__name__} in the dict at "
                    f"{_path_text([f.key for f in stack[:-1]])}")
            parts.append(f"[{json.dumps(fr.key)}, ")
        put(value)
    parts.append("}")
    return "".join(parts), arrays


def save(obj: Any, path: str | os.PathLike) -> None:
    """Write ``obj`` to ``path`` (a module's ``state_dict()``, or any nesting of dicts with
    string keys, lists and tuples around tensors, arrays, numbers, strings and None).

    Everything is checked before the file is opened, so a refused object leaves an existing
    file at ``path`` as it was; ``obj`` itself is never modified.

    >>> import weifen as wf, tempfile, os
    >>> path = os.path.join(tempfile.mkdtemp(), "ckpt.npz")
    >>> wf.save({"opt": {"lr": 0.1, "schedule": lambda step: 0.1}}, path)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    weifen.errors.WeifenTypeError: save: cannot store a function (at ['opt']['schedule']); ...
    >>> os.path.exists(path)
    False
    """
    text, arrays = _encode(obj)
    header = np.frombuffer(text.encode("utf-8"), dtype=np.uint8)
    with open(os.fspath(path), "wb") as f:  # an exact path: savez would append ".npz"
        np.savez(f, **{_HEADER: header}, **arrays)


# ================================================================ load: the archive
_NPY_TOKEN = re.compile(r"""\s*(?:'([^'\\]*)'|"([^"\\]*)"|(True|False)|(\d{1,19})|([{}(),:]))""")
_DESCR = re.compile(r"[<>|=]?[biufc]\d{1,2}")


def _npy_tokens(text: str, what: str) -> list[tuple[str, Any]]:
    tokens: list[tuple[str, Any]] = []
    pos, end = 0, len(text.rstrip())
    while pos < end:
        m = _NPY_TOKEN.match(text, pos)
        if m is None:
            raise _Damaged(f"{what} has an unreadable .npy header {_short.repr(text)}")
        s1, s2, word, num, punct = m.groups()
        if punct:
            tokens.append(("p", punct))
        elif word:
            tokens.append(("b", word == "True"))
        elif num:
            tokens.append(("i", int(num)))
        else:
            tokens.append(("s", s1 if s1 is not None else s2))
        pos = m.end()
    return tokens


def _parse_npy_header(text: str, what: str) -> tuple[np.dtype, bool, tuple[int, ...]]:
    """The dict literal of a .npy header, parsed by hand: ``ast.literal_eval`` (numpy's way)
    can recurse and allocate without bound on hostile text. The grammar is flat: a dict of
    strings, booleans and one tuple of integers."""
    def bad() -> _Damaged:
        return _Damaged(f"{what} has an unreadable .npy header {_short.repr(text)}")

    toks = iter(_npy_tokens(text, what))
    end = ("end", None)
    if next(toks, end) != ("p", "{"):
        raise bad()
    fields: dict[str, Any] = {}
    tok = next(toks, end)
    while tok != ("p", "}"):
        kind, key = tok
        if kind != "s" or key in fields or next(toks, end) != ("p", ":"):
            raise bad()
        kind, value = next(toks, end)
        if (kind, value) == ("p", "("):
            dims = []
            tok = next(toks, end)
            while tok != ("p", ")"):
                if tok[0] != "i":
                    raise bad()
                dims.append(tok[1])
                tok = next(toks, end)
                if tok == ("p", ","):
                    tok = next(toks, end)
                elif tok != ("p", ")"):
                    raise bad()
            value = tuple(dims)
        elif kind not in ("s", "b"):
            raise bad()
        fields[key] = value
        tok = next(toks, end)
        if tok == ("p", ","):
            tok = next(toks, end)
        elif tok != ("p", "}"):
            raise bad()
    if next(toks, end) != end:
        raise bad()
    descr, fortran, shape = (fields.get(k) for k in ("descr", "fortran_order", "shape"))
    if (fields.keys() != {"descr", "fortran_order", "shape"} or not isinstance(descr, str)
            or not isinstance(fortran, bool) or not isinstance(shape, tuple)):
        raise bad()
    if not _DESCR.fullmatch(descr):
        raise _Damaged(f"{what} holds dtype {_short.repr(descr)}; wf.load reads only bool, "
                       "integer, float and complex arrays and never unpickles objects")
    try:
        dtype = np.dtype(descr)
    except (TypeError, ValueError):
        raise _Damaged(f"{what} holds the unknown dtype {descr!r}") from None
    if len(shape) > _MAX_NDIM:
        raise _Damaged(f"{what} declares {len(shape)} dimensions (numpy allows {_MAX_NDIM})")
    return dtype, fortran, shape


def _read_exact(f, n: int, what: str) -> bytes:
    data = f.read(n)
    if len(data) != n:
        raise _Damaged(f"{what} ends early")
    return data


def _read_npy(f, size: int, what: str) -> np.ndarray:
    """One .npy member of ``size`` bytes; the array is allocated only once the header's
    shape and dtype are known to match the bytes the member holds."""
    lead = _read_exact(f, min(size, 8), what)
    if len(lead) < 8 or lead[:6] != b"\x93NUMPY":
        raise _Damaged(f"{what} is not a .npy array")
    version = (lead[6], lead[7])
    if version == (1, 0):
        fmt, encoding = "<H", "latin1"
    elif version in ((2, 0), (3, 0)):
        fmt, encoding = "<I", "latin1" if version == (2, 0) else "utf-8"
    else:
        raise _Damaged(f"{what} is a .npy of unknown version {version[0]}.{version[1]}")
    start = 8 + struct.calcsize(fmt)
    if size < start:
        raise _Damaged(f"{what} ends inside its .npy header")
    (hlen,) = struct.unpack(fmt, _read_exact(f, start - 8, what))
    if hlen > _MAX_NPY_HEADER:
        raise _Damaged(f"{what} declares a .npy header of {hlen} bytes "
                       f"(at most {_MAX_NPY_HEADER} are read)")
    if start + hlen > size:
        raise _Damaged(f"{what} declares a .npy header of {hlen} bytes but holds "
                       f"{size - start}")
    try:
        text = _read_exact(f, hlen, what).decode(encoding)
    except UnicodeDecodeError:
        raise _Damaged(f"{what} has a .npy header that is not {encoding} text") from None
    dtype, fortran, shape = _parse_npy_header(text, what)
    count = math.prod(shape)  # Python ints: a claim of 10**12 elements cannot overflow
    nbytes = count * dtype.itemsize
    held = size - start - hlen
    if nbytes != held:
        raise _Damaged(f"{what} declares shape {shape} of {dtype} ({nbytes} bytes) but "
                       f"holds {held} bytes of data")
    arr = np.empty(count, dtype)
    buf = memoryview(arr.view(np.uint8))
    pos = 0
    while pos < nbytes:
        chunk = f.read(min(_CHUNK, nbytes - pos))
        if not chunk:
            raise _Damaged(f"{what} ends early")
        buf[pos:pos + len(chunk)] = chunk
        pos += len(chunk)
    return arr.reshape(shape[::-1]).T if fortran else arr.reshape(shape)


class _Archive:
    """The members of an open npz, each read on demand with its sizes checked first."""

    def __init__(self, zf: zipfile.ZipFile, file_size: int) -> None:
        self.zf, self.file_size = zf, file_size
        self.cache: dict[str, np.ndarray] = {}

    def find(self, key: str) -> zipfile.ZipInfo | None:
        for name in (key + ".npy", key):  # np.load's lookup: with or without ".npy"
            try:
                return self.zf.getinfo(name)
            except KeyError:
                pass
        return None

    def header(self) -> bytes:
        info = self.find(_HEADER)
        if info is None:
            raise _Damaged(f"not a file written by wf.save (it has no {_HEADER!r} member)")
        raw = self.read(info)
        if raw.dtype != np.uint8 or raw.ndim != 1:
            raise _Damaged(f"its {_HEADER!r} member is not the header wf.save writes")
        return raw.tobytes()

    def array(self, key: str) -> np.ndarray:
        if key not in self.cache:
            info = self.find(key) if key != _HEADER else None
            if info is None:
                raise _Damaged(f"its header names the array {_short.repr(key)}, which the "
                               "file does not hold")
            self.cache[key] = self.read(info)
        return self.cache[key]

    def read(self, info: zipfile.ZipInfo) -> np.ndarray:
        what = f"member {info.filename!r}"
        # The central directory's sizes are claims: bound them by the bytes really in the
        # file before zipfile or numpy allocates anything from them.
        if info.flag_bits & 0x1:
            raise _Damaged(f"{what} is encrypted")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise _Damaged(f"{what} uses zip compression method {info.compress_type}; "
                           "wf.load reads stored or deflated members only")
        if info.header_offset + info.compress_size > self.file_size:
            raise _Damaged(f"{what} claims {info.compress_size} bytes at offset "
                           f"{info.header_offset}, past the end of the {self.file_size}-byte "
                           "file (truncated?)")
        stored = info.compress_type == zipfile.ZIP_STORED
        if (stored and info.file_size != info.compress_size) or (
                info.file_size > _DEFLATE_RATIO * info.compress_size + 64):
            raise _Damaged(f"{what} declares {info.file_size} bytes uncompressed, more than "
                           f"its {info.compress_size} bytes in the archive can hold")
        try:
            with self.zf.open(info) as f:
                return _read_npy(f, info.file_size, what)
        except _ARCHIVE_ERRORS as e:
            raise _Damaged(f"{what} is damaged ({_why(e)})") from None


# ================================================================ load: the header
# A JSON string, closing quote optional so that an unterminated one ends the match at the
# end of the text: one pass, no backtracking, whatever the input.
_JSON_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"?', re.DOTALL)


def _json_depth(text: str) -> int:
    """How deep the JSON text nests, counted without decoding it (json.loads recurses once
    per level and would fail deep inside on a hostile header): drop the strings, then
    a running count of the brackets left."""
    bare = np.frombuffer(_JSON_STRING.sub("", text).encode("utf-8"), dtype=np.uint8)
    opens = (bare == ord("[")) | (bare == ord("{"))
    closes = (bare == ord("]")) | (bare == ord("}"))
    steps = opens.astype(np.int32) - closes
    return int(np.cumsum(steps, dtype=np.int64).max(initial=0))


def _parse_header(raw: bytes) -> dict:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise _Damaged("its header is not UTF-8 text") from None
    if _json_depth(text) > _MAX_JSON_DEPTH:
        raise _Damaged(f"its header nests more than {_MAX_JSON_DEPTH} levels deep, deeper than "
                       "wf.save ever writes")
    try:
        doc = json.loads(text)
    except RecursionError:  # only under a recursion limit set far below the default
        raise _Damaged("its header nests too deeply for this interpreter's recursion "
                       "limit") from None
    except ValueError as e:
        raise _Damaged(f"its header is not valid JSON ({_why(e)})") from None
    if not isinstance(doc, dict) or "root" not in doc:
        raise _Damaged("its header is not the JSON object wf.save writes (with 'format' and "
                       "'root')")
    if doc.get("format") != _FORMAT:
        raise _Damaged(f"unknown format {_short.repr(doc.get('format'))} (this version "
                       f"reads {_FORMAT!r})")
    return doc


class _BadNode(Exception):
    """A header entry that is not what save writes (the message lacks the entry's path)."""


class _DecFrame:
    """A container being rebuilt: its kind, its children's keys and nodes, their values."""

    __slots__ = ("kind", "keys", "nodes", "values")

    def __init__(self, kind: str, keys: list | None, nodes: list) -> None:
        self.kind, self.keys, self.nodes = kind, keys, nodes
        self.values: list = []

    def key(self) -> Any:
        i = len(self.values)
        return self.keys[i] if self.keys is not None else i

    def finish(self) -> Any:
        if self.kind == "dict":
            return dict(zip(self.keys, self.values))
        return tuple(self.values) if self.kind == "tuple" else self.values


def _open_node(node: Any, archive: _Archive) -> Any:
    """A leaf's value, or a frame for a container."""
    if not isinstance(node, dict) or len(node) != 1:
        raise _BadNode(f"is {_short.repr(node)}, not a one-key object")
    ((kind, v),) = node.items()
    if kind in ("list", "tuple"):
        if not isinstance(v, list):
            raise _BadNode(f"is a {kind} whose items are not a JSON array")
        return _DecFrame(kind, None, v)
    if kind == "dict":
        if not isinstance(v, list) or not all(
                isinstance(p, list) and len(p) == 2 and isinstance(p[0], str) for p in v):
            raise _BadNode("is a dict whose items are not [key, value] pairs")
        return _DecFrame(kind, [p[0] for p in v], [p[1] for p in v])
    if kind == "value":
        if v is not None and not isinstance(v, (bool, int, float, str)):
            raise _BadNode(f"is a value of JSON type {type(v).__name__}")
        return v
    if kind in ("tensor", "array"):
        if not isinstance(v, str):
            raise _BadNode(f"names its {kind} by {_short.repr(v)}, not a string")
        arr = archive.array(v)
        return Tensor(arr) if kind == "tensor" else arr
    raise _BadNode(f"has the unknown kind {_short.repr(kind)}")


def _build(root: Any, archive: _Archive) -> Any:
    """The object the header describes, rebuilt bottom-up with an explicit stack."""
    frames: list[_DecFrame] = []

    def opened(node: Any) -> Any:
        try:
            return _open_node(node, archive)
        except _BadNode as e:
            where = _path_text([fr.key() for fr in frames])
            raise _Damaged(f"its header entry at {where} {e}") from None

    top = opened(root)
    if not isinstance(top, _DecFrame):
        return top
    frames.append(top)
    while True:
        fr = frames[-1]
        if len(fr.values) == len(fr.nodes):
            frames.pop()
            value = fr.finish()
            if not frames:
                return value
            frames[-1].values.append(value)
            continue
        child = opened(fr.nodes[len(fr.values)])
        if isinstance(child, _DecFrame):
            frames.append(child)
        else:
            fr.values.append(child)


def load(path: str | os.PathLike) -> Any:
    """Read what :func:`save` wrote; tensors come back as Tensors (not requiring grad).

    A missing file raises ``FileNotFoundError``; a file that is not intact raises
    ``WeifenValueError`` naming the file and what is wrong with it.

    >>> import weifen as wf, tempfile, os
    >>> path = os.path.join(tempfile.mkdtemp(), "ckpt.npz")
    >>> with open(path, "wb") as f:
    ...     _ = f.write(b"model weights, honest")
    >>> wf.load(path)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    weifen.errors.WeifenValueError: load: '...ckpt.npz': not a zip archive (wf.save writes ...)
    """
    where = os.fspath(path)
    with open(where, "rb") as fh:  # a missing file: FileNotFoundError, naming the path
        try:
            return _load(fh, os.fstat(fh.fileno()).st_size)
        except _Damaged as e:
            raise WeifenValueError(f"load: {where!r}: {e}") from None


def _load(fh, size: int) -> Any:
    lead = fh.read(6)
    if not lead:
        raise _Damaged("the file is empty")
    if lead == b"\x93NUMPY":
        raise _Damaged("a single .npy array (np.save), not a file written by wf.save")
    if lead[:2] != b"PK":
        raise _Damaged("not a zip archive (wf.save writes NumPy .npz archives)")
    fh.seek(0)
    try:
        zf = zipfile.ZipFile(fh)
    except _ARCHIVE_ERRORS as e:
        raise _Damaged(f"the zip archive is damaged or truncated ({_why(e)})") from None
    with zf:
        archive = _Archive(zf, size)
        doc = _parse_header(archive.header())
        return _build(doc["root"], archive)

"""wf.save / wf.load on hostile input: every damaged file is a WeifenValueError naming the
file, memory stays bounded by the bytes really present, and save refuses what it cannot
write (cycles, too deep nesting, unsupported types) without touching its input."""
from __future__ import annotations

import io
import json
import math
import inspect
import os
import struct
import sys
import tracemalloc
import zipfile

import numpy as np
import pytest

import weifen as wf
from weifen.errors import WeifenTypeError, WeifenValueError

# ================================================================ helpers
def _npy(arr) -> bytes:
    buf = io.BytesIO()
    np.lib.format.write_array(buf, np.asanyarray(arr), allow_pickle=True)
    return buf.getvalue()


def _raw_npy(header: str | bytes, data: bytes = b"", version=(1, 0)) -> bytes:
    """A .npy member with whatever header text we like (np.save would refuse the bad ones)."""
    h = header.encode("latin1") if isinstance(header, str) else header
    fmt = "<H" if version == (1, 0) else "<I"
    return b"\x93NUMPY" + bytes(version) + struct.pack(fmt, len(h)) + h + data


def _header(doc) -> bytes:
    text = doc if isinstance(doc, (str, bytes)) else json.dumps(doc)
    raw = text.encode("utf-8") if isinstance(text, str) else text
    return _npy(np.frombuffer(raw, dtype=np.uint8))


def _zip(path, members: dict, compression=zipfile.ZIP_STORED):
    with zipfile.ZipFile(path, "w", compression=compression) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return path


def _sample():
    return {"w": wf.tensor([[1.0, 2.0], [3.0, 4.0]]), "b": wf.tensor([0.5]),
            "meta": {"epoch": 3, "lrs": [0.1, 0.01], "pair": (1, "x"), "tag": None},
            "raw": np.arange(6, dtype=np.int32).reshape(2, 3)}


def _saved(tmp_path, name="ckpt.wf"):
    path = tmp_path / name
    wf.save(_sample(), path)
    return path


def _damaged(path, *fragments):
    """load(path) raises a WeifenValueError, raised from serialize.py itself (not from deep
    inside zipfile/json/numpy), whose message names the file and contains the fragments."""
    with pytest.raises(WeifenValueError) as info:
        wf.load(path)
    msg = str(info.value)
    assert str(path) in msg, msg
    for frag in fragments:
        assert frag in msg, (frag, msg)
    assert info.value.__cause__ is None and info.value.__suppress_context__
    assert info.traceback[-1].path.name == "serialize.py"
    return msg


def _same(a, b) -> bool:
    """Structural equality for what load returns (Tensors and arrays compared by value)."""
    stack = [(a, b)]
    while stack:
        x, y = stack.pop()
        if isinstance(x, wf.Tensor):
            if not (isinstance(y, wf.Tensor) and x.dtype == y.dtype
                    and np.array_equal(x.numpy(), y.numpy(), equal_nan=True)):
                return False
        elif isinstance(x, np.ndarray):
            if not (isinstance(y, np.ndarray) and x.dtype == y.dtype and x.shape == y.shape
                    and np.array_equal(x, y, equal_nan=x.dtype.kind in "fc")):
                return False
        elif isinstance(x, dict):
            if type(y) is not dict or list(x) != list(y):
                return False
            stack.extend((x[k], y[k]) for k in x)
        elif isinstance(x, (list, tuple)):
            if type(x) is not type(y) or len(x) != len(y):
                return False
            stack.extend(zip(x, y))
        elif isinstance(x, float) and math.isnan(x):
            if not (isinstance(y, float) and math.isnan(y)):
                return False
        elif type(x) is not type(y) or x != y:
            return False
    return True


def _flat(x: dict | list, depth: int) -> dict | list:
    for _ in range(depth - 1):
        x = {"k": x} if isinstance(x, dict) else [x]
    return x


# ================================================================ round trips still work
def test_round_trip_everything(tmp_path):
    obj = {
        "f64": wf.tensor([1.5, -2.0]), "f32": wf.tensor(np.ones((2, 2), np.float32)),
        "i64": wf.tensor(np.arange(4)), "bool": wf.tensor(np.array([True, False])),
        "c128": wf.tensor(np.array([1 + 2j])), "scalar": wf.tensor(3.0),
        "empty": np.zeros((0, 3)), "fortran": np.asfortranarray(np.arange(6.0).reshape(2, 3)),
        "u8": np.arange(3, dtype=np.uint8), "f16": np.array([1.0, 2.0], np.float16),
        "big_endian": np.array([1.0, 2.0], ">f8"),
        "nested": [{"a": (1, 2.5, None)}, [], {}, (), [[["deep"]]]],
        "numbers": [0, -7, 10**30, 1e-300, -0.0, float("inf"), -math.inf, math.nan, True],
        "strings": ["", 'quo"te', "back\\slash", "[[{{", "}}]]", "\\\"[", "ü∂\u2028",
                    "\ud800"],
        "np_scalars": [np.float32(1.5), np.int64(7), np.bool_(True), np.str_("s")],
        "[[{odd key\"\\": 1,
    }
    path = tmp_path / "all.wf"
    wf.save(obj, path)
    back = wf.load(path)
    expect = dict(obj, np_scalars=[1.5, 7, True, "s"])
    assert _same(expect, back)
    assert back["fortran"].flags.f_contiguous and back["u8"].flags.writeable
    assert isinstance(back["scalar"], wf.Tensor) and back["scalar"].shape == ()


def test_round_trip_a_module_state_dict(tmp_path):
    np.random.seed(0)
    net = wf.nn.Sequential(wf.nn.Linear(3, 4), wf.nn.Tanh(), wf.nn.Linear(4, 2))
    path = tmp_path / "ckpt.wf"
    wf.save({"model": net.state_dict(), "step": 5}, path)  # state_dict is an OrderedDict
    back = wf.load(path)
    other = wf.nn.Sequential(wf.nn.Linear(3, 4), wf.nn.Tanh(), wf.nn.Linear(4, 2))
    other.load_state_dict(back["model"])
    x = wf.ones(2, 3)
    np.testing.assert_array_equal(other(x).numpy(), net(x).numpy())
    assert back["step"] == 5


def test_a_deflated_archive_still_loads(tmp_path):
    # wf.save writes stored members; a user who recompressed the archive can still read it
    src = _saved(tmp_path)
    with zipfile.ZipFile(src) as z:
        members = {n: z.read(n) for n in z.namelist()}
    dst = _zip(tmp_path / "deflated.wf", members, zipfile.ZIP_DEFLATED)
    assert _same(wf.load(src), wf.load(dst))


@pytest.mark.parametrize("make", [dict, list])
def test_nesting_up_to_the_bound_round_trips_and_beyond_it_is_refused(tmp_path, make):
    ok = _flat(make(), 100)
    wf.save(ok, tmp_path / "ok.wf")
    assert _same(ok, wf.load(tmp_path / "ok.wf"))
    with pytest.raises(WeifenValueError, match="nested more than 100 deep"):
        wf.save(_flat(make(), 101), tmp_path / "deep.wf")


# ================================================================ save refuses cleanly
def test_save_deeply_nested_is_a_clean_error(tmp_path):
    for deep in (_flat({"x": 1}, 5000), _flat([1], 5000)):
        with pytest.raises(WeifenValueError, match="nested more than 100 deep") as info:
            wf.save(deep, tmp_path / "deep.wf")
        assert "...94 levels..." in str(info.value) and len(str(info.value)) < 300
    assert not (tmp_path / "deep.wf").exists()


def test_save_a_container_holding_itself(tmp_path):
    loop = [1, 2]
    loop.append(loop)
    with pytest.raises(WeifenValueError, match=r"contains itself \(at \[2\]\)"):
        wf.save(loop, tmp_path / "x.wf")
    d = {"a": {"b": []}}
    d["a"]["b"].append(d)
    with pytest.raises(WeifenValueError, match=r"contains itself \(at \['a'\]\['b'\]\[0\]\)"):
        wf.save(d, tmp_path / "x.wf")
    shared = [1]  # the same list twice is not a cycle
    wf.save({"p": shared, "q": (shared, shared)}, tmp_path / "ok.wf")
    assert wf.load(tmp_path / "ok.wf") == {"p": [1], "q": ([1], [1])}


@pytest.mark.parametrize("bad, name", [
    (lambda x: x, "function"), (object(), "object"), ({1, 2}, "set"), (b"raw", "bytes"),
    (1 + 2j, "complex"), (np.complex128(1j), "complex128"),
    (np.datetime64("2024-01-01"), "datetime64"), (range(3), "range"),
])
def test_save_names_the_unsupported_type_and_its_path(tmp_path, bad, name):
    obj = {"model": {"layers": [0, {"act": bad}]}}
    with pytest.raises(WeifenTypeError) as info:
        wf.save(obj, tmp_path / "x.wf")
    msg = str(info.value)
    assert f"cannot store a {name} " in msg and "['model']['layers'][1]['act']" in msg, msg


@pytest.mark.parametrize("arr", [np.array([object()], dtype=object), np.array(["a", "b"]),
                                 np.zeros(2, dtype=[("x", "f8")])])
def test_save_refuses_non_numeric_arrays(tmp_path, arr):
    with pytest.raises(WeifenTypeError, match=r"array of dtype .* \(at \['x'\]\[0\]\)"):
        wf.save({"x": [arr]}, tmp_path / "x.wf")


def test_save_refuses_bad_keys_and_overlong_ints_with_the_path(tmp_path):
    with pytest.raises(WeifenTypeError, match=r"keys must be strings, got 1 of type int in "
                                              r"the dict at \['outer'\]"):
        wf.save({"outer": {1: 2}}, tmp_path / "x.wf")
    with pytest.raises(WeifenValueError, match=r"cannot store the value at \['n'\]"):
        wf.save({"n": 10**5000}, tmp_path / "x.wf")


def test_save_mutates_nothing_and_a_refused_save_keeps_the_old_file(tmp_path):
    arr, t, inner = np.arange(3.0), wf.tensor([1.0, 2.0]), [1, {"z": 2}]
    obj = {"arr": arr, "t": (t,), "inner": inner}
    path = tmp_path / "ckpt.wf"
    wf.save(obj, path)
    before = path.read_bytes()
    assert list(obj) == ["arr", "t", "inner"] and obj["arr"] is arr and obj["t"][0] is t
    assert inner == [1, {"z": 2}] and arr.flags.writeable
    np.testing.assert_array_equal(arr, [0.0, 1.0, 2.0])
    obj["inner"][1]["bad"] = object()
    with pytest.raises(WeifenTypeError):
        wf.save(obj, path)
    assert path.read_bytes() == before  # checked before the file was opened
    assert list(obj) == ["arr", "t", "inner"] and list(inner[1]) == ["z", "bad"]


# ================================================================ load: the file itself
def test_missing_file_names_the_path(tmp_path):
    with pytest.raises(FileNotFoundError, match="nope.wf"):
        wf.load(tmp_path / "nope.wf")


def test_empty_file(tmp_path):
    (tmp_path / "empty.wf").write_bytes(b"")
    _damaged(tmp_path / "empty.wf", "the file is empty")


@pytest.mark.parametrize("content, fragment", [
    (b"just some text\n", "not a zip archive"),
    (b"P", "not a zip archive"),
    (bytes(range(256)) * 4, "not a zip archive"),
    (b"PK\x03\x04" + b"\0" * 100, "zip archive is damaged or truncated"),
    (b"PK" + bytes(range(256)), "zip archive is damaged or truncated"),
    (_npy(np.ones(3)), "single .npy array"),
])
def test_not_a_zip(tmp_path, content, fragment):
    (tmp_path / "x.wf").write_bytes(content)
    _damaged(tmp_path / "x.wf", fragment)


def test_truncated_at_every_offset(tmp_path):
    good = _saved(tmp_path).read_bytes()
    cut = tmp_path / "cut.wf"
    for n in range(1, len(good)):
        cut.write_bytes(good[:n])
        _damaged(cut)


def test_every_single_byte_flip_is_caught_or_harmless(tmp_path):
    # CRCs and the size checks catch damage to data; a flip in a field load does not use
    # (a timestamp, say) may leave the file loadable, but then it loads unchanged
    path = _saved(tmp_path)
    good, expect = path.read_bytes(), wf.load(path)
    flipped = tmp_path / "flip.wf"
    loaded = 0
    for i in range(len(good)):
        flipped.write_bytes(good[:i] + bytes([good[i] ^ 0x5A]) + good[i + 1:])
        try:
            back = wf.load(flipped)
        except WeifenValueError as e:
            assert str(flipped) in str(e)
        else:
            loaded += 1
            assert _same(expect, back), i
    assert loaded < len(good) // 4


def test_random_corruption_fuzz(tmp_path):
    rng = np.random.default_rng(11)
    good = bytearray(_saved(tmp_path).read_bytes())
    path = tmp_path / "fuzz.wf"
    for _ in range(300):
        bad = bytearray(good)
        for i in rng.integers(0, len(bad), size=rng.integers(1, 8)):
            bad[i] = int(rng.integers(0, 256))
        if rng.random() < 0.3:  # also splice in runs of 0xff: huge sizes and counts
            i = int(rng.integers(0, len(bad) - 8))
            bad[i:i + 8] = b"\xff" * 8
        path.write_bytes(bytes(bad))
        try:
            wf.load(path)
        except WeifenValueError as e:
            assert str(path) in str(e)


# ================================================================ load: the header
def test_header_member_missing(tmp_path):
    np.savez(tmp_path / "plain.npz", x=np.ones(2))
    _damaged(tmp_path / "plain.npz", "not a file written by wf.save", "'__weifen__'")
    _zip(tmp_path / "empty_zip.wf", {})
    _damaged(tmp_path / "empty_zip.wf", "not a file written by wf.save")


@pytest.mark.parametrize("header, fragment", [
    (b'{"format": "weifen-save-1", "root": ', "not valid JSON"),
    (b"", "not valid JSON"),
    (b"\xff\xfe{}", "not UTF-8"),
    (b'{"format": "weifen-save-1", "root": {"value": 1' + b"0" * 5000 + b"}}",
     "not valid JSON"),
])
def test_header_not_json(tmp_path, header, fragment):
    _zip(tmp_path / "x.wf", {"__weifen__.npy": _header(header)})
    _damaged(tmp_path / "x.wf", fragment)


@pytest.mark.parametrize("member", [np.ones(3), np.zeros((2, 2), np.uint8)])
def test_header_member_of_the_wrong_form(tmp_path, member):
    _zip(tmp_path / "x.wf", {"__weifen__.npy": _npy(member)})
    _damaged(tmp_path / "x.wf", "not the header wf.save writes")


@pytest.mark.parametrize("doc, fragments", [
    ([], ["not the JSON object"]), (1, ["not the JSON object"]), (None, ["not the JSON"]),
    ('"root"', ["not the JSON object"]), ({}, ["not the JSON object"]),
    ({"format": "weifen-save-1"}, ["not the JSON object"]),
    ({"format": "other", "root": {"value": 1}}, ["unknown format 'other'"]),
    ({"root": {"value": 1}}, ["unknown format None"]),
    ({"format": "weifen-save-1", "root": 5}, ["top level is 5"]),
    ({"format": "weifen-save-1", "root": {}}, ["top level is {}"]),
    ({"format": "weifen-save-1", "root": {"value": 1, "list": []}}, ["one-key object"]),
    ({"format": "weifen-save-1", "root": {"bogus": 1}}, ["unknown kind 'bogus'"]),
    ({"format": "weifen-save-1", "root": {"dict": 5}}, ["[key, value] pairs"]),
    ({"format": "weifen-save-1", "root": {"dict": [[1, {"value": 1}]]}}, ["pairs"]),
    ({"format": "weifen-save-1", "root": {"dict": [["k"]]}}, ["pairs"]),
    ({"format": "weifen-save-1", "root": {"list": {"value": 1}}}, ["not a JSON array"]),
    ({"format": "weifen-save-1", "root": {"tensor": 5}}, ["not a string"]),
    ({"format": "weifen-save-1", "root": {"value": [1]}}, ["JSON type list"]),
    ({"format": "weifen-save-1", "root": {"dict": [["model", {"list": [
        {"value": 1}, {"tuple": [{"oops": 2}]}]}]]}}, ["at ['model'][1][0]", "'oops'"]),
])
def test_header_json_of_the_wrong_form(tmp_path, doc, fragments):
    _zip(tmp_path / "x.wf", {"__weifen__.npy": _header(doc)})
    _damaged(tmp_path / "x.wf", *fragments)


@pytest.mark.parametrize("text", [
    "[" * 5000 + "]" * 5000,
    '{"format": "weifen-save-1", "root": ' + '{"list": [' * 5000 + "]}" * 5000 + "}",
    '{"format": "weifen-save-1", "root": ' + '{"dict": [["k", ' * 2000 + '{"value": 1}'
    + "]]}" * 2000 + "}",
    "{" * 200000,
])
def test_header_nested_far_too_deep(tmp_path, text):
    _zip(tmp_path / "x.wf", {"__weifen__.npy": _header(text)})
    _damaged(tmp_path / "x.wf", "nests more than 302 levels deep")


def test_header_within_the_bound_but_past_a_lowered_recursion_limit(tmp_path):
    # a legal header 201 JSON levels deep; json.loads recurses once per level, so under a
    # recursion limit set just above the current stack it fails, and load says so cleanly
    path = tmp_path / "x.wf"
    wf.save(_flat([], 100), path)
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(len(inspect.stack(0)) + 120)
    try:
        with pytest.raises(WeifenValueError) as info:
            wf.load(path)
    finally:
        sys.setrecursionlimit(old)
    assert "recursion limit" in str(info.value) and str(path) in str(info.value)
    assert _same(_flat([], 100), wf.load(path))


def test_brackets_inside_header_strings_do_not_count_as_nesting(tmp_path):
    s = '\\"[{' * 3000 + "\\\\"
    doc = '{"format": "weifen-save-1", "root": {"value": "' + s + '"}}'
    _zip(tmp_path / "x.wf", {"__weifen__.npy": _header(doc)})
    assert wf.load(tmp_path / "x.wf") == json.loads(doc)["root"]["value"]


def test_header_names_members_that_do_not_exist(tmp_path):
    doc = {"format": "weifen-save-1", "root": {"list": [{"array": "a0"}, {"tensor": "a7"}]}}
    _zip(tmp_path / "x.wf", {"__weifen__.npy": _header(doc), "a0.npy": _npy(np.ones(2))})
    _damaged(tmp_path / "x.wf", "names the array 'a7', which the file does not hold")
    doc["root"] = {"array": "__weifen__"}  # the header is not an array to hand out
    _zip(tmp_path / "y.wf", {"__weifen__.npy": _header(doc)})
    _damaged(tmp_path / "y.wf", "'__weifen__', which the file does not hold")


def test_members_the_header_does_not_name_are_never_read(tmp_path, monkeypatch):
    doc = {"format": "weifen-save-1", "root": {"dict": [["w", {"tensor": "a0"}]]}}
    path = tmp_path / "x.wf"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("__weifen__.npy", _header(doc))
        z.writestr("a0.npy", _npy(np.arange(3.0)))
        z.writestr("junk.npy", b"not an npy at all")
        z.writestr("a1.npy", _npy(np.array([object()], dtype=object)))
        z.writestr("a2.npy", _raw_npy("{'descr': '<f8', 'fortran_order': False, "
                                      "'shape': (1000000000000,), }"))
        z.writestr("bz.npy", _npy(np.ones(3)), compress_type=zipfile.ZIP_BZIP2)
    opened = []
    real_open = zipfile.ZipFile.open

    def spy(self, name, *args, **kwargs):
        opened.append(getattr(name, "filename", name))
        return real_open(self, name, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "open", spy)
    back = wf.load(path)
    assert _same({"w": wf.tensor([0.0, 1.0, 2.0])}, back)
    assert sorted(opened) == ["__weifen__.npy", "a0.npy"]


# ================================================================ load: the array members
_GOOD_DOC = {"format": "weifen-save-1", "root": {"array": "a0"}}


def _with_member(tmp_path, member: bytes, name="x.wf") -> os.PathLike:
    return _zip(tmp_path / name, {"__weifen__.npy": _header(_GOOD_DOC), "a0.npy": member})


F8 = "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }"


@pytest.mark.parametrize("member, fragment", [
    (b"", "is not a .npy array"),
    (b"not a numpy file at all", "is not a .npy array"),
    (b"\x93NUMPY", "is not a .npy array"),
    (b"\x93NUMPY\x09\x00" + b"\0" * 40, "unknown version 9.0"),
    (b"\x93NUMPY\x01\x00\x10", "ends inside its .npy header"),
    (_raw_npy(F8)[:-4], "declares a .npy header of"),
    (_raw_npy("x" * 20000, version=(2, 0)), "at most 10000"),
    (_raw_npy(b"\xff" * 8, version=(3, 0)), "not utf-8 text"),
    (_raw_npy("[1, 2]", bytes(16)), "unreadable .npy header"),
    (_raw_npy("{'descr': '<f8', 'shape': (2,)}", bytes(16)), "unreadable .npy header"),
    (_raw_npy(F8[:-1] + "'extra': 1, }", bytes(16)), "unreadable .npy header"),
    (_raw_npy(F8.replace("(2,)", "(-2,)"), bytes(16)), "unreadable .npy header"),
    (_raw_npy(F8.replace("(2,)", "(2.0,)"), bytes(16)), "unreadable .npy header"),
    (_raw_npy(F8.replace("(2,)", "(2 2)"), bytes(16)), "unreadable .npy header"),
    (_raw_npy(F8.replace("(2,)", "(" * 3000 + "2" + ")" * 3000), bytes(16)),
     "unreadable .npy header"),
    (_raw_npy(F8.replace("(2,)", "(" + "9" * 5000 + ",)"), bytes(16)),
     "unreadable .npy header"),
    (_raw_npy(F8.replace("False", "0"), bytes(16)), "unreadable .npy header"),
    (_raw_npy(F8.replace("'<f8'", "'<f3'"), bytes(16)), "holds the unknown dtype '<f3'"),
    (_raw_npy(F8.replace("'<f8'", "'|O'"), bytes(16)), "holds dtype '|O'"),
    (_raw_npy(F8.replace("'<f8'", "'<U3'"), bytes(16)), "holds dtype '<U3'"),
    (_raw_npy(F8.replace("'<f8'", "[('x', '<f8')]"), bytes(16)), "unreadable .npy header"),
    (_raw_npy(F8.replace("(2,)", "(" + ",".join(["1"] * 71) + ")"), bytes(8)),
     "declares 71 dimensions"),
    (_raw_npy(F8, bytes(15)), "declares shape (2,) of float64 (16 bytes) but holds 15"),
    (_raw_npy(F8, bytes(17)), "holds 17 bytes of data"),
])
def test_member_that_is_not_a_valid_npy(tmp_path, member, fragment):
    _damaged(_with_member(tmp_path, member), "member 'a0.npy'", fragment)


class _Tripwire:
    """Unpickling one of these would call _tripped: load must never get that far."""

    def __reduce__(self):
        return (_tripped, ())


TRIPPED = []


def _tripped():
    TRIPPED.append(True)
    return None


def test_object_dtype_member_is_refused_without_unpickling(tmp_path):
    evil = np.array([_Tripwire()], dtype=object)
    path = tmp_path / "evil.wf"
    with open(path, "wb") as f:  # np.savez(path) would append ".npz" to the name
        np.savez(f, __weifen__=np.frombuffer(json.dumps(_GOOD_DOC).encode(), np.uint8),
                 a0=evil)
    _damaged(path, "holds dtype '|O'", "never unpickles")
    assert not TRIPPED


def _peak_bytes(fn) -> int:
    tracemalloc.start()
    try:
        fn()
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return peak


@pytest.mark.parametrize("claim", [10**12, 10**8, 2**61])
def test_huge_declared_shape_fails_before_allocating(tmp_path, claim):
    header = f"{{'descr': '<f8', 'fortran_order': False, 'shape': ({claim},), }}"
    path = _with_member(tmp_path, _raw_npy(header, bytes(16)))

    def attempt():
        with pytest.raises(WeifenValueError, match=f"declares shape \\({claim},\\)"):
            wf.load(path)

    assert _peak_bytes(attempt) < 4 * 2**20  # 10**8 float64 would be 800 MB


def _patch_central_sizes(path, member: str, *, usize=None, csize=None, flags=None,
                         method=None):
    """Rewrite fields of one member's central-directory entry (what zipfile trusts)."""
    data = bytearray(path.read_bytes())
    name = member.encode()
    i = data.find(b"PK\x01\x02")
    while i >= 0:
        nlen = struct.unpack_from("<H", data, i + 28)[0]
        if data[i + 46:i + 46 + nlen] == name:
            break
        i = data.find(b"PK\x01\x02", i + 4)
    assert i >= 0
    for off, fmt, value in ((24, "<I", usize), (20, "<I", csize), (8, "<H", flags),
                            (10, "<H", method)):
        if value is not None:
            struct.pack_into(fmt, data, i + off, value)
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("compression", [zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED])
def test_zip_entry_claiming_a_huge_uncompressed_size(tmp_path, compression):
    path = tmp_path / "x.wf"
    _zip(path, {"__weifen__.npy": _header(_GOOD_DOC), "a0.npy": _npy(np.ones(4))},
         compression)
    _patch_central_sizes(path, "a0.npy", usize=0xFFFFFF00)

    def attempt():
        _damaged(path, "member 'a0.npy' declares 4294967040 bytes uncompressed")

    assert _peak_bytes(attempt) < 4 * 2**20


def test_zip_entry_claiming_more_compressed_bytes_than_the_file_has(tmp_path):
    path = _with_member(tmp_path, _npy(np.ones(4)))
    _patch_central_sizes(path, "a0.npy", usize=0x7FFFFF00, csize=0x7FFFFF00)
    _damaged(path, "member 'a0.npy' claims 2147483392 bytes", "past the end")


def test_encrypted_or_oddly_compressed_members(tmp_path):
    path = _with_member(tmp_path, _npy(np.ones(4)), "enc.wf")
    _patch_central_sizes(path, "a0.npy", flags=0x1)
    _damaged(path, "member 'a0.npy' is encrypted")
    path = tmp_path / "bz.wf"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("__weifen__.npy", _header(_GOOD_DOC))
        z.writestr("a0.npy", _npy(np.ones(4)), compress_type=zipfile.ZIP_BZIP2)
    _damaged(path, "member 'a0.npy' uses zip compression method 12")
    path = _with_member(tmp_path, _npy(np.ones(4)), "method.wf")
    _patch_central_sizes(path, "a0.npy", method=8)  # says deflated, holds stored bytes
    _damaged(path, "member 'a0.npy' is damaged")


def test_corrupt_array_data_fails_the_crc(tmp_path):
    path = _with_member(tmp_path, _npy(np.arange(64.0)))
    data = bytearray(path.read_bytes())
    i = data.find(np.arange(64.0).tobytes()[8 * 10:8 * 11])
    data[i] ^= 0xFF
    path.write_bytes(bytes(data))
    _damaged(path, "member 'a0.npy' is damaged", "CRC")


def test_a_member_named_twice_is_read_once(tmp_path, monkeypatch):
    doc = {"format": "weifen-save-1", "root": {"list": [{"array": "a0"}, {"tensor": "a0"}]}}
    _zip(tmp_path / "x.wf", {"__weifen__.npy": _header(doc), "a0.npy": _npy(np.ones(2))})
    opened = []
    real_open = zipfile.ZipFile.open
    monkeypatch.setattr(zipfile.ZipFile, "open", lambda self, name, *a, **k: (
        opened.append(getattr(name, "filename", name)) or real_open(self, name, *a, **k)))
    a, t = wf.load(tmp_path / "x.wf")
    np.testing.assert_array_equal(a, t.numpy())
    assert opened == ["__weifen__.npy", "a0.npy"]

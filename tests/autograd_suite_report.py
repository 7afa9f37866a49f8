"""Run HIPS autograd 1.9.1's own test suite against weifen, and against autograd itself.

autograd's source distribution is fetched unchanged from the package index (``pip
download autograd==1.9.1 --no-binary :all:``) into a cache folder (``$WEIFEN_AUTOGRAD_CACHE``,
default ``~/.cache/weifen-autograd``) and its ``tests/`` folder runs twice, each in a
subprocess pytest:

* against **autograd itself** (the sdist's own ``autograd`` package first on ``sys.path``):
  the tests that pass there are the denominator;
* against **weifen**, through ``tests/autograd_shim/autograd`` (a package that maps autograd's
  names to weifen's) plus the sdist's own ``autograd/test_util.py``: the ``check_grads``
  oracle exactly as autograd wrote it.

Usage (prints per-file pass counts and every failure with its first error line)::

    .venv/bin/python tests/autograd_suite_report.py [--json out.json] [-k EXPR]

``tests/test_autograd_suite.py`` asserts the pass fraction against a ratchet.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

VERSION = "1.9.1"
SDIST = f"autograd-{VERSION}.tar.gz"
HERE = Path(__file__).resolve().parent
REPO = HERE.parent
SHIM = HERE / "autograd_shim"


def cache_dir() -> Path:
    return Path(os.environ.get("WEIFEN_AUTOGRAD_CACHE",
                               Path.home() / ".cache" / "weifen-autograd"))


def fetch_sdist(timeout: float = 180.0) -> tuple[Path | None, str]:
    """The cached sdist, downloading it first if needed: ``(path, "")`` or ``(None, why)``."""
    cache = cache_dir()
    path = cache / SDIST
    if path.is_file() and path.stat().st_size > 0:
        return path, ""
    cache.mkdir(parents=True, exist_ok=True)
    cmd = [sys.executable, "-m", "pip", "download", f"autograd=={VERSION}", "--no-deps",
           "--no-binary", ":all:", "--disable-pip-version-check", "-q", "-d", str(cache)]
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    except (OSError, subprocess.TimeoutExpired) as e:
        return None, f"pip download autograd=={VERSION} failed: {e}"
    if r.returncode != 0 or not path.is_file():
        tail = (r.stderr or r.stdout).strip().splitlines()[-1:] or ["(no output)"]
        return None, f"pip download autograd=={VERSION} failed (no network?): {tail[0]}"
    return path, ""


def prepare(sdist: Path, work: Path) -> None:
    """Unpack the sdist's ``tests/`` and ``autograd/`` under ``work/src`` and assemble the
    shim package (weifen's name map + autograd's own ``test_util.py``) under ``work/shim``."""
    top = f"autograd-{VERSION}/"
    with tarfile.open(sdist) as tar:
        members = [m for m in tar.getmembers()
                   if m.name.startswith((top + "tests/", top + "autograd/")) and
                   (m.isfile() or m.isdir())]
        for m in members:
            m.name = m.name[len(top):]
        tar.extractall(work / "src", members=members, filter="data")
    shutil.copytree(SHIM / "autograd", work / "shim" / "autograd",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(work / "src" / "autograd" / "test_util.py",
                work / "shim" / "autograd" / "test_util.py")
    (work / "plugin").mkdir()
    shutil.copy(SHIM / "suite_plugin.py", work / "plugin" / "suite_plugin.py")
    (work / "pytest.ini").write_text("[pytest]\n")  # autograd's pyproject needs xdist/cov


def run(target: str, work: Path, budget: float, select: str | None = None,
        test_timeout: float = 60.0) -> tuple[dict, float, bool]:
    """Run the suite against ``"weifen"`` or ``"autograd"``: ``({nodeid: record}, seconds,
    whether it ran out of its budget)``."""
    first = work / ("shim" if target == "weifen" else "src")
    out = work / f"results-{target}.json"
    env = dict(os.environ)
    paths = [str(first), str(work / "plugin")]
    if target == "weifen":
        paths.append(str(REPO))  # this checkout's weifen
    env["PYTHONPATH"] = os.pathsep.join(paths)
    env["WEIFEN_SUITE_RESULTS"] = str(out)
    env["WEIFEN_SUITE_TEST_TIMEOUT"] = str(test_timeout)
    env.setdefault("OMP_NUM_THREADS", "1")
    env.setdefault("OPENBLAS_NUM_THREADS", "1")
    cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "suite_plugin",
           "-c", str(work / "pytest.ini"), "--rootdir", str(work / "src" / "tests"),
           "-W", "ignore", "--tb=line", "--continue-on-collection-errors",
           str(work / "src" / "tests")]
    if select:
        cmd += ["-k", select]
    t0 = time.perf_counter()
    timed_out = False
    try:
        subprocess.run(cmd, cwd=work / "src" / "tests", env=env, capture_output=True,
                       timeout=budget)
    except subprocess.TimeoutExpired:
        timed_out = True  # whatever finished is in the results; the rest counts as failed
    seconds = time.perf_counter() - t0
    if not out.is_file():
        return {}, seconds, timed_out
    return json.loads(out.read_text()), seconds, timed_out


def _file_of(nodeid: str) -> str:
    return nodeid.split("::", 1)[0]


def compare(ref: dict, ours: dict) -> dict:
    """The tests that pass on autograd, and which of them pass on weifen (with reasons)."""
    passing = sorted(n for n, r in ref.items() if r["outcome"] == "passed")
    collect = {_file_of(n): r["message"] for n, r in ours.items() if n.endswith("<collection>")}
    per_file: dict = defaultdict(lambda: [0, 0])
    failures = []
    for n in passing:
        per_file[_file_of(n)][1] += 1
        r = ours.get(n)
        if r is not None and r["outcome"] == "passed":
            per_file[_file_of(n)][0] += 1
            continue
        if r is not None:
            why = r["message"] or r["outcome"]
        else:
            why = f"[collection] {collect[_file_of(n)]}" if _file_of(n) in collect else "not run"
        failures.append((n, why))
    npass = sum(v[0] for v in per_file.values())
    return {"passed": npass, "total": len(passing),
            "fraction": npass / len(passing) if passing else 0.0,
            "per_file": {k: tuple(v) for k, v in sorted(per_file.items())},
            "failures": failures}


def measure(budget: float = 420.0, select: str | None = None) -> dict:
    """Fetch, unpack, run both suites side by side, compare. Raises RuntimeError (with the
    reason) when the sdist is neither cached nor downloadable."""
    sdist, why = fetch_sdist()
    if sdist is None:
        raise RuntimeError(why)
    work = Path(tempfile.mkdtemp(prefix="weifen-autograd-suite-"))
    try:
        prepare(sdist, work)
        with ThreadPoolExecutor(2) as pool:
            fa = pool.submit(run, "autograd", work, budget, select)
            fw = pool.submit(run, "weifen", work, budget, select)
            (ref, t_ref, late_ref), (ours, t_ours, late) = fa.result(), fw.result()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    res = compare(ref, ours)
    res.update(seconds_autograd=t_ref, seconds_weifen=t_ours,
               timed_out=[n for n, t in (("autograd", late_ref), ("weifen", late)) if t])
    return res


def report(res: dict, out=sys.stdout) -> None:
    w = max([len(k) for k in res["per_file"]] + [10])
    print(f"{'file':<{w}}  weifen / autograd", file=out)
    for f, (p, t) in res["per_file"].items():
        mark = "" if p == t else "   <-"
        print(f"{f:<{w}}  {p:>6} / {t:<6}{mark}", file=out)
    print(f"{'total':<{w}}  {res['passed']:>6} / {res['total']:<6} "
          f"({100 * res['fraction']:.1f}%)  [weifen {res['seconds_weifen']:.0f} s, "
          f"autograd {res['seconds_autograd']:.0f} s]", file=out)
    for name in res.get("timed_out", []):
        print(f"the run against {name} ran out of its time budget: tests it did not reach "
              "count as failures", file=out)
    if res["failures"]:
        print(f"\n{len(res['failures'])} tests pass on autograd but not on weifen:", file=out)
        for n, why in res["failures"]:
            print(f"  {n}\n      {why}", file=out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--json", help="also write the results to this file")
    ap.add_argument("-k", dest="select", help="pytest -k expression (a subset of the tests)")
    ap.add_argument("--budget", type=float, default=420.0, help="seconds per suite run")
    args = ap.parse_args(argv)
    try:
        res = measure(args.budget, args.select)
    except RuntimeError as e:
        print(f"cannot run autograd's test suite: {e}", file=sys.stderr)
        return 2
    report(res)
    if args.json:
        Path(args.json).write_text(json.dumps(res, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""A pytest plugin for the subprocess that runs autograd's test suite: it records each test's
outcome and first error line to the JSON file named by ``WEIFEN_SUITE_RESULTS``, and stops
any single test after ``WEIFEN_SUITE_TEST_TIMEOUT`` seconds (a hang is a failure)."""
import json
import os
import signal

import pytest

_RESULTS: dict = {}
_TIMEOUT = float(os.environ.get("WEIFEN_SUITE_TEST_TIMEOUT", "60"))


class SuiteTimeout(Exception):
    pass


def _on_alarm(signum, frame):
    raise SuiteTimeout(f"the test ran longer than {_TIMEOUT:g} s")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item):
    old = signal.signal(signal.SIGALRM, _on_alarm)
    signal.setitimer(signal.ITIMER_REAL, _TIMEOUT)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def _first_line(report) -> str:
    lr = report.longrepr
    crash = getattr(lr, "reprcrash", None)
    if crash is not None and crash.message:
        msg = crash.message
    elif isinstance(lr, tuple) and len(lr) == 3:  # a skip: (path, line, reason)
        msg = str(lr[2])
    else:
        msg = str(lr or "")
    lines = [s.strip() for s in msg.splitlines() if s.strip()]
    return lines[0][:300] if lines else ""


def pytest_runtest_logreport(report):
    rec = _RESULTS.setdefault(report.nodeid, {"outcome": "passed", "message": ""})
    if report.skipped and rec["outcome"] == "passed":
        rec.update(outcome="skipped", message=_first_line(report))
    elif report.failed and rec["outcome"] != "failed":
        rec.update(outcome="failed", message=f"[{report.when}] {_first_line(report)}")


def pytest_collectreport(report):
    if report.failed:
        _RESULTS[f"{report.nodeid}::<collection>"] = {"outcome": "failed",
                                                      "message": _first_line(report)}


def pytest_sessionfinish(session):
    path = os.environ.get("WEIFEN_SUITE_RESULTS")
    if path:
        with open(path, "w") as f:
            json.dump(_RESULTS, f, indent=0, sort_keys=True)

"""examples/dask_logistic.py runs small (10**5 rows) on its 2-worker LocalCluster."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("dask.distributed")
EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "dask_logistic.py"


def test_dask_logistic_small() -> None:
    r = subprocess.run([sys.executable, str(EXAMPLE), "--rows", "100000", "--steps", "5"],
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr[-2000:]
    lines = [ln for ln in r.stdout.splitlines() if ln.startswith("fitted loss")]
    assert lines, r.stdout
    final = float(lines[0].split()[2].rstrip(";"))
    assert final < np.log(2) - 0.1  # gradient descent left the loss of w = 0 well behind
    assert r.stdout.count("step ") == 5

"""The README's examples run as written (each face's thirty-second example)."""
import pathlib
import re

import numpy as np
import pytest

README = pathlib.Path(__file__).resolve().parents[1] / "README.md"


def _blocks():
    text = README.read_text()
    return re.findall(r"```python\n(.*?)```", text, flags=re.S)


def test_readme_has_python_examples():
    assert len(_blocks()) >= 4


def test_readme_examples_run_in_order(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the training example saves a file
    ns: dict = {}
    for block in _blocks():
        exec(compile(block, str(README), "exec"), ns)  # noqa: S102 - our own README
    wf = ns["wf"]
    assert float(ns["x1"].grad) == pytest.approx(5.5)
    assert float(ns["d"].tangent) == pytest.approx(5.5)
    assert wf.numeric.derivative(ns["math"].sin, 1.0, richardson=True) == pytest.approx(
        ns["math"].cos(1.0), abs=1e-12)
    assert ns["vg"].traces == 1
    np.testing.assert_allclose(np.asarray(ns["vg"](ns["w"], ns["x"])[1]),
                               np.asarray(wf.grad(lambda w: wf.sum(wf.tanh(ns["x"] @ w) ** 2))(
                                   ns["w"])), rtol=1e-12)
    assert str(ns["y"]) == "((x2*x3)+exp(x2))"
    np.testing.assert_allclose(ns["gx2"], 3 + np.exp(1.0) * np.ones(3))
    assert ns["t"].adjoint_table().values["x1"] == pytest.approx(5.5)
    assert ns["svg"].startswith("<svg")
    assert float(ns["loss"]) < float(wf.nn.MSELoss()(wf.zeros(64, 1), wf.tensor(ns["Y"])))
    assert (tmp_path / "net.npz").exists()

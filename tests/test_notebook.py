"""examples/tour.ipynb runs top to bottom under nbconvert, and each cell shows the rich
display it is there for (HTML table, SVG drawing, LaTeX expression)."""
import pathlib

import pytest

nbformat = pytest.importorskip("nbformat", reason="nbformat is not installed")
nbconvert = pytest.importorskip("nbconvert", reason="nbconvert is not installed")
pytest.importorskip("ipykernel", reason="ipykernel is not installed")

NB = pathlib.Path(__file__).resolve().parents[1] / "examples" / "tour.ipynb"


def test_tour_notebook_executes_with_rich_outputs():
    from nbconvert.preprocessors import ExecutePreprocessor

    nb = nbformat.read(NB, as_version=4)
    ExecutePreprocessor(timeout=120, kernel_name="python3").preprocess(
        nb, {"metadata": {"path": str(NB.parent)}})
    outs = [c.outputs[0]["data"] for c in nb.cells if c.cell_type == "code"]
    assert "<table" in outs[0]["text/html"] and "5.5" in outs[0]["text/html"]
    assert outs[1]["image/svg+xml"].lstrip().startswith(("<svg", "<?xml"))
    assert outs[2]["text/latex"] == "$x_{1} - \\cos\\left(x_{2}\\right)$"

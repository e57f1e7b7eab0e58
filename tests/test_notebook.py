"""The walkthrough notebook runs top to bottom in a real Jupyter kernel (issue 13)."""
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

NOTEBOOK = Path(__file__).resolve().parent.parent / "examples" / "walkthrough.ipynb"


@pytest.mark.slow
def test_walkthrough_notebook_runs_and_shows_mathematics(tmp_path, monkeypatch):
    monkeypatch.setenv("PYTHONPATH", str(NOTEBOOK.parent.parent))  # this tree's package
    nb = nbformat.read(NOTEBOOK, as_version=4)
    client = nbclient.NotebookClient(nb, timeout=300, kernel_name="python3",
                                     resources={"metadata": {"path": str(tmp_path)}})
    client.execute()  # raises CellExecutionError when any cell fails
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.output_type == "error"]
    shown = [o["data"] for o in outputs if o.output_type == "execute_result"]
    markdown = "\n".join(d.get("text/markdown", "") for d in shown)
    assert "\\begin{aligned}" in markdown and "\\frac{\\partial L}" in markdown  # derivations
    assert "✓" in markdown  # a proof, step by step
    assert any("image/png" in d for d in shown)  # the lab plot
    assert "(True, 'tanh(z1_1)')" in "\n".join(d.get("text/plain", "") for d in shown)

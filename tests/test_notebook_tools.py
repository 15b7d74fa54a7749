"""tools.notebooks: importing a percent script and executing a notebook in place."""

import nbformat
import pytest

from tools import notebooks

NBGRADER = ('{"grade": false, "grade_id": "ex", "locked": false, "schema_version": 3, '
            '"solution": true, "task": false}')
SCRIPT = f"""# %% [markdown]
# # A title

# %% tags=["parameters"]
EPOCHS = 2

# %% nbgrader={NBGRADER}
print(EPOCHS * 21)
"""


def test_import_then_execute(tmp_path):
    script = tmp_path / "draft.py"
    script.write_text(SCRIPT)
    target = tmp_path / "99_draft.ipynb"
    notebooks.main(["import", str(script), str(target)])
    nb = nbformat.read(target, as_version=4)
    assert "jupytext" not in nb.metadata and nb.metadata.kernelspec.name == "python3"
    assert nb.cells[1].metadata.tags == ["parameters"]
    assert nb.cells[2].metadata.nbgrader["grade_id"] == "ex"
    assert all("lines_to_next_cell" not in c.metadata for c in nb.cells)
    with pytest.raises(SystemExit, match="--force"):
        notebooks.main(["import", str(script), str(target)])

    notebooks.main(["execute", str(target)])
    nb = nbformat.read(target, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert [c.execution_count for c in code] == [1, 2]
    assert code[1].outputs[0].text == "42\n"
    assert all("execution" not in c.metadata for c in code)

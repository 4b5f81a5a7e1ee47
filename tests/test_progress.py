"""Progress bars: a widget in Jupyter, plain text on a terminal, silent elsewhere."""

from __future__ import annotations

import io
import sys

import pytest

from msdiscourse._progress import in_jupyter, progress_bar
from tests.conftest import PROJECT_DIR


def test_silent_when_not_a_terminal_and_not_jupyter(capsys):
    assert not in_jupyter()
    assert list(progress_bar(range(5), desc="reading", unit="file")) == [0, 1, 2, 3, 4]
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""


def test_plain_text_bar_on_a_terminal(monkeypatch):
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert sum(progress_bar(range(4), desc="reading", unit="file")) == 6
    assert "reading: 100%" in terminal.getvalue() and "4/4" in terminal.getvalue()


def test_false_silences_and_true_forces(capsys):
    with progress_bar(total=2, desc="tone", unit="text", enabled=False) as bar:
        bar.update(2)
    assert capsys.readouterr().err == ""
    with progress_bar(total=2, desc="tone", unit="text", enabled=True) as bar:
        bar.update(2)
    assert "tone: 100%" in capsys.readouterr().err


@pytest.mark.slow
def test_in_a_kernel_a_widget_bar_or_plain_stdout_never_a_warning():
    import nbformat
    from nbclient import NotebookClient

    use = "from msdiscourse._progress import progress_bar\nsum(progress_bar(range(3), desc='reading', unit='file'))"
    notebook = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell(use),
        # a light install without ipywidgets: plain text on stdout, no TqdmWarning
        nbformat.v4.new_code_cell("import sys\nsys.modules['ipywidgets'] = None\n" + use),
    ])
    NotebookClient(notebook, timeout=120, kernel_name="python3",
                   resources={"metadata": {"path": str(PROJECT_DIR)}}).execute()
    widget, plain = ([o for o in cell.outputs] for cell in notebook.cells)
    assert not [o for cell in notebook.cells for o in cell.outputs
                if o.output_type == "error" or o.get("name") == "stderr"]
    assert any("application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in widget)
    assert [o.data["text/plain"] for o in widget if o.output_type == "execute_result"] == ["3"]
    stdout = "".join(o.text for o in plain if o.get("name") == "stdout")
    assert "reading: 100%" in stdout and "3/3" in stdout

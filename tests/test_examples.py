"""Every example script runs headless and writes non-empty PNG images, each of which passes
the figure checks (no legend or label over data, no unit in ASCII; ``figure_checks.py``).
Slow: each is a new process that compiles its own code. Between them the scripts write every
figure of the gallery (``test_figure_checks.py`` checks that they do)."""

import os
import pathlib
import subprocess
import sys

import matplotlib.image
import pytest

CHECKED_RUN = pathlib.Path(__file__).parent / "checked_run.py"
EXAMPLES = sorted(p for p in (pathlib.Path(__file__).parent.parent / "examples").glob("*.py")
                  if not p.name.startswith("_"))
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def test_there_is_an_example_per_topic():
    names = {p.stem for p in EXAMPLES}
    assert {f"step_{k}" for k in range(1, 8)} <= {n[:6] for n in names}
    assert {"dvdt_analysis", "noise_run", "parameter_override", "batch"} <= names


def test_every_example_says_what_it_shows():
    import ast

    for script in EXAMPLES:
        tree = ast.parse(script.read_text())
        assert len(ast.get_docstring(tree) or "") > 80, script.name
        assert 'if __name__ == "__main__":' in script.read_text(), script.name


@pytest.mark.slow
@pytest.mark.parametrize("script", EXAMPLES, ids=lambda p: p.stem)
def test_example_writes_its_figures(script, tmp_path):
    report = tmp_path / "figure_problems.txt"
    completed = subprocess.run([sys.executable, str(CHECKED_RUN), str(report), str(script),
                                str(tmp_path)], capture_output=True, text=True, timeout=1200,
                               env={**os.environ, "MPLBACKEND": "Agg"})
    assert completed.returncode == 0, completed.stderr[-3000:]
    assert not report.exists(), report.read_text()
    images = sorted(tmp_path.glob("*.png"))
    assert images, f"{script.name} wrote no PNG"
    for image in images:
        assert image.read_bytes()[:8] == PNG_SIGNATURE, image.name
        pixels = matplotlib.image.imread(image)
        assert pixels.shape[0] > 100 and pixels.shape[1] > 100
        assert pixels.std() > 0.01, f"{image.name} is blank"  # something was drawn

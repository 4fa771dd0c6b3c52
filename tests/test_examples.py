"""Every example script runs headless and writes non-empty PNG images."""

import os
import pathlib
import subprocess
import sys

import matplotlib.image
import pytest

EXAMPLES = sorted((pathlib.Path(__file__).parent.parent / "examples").glob("*.py"))
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def test_there_are_examples():
    assert len(EXAMPLES) >= 2


@pytest.mark.parametrize("script", EXAMPLES, ids=lambda p: p.stem)
def test_example_writes_its_figures(script, tmp_path):
    completed = subprocess.run([sys.executable, str(script), str(tmp_path)], capture_output=True,
                               text=True, timeout=1200, env={**os.environ, "MPLBACKEND": "Agg"})
    assert completed.returncode == 0, completed.stderr[-3000:]
    images = sorted(tmp_path.glob("*.png"))
    assert images, f"{script.name} wrote no PNG"
    for image in images:
        assert image.read_bytes()[:8] == PNG_SIGNATURE, image.name
        pixels = matplotlib.image.imread(image)
        assert pixels.shape[0] > 100 and pixels.shape[1] > 100
        assert pixels.std() > 0.01, f"{image.name} is blank"  # something was drawn

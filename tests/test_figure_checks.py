"""The figure checks (``figure_checks.py``) find what they look for, and only that; the
figures that need no run pass them. The slow test of the example scripts runs the checks
over every figure the scripts save (``checked_run.py``), which is the whole gallery (checked
below)."""

import os
import pathlib
import re
import subprocess
import sys

import figure_checks as checks
import matplotlib.pyplot as plt
import numpy as np
import pytest

from hh_brian import list_models, plotting
from hh_brian.course import gallery

EXAMPLES = pathlib.Path(__file__).parent.parent / "examples"
CHECKED_RUN = pathlib.Path(__file__).parent / "checked_run.py"


@pytest.fixture
def axes():
    fig, ax = plt.subplots(figsize=(6.4, 4.2))
    yield ax
    plt.close(fig)


def test_a_legend_over_a_curve_is_found(axes):
    axes.plot(np.linspace(0, 1, 50), np.full(50, 0.9), label="high")
    axes.set_ylim(0, 1)
    legend = axes.legend(loc="upper right")
    assert checks.legends_over_data(axes.figure) == [(legend, axes)]


def test_a_legend_where_a_line_only_passes_between_two_samples_is_found(axes):
    axes.plot([0, 1], [0, 1], label="two points, drawn through the middle")
    axes.legend(loc="center")
    assert len(checks.legends_over_data(axes.figure)) == 1


def test_a_legend_over_scatter_points_or_markers_is_found(axes):
    axes.scatter([0.95], [0.95], label="corner")
    axes.plot([0], [0], "o")
    axes.set(xlim=(0, 1), ylim=(0, 1))
    axes.legend(loc="upper right")
    assert len(checks.legends_over_data(axes.figure)) == 1


def test_a_legend_beside_the_data_or_outside_the_axes_is_not_reported(axes):
    axes.plot(np.linspace(0, 1, 50), np.full(50, 0.35), label="low")
    axes.axhline(0.9, color="k")  # a reference line, not data
    axes.set_ylim(0, 1)
    axes.legend(loc="upper left")
    assert checks.legends_over_data(axes.figure) == []
    axes.set_ylim(0, 0.36)  # the line now runs along the top
    assert len(checks.legends_over_data(axes.figure)) == 1
    axes.legend(loc="upper left", bbox_to_anchor=(1.02, 1))
    assert checks.legends_over_data(axes.figure) == []


def test_data_outside_the_axes_limits_are_not_under_a_legend(axes):
    # Just right of the axes, where the legend is, but clipped away: not drawn.
    axes.plot([0.5, 1.1], [0.5, 0.5], "o", label="one point beyond the limits")
    axes.set(xlim=(0, 1), ylim=(0, 1))
    axes.legend(loc="center left", bbox_to_anchor=(1.0, 0.5))
    assert checks.legends_over_data(axes.figure) == []
    axes.lines[0].set_clip_on(False)  # now drawn there
    assert len(checks.legends_over_data(axes.figure)) == 1


def test_a_figure_legend_over_an_axes_data_is_found(axes):
    axes.plot(np.linspace(0, 1, 50), np.full(50, 0.5), label="middle")
    axes.set_ylim(0, 1)
    axes.figure.legend(loc="center")
    assert len(checks.legends_over_data(axes.figure)) == 1
    axes.figure.legends.clear()
    axes.figure.set_layout_engine("constrained")  # which makes room for it outside
    axes.figure.legend(loc="outside right center")
    assert checks.legends_over_data(axes.figure) == []


def test_a_label_on_a_line_is_found_and_one_beside_it_is_not(axes):
    axes.plot([0, 1], [0, 0], "o-")
    on = axes.annotate("on", (0.5, 0), ha="center", va="center")
    axes.annotate("beside", (1, 0), xytext=(0, 6), textcoords="offset points", ha="right")
    assert checks.labels_over_data(axes.figure) == [(on, axes)]


def test_units_written_as_code_are_found(axes):
    axes.set_xlabel("I_stim (uA/cm^2)")
    axes.set_ylabel("g_K (mS/cm**2)")
    axes.set_title("T = 6.3 degC, g = 36 mS/cm², I in µA/cm², $m^3 h$")
    axes.annotate("g_Na = 120 mS/cm^2", (0.5, 0.5))
    assert sorted(checks.ascii_units(axes.figure)) == [
        "I_stim (uA/cm^2)", "T = 6.3 degC, g = 36 mS/cm², I in µA/cm², $m^3 h$",
        "g_K (mS/cm**2)", "g_Na = 120 mS/cm^2"]


@pytest.mark.parametrize("model", [m.name for m in list_models() if m.gates])
def test_gate_curves_leave_the_curves_visible(model):
    axes = plotting.plot_gate_curves(model)
    try:
        assert checks.figure_problems(axes[0].figure) == []
    finally:
        plt.close(axes[0].figure)


@pytest.mark.parametrize("name", list(gallery.REDUCTION_FIGURES))
def test_reduction_figures_leave_the_data_visible(name, axes):
    gallery.REDUCTION_FIGURES[name](axes)
    assert checks.figure_problems(axes.figure) == []
    assert axes.get_title()


def test_a_script_run_checked_reports_the_figures_it_saves_with_a_problem(tmp_path):
    script = tmp_path / "two_figures.py"
    script.write_text(
        "import sys\n"
        "import matplotlib.pyplot as plt\n"
        "for name, where in (('clear', 'upper left'), ('hidden', 'center')):\n"
        "    fig, ax = plt.subplots()\n"
        "    ax.plot([0, 1], [0, 1], label='v')\n"
        "    ax.legend(loc=where)\n"
        "    fig.savefig(f'{sys.argv[1]}/{name}.png')\n")
    report = tmp_path / "report.txt"
    subprocess.run([sys.executable, str(CHECKED_RUN), str(report), str(script), str(tmp_path)],
                   check=True, env={**os.environ, "MPLBACKEND": "Agg"})
    assert report.read_text() == "hidden.png: legend ['v'] covers data of the axes ''\n"
    assert (tmp_path / "clear.png").exists() and (tmp_path / "hidden.png").exists()


def test_the_examples_write_every_gallery_figure():
    """So that the slow test of the examples checks every figure of ``hh-brian figures``."""
    called = set()
    for script in EXAMPLES.glob("*.py"):
        called |= set(re.findall(r"gallery\.(write_\w+)\(([^)]*)\)", script.read_text()))
    writers = {name for name in gallery.__all__ if name.startswith("write_")}
    assert writers - {"write_all_figures"} <= {name for name, _ in called}
    # The model figures: all of them, written by one script (models= not given).
    assert any(name == "write_model_figures" and "models=" not in arguments
               for name, arguments in called)

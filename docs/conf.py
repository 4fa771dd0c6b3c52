"""Sphinx configuration for hh_brian.

At build time this file regenerates what the pages include: every figure (by running the
example scripts), each model's equations and parameters (from the models themselves), the
measured agreement with the reference integrator, and the command line's help. Nothing
generated is committed; it all lands in ``docs/_generated/``.
"""

import os
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
GENERATED = pathlib.Path(__file__).resolve().parent / "_generated"

import hh_brian  # noqa: E402

project = "hh_brian"
author = "hh_brian developers"
copyright = "hh_brian developers"
release = version = hh_brian.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    # Copies MathJax into _static/ and points mathjax_path at it: the equations must render
    # for a reader without a network, and the default loads MathJax from a CDN.
    "sphinx-mathjax-offline",
    "sphinx.ext.viewcode",
    "numpydoc",
    # The notebooks in notebooks/ are run at every build, so their outputs are always
    # those of the current code; a cell that raises fails the build.
    "myst_nb",
]
exclude_patterns = ["_build", "_generated/**/*.rst", "notebooks/.ipynb_checkpoints",
                    "**/.ipynb_checkpoints"]
nb_execution_mode = "force"
nb_execution_raise_on_error = True
nb_execution_show_tb = True
nb_execution_timeout = 600  # seconds per cell, room for compiling a model on a slow machine
nb_merge_streams = True
# $...$ and $$...$$ in the notebooks' text cells.
myst_enable_extensions = ["dollarmath"]
html_theme = "alabaster"
html_static_path = ["_static"]
# Code and tables need more room than alabaster's 940-px page and 800-px text column: the
# page takes 1200 px, which a 1280-px window holds beside its scrollbar, and what is still
# too wide wraps (fit.css) instead of hiding behind a scrollbar.
html_theme_options = {"description": "Hodgkin–Huxley, step by step, with Brian2",
                      "fixed_sidebar": True, "page_width": "1200px", "body_max_width": "none"}
html_css_files = ["fit.css"]
autodoc_default_options = {"members": True, "member-order": "bysource"}
autosummary_generate = False
numpydoc_show_class_members = False
numpydoc_validation_checks = set()
nitpicky = False
# The explorer's cells in the notebooks also output Panel's notebook extension, as mime types
# that only a live Jupyter front end runs (application/vnd.holoviews_*); a static page has no
# use for them, and myst-nb says it skips them.
suppress_warnings = ["mystnb.unknown_mime_type"]

#: Examples run to produce the documentation's figures (the longest first).
EXAMPLES = ["bifurcation.py", "propagation.py", "fitting.py", "noise_run.py", "regime_map.py",
            "model_figures.py", "dvdt_analysis.py"] + [
    f"step_{k}_{name}.py" for k, name in enumerate(
        ["passive_membrane", "two_conductances", "gated_conductance", "two_gated_conductances",
         "inactivating_conductance", "inactivating_and_delayed_conductances",
         "hodgkin_huxley"], start=1)]


def _run_example(script: str) -> None:
    figures = GENERATED / "figures"
    env = {**os.environ, "MPLBACKEND": "Agg"}
    done = subprocess.run([sys.executable, str(ROOT / "examples" / script), str(figures)],
                          capture_output=True, text=True, env=env)
    if done.returncode != 0:
        raise RuntimeError(f"examples/{script} failed:\n{done.stderr[-3000:]}")
    # Keep what the example reports, not where this build put its files.
    report = [line for line in done.stdout.splitlines()
              if not line.startswith("figure written to")]
    (GENERATED / f"{pathlib.Path(script).stem}.txt").write_text("\n".join(report) + "\n")


def _validation_table_in_a_process() -> None:
    """The validation table, computed in a process of its own (beside the examples)."""
    code = (f"import sys; sys.path.insert(0, {str(ROOT / 'docs')!r}); "
            "import conf; conf._validation_table()")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env={**os.environ, "MPLBACKEND": "Agg"})
    if done.returncode != 0:
        raise RuntimeError(f"the validation table failed:\n{done.stderr[-3000:]}")


def _run_examples_and_validation() -> None:
    """Every example, and the validation table, each in a process of its own, on every core
    (they are independent: together they are most of the build's time)."""
    from concurrent.futures import ThreadPoolExecutor

    (GENERATED / "figures").mkdir(parents=True, exist_ok=True)
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        # The longest first, so that the short ones fill in around them.
        tasks = [pool.submit(_validation_table_in_a_process)]
        tasks += [pool.submit(_run_example, script) for script in EXAMPLES]
        for task in tasks:
            task.result()


def _model_pages():
    from hh_brian.core.units import to_display

    folder = GENERATED / "models"
    folder.mkdir(parents=True, exist_ok=True)
    for model in hh_brian.list_models():
        rows = []
        for name, value in model.params.items():
            number, unit = to_display(value)
            source = model.source_symbols.get(name, name)
            rows.append(f"   * - ``{name}``\n     - {float(number):g}\n     - {unit}\n"
                        f"     - ``{source}``")
        # nowrap: the block is already an aligned environment; Sphinx's own wrapping would
        # nest it in a split, which MathJax refuses.
        latex = "\n".join("   " + line for line in
                          ["\\[", *model.to_latex().splitlines(), "\\]"])
        text = (f".. math::\n   :nowrap:\n\n{latex}\n\n"
                f".. list-table:: Default parameters of ``{model.name}``\n"
                "   :header-rows: 1\n\n   * - parameter\n     - value\n     - unit\n"
                "     - name in the source\n" + "\n".join(rows) + "\n")
        (folder / f"{model.name}.rst").write_text(text)
    # What each step of the chapter adds to the one before (Model.diff), as a patch.
    steps = hh_brian.list_models()[:7]
    for previous, model in zip(steps, steps[1:]):
        patch = "\n".join("   " + line for line in str(model.diff(previous)).splitlines())
        (folder / f"{model.name}_diff.rst").write_text(
            f"What ``{model.name}`` changes in ``{previous.name}``, from "
            f"``get_model({model.name!r}).diff({previous.name!r})``:\n\n"
            f".. code-block:: diff\n\n{patch}\n")


def _validation_table():
    from hh_brian.reference.compare import compare_with_reference

    lines = [".. list-table:: Largest difference from the reference over the default input",
             "   :header-rows: 1", "",
             "   * - model", "     - target", "     - steps", "     - max abs dv (mV)",
             "     - spikes", "     - max spike-time difference (ms)"]
    for model in hh_brian.list_models():
        for target in ("cython", "numpy", "cpp_standalone"):
            agreement = compare_with_reference(model, target,
                                               max_steps=20000 if target == "numpy" else None)
            lines += [f"   * - ``{model.name}``", f"     - {target}",
                      f"     - {agreement.n_steps}", f"     - {agreement.max_dv:.2g}",
                      f"     - {agreement.spike_counts[0]}",
                      f"     - {agreement.max_spike_time_diff:.2g}"]
    (GENERATED / "validation_table.rst").write_text("\n".join(lines) + "\n")


def _cli_help():
    from hh_brian.cli.main import build_parser

    parser = build_parser()
    texts = [parser.format_help()]
    for name, sub in parser.command_parsers.items():
        texts.append(sub.format_help())
    (GENERATED / "cli_help.txt").write_text("\n\n".join(texts))


def _generate(app):
    GENERATED.mkdir(exist_ok=True)
    _model_pages()
    _cli_help()
    _run_examples_and_validation()


def setup(app):
    app.connect("builder-inited", _generate)

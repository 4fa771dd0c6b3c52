"""Pytest set-up shared by the tests and the docstring examples.

* Figures are drawn without a screen.
* Nothing is written to the user's home: the standalone build cache, Cython's cache of
  compiled extensions and matplotlib's cache live in one temporary folder per test session,
  shared by every worker process and every subprocess the tests start, and removed at the
  end. Set ``HH_BRIAN_TEST_CACHE`` to a folder to keep them between sessions instead.
* ``slow`` marks the exhaustive tests (every model on every target, the example scripts, the
  figure gallery, the long docstring examples): ``python3 -m pytest`` leaves them out,
  ``python3 -m pytest -m slow`` runs them (CI runs both).
"""

import os
import shutil
import tempfile


def _session_caches():
    """Point every cache at one folder of this session (before anything imports matplotlib
    or Brian2); the worker processes of pytest-xdist inherit it. Returns the folder to remove
    at the end, or None if it was given (``HH_BRIAN_TEST_CACHE``) or is another process's."""
    if os.environ.get("_HH_BRIAN_TEST_SESSION"):
        return None
    keep = os.environ.get("HH_BRIAN_TEST_CACHE")
    root = keep or tempfile.mkdtemp(prefix="hh_brian-tests-")
    os.environ["_HH_BRIAN_TEST_SESSION"] = root
    for variable, folder in {"HH_BRIAN_CACHE_DIR": "hh_brian", "CYTHON_CACHE_DIR": "cython",
                             "MPLCONFIGDIR": "matplotlib"}.items():
        os.environ[variable] = os.path.join(root, folder)
    return None if keep else root


_CREATED = _session_caches()

import matplotlib  # noqa: E402

matplotlib.use("Agg")

# Docstring examples that take more than a few seconds (a figure gallery, f-I curves and
# bisections on the numpy target, standalone builds); they run with the slow tests.
SLOW_DOCTESTS = {
    "hh_brian.bifurcation.bistability.hysteresis",
    "hh_brian.fit.crossval.cross_validate",
    "hh_brian.fit.demo.demo_recordings",
    "hh_brian.gallery.write_fit_figures",
    "hh_brian.fit.plot.plot_fit",
    "hh_brian.fit.result.FitResult",
    "hh_brian.fit.teaching.ingredient_table",
    "hh_brian.fit.teaching.teaching_recordings",
    "hh_brian.gallery.write_all_figures",
    "hh_brian.gallery.write_bifurcation_figures",
    "hh_brian.sweeps.FICurve",
    "hh_brian.sweeps.fi_curve",
    "hh_brian.sweeps.rheobase",
    "hh_brian.targets.standalone.BuildError",
    "hh_brian.targets.standalone.build_count",
    "hh_brian.targets.standalone.StandaloneTarget",
    "hh_brian.explorer.launch.explore",
    "hh_brian.explorer.launch.serve",
    "hh_brian.explorer.app.Explorer",
    "hh_brian.explorer.app.RunningServer",
    "hh_brian.fit.fitting.fit_trace",
    "hh_brian.explorer.app.Explorer.settings",
    "hh_brian.explorer.app.Explorer.set",
    "hh_brian.explorer.app.Explorer.reset",
    "hh_brian.explorer.app.Explorer.wait",
    "hh_brian.explorer.app.Explorer.close",
    "hh_brian.explorer.app.serve",
    "hh_brian.gallery.write_map_figures",
    "hh_brian.regimes.measure",
    "hh_brian.sweeps.sweep",
    "hh_brian.parallel.run_job",
    "hh_brian.parallel.run_chunk",
    "hh_brian.plotting.plot_regime_map",
}


# Docstring examples that follow periodic orbits with AUTO-07p (the ``bifurcation`` extra);
# skipped, with the reason, where it is not installed.
ENGINE_DOCTESTS = {
    "hh_brian.bifurcation.cycles.cycles_from_hopf",
    "hh_brian.bifurcation.cycles.require_engine",
    "hh_brian.bifurcation.results.CycleBranch",
    "hh_brian.gallery.write_all_figures",
    "hh_brian.gallery.write_bifurcation_figures",
}


# The explorer's app and figures need the explore extra (Panel, with Bokeh): without it their
# modules cannot be imported, so their docstring examples are not collected.
collect_ignore = ([] if __import__("importlib.util").util.find_spec("panel") else
                  ["hh_brian/explorer/app.py", "hh_brian/explorer/figures.py"])


def _engine_missing() -> bool:
    import importlib.util
    import shutil

    return importlib.util.find_spec("bifpy") is None or shutil.which("gfortran") is None


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: exhaustive; run with -m slow (CI does)")


def pytest_unconfigure(config):
    if _CREATED:
        shutil.rmtree(_CREATED, ignore_errors=True)


def pytest_collection_modifyitems(config, items):
    import pytest

    missing = _engine_missing()
    for item in items:
        if item.name in SLOW_DOCTESTS:
            item.add_marker(pytest.mark.slow)
        if missing and item.name in ENGINE_DOCTESTS:
            item.add_marker(pytest.mark.skip(
                reason="needs the bifurcation extra: pip install 'hh_brian[bifurcation]' "
                       "(with gfortran)"))

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

import matplotlib

matplotlib.use("Agg")

# Docstring examples that take more than a few seconds (a figure gallery, f-I curves and
# bisections on the numpy target, standalone builds); they run with the slow tests.
SLOW_DOCTESTS = {
    "hh_brian.gallery.write_all_figures",
    "hh_brian.sweeps.FICurve",
    "hh_brian.sweeps.fi_curve",
    "hh_brian.sweeps.rheobase",
    "hh_brian.targets.standalone.BuildError",
    "hh_brian.targets.standalone.build_count",
    "hh_brian.targets.standalone.StandaloneTarget",
}

_CACHES = {"HH_BRIAN_CACHE_DIR": "hh_brian", "CYTHON_CACHE_DIR": "cython",
           "MPLCONFIGDIR": "matplotlib"}


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: exhaustive; run with -m slow (CI does)")
    # Worker processes of pytest-xdist inherit the controller's environment: set it once.
    if os.environ.get("PYTEST_XDIST_WORKER"):
        return
    keep = os.environ.get("HH_BRIAN_TEST_CACHE")
    root = keep or tempfile.mkdtemp(prefix="hh_brian-tests-")
    config._hh_brian_cache = None if keep else root
    for variable, folder in _CACHES.items():
        os.environ[variable] = os.path.join(root, folder)


def pytest_unconfigure(config):
    root = getattr(config, "_hh_brian_cache", None)
    if root:
        shutil.rmtree(root, ignore_errors=True)


def pytest_collection_modifyitems(config, items):
    import pytest

    for item in items:
        if item.name in SLOW_DOCTESTS:
            item.add_marker(pytest.mark.slow)

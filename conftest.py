"""Pytest set-up shared by the tests and the docstring examples.

* Figures are drawn without a screen.
* Nothing is written to the user's home: the standalone build cache, Cython's cache of
  compiled extensions, matplotlib's cache and the XDG cache (where pynwb keeps its type map)
  live in one temporary folder per test session,
  shared by every worker process and every subprocess the tests start, and removed at the
  end. Set ``HH_BRIAN_TEST_CACHE`` to a folder to keep them between sessions instead.
* ``slow`` marks the exhaustive tests (every model on every target, the example scripts, the
  figure gallery, the long docstring examples): ``python3 -m pytest`` leaves them out,
  ``python3 -m pytest -m slow`` runs them (CI runs both), on every core.
* Tests that share compiled code or a module fixture carry an ``xdist_group`` mark: with
  ``--dist loadgroup`` (pyproject.toml) each group runs on one worker, which compiles the
  code, or computes the fixture, once.
"""

import doctest
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
                             "MPLCONFIGDIR": "matplotlib", "XDG_CACHE_HOME": "cache"}.items():
        os.environ[variable] = os.path.join(root, folder)
    return None if keep else root


_CREATED = _session_caches()

import matplotlib  # noqa: E402

matplotlib.use("Agg")

# Docstring examples say themselves what they need, beside their code, with a doctest option
# on one of their lines: ``# doctest: +SLOW`` for one that takes more than a few seconds (a
# figure gallery, a fit, a standalone build; it runs with the slow tests), ``+ENGINE`` for
# one that follows periodic orbits with AUTO-07p (skipped, with the reason, where the
# bifurcation extra is not installed).
SLOW = doctest.register_optionflag("SLOW")
ENGINE = doctest.register_optionflag("ENGINE")


# The explorer's app and figures need the explore extra (Panel, with Bokeh): without it their
# modules cannot be imported, so their docstring examples are not collected.
collect_ignore = ([] if __import__("importlib.util").util.find_spec("panel") else
                  ["hh_brian/explorer/app.py", "hh_brian/explorer/axon_page.py",
                   "hh_brian/explorer/figures.py", "hh_brian/explorer/widgets.py"])


def _engine_missing() -> bool:
    import importlib.util
    import shutil

    return importlib.util.find_spec("bifpy") is None or shutil.which("gfortran") is None


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: exhaustive; run with -m slow (CI does)")


def pytest_unconfigure(config):
    if _CREATED:
        shutil.rmtree(_CREATED, ignore_errors=True)


def _options(item) -> int:
    """The doctest options set on any line of a docstring example (0 for another test)."""
    examples = getattr(getattr(item, "dtest", None), "examples", ())
    flags = 0
    for example in examples:
        flags |= sum(flag for flag, on in example.options.items() if on)
    return flags


def pytest_collection_modifyitems(config, items):
    import pytest

    missing = _engine_missing()
    for item in items:
        flags = _options(item)
        if flags & SLOW:
            item.add_marker(pytest.mark.slow)
        if missing and flags & ENGINE:
            item.add_marker(pytest.mark.skip(
                reason="needs the bifurcation extra: pip install 'hh_brian[bifurcation]' "
                       "(with gfortran)"))

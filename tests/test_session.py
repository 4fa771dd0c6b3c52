"""The test session keeps every cache in its own folder, none in the user's home."""

import os
import pathlib

import pytest


def test_pynwb_keeps_its_type_map_in_the_session_folder():
    pynwb = pytest.importorskip("pynwb")
    session = pathlib.Path(os.environ["_HH_BRIAN_TEST_SESSION"]).resolve()
    # pynwb pickles its core type map under the XDG cache at import (a module-level name).
    cache = pathlib.Path(getattr(pynwb, "__resources")["user_cache_dir"]).resolve()
    assert session in cache.parents


@pytest.mark.parametrize("variable", ["HH_BRIAN_CACHE_DIR", "CYTHON_CACHE_DIR", "MPLCONFIGDIR",
                                      "XDG_CACHE_HOME"])
def test_every_cache_is_in_the_session_folder(variable):
    session = pathlib.Path(os.environ["_HH_BRIAN_TEST_SESSION"]).resolve()
    assert session in pathlib.Path(os.environ[variable]).resolve().parents

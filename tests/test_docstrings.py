"""Every public function and class has a numpydoc docstring with a runnable example.

The examples themselves run as doctests (pytest --doctest-modules over hh_brian/).
"""

import importlib
import importlib.util
import inspect
import pkgutil

import pytest

import hh_brian

# Every public module of the package, found by walking it (a new module is checked without
# being listed); the explorer's app and figures need the explore extra (Panel).
MODULES = [info.name.removeprefix("hh_brian.") for info in
           pkgutil.walk_packages(hh_brian.__path__, "hh_brian.")
           if not any(part.startswith("_") for part in info.name.split("."))]
if importlib.util.find_spec("panel") is None:
    MODULES = [m for m in MODULES if m not in ("explorer.figures", "explorer.app",
                                               "explorer.axon_page", "explorer.widgets")]
PUBLIC = [(module, name) for module in MODULES
          for name in importlib.import_module(f"hh_brian.{module}").__all__]


@pytest.mark.parametrize("module, name", PUBLIC, ids=[f"{m}.{n}" for m, n in PUBLIC])
def test_public_object_has_an_example(module, name):
    obj = getattr(importlib.import_module(f"hh_brian.{module}"), name)
    if not (inspect.isfunction(obj) or inspect.isclass(obj)):
        pytest.skip("not a function or class")
    doc = inspect.getdoc(obj) or ""
    assert doc, f"{module}.{name} has no docstring"
    examples = doc.partition("Examples\n--------\n")[2]
    assert "\n>>> " in "\n" + examples, f"{module}.{name} has no example"

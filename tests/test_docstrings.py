"""Every public function and class has a numpydoc docstring with a runnable example.

The examples themselves run as doctests (pytest --doctest-modules over hh_brian/).
"""

import importlib
import importlib.util
import inspect

import pytest

MODULES = ["models", "simulation", "stimuli", "analysis", "plotting", "gallery", "reference",
           "validation", "units", "traces", "cli", "standalone", "sweeps", "errors", "ranges",
           "modeldiff", "expressions", "targets", "targets.base", "targets.inputs",
           "targets.network", "targets.registry", "targets.runtime", "targets.standalone",
           "bifurcation", "bifurcation.system", "bifurcation.equilibria", "bifurcation.cycles",
           "bifurcation.results", "bifurcation.diagrams", "bifurcation.bistability",
           "bifurcation.plot", "bifurcation.kinds", "fit", "fit.data", "fit.parameters",
           "fit.objective", "fit.uncertainty", "fit.result", "fit.fitting", "fit.agreement",
           "fit.crossval", "fit.plot", "fit.recordings", "fit.teaching", "explorer",
           "explorer.controls", "explorer.compute", "explorer.worker", "explorer.figures",
           "explorer.app", "explorer.launch"]
# The explorer's app and figures need the explore extra (Panel); without it they are left out.
if importlib.util.find_spec("panel") is None:
    MODULES = [m for m in MODULES if m not in ("explorer.figures", "explorer.app")]
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

"""hh_brian: the Hodgkin–Huxley model built step by step, simulated with Brian2 and units.

The main entry points:

* :func:`get_model` / :func:`list_models`: the registered models, in the order of the
  construction (``neuron_func_1`` … ``neuron_func_7`` of the source chapter).
* :func:`simulate`: run any model through Brian2 code generation and get every trace back
  with units.
* :mod:`hh_brian.stimuli`: injected currents (the source protocol, steps, ramps, …).
* :mod:`hh_brian.analysis`: dV/dt, fixed points, folds, phase planes.
* :mod:`hh_brian.bifurcation`: where a model starts and stops firing as a parameter moves.
* :mod:`hh_brian.fit`: conductances from a noisy recording, how sure, and outside the protocol.
* :func:`explore`: a slider per parameter and the traces redrawn as they move, in a notebook
  or (``hh-brian explore``) in the browser (:mod:`hh_brian.explorer`, the ``explore`` extra).
* :mod:`hh_brian.reference`: an independent plain-numpy forward-Euler integrator.

Every public module is an attribute of the package (``hh_brian.analysis``,
``hh_brian.sweeps``, …), imported on first use.
"""

import importlib

from . import stimuli
from ._excepthook import install_excepthook
from .errors import IntegrationError
from .models import MODELS, Model, get_model, list_models
from .simulation import TARGETS, SimulationResult, simulate

__all__ = [
    "IntegrationError",
    "MODELS",
    "Model",
    "SimulationResult",
    "TARGETS",
    "explore",
    "get_model",
    "list_models",
    "simulate",
    "stimuli",
]

__version__ = "0.1.0"

#: Public modules, imported when first used as ``hh_brian.<name>``.
_MODULES = ("analysis", "bifurcation", "cli", "errors", "explorer", "expressions", "fit", "gallery",
            "modeldiff", "models", "parallel", "plotting", "ranges", "reference", "regimes",
            "simulation", "standalone", "stimuli", "sweeps",
            "targets", "traces", "units", "validation")


def __getattr__(name):
    if name == "explore":
        from .explorer import explore

        return explore
    if name in _MODULES:
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'hh_brian' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_MODULES) | {"explore"})


install_excepthook()

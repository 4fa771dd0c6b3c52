"""hh_brian: the Hodgkin–Huxley model built step by step, simulated with Brian2 and units.

The main entry points:

* :func:`get_model` / :func:`list_models`: the registered models, in the order of the
  construction (``neuron_func_1`` … ``neuron_func_7`` of the source chapter); the
  catalogue itself is :mod:`hh_brian.models`.
* :func:`simulate`: run any model through Brian2 code generation and get every trace back
  with units; it is :func:`run_plan` of :func:`plan_run`, which checks every argument
  before anything is compiled.
* :mod:`hh_brian.stimuli`: injected currents (the source protocol, steps, ramps, …).
* :mod:`hh_brian.cable`: any model on an axon, its action potential's velocity.
* :func:`celsius`: a temperature in degrees Celsius as a quantity (every model with gates
  has one, ``T``: HH's 6.3 °C by default).
* :mod:`hh_brian.analysis`: dV/dt, fixed points, folds, phase planes.
* :mod:`hh_brian.bifurcation`: where a model starts and stops firing as a parameter moves.
* :mod:`hh_brian.fit`: conductances from a noisy recording, how sure, and outside the protocol.
* :mod:`hh_brian.sweeps`: many runs over a grid, f–I curves, regime maps, on Dask.
* :func:`explore`: a slider per parameter and the traces redrawn as they move, in a notebook
  or (``hh-brian explore``) in the browser (:mod:`hh_brian.explorer`, the ``explore`` extra).
* :mod:`hh_brian.reference`: the independent plain-numpy witnesses.

Every public module and subpackage is an attribute of the package (``hh_brian.analysis``,
``hh_brian.sweeps``, …), imported on first use.
"""

import importlib
import pkgutil

from . import _compat, models, stimuli  # noqa: F401  (the catalogue registers every model)
from ._version import __version__
from .core.errors import IntegrationError
from .core.excepthook import install_excepthook
from .core.units import celsius
from .model.core import MODELS, Model, get_model, list_models
from .simulation.plan import plan_run
from .simulation.result import SimulationResult
from .simulation.run import run_plan, simulate
from .targets.registry import TARGETS

__all__ = [
    "IntegrationError",
    "MODELS",
    "Model",
    "SimulationResult",
    "TARGETS",
    "__version__",
    "celsius",
    "explore",
    "get_model",
    "list_models",
    "plan_run",
    "run_plan",
    "simulate",
    "stimuli",
]

#: Public modules and subpackages, imported when first used as ``hh_brian.<name>``.
_MODULES = tuple(info.name for info in pkgutil.iter_modules(__path__)
                 if not info.name.startswith("_"))
#: Modules that moved: ``hh_brian.<old>`` still works for one release, with a warning.
_MOVED = tuple(old.rpartition(".")[2] for old in _compat.MOVED_MODULES
               if old.count(".") == 1)


def __getattr__(name):
    if name == "explore":
        from .explorer import explore

        return explore
    if name in _MODULES or name in _MOVED:
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'hh_brian' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_MODULES) | {"explore"})


_compat.install()
install_excepthook()

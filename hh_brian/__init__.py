"""hh_brian: the Hodgkin–Huxley model built step by step, simulated with Brian2 and units.

The main entry points:

* :func:`get_model` / :func:`list_models`: the registered models, in the order of the
  construction (``neuron_func_1`` … ``neuron_func_7`` of the source chapter).
* :func:`simulate`: run any model through Brian2 code generation and get every trace back
  with units.
* :mod:`hh_brian.stimuli`: injected currents (the source protocol, steps, ramps, …).
* :mod:`hh_brian.reference`: an independent plain-numpy forward-Euler integrator.
"""

from . import stimuli
from .models import MODELS, Model, get_model, list_models
from .simulation import TARGETS, SimulationResult, simulate

__all__ = [
    "MODELS",
    "Model",
    "SimulationResult",
    "TARGETS",
    "get_model",
    "list_models",
    "simulate",
    "stimuli",
]

__version__ = "0.1.0"

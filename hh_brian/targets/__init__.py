"""Code-generation targets: the ways of running a model, and their registry.

* :mod:`~hh_brian.targets.base`: what a target is given (:class:`RunPlan`) and returns
  (:class:`Recording`), and the :class:`Target` base class with its capabilities;
* :mod:`~hh_brian.targets.inputs`: how a stimulus becomes the input's arrays;
* :mod:`~hh_brian.targets.network`: the one description of the Brian2 network every target
  builds;
* :mod:`~hh_brian.targets.runtime`: Brian2's runtime mode (``"cython"``, ``"numpy"``);
* :mod:`~hh_brian.targets.standalone`: compiled C++ programs kept in a build cache
  (``"cpp_standalone"``);
* :mod:`~hh_brian.targets.registry`: the targets by name.

:func:`hh_brian.simulate` takes a registered name or a :class:`Target` (instance or class),
as ``scipy.integrate.solve_ivp`` takes a method's name or a solver class.
"""

from __future__ import annotations

from .._compat import moved_names
from .base import Recording, RunPlan, SpikeEvents, Target
from .registry import TARGETS, get_target, register_target
from .runtime import RuntimeTarget
from .standalone import StandaloneTarget

__all__ = ["Recording", "RunPlan", "RuntimeTarget", "SpikeEvents", "StandaloneTarget",
           "TARGETS", "Target", "get_target", "register_target"]

# Names that lived here before the package was regrouped: found, with a warning, for one
# release (hh_brian._compat).
__getattr__ = moved_names(__name__)

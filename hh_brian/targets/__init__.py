"""Code-generation targets: the ways of running a model, and their registry.

* :mod:`~hh_brian.targets.base`: what a target is given (:class:`RunSpec`) and returns
  (:class:`Recording`), and the :class:`Target` base class;
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

from .base import Recording, RunSpec, SpikeEvents, Target
from .registry import TARGETS, get_target, register_target
from .runtime import RuntimeTarget
from .standalone import StandaloneTarget

__all__ = ["Recording", "RunSpec", "RuntimeTarget", "SpikeEvents", "StandaloneTarget",
           "TARGETS", "Target", "get_target", "register_target"]

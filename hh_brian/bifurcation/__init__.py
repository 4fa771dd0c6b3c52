"""Bifurcation analysis: where a model starts and stops firing as a parameter moves.

* :func:`diagram`: equilibria, their stability, folds and Hopf points (the package's own
  continuation), and the periodic orbits born at the Hopf points with their limit points,
  period doublings and stability (AUTO-07p, in the optional ``bifurcation`` extra).
* :func:`hysteresis`: the check by simulation, sweeping the parameter up and then down.

The modules: :mod:`.system` (the model as an ODE system), :mod:`.equilibria`,
:mod:`.cycles`, :mod:`.results` (what a diagram holds), :mod:`.diagrams`, :mod:`.bistability`
and :mod:`.plot`.
"""

from .bistability import Hysteresis, hysteresis
from .diagrams import diagram
from .results import CycleBranch, Diagram, EquilibriumBranch, SpecialPoint

__all__ = ["CycleBranch", "Diagram", "EquilibriumBranch", "Hysteresis", "SpecialPoint",
           "diagram", "hysteresis"]

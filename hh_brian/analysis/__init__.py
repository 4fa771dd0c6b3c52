"""Analysis of a model's equations: dV/dt(V), fixed points, folds, phase planes, fits.

Everything here is computed from the model's own Brian2 equation string, so what is analysed
is exactly what is simulated: :class:`~hh_brian.model.functions.ModelFunctions` evaluates the
equations' expressions with numpy, which makes the many evaluations of root finding cheap.
Public functions take and return quantities.

Two kinds of questions are answered:

* **Slices** (:mod:`~hh_brian.analysis.slices`: ``dv_dt``, ``fixed_points``, ``fold``, the
  Izhikevich and AdEx fits): v is free and the other state variables are held. A gate
  passed by keyword (``n=0.2``) is held at that value; a gate not passed is taken at its
  steady state for each v (treated as instantaneous).
* **The full system** (:mod:`~hh_brian.analysis.phase_plane`: ``steady_states``,
  ``nullclines``, ``vector_field``): every state variable is free; a fixed point is a v
  where dV/dt vanishes with all gates at steady state, classified by the eigenvalues of the
  Jacobian.

:mod:`~hh_brian.analysis.evaluation` evaluates named expressions (``evaluate``,
``gate_curves``). Continuation in a parameter is :mod:`hh_brian.bifurcation`'s.
"""

from ..model.functions import ModelFunctions
from .evaluation import evaluate, gate_curves
from .phase_plane import SteadyState, nullclines, steady_states, vector_field
from .slices import (AdExFit, FixedPoint, Fold, IzhikevichFit, adex_fit, dv_dt, fixed_points,
                     fold, izhikevich_fit)

__all__ = ["AdExFit", "FixedPoint", "Fold", "IzhikevichFit", "ModelFunctions", "SteadyState",
           "adex_fit", "dv_dt", "evaluate", "fixed_points", "fold", "gate_curves",
           "izhikevich_fit", "nullclines", "steady_states", "vector_field"]

"""A run: plan it, run it, get its result.

* :mod:`~hh_brian.simulation.plan`: :func:`plan_run`, every argument checked, nothing
  compiled;
* :mod:`~hh_brian.simulation.run`: :func:`simulate` and :func:`run_plan`;
* :mod:`~hh_brian.simulation.chunks`: a large batch run in chunks of neurons;
* :mod:`~hh_brian.simulation.result`: :class:`SimulationResult`;
* :mod:`~hh_brian.simulation.progress`: :class:`ProgressBar`.

The targets that run a plan are :mod:`hh_brian.targets`.
"""

from ..core.errors import RecordingTooLarge
from ..targets.base import DEFAULT_MEMORY_LIMIT, estimate_memory
from ..targets.registry import TARGETS
from .plan import plan_run
from .progress import ProgressBar
from .result import SimulationResult
from .run import run_plan, simulate

__all__ = ["DEFAULT_MEMORY_LIMIT", "ProgressBar", "RecordingTooLarge", "SimulationResult",
           "TARGETS", "estimate_memory", "plan_run", "run_plan", "simulate"]

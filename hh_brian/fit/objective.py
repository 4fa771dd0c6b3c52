"""The fit's objective: candidates in, residuals out, one Brian2 run per batch and sweep.

Each sweep's run is planned once (:func:`hh_brian.plan_run`, a batch with one neuron per
candidate, recording v at the recording's sampling interval); every evaluation then runs
that plan with the candidates' values (:meth:`~hh_brian.targets.RunPlan.with_values`), which
checks only the values. Batches always have the same number of neurons (a short batch is
padded with copies of its last candidate), so the generated code, compiled once for the
first batch, serves every later one: on the standalone target each later run only starts
the compiled program with new values.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
from brian2 import Quantity, mV

from ..model.core import Model
from ..simulation.plan import plan_run
from ..simulation.run import run_plan
from .data import Sweep
from .parameters import FreeParameters

__all__ = ["DIVERGED_RESIDUAL_MV", "Objective"]

#: The residual (mV) given to every sample of a candidate whose integration diverged: larger
#: than any finite model can be off, so the optimiser leaves such candidates behind.
DIVERGED_RESIDUAL_MV = 1000.0


@dataclass
class Objective:
    """Residuals (model − recording, mV) of candidate parameter sets over every sweep.

    Parameters
    ----------
    model : Model
        With the fixed parameters of the fit.
    sweeps : tuple of Sweep
    free : FreeParameters
    dt : Quantity
        Integration step; each sweep's sampling interval is a whole number of steps.
    method : str
    target : str or Target
    batch_size : int
        Neurons per run.
    initial : mapping of str to Quantity
        Fixed initial values (the free ones come from the candidates).

    Attributes
    ----------
    plans : tuple of RunPlan
        The run of each sweep, planned once (every argument checked when the objective is
        made, before anything runs).
    n_evaluations : int
        Model evaluations so far: one per candidate and sweep (padding not counted).
    n_runs : int
        Brian2 runs so far.
    seconds : float
        Wall time spent in runs.

    Examples
    --------
    Two candidate leak conductances against a flat trace at rest: the default (0.3) fits it.

    >>> import numpy as np
    >>> from brian2 import mV, mS, ms, uA, cm
    >>> from hh_brian import get_model
    >>> from hh_brian.fit.data import recorded_sweep
    >>> from hh_brian.fit.parameters import free_parameters
    >>> model = get_model("passive_membrane")
    >>> flat = recorded_sweep(np.full(20, -65.0)*mV, 0*uA/cm**2, dt=0.1*ms)
    >>> objective = Objective(model, (flat,), free_parameters(model, {"g_L": (0.1, 1)*mS/cm**2}),
    ...                       dt=0.1*ms, method="euler", target="numpy", batch_size=2)
    >>> np.round(objective.cost([[0.3], [1.0]]), 6), objective.n_evaluations, objective.n_runs
    (array([0., 0.]), 2, 1)
    """

    model: Model
    sweeps: tuple[Sweep, ...]
    free: FreeParameters
    dt: Quantity
    method: str
    target: object
    batch_size: int
    initial: Mapping[str, Quantity] = field(default_factory=dict)
    n_evaluations: int = 0
    n_runs: int = 0
    seconds: float = 0.0
    plans: tuple = field(init=False, repr=False)

    def __post_init__(self):
        # Planned with the middle of every free range, as a batch of batch_size neurons.
        middle = self.free.to_values(np.full((self.batch_size, len(self.free)), 0.5))
        params, initial = self.free.split(middle)
        plans = []
        for recorded in self.sweeps:
            steps = recorded.steps_per_sample(self.dt)
            plans.append(plan_run(
                self.model, recorded.n_samples * steps * self.dt, recorded.current, dt=self.dt,
                method=self.method, target=self.target, params=params,
                initial={**self.initial, **initial}, record=["v"],
                record_dt=None if steps == 1 else recorded.dt))
        self.plans = tuple(plans)

    @property
    def n_samples(self) -> int:
        return sum(s.n_samples for s in self.sweeps)

    @property
    def data(self) -> np.ndarray:
        """Every sweep's samples (mV), one after the other."""
        return np.concatenate([np.asarray(s.v / mV) for s in self.sweeps])

    def traces(self, values) -> list[np.ndarray]:
        """The model's v (mV) for each candidate (rows of ``values``, display units), per sweep.

        Returns one array of shape ``(S, n_samples)`` per sweep; a candidate that diverged
        has NaN from its divergence on.
        """
        values = np.atleast_2d(np.asarray(values, dtype=float))
        out = [np.empty((len(values), s.n_samples)) for s in self.sweeps]
        for start in range(0, len(values), self.batch_size):
            chunk = values[start:start + self.batch_size]
            padded = np.concatenate([chunk, np.repeat(chunk[-1:], self.batch_size - len(chunk),
                                                      axis=0)])
            params, initial = self.free.split(padded)
            for k, plan in enumerate(self.plans):
                began = time.perf_counter()
                result = run_plan(plan.with_values(params=params, initial=initial))
                self.seconds += time.perf_counter() - began
                self.n_runs += 1
                out[k][start:start + len(chunk)] = np.asarray(result.v / mV)[:len(chunk)]
            self.n_evaluations += len(chunk) * len(self.sweeps)
        return out

    def residuals(self, values) -> np.ndarray:
        """Model − recording (mV) for each candidate, every sweep's samples in a row.

        A diverged candidate's residuals are :data:`DIVERGED_RESIDUAL_MV` throughout.
        """
        model = np.concatenate(self.traces(values), axis=1)
        residuals = model - self.data
        diverged = ~np.all(np.isfinite(residuals), axis=1)
        residuals[diverged] = DIVERGED_RESIDUAL_MV
        return residuals

    def cost(self, values) -> np.ndarray:
        """The sum of squared residuals (mV²) of each candidate."""
        residuals = self.residuals(values)
        return np.einsum("ij,ij->i", residuals, residuals)

"""Fitting a model to recordings: conductances from a noisy trace, how sure the estimate is,
and whether it holds under protocols it was not fitted on.

* :func:`fit_trace`: fit free parameters to one or several recorded sweeps (a global
  search by differential evolution, each generation one batched Brian2 run per sweep, then a
  least-squares polish), with confidence intervals, the noise and the correlations.
* :func:`cross_validate`: the fitted model's predictions against recordings made under
  other protocols: voltage error and spike-time agreement (the coincidence factor).
* :func:`sweep`, :func:`resample`, :func:`read_csv`, :func:`read_nwb`: recordings.
"""

from .agreement import coincidence_factor, match_spikes
from .crossval import CrossValidation, cross_validate
from .data import Sweep, resample, sweep
from .fitting import fit_trace
from .recordings import read_csv, read_nwb, write_csv, write_nwb
from .result import FitResult

__all__ = ["CrossValidation", "FitResult", "Sweep", "coincidence_factor", "cross_validate",
           "fit_trace", "match_spikes", "read_csv", "read_nwb", "resample", "sweep",
           "write_csv", "write_nwb"]

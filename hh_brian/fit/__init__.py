"""Fitting a model to recordings: conductances from a noisy trace, how sure the estimate is,
and whether it holds under protocols it was not fitted on.

* :func:`fit_trace`: fit free parameters to one or several recorded sweeps (a global
  search by differential evolution, each generation one batched Brian2 run per sweep, then a
  least-squares polish), with confidence intervals, the noise and the correlations, and
  whether it converged (:class:`Convergence`; :class:`FitNotConverged` warns when not).
* :func:`cross_validate`: the fitted model's predictions against recordings made under
  other protocols: voltage error and spike-time agreement (the coincidence factor).
* :func:`recorded_sweep`, :func:`resample`, :func:`read_csv`, :func:`read_nwb`: recordings.
"""

from .._compat import moved_names
from .agreement import coincidence_factor, match_spikes
from .convergence import Convergence, FitNotConverged
from .crossval import CrossValidation, cross_validate
from .data import Sweep, recorded_sweep, resample
from .fitting import fit_trace
from .recordings import read_csv, read_nwb, write_csv, write_nwb
from .result import FitResult

__all__ = ["Convergence", "CrossValidation", "FitNotConverged", "FitResult", "Sweep",
           "coincidence_factor", "cross_validate", "fit_trace", "match_spikes", "read_csv",
           "read_nwb", "recorded_sweep", "resample", "write_csv", "write_nwb"]

# Names that lived here before the package was regrouped: found, with a warning, for one
# release (hh_brian._compat).
__getattr__ = moved_names(__name__)

"""Many runs: sweeps over a grid, f–I curves and rheobase, run in chunks and reduced to measures.

* :mod:`~hh_brian.sweeps.grid`: :func:`sweep`, an :class:`xarray.Dataset` over a grid of
  parameter values;
* :mod:`~hh_brian.sweeps.fi`: :func:`fi_curve` and :func:`rheobase`;
* :mod:`~hh_brian.sweeps.jobs`: a run planned once and made for every point, in chunks, here,
  in a local pool or on Dask;
* :mod:`~hh_brian.sweeps.regimes`: what each run did (spike measures, the firing regime);
* :mod:`~hh_brian.sweeps.plot`: the f–I curve and the regime map.
"""

from .fi import FICurve, fi_curve, rheobase
from .grid import sweep

__all__ = ["FICurve", "fi_curve", "rheobase", "sweep"]

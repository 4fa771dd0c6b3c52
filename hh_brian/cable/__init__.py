"""The propagated action potential: any model of the package on an axon.

* :mod:`~hh_brian.cable.axon`: :class:`Axon`, a uniform cylinder with sealed ends, and
  :data:`SQUID_AXON`, Hodgkin & Huxley's;
* :mod:`~hh_brian.cable.propagation`: :func:`propagate` and its :class:`Propagation`
  (arrival times, conduction velocity);
* :mod:`~hh_brian.cable.maps`: the velocity over a grid of diameters, temperatures or any
  parameter (:func:`velocity_sweep`, an xarray map, on Dask too) and the heat block
  (:func:`block_temperature`);
* :mod:`~hh_brian.cable.plot`: the space–time figure.

The cable's network, run by every target, is :mod:`hh_brian.targets.cable`; its independent
witness, :mod:`hh_brian.reference.cable`.
"""

from ..models import HH_1952
from .axon import SQUID_AXON, Axon, length_constant
from .maps import HeatBlock, block_temperature, velocity_sweep
from .plot import plot_propagation, plot_velocity
from .propagation import Propagation, plan_propagation, propagate, resting_length_constant

__all__ = ["Axon", "HH_1952", "HeatBlock", "Propagation", "SQUID_AXON", "block_temperature",
           "length_constant", "plan_propagation", "plot_propagation", "plot_velocity",
           "propagate", "resting_length_constant", "velocity_sweep"]

"""The propagated action potential: any model of the package on an axon.

* :mod:`~hh_brian.cable.axon`: :class:`Axon`, a uniform cylinder with sealed ends, and
  :data:`SQUID_AXON`, Hodgkin & Huxley's;
* :mod:`~hh_brian.cable.propagation`: :func:`propagate` and its :class:`Propagation`
  (arrival times, conduction velocity);
* :mod:`~hh_brian.cable.plot`: the space–time figure.

The cable's network, run by every target, is :mod:`hh_brian.targets.cable`; its independent
witness, :mod:`hh_brian.reference.cable`.
"""

from .axon import SQUID_AXON, Axon, length_constant
from .plot import plot_propagation
from .propagation import Propagation, propagate, resting_length_constant

__all__ = ["Axon", "Propagation", "SQUID_AXON", "length_constant", "plot_propagation", "propagate",
           "resting_length_constant"]

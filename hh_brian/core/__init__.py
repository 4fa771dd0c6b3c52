"""Foundations every other part of the package stands on, none of which runs a model.

* :mod:`~hh_brian.core.units`: checking arguments' dimensions, reading quantities written
  with their units, showing them in the source's units;
* :mod:`~hh_brian.core.ranges`: the physical range of each kind of quantity;
* :mod:`~hh_brian.core.traces`: what a spike is (shared with the independent reference,
  so it imports no Brian2);
* :mod:`~hh_brian.core.errors`: the errors hh_brian raises on purpose;
* :mod:`~hh_brian.core.excepthook`: those errors print only themselves.
"""

__all__: list[str] = []

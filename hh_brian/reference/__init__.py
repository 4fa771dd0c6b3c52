"""The independent witnesses, and the comparison that holds Brian2's runs against them.

* :mod:`~hh_brian.reference.patch`: the space-clamped membrane of every source model,
  integrated with plain numpy forward Euler in the source's units. It imports neither
  Brian2 nor the package's equation strings: each right-hand side is transcribed from the
  source chapter, so that agreement means something.
* :mod:`~hh_brian.reference.compare`: :func:`~hh_brian.reference.compare.compare_with_reference`
  runs a model through :func:`hh_brian.simulate` and through its witness, and says how
  closely they agree.

A new witness (of a cable, of stochastic channels) is a module of its own here, with the
same rule: numpy and the published equations, nothing of Brian2.
"""

from .patch import MODELS, exprel, integrate, smoothed_noise, source_protocol, spike_times

__all__ = ["MODELS", "exprel", "integrate", "smoothed_noise", "source_protocol", "spike_times"]

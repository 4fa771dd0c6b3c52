"""Explore a model interactively: a slider per parameter, the traces redrawn as they move.

:func:`explore` returns the app, which displays in a Jupyter notebook; :func:`serve` (and
``hh-brian explore``) serves the same app in a browser. Both need the ``explore`` extra
(``pip install 'hh_brian[explore]'``: Panel); without it they raise
:class:`~hh_brian.core.errors.MissingExtra`. The app has two pages: the patch (one neuron's
traces) and the axon (the model on an axon: the space–time figure and the conduction
velocity). What they compute lives in :mod:`~hh_brian.explorer.controls`,
:mod:`~hh_brian.explorer.compute` and :mod:`~hh_brian.explorer.axon`, which need no extra.
"""

from ..stimuli import STIMULUS_KINDS
from .axon import AxonSettings, AxonSnapshot, axon_figure, axon_sliders, run_axon
from .compute import Analysis, Settings, Snapshot, analyse, run
from .controls import Slider, make_stimulus, parameter_sliders, stimulus_sliders
from .launch import explore, serve

__all__ = ["Analysis", "AxonSettings", "AxonSnapshot", "STIMULUS_KINDS", "Settings", "Slider",
           "Snapshot", "analyse", "axon_figure", "axon_sliders", "explore", "make_stimulus",
           "parameter_sliders", "run", "run_axon", "serve", "stimulus_sliders"]

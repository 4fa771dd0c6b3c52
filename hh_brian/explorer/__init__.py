"""Explore a model interactively: a slider per parameter, the traces redrawn as they move.

:func:`explore` returns the app, which displays in a Jupyter notebook; :func:`serve` (and
``hh-brian explore``) serves the same app in a browser. Both need the ``explore`` extra
(``pip install 'hh_brian[explore]'``: Panel); without it they raise
:class:`~hh_brian.core.errors.MissingExtra`. What the app computes lives in
:mod:`~hh_brian.explorer.controls` and :mod:`~hh_brian.explorer.compute`, which need no
extra.
"""

from ..stimuli import STIMULUS_KINDS
from .compute import Analysis, Settings, Snapshot, analyse, run
from .controls import Slider, make_stimulus, parameter_sliders, stimulus_sliders
from .launch import explore, serve

__all__ = ["Analysis", "STIMULUS_KINDS", "Settings", "Slider", "Snapshot", "analyse",
           "explore", "make_stimulus", "parameter_sliders", "run", "serve", "stimulus_sliders"]

"""Explore a model interactively: a slider per parameter, the traces redrawn as they move.

:func:`explore` returns the app, which displays in a Jupyter notebook; :func:`serve` (and
``hh-brian explore``) serves the same app in a browser. Both need the ``explore`` extra
(``pip install 'hh_brian[explore]'``: Panel); without it they raise
:class:`~hh_brian.errors.MissingExtra`. What the app computes lives in
:mod:`~hh_brian.explorer.controls` and :mod:`~hh_brian.explorer.compute`, which need no
extra.
"""

from .compute import Analysis, Settings, Snapshot, analyse, run
from .controls import STIMULUS_KINDS, Slider, make_stimulus, parameter_sliders, stimulus_sliders

__all__ = ["Analysis", "STIMULUS_KINDS", "Settings", "Slider", "Snapshot", "analyse",
           "explore", "make_stimulus", "parameter_sliders", "run", "serve", "stimulus_sliders"]


def explore(model="hodgkin_huxley", **options):
    """The explorer app for ``model``; it displays in Jupyter (options: see ``Explorer``).

    Examples
    --------
    >>> app = explore("hodgkin_huxley", target="numpy")  # doctest: +SKIP
    >>> app  # in a notebook cell: the sliders and the figures  # doctest: +SKIP
    """
    from .app import Explorer

    return Explorer(model, **options)


def serve(model="hodgkin_huxley", *, port=0, show=True, **options):
    """Serve the explorer on 127.0.0.1 and (by default) open it in the browser.

    Blocks until interrupted. ``port=0`` picks a free port.

    Examples
    --------
    >>> serve("hh_2d_reduction", port=5006)  # doctest: +SKIP
    """
    from .app import serve as _serve

    return _serve(model, port=port, show=show, **options)

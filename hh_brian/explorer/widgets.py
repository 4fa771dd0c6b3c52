"""What both pages of the explorer build their controls from: Panel itself (or the error
naming the ``explore`` extra), the sliders, the model selector, and the step onto a
session's own thread.

These are the pages' helpers, not library API (:mod:`.app` and :mod:`.axon_page` use them).
"""

from __future__ import annotations

import math

from ..core.errors import MissingExtra
from ..model.core import get_model, list_models
from .controls import Slider

try:
    import panel as pn
except ImportError as error:  # pragma: no cover - exercised without the extra
    raise MissingExtra("explore", "the explorer needs Panel") from error

# Helpers of the explorer's pages; nothing here is library API.
__all__: list[str] = []

#: Runs expected to take longer than this show a progress bar (seconds).
SLOW_RUN = 0.3


def notebook_extension() -> None:
    """In a Jupyter kernel, load Panel's notebook extension with its scripts inline.

    So the app displays without a ``pn.extension()`` cell of the reader's own, and without a
    network: the scripts come with the output, not from a CDN. A served app gets its
    scripts from its own server (Panel's default), so nothing is set for it.
    """
    if in_kernel() and not _LOADED["notebook"]:
        pn.extension(inline=True)
        _LOADED["notebook"] = True


_LOADED = {"notebook": False}


def in_kernel() -> bool:
    """Whether this runs in a Jupyter kernel."""
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    return getattr(get_ipython(), "kernel", None) is not None


class FastSlider(pn.widgets.FloatSlider):
    """A float slider whose moves reach the server at once."""

    # Panel holds a widget's changes on the server for 50 ms, waiting for more; a slider's
    # moves and its release are handled at once (as Panel handles a button's click), and
    # only the release starts a run.
    _priority_changes = ["value", "value_throttled"]


def widget(slider: Slider):
    """The Panel slider of a :class:`~.controls.Slider`."""
    decimals = max(0, -math.floor(math.log10(slider.step)))
    return FastSlider(label=slider.label, start=slider.start, end=slider.end,
                      step=slider.step, value=slider.default,
                      format="0" + ("." + "0" * decimals if decimals else ""),
                      sizing_mode="stretch_width")


def registered(model):
    """The registered model ``model`` names; a changed copy is refused, not silently reset."""
    known = get_model(model if isinstance(model, str) else model.name)
    if not isinstance(model, str) and model is not known and not same_values(model, known):
        raise ValueError(f"model: the explorer starts from a registered model's source values; "
                         f"pass {known.name!r} and other values as params= (in the "
                         f"sliders' units)")
    return known


def same_values(a, b) -> bool:
    """Whether two models have the same equations and parameter values."""
    return (a.equations == b.equations and list(a.params) == list(b.params)
            and all(bool(a.params[k] == b.params[k]) for k in a.params))


def model_select(model):
    """The selector of every registered model, showing ``model``."""
    return pn.widgets.Select(label="model",
                             options={f"{m.source_name}: {m.title}": m.name
                                      for m in list_models()},
                             value=model.name, sizing_mode="stretch_width")


def schedule(doc, callback) -> None:
    """Run ``callback`` on the session's thread (at once outside a served session)."""
    if doc is not None and doc.session_context is not None:
        doc.add_next_tick_callback(callback)
    else:
        callback()

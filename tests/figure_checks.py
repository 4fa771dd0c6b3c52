"""Checks that a finished matplotlib figure passes: no legend or label hides data, no unit
written in ASCII.

Used by the tests of the figures (``test_figure_checks.py``) and by the slow test of the
example scripts, which runs both over every figure the scripts save, the whole gallery
among them.

* :func:`legends_over_data`: every legend (of an axes or of the figure) whose box covers
  data of any axes (:func:`hh_brian.plotting.covers_data`), where that axes shows them.
* :func:`labels_over_data`: every text inside an axes (a point's label, an annotation) that
  covers that axes' data.
* :func:`ascii_units`: every text of the figure that writes a unit as code does
  (``uA/cm^2``, ``mS/cm**2``, ``degC``) rather than as the figures do (µA/cm², mS/cm², °C).
* :func:`figure_problems`: all three, in words.
"""

from __future__ import annotations

import re

from matplotlib.text import Text

from hh_brian.plotting import covers_data

__all__ = ["ascii_units", "figure_problems", "labels_over_data", "legends_over_data"]


def legends_over_data(fig) -> list[tuple]:
    """The legends of ``fig`` that cover its data, each as ``(legend, axes)``: the axes whose
    data it covers (a legend is reported once per axes it covers).

    The figure is drawn first, so that the legends are where they will be saved. What counts
    as data is :func:`hh_brian.plotting.covers_data`'s: lines drawn in data coordinates and
    scatter points, where their axes shows them; not ``axhline``, vector fields, images or
    shaded bands.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> _ = ax.plot([0, 1], [0, 1], label="diagonal")
    >>> _ = ax.legend(loc="center")
    >>> [legend.get_texts()[0].get_text() for legend, _ in legends_over_data(fig)]
    ['diagonal']
    >>> _ = ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1))
    >>> legends_over_data(fig)
    []
    >>> plt.close(fig)
    """
    fig.draw_without_rendering()
    legends = [ax.get_legend() for ax in fig.axes] + list(fig.legends)
    return [(legend, ax) for legend in legends if legend is not None and legend.get_visible()
            for ax in fig.axes
            if ax.get_visible() and covers_data(ax, legend.get_window_extent())]


def labels_over_data(fig) -> list[tuple]:
    """The texts drawn inside the axes of ``fig`` (annotations, labels of points) that cover
    the data of their axes, each as ``(text, axes)``; an annotation's arrow may cross data.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> _ = ax.plot([0, 1], [0, 1], "o-")
    >>> on_the_line = ax.annotate("on the line", (0.5, 0.5), ha="center")
    >>> beside = ax.annotate("beside", (1, 1), xytext=(-8, 0), textcoords="offset points",
    ...                      ha="right", va="center")
    >>> [text.get_text() for text, _ in labels_over_data(fig)]
    ['on the line']
    >>> plt.close(fig)
    """
    fig.draw_without_rendering()
    return [(text, ax) for ax in fig.axes if ax.get_visible() for text in ax.texts
            if text.get_visible() and text.get_text().strip()
            and covers_data(ax, Text.get_window_extent(text))]


# A unit as code writes it: a power with ^ or ** after a unit (cm^2, cm**2), or degC.
_ASCII_UNIT = re.compile(r"[A-Za-z]\s*(\^|\*\*)\s*-?\d|\bdegC\b")


def ascii_units(fig) -> list[str]:
    """The texts of ``fig`` (titles, axis labels, tick labels, legends, annotations) that
    write a unit in ASCII, e.g. ``uA/cm^2``; mathtext between ``$`` signs is left out.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> _ = ax.set_xlabel("I (uA/cm^2)"), ax.set_ylabel("g (mS/cm²)"), ax.set_title("$x^2$")
    >>> ascii_units(fig)
    ['I (uA/cm^2)']
    >>> plt.close(fig)
    """
    texts = []
    for artist in fig.findobj(Text):
        text = artist.get_text()
        if artist.get_visible() and _ASCII_UNIT.search(re.sub(r"\$[^$]*\$", "", text)):
            texts.append(text)
    return texts


def figure_problems(fig) -> list[str]:
    """What the three checks find in ``fig``, one sentence each (empty if nothing).

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> _ = ax.plot([0, 1], [0, 1], label="v"), ax.set_ylabel("I (uA/cm^2)")
    >>> _ = ax.legend(loc="center")
    >>> for problem in figure_problems(fig):
    ...     print(problem)
    legend ['v'] covers data of the axes 'I (uA/cm^2)'
    unit in ASCII: 'I (uA/cm^2)'
    >>> plt.close(fig)
    """
    def axes(ax):
        return f"the axes {ax.get_title() or ax.get_ylabel() or ax.get_xlabel()!r}"

    return ([f"legend {[text.get_text() for text in legend.get_texts()]} covers data of "
             f"{axes(ax)}" for legend, ax in legends_over_data(fig)]
            + [f"label {text.get_text()!r} covers data of {axes(ax)}"
               for text, ax in labels_over_data(fig)]
            + [f"unit in ASCII: {text!r}" for text in ascii_units(fig)])

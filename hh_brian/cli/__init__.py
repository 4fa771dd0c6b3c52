"""The ``hh-brian`` command: list models, run one, write every figure, analyse dV/dt, draw a
bifurcation diagram, write a demo recording and fit a model to a recording, serve the
explorer.

Quantities are read with their units: ``5uA/cm2``, ``5 uA/cm**2``, ``µA/cm²``, ``50nA/mm2``,
``200ms``, ``1s``, ``g_Na=100mS/cm2``, and a fit's search range with its unit once
(``g_Na=50..200mS/cm2``); negative values may follow their option directly
(``--current -5uA/cm2``). Every value is checked before anything is compiled or run: a
mistake gives one line on standard error naming the option and what it expects, and exit
status 2; a run that diverges gives one line saying when, and exit status 3; a fit that did
not converge prints its estimates, then a warning line, and exits with status 4.

* :mod:`~hh_brian.cli.main`: the parser and :func:`main`;
* :mod:`~hh_brian.cli.options`: what every command reads alike (quantities, names, files);
* one module per command: :mod:`~hh_brian.cli.models`, :mod:`~hh_brian.cli.run`,
  :mod:`~hh_brian.cli.figures`, :mod:`~hh_brian.cli.analyse`,
  :mod:`~hh_brian.cli.bifurcation`, :mod:`~hh_brian.cli.demo_recording`,
  :mod:`~hh_brian.cli.fit`, :mod:`~hh_brian.cli.propagate`, :mod:`~hh_brian.cli.explore`.
"""

from .main import main
from .options import DIVERGED, UsageError, parse_quantity

__all__ = ["DIVERGED", "UsageError", "main", "parse_quantity"]

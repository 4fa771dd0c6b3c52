"""The ``hh-brian`` command line: its parser, and :func:`main`, which runs a command and
turns every mistake into one line and an exit status.

Each command is a module of this package (``models``, ``run``, ``propagate``, ``figures``,
``analyse``, ``bifurcation``, ``fit``, ``explore``) with ``add_command(commands)``, which
adds its parser and options; a new command is one module and one entry of :data:`COMMANDS`.
"""

from __future__ import annotations

import argparse
import os
import sys

from brian2 import DimensionMismatchError

from .._version import __version__
from ..core.errors import IntegrationError, MissingExtra
from . import (analyse, bifurcation, demo_recording, explore, figures, fit, models, propagate,
               run)
from .options import DIVERGED, Parser, UsageError, name_option, protect_negative_values

__all__ = ["COMMANDS", "build_parser", "main"]

#: The commands, in the order ``hh-brian --help`` lists them.
COMMANDS = (models, run, propagate, figures, analyse, bifurcation, demo_recording, fit, explore)


def build_parser() -> argparse.ArgumentParser:
    """The parser of ``hh-brian``: every command of :data:`COMMANDS` with its options.

    Examples
    --------
    >>> sorted(build_parser().command_parsers)  # doctest: +NORMALIZE_WHITESPACE
    ['analyse', 'bifurcation', 'demo-recording', 'explore', 'figures', 'fit', 'models', 'propagate',
     'run']
    """
    parser = Parser(
        prog="hh-brian",
        description="The Hodgkin-Huxley model built step by step, simulated with Brian2.",
        epilog="examples:\n  hh-brian models\n  hh-brian run hodgkin_huxley --current 10uA/cm2 "
               "--duration 100ms --out hh.png\n"
               f"  {propagate.EXAMPLE}\n  hh-brian figures figures/\n"
               "  hh-brian analyse hh_2d_reduction --n 0\n"
               "  hh-brian bifurcation hodgkin_huxley --range 0uA/cm2 200uA/cm2\n"
               "  hh-brian demo-recording cell.csv\n"
               f"  {fit.EXAMPLE}\n  hh-brian explore hodgkin_huxley\n\n"
               "exit status: 0 on success, 1 when an optional extra is missing, 2 for a "
               "mistake in the command line, 3 when a run diverged, 4 when a fit did not "
               "converge",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"hh-brian {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.required = True
    for command in COMMANDS:
        command.add_command(commands)
    parser.command_parsers = commands.choices
    return parser


def main(argv=None) -> int:
    """Run the ``hh-brian`` command line; returns the exit status.

    0 on success; 1 when an optional extra the command needs is not installed (the message
    names it); 2 for a mistake in the command line, reported in one line on standard
    error before anything is compiled or run; 3 when the run diverged (its state became NaN
    or infinite), reported in one line with the time and what to try; 4 when a fit did not
    converge (its estimates are printed, then a warning line). Mistakes argparse
    finds itself, and ``--help`` and ``--version``, end through ``SystemExit`` with the
    same statuses.

    Parameters
    ----------
    argv : list of str, optional
        The arguments (default: ``sys.argv[1:]``).

    Returns
    -------
    int

    Examples
    --------
    >>> main(["models"])  # doctest: +ELLIPSIS
    1. passive_membrane (neuron_func_1): a capacitor charged through one leak conductance
    ...
    0
    >>> main(["run", "hodgkin_huxley", "--duration", "-5ms"])  # one line on stderr
    2
    >>> main(["run", "hodgkin_huxley", "--dt", "0.1ms", "--duration", "50ms",
    ...       "--target", "numpy", "--quiet"])  # "...: the integration diverged ..."
    3
    """
    parser = build_parser()
    argv = sys.argv[1:] if argv is None else list(argv)
    args = parser.parse_args(protect_negative_values(argv, parser, parser.command_parsers))
    status = 2
    try:
        return args.func(args)
    except UsageError as error:
        message = str(error)
    except (ValueError, DimensionMismatchError) as error:
        message = name_option(str(error))
    except IntegrationError as error:  # the advice in the command line's words
        wording = {"dt": "a smaller --dt", "exponential_euler": "--method exponential_euler"}
        advice = [wording[remedy] for remedy in error.remedies
                  if hasattr(args, remedy if remedy == "dt" else "method")]
        message = error.summary + (f"; try {' or '.join(advice)}" if advice else "")
        status = DIVERGED
    except MissingExtra as error:  # an optional extra that is not installed
        message, status = str(error), 1
    print(f"hh-brian {args.command}: error: {' '.join(message.split())}", file=sys.stderr)
    return status


def console_entry() -> None:  # pragma: no cover - exercised through the installed script
    """The installed ``hh-brian`` script. Output piped to a reader that stops early
    (``hh-brian models | head -3``) ends quietly, as other command-line tools do."""
    try:
        status = main()
        sys.stdout.flush()
    except BrokenPipeError:
        # Python would report the pipe again when it flushes at exit: point stdout elsewhere.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        status = 141  # 128 + SIGPIPE, as a shell reports a command ended by a closed pipe
    sys.exit(status)

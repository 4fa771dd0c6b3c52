"""``hh-brian fit``: a model's parameters fitted to a recorded trace (:mod:`hh_brian.fit`).

A fit that did not converge prints its estimates with the intervals marked, one warning line
on standard error, and ends with :data:`NOT_CONVERGED`.
"""

from __future__ import annotations

import pathlib
import re
import sys
import warnings

from brian2 import ms, mV

from ..model.core import get_model
from .options import (
    UsageError,
    library_check,
    new_command,
    out_path,
    parse_quantity,
    positive_time,
    read_params,
    seed,
    target_help,
    target_name,
    whole_number,
)

# A command of hh_brian.cli.main, which calls add_command.
__all__ = ["NOT_CONVERGED"]

EXAMPLE = ("hh-brian fit hodgkin_huxley cell.csv --free g_Na=50..200mS/cm2 "
           "--free g_K=10..80mS/cm2 --free g_L=0.05..1mS/cm2 --out fit.json")

#: Exit status of a fit that did not converge (its estimates are printed and written all
#: the same, with its intervals marked): 2 is a mistake in the command line, 3 a run that
#: diverged.
NOT_CONVERGED = 4
# The fit's own default: each generation is one batch, and the standalone program, compiled
# once for the batch's shape, serves every later one.
TARGET = "cpp_standalone"
OUT_TYPES = {".json": "estimates", ".png": "figure", ".pdf": "figure", ".svg": "figure"}
OUT_VALID = "valid: .json (estimates), .png, .pdf, .svg (figure)"
_FREE_FORM = "NAME=LOW..HIGH with the unit after HIGH, such as g_Na=50..200mS/cm2"
# The number a bound begins with (as parse_quantity reads it); the rest is its unit.
_LEADING_NUMBER = re.compile(r"\s*[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")


def _free_unit(model, name: str):
    """The dimension of a free quantity's bounds; an unknown name is refused by the fit's own
    check, whose message lists the names it accepts."""
    from ..fit.parameters import free_parameters

    if name in model.params:
        return model.params[name]
    if name in model.state_variables:
        return mV if name == "v" else 1  # v, or a gate's open fraction
    library_check(free_parameters, model, {name: None})
    raise AssertionError(f"free_parameters accepted the unknown name {name!r}")


def _free(args, model, params) -> dict:
    """The --free ranges: name, units, LOW below HIGH, and the physical range, all checked."""
    from ..fit.parameters import free_parameters

    free = {}
    for text in args.free:
        name, sep, bounds = (part.strip() for part in text.partition("="))
        low_text, dots, high_text = bounds.partition("..")
        if not (sep and name and dots and low_text.strip() and high_text.strip()):
            raise UsageError(f"--free: expected {_FREE_FORM}; got {text!r}")
        if name in free:
            raise UsageError(f"--free: {name} is given twice")
        if name in params:
            raise UsageError(f"--free, --param: {name} is both free and fixed; give one or "
                             f"the other")
        unit = _free_unit(model, name)
        argument = f"--free {name}"
        high = parse_quantity(high_text, unit, argument)
        number = _LEADING_NUMBER.match(high_text)
        if _LEADING_NUMBER.fullmatch(low_text.strip()):  # the unit is written once, after HIGH
            low_text = low_text.strip() + high_text[number.end():]
        low = parse_quantity(low_text, unit, argument)
        if not low < high:
            raise UsageError(f"{argument}: expected LOW below HIGH; got {bounds!r}")
        free[name] = (low, high)
    library_check(free_parameters, model, free)  # the bounds within the physical range
    return free


def _recording(path: pathlib.Path):
    """The sweep of the CSV file at ``path``; a file that cannot be read is one line naming
    it, as read_csv's own messages do."""
    from ..fit import read_csv

    expected = "expected a CSV recording with a header such as 't [ms],v [mV],I_stim [uA/cm^2]'"
    try:
        return read_csv(path)
    except FileNotFoundError:
        raise UsageError(f"{path}: no such file; {expected}") from None
    except UnicodeDecodeError:  # before ValueError, of which it is one
        raise UsageError(f"{path}: not a text file; {expected}") from None
    except OSError as error:
        raise UsageError(f"{path}: cannot read the file: {error.strerror or error}") from None
    except ValueError as error:
        # The checks of the trace itself name the Python argument ("recording: sample 2 ...
        # is NaN"); the file is what the reader knows.
        message = str(error)
        if not message.startswith(str(path)):
            message = f"{path}: {message.removeprefix('recording: ')}"
        raise UsageError(message) from None


def command(args) -> int:
    """Fit the free quantities to the recording; print the estimates; write ``--out``."""
    from .. import fit

    model = get_model(args.model)
    params = read_params(args.param, model)
    free = _free(args, model, params)
    dt = positive_time(args.dt, "--dt")
    target = target_name(args.target)
    search_seed = seed(args.seed)
    maxiter = whole_number(args.maxiter, "--maxiter", 1)
    popsize = whole_number(args.popsize, "--popsize", 2)
    out = (None if args.out is None
           else out_path(args.out, OUT_TYPES, OUT_VALID, "fit.json"))
    path = pathlib.Path(args.recording)
    recorded = _recording(path)
    try:
        recorded.steps_per_sample(dt)
    except ValueError:
        raise UsageError(f"--dt: {path} is sampled every "
                         f"{float(recorded.dt / ms):g} ms, not a whole number of steps of "
                         f"--dt {float(dt / ms):g} ms; give a --dt that divides it") from None
    with warnings.catch_warnings():
        # Said below in one line of the command's own, not as a Python warning.
        warnings.simplefilter("ignore", fit.FitNotConverged)
        result = fit.fit_trace(model, recorded, free=free, params=params, dt=dt,
                               target=target, seed=search_seed, maxiter=maxiter,
                               popsize=popsize, progress=not args.quiet)
    print(result)
    if out is not None:
        print("written to", write(result, out))
    if not result.converged:
        print(f"hh-brian fit: warning: {result.convergence.summary(result.level)}",
              file=sys.stderr)
        return NOT_CONVERGED
    return 0


def write(result, path: pathlib.Path) -> pathlib.Path:
    """Write the fit's estimates (.json) or its figure (.png, .pdf, .svg) to ``path``."""
    if OUT_TYPES[path.suffix.lower()] == "estimates":
        return result.to_json(path)
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig = result.plot()
    fig.savefig(path, dpi=110, bbox_inches="tight")
    plt.close(fig)
    return path


def add_command(commands) -> None:
    """Add ``fit`` to the command line's parser."""
    fit = new_command(commands, "fit", "fit a model's parameters to a recorded trace; print "
                      "the estimates with their confidence intervals, the noise, and the pairs "
                      "that trade off", EXAMPLE)
    fit.epilog = (
        "example (a noisy recording of HH, written first, to fit):\n"
        "  hh-brian demo-recording cell.csv\n"
        f"  {EXAMPLE}\n\n"
        f"exit status: 0 when the fit converged; {NOT_CONVERGED} when it did not (the search "
        "ran out of generations\nbefore it settled, or the polish out of evaluations before "
        "a minimum): the estimates are\nprinted and written all the same, their intervals "
        "marked as not confidence intervals;\n2 for a mistake in the command line, 3 when a "
        "run diverged")
    fit.add_argument("model", help="model name or source name (see: hh-brian models)")
    fit.add_argument("recording", help="CSV file whose header names each column's unit, "
                     "e.g. 't [ms],v [mV],I_stim [uA/cm^2]' (as hh-brian run --out writes); "
                     "the current is read from I_stim")
    fit.add_argument("--free", action="append", required=True, metavar="NAME=LOW..HIGH",
                     help="a quantity to fit and its search range, the unit written once "
                          "after HIGH: a parameter, e.g. g_Na=50..200mS/cm2 or "
                          "E_K=-90..-60mV, or an initial value, e.g. v=-80..-50mV "
                          "(repeatable; at least one)")
    fit.add_argument("--param", action="append", default=[], metavar="NAME=VALUE",
                     help="a fixed parameter other than the model's default, e.g. "
                          "E_L=-54.4mV (repeatable)")
    fit.add_argument("--dt", default="0.01ms", help="integration step (default 0.01ms); the "
                     "recording's sampling interval must be a whole number of steps")
    fit.add_argument("--target", default=TARGET, help=target_help(TARGET))
    fit.add_argument("--seed", default="0", help="seed of the search (default 0)")
    fit.add_argument("--maxiter", default="300",
                     help="generations of the search at most (default 300)")
    fit.add_argument("--popsize", default="15",
                     help="candidates per free quantity in each generation (default 15)")
    fit.add_argument("--out", help="write the estimates (.json) or a figure of data, fit, "
                     "residuals and intervals (.png, .pdf, .svg)")
    fit.add_argument("--quiet", action="store_true", help="no progress bar")
    fit.set_defaults(func=command)

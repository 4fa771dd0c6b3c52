"""What every command of ``hh-brian`` reads alike: quantities with their units, names,
files and folders, and the one-line errors that name the option.

Each reader raises :class:`UsageError` with a message that starts with the option
(``--duration: expected a positive time, such as 10ms; got '-5ms'``); the library's own
errors, which name the Python argument, are renamed to the option by :func:`name_option`.
"""

from __future__ import annotations

import argparse
import math
import pathlib
import re

from brian2 import DimensionMismatchError, Quantity, ms
from brian2.stateupdaters.base import StateUpdateMethod

from ..core import units as _units
from ..core.units import UnitTextError
from ..core.wording import did_you_mean
from ..stimuli import STIMULUS_KINDS
from ..targets.registry import TARGETS

__all__ = ["DIVERGED", "METHODS", "UsageError", "known_name", "parse_quantity"]

# Brian2's explicit methods integrate any of the models. The others are refused up front:
# exact and linear need linear equations, independent can search for a solution for minutes,
# and the GSL methods need the GSL library and a compiled target.
METHODS = tuple(name for name in ("euler", "exponential_euler", "heun", "milstein", "rk2",
                                  "rk4") if name in StateUpdateMethod.stateupdaters)

#: Exit status of a run whose integration diverged (2 is a mistake in the command line).
DIVERGED = 3


class UsageError(Exception):
    """A mistake in the command line; reported in one line with exit status 2.

    Examples
    --------
    >>> from hh_brian.cli import main
    >>> main(["run", "hodgkin_huxley", "--dt", "0ms"])  # "--dt: expected a positive time, ..."
    2
    """


def known_name(name: str, valid, option: str, what: str, owner: str) -> str:
    """``name`` if it is among ``valid``; else a :class:`UsageError` listing the valid ones.

    Examples
    --------
    >>> known_name("g_X", ["g_Na", "g_K"], "--param", "parameter", "HH")
    ... # doctest: +NORMALIZE_WHITESPACE
    Traceback (most recent call last):
    ...
    hh_brian.cli.options.UsageError: --param: unknown parameter 'g_X' for HH; did you mean
    'g_K'? valid: g_Na, g_K
    """
    if name not in valid:
        raise UsageError(f"{option}: unknown {what} {name!r} for {owner};"
                         f"{did_you_mean(name, valid)} valid: {', '.join(valid) or 'none'}")
    return name


def parse_quantity(text: str, unit=None, argument: str = "value") -> Quantity:
    """Read a quantity written with its unit, e.g. ``"5uA/cm2"``, for an option's value.

    :func:`hh_brian.core.units.parse_quantity` reads the text; a mistake becomes a
    :class:`UsageError`, which the command reports in one line with exit status 2.

    Parameters
    ----------
    text : str
    unit : Unit, optional
        If given, the dimension the quantity must have (``1`` for a plain number).
    argument : str
        The option, named in error messages.

    Returns
    -------
    Quantity

    Raises
    ------
    UsageError
        If the text is not a finite number with a known unit, or has the wrong dimension.

    Examples
    --------
    >>> from brian2 import ms
    >>> parse_quantity("10 parsec", ms, "--duration")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    hh_brian.cli.options.UsageError: --duration: unknown unit 'parsec' in '10 parsec'; ...
    """
    try:
        return _units.parse_quantity(text, unit, argument)
    except UnitTextError as error:
        raise UsageError(str(error)) from None


def assignment(text: str, argument: str, example: str) -> tuple[str, str]:
    """``NAME=VALUE`` split in two; ``example`` shows the form in the message."""
    name, sep, value = text.partition("=")
    if not sep or not name.strip() or not value.strip():
        raise UsageError(f"{argument}: expected NAME=VALUE, such as {example}; got {text!r}")
    return name.strip(), value.strip()


def fraction(text: str, argument: str) -> float:
    """A gate's open fraction: a number from 0 to 1."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not 0 <= value <= 1:
        raise UsageError(f"{argument}: expected a gate's open fraction, a number from 0 to 1 "
                         f"such as 0.3; got {text!r}")
    return value


def positive_time(text: str, argument: str) -> Quantity:
    """A positive time written with its unit."""
    value = parse_quantity(text, ms, argument)
    if not value > 0:
        raise UsageError(f"{argument}: expected a positive time, such as 10ms; got {text!r}")
    return value


def target_name(name: str) -> str:
    """A registered target's name."""
    if name not in TARGETS:
        raise UsageError(f"--target: unknown target {name!r}; valid targets: "
                         f"{', '.join(TARGETS)}")
    return name


def make_folder(path: pathlib.Path, argument: str) -> None:
    """Create ``path`` now, so that a folder that cannot exist is refused before the run.

    Only the last folder is created: a parent that does not exist is more likely a mistyped
    path than a wish for a tree of new folders.
    """
    if path.exists() and not path.is_dir():
        raise UsageError(f"{argument}: {str(path)!r} is a file, not a folder")
    parent = path.absolute().parent
    if not path.exists() and not parent.is_dir():
        raise UsageError(f"{argument}: cannot create the folder {str(path)!r}: the folder "
                         f"{str(parent)!r} does not exist")
    try:
        path.mkdir(exist_ok=True)
    except (OSError, ValueError) as error:
        reason = getattr(error, "strerror", None) or str(error)
        raise UsageError(f"{argument}: cannot create the folder {str(path)!r}: {reason}") \
            from None


def seed(text) -> int:
    """A seed of numpy's legacy generator (below 2**32); 1 when not given."""
    if text is None:
        return 1
    # numpy's legacy generator, which draws the noise, takes seeds below 2**32.
    if not re.fullmatch(r"\+?[0-9]{1,10}", text.strip()) or int(text) >= 2**32:
        raise UsageError(f"--seed: expected a whole number from 0 to {2**32 - 1}, such as 1; "
                         f"got {text!r}")
    return int(text)


def check_whole_steps(duration, dt) -> int:
    """The number of steps of ``dt`` in ``duration``, refused unless whole (as simulate does)."""
    ratio = float(duration / dt)
    n_steps = round(ratio)
    if n_steps < 1 or abs(ratio - n_steps) > 1e-9 * max(1.0, ratio):
        raise UsageError(f"--duration: expected a whole number of steps of --dt "
                         f"{float(dt / ms):g} ms; got {float(duration / ms):g} ms, which is "
                         f"{ratio:g} steps")
    return n_steps


#: The files ``run --out`` writes, by suffix.
OUT_TYPES = {".png": "figure", ".pdf": "figure", ".svg": "figure", ".csv": "traces",
             ".npz": "traces"}
OUT_VALID = "valid: .png, .pdf, .svg (figure), .csv, .npz (traces)"


def out_path(text: str, types=OUT_TYPES, valid=OUT_VALID,
             example="hh.png") -> pathlib.Path:
    """The --out file, its type one of ``types``; its folder is created now, before any run."""
    path = pathlib.Path(text)
    suffix = path.suffix.lower()
    if not text.strip() or not path.name:
        raise UsageError(f"--out: expected a file name such as {example}; got {text!r}")
    if suffix not in types:
        kind = f"unknown file type {suffix!r}" if suffix else f"no file type in {text!r}"
        raise UsageError(f"--out: {kind}; {valid}")
    if path.is_dir():
        raise UsageError(f"--out: {text!r} is a folder; give a file name such as {example}")
    make_folder(path.parent, "--out")
    return path


def whole_number(text: str, argument: str, low: int) -> int:
    """A whole number of at least ``low``."""
    if not re.fullmatch(r"\+?[0-9]{1,9}", text.strip()) or int(text) < low:
        raise UsageError(f"{argument}: expected a whole number of at least {low}; got {text!r}")
    return int(text)


def library_check(check, *args):
    """Run a check of the library; its mistakes, which name the Python argument, become
    usage errors naming the option."""
    try:
        return check(*args)
    except (ValueError, DimensionMismatchError) as error:
        raise UsageError(name_option(str(error))) from None


class Parser(argparse.ArgumentParser):
    """An argument parser whose mistakes are one line, like the commands' own."""

    def __init__(self, *args, **kwargs):
        # Filled while the options are added (argparse adds --help from __init__ itself).
        self.option_nargs = {}
        super().__init__(*args, **kwargs)

    def add_argument(self, *args, **kwargs):
        action = super().add_argument(*args, **kwargs)
        for option in action.option_strings:
            self.option_nargs[option] = 1 if action.nargs is None else action.nargs
        return action

    def values_after(self, token: str) -> int:
        """How many values follow ``token`` on the command line; 0 if it is no option."""
        # Abbreviations as argparse reads them: a prefix of exactly one option stands for it.
        if not token.startswith("--") or "=" in token:
            return 0
        if token in self.option_nargs:
            return self.option_nargs[token]
        matches = [option for option in self.option_nargs if option.startswith(token)]
        return self.option_nargs[matches[0]] if len(matches) == 1 else 0

    def error(self, message):
        # argparse writes "argument --seed: ..."; the commands write "--seed: ...".
        message = re.sub(r"^argument ([^:]+): ", r"\1: ", " ".join(message.split()))
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


NEGATIVE = re.compile(r"-[\d.]")


def protect_negative_values(argv, parser, commands) -> list[str]:
    """Keep a negative value such as ``-5ms`` with its option.

    argparse reads any token that starts with ``-`` and is not a plain number as an option,
    so ``--duration -5ms`` would leave ``--duration`` without its value. A single value is
    joined to its option (``--duration=-5ms``); for an option with several values
    (``--v-range -100mV -20mV``) each negative one gets a leading space, which argparse
    never takes for an option and every value reader strips.
    """
    out, active, i = [], parser, 0
    while i < len(argv):
        token = argv[i]
        i += 1
        if token == "--":
            out += argv[i - 1:]
            break
        if active is parser and token in commands:
            active = commands[token]
            out.append(token)
            continue
        n_values = active.values_after(token)
        if n_values == 1 and i < len(argv) and NEGATIVE.match(argv[i]):
            out.append(f"{token}={argv[i]}")
            i += 1
            continue
        out.append(token)
        if isinstance(n_values, int) and n_values > 1:
            for _ in range(n_values):
                if i < len(argv) and NEGATIVE.match(argv[i]):
                    out.append(" " + argv[i])
                elif i < len(argv) and not argv[i].startswith("-"):
                    out.append(argv[i])
                else:
                    break
                i += 1
    return out


def target_help(default: str = "cython") -> str:
    """The help of a ``--target`` option: every registered target, with its description."""
    targets = ", ".join(f"{name} ({target.description})" for name, target in TARGETS.items())
    return f"code-generation target (default {default}): {targets}"


def option_of(name: str) -> str:
    """The command-line option of a parameter: ``amplitude_end`` is ``--amplitude-end``."""
    return "--" + name.replace("_", "-")


# Library errors name the Python argument ("duration: ...", "params['g_Na']: ..."); on the
# command line the option is what the reader knows.
OPTIONS = {"duration": "--duration", "dt": "--dt", "current": "--current",
           "target": "--target", "method": "--method", "params": "--param",
           "initial": "--initial", "v_range": "--v-range", "bounds": "--range", "free": "--free",
           "popsize": "--popsize", "maxiter": "--maxiter",
           # hh-brian propagate: the axon and where its pulse goes.
           "length": "--length", "diameter": "--diameter", "R_i": "--R-i",
           "compartments": "--compartments", "compartment_length": "--compartment-length",
           "where": "--where", "temperature": "--temperature",
           # Each stimulus parameter by its factory's keyword: --amplitude-end for a ramp's
           # amplitude_stop, and so on.
           **{p.keyword: option_of(p.name) for kind in STIMULUS_KINDS.values()
              for p in kind.parameters}}


def name_option(message: str) -> str:
    """A library error's message with its Python argument replaced by the option.

    Examples
    --------
    >>> name_option("params['g_Na']: -1 mS/cm^2 is outside the physical range")
    '--param g_Na: -1 mS/cm^2 is outside the physical range'
    """
    match = re.match(r"(\w+)(?:\[['\"]?(\w+)['\"]?\])?: ", message)
    if not match or match.group(1) not in OPTIONS:
        return message
    index = match.group(2)
    if match.group(1) == "bounds" and index in ("0", "1"):
        index = ("LOW", "HIGH")[int(index)]
    option = OPTIONS[match.group(1)] + (f" {index}" if index else "")
    return f"{option}: {message[match.end():]}"


def read_params(texts, model) -> dict:
    """The ``--param NAME=VALUE`` overrides, each checked (name, unit, physical range).

    Examples
    --------
    >>> from hh_brian import get_model
    >>> read_params(["g_Na=100mS/cm2"], get_model("hodgkin_huxley"))["g_Na"]
    100. * msiemens / (cmetre ** 2)
    """
    params = {}
    for text in texts:
        name, value = assignment(text, "--param", "g_Na=100mS/cm2")
        known_name(name, list(model.params), "--param", "parameter", model.name)
        params[name] = parse_quantity(value, model.params[name], f"--param {name}")
    library_check(lambda: model.with_params(**params))  # values outside a physical range
    return params


def new_command(commands, name: str, help_text: str, example: str) -> argparse.ArgumentParser:
    """A command's parser, added to ``commands`` (argparse's subparsers), with its example."""
    return commands.add_parser(name, help=help_text, description=help_text,
                               epilog=f"example:\n  {example}",
                               formatter_class=argparse.RawDescriptionHelpFormatter)

"""The ``hh-brian`` command: list models, run one, write every figure, analyse dV/dt, draw a
bifurcation diagram, fit a model to a recording.

Quantities are read with their units: ``5uA/cm2``, ``5 uA/cm**2``, ``µA/cm²``, ``50nA/mm2``,
``200ms``, ``1s``, ``g_Na=100mS/cm2``, and a fit's search range with its unit once
(``g_Na=50..200mS/cm2``); negative values may follow their option directly
(``--current -5uA/cm2``). Every value is checked before anything is compiled or run: a
mistake gives one line on standard error naming the option and what it expects, and exit
status 2; a run that diverges gives one line saying when, and exit status 3.
"""

from __future__ import annotations

import argparse
import math
import pathlib
import re
import sys

import numpy as np
from brian2 import DimensionMismatchError, Hz, Quantity, mm, ms, mV, nA
from brian2.stateupdaters.base import StateUpdateMethod

from . import TARGETS, __version__, simulate, stimuli
from . import units as _units
from .errors import IntegrationError, MissingExtra
from .models import get_model, list_models
from .simulation import RecordingTooLarge
from .units import CURRENT_DENSITY, UnitTextError, show_value

__all__ = ["main", "parse_quantity"]

_NA_MM2 = nA / mm**2


# Brian2's explicit methods integrate any of the models. The others are refused up front:
# exact and linear need linear equations, independent can search for a solution for minutes,
# and the GSL methods need the GSL library and a compiled target.
_METHODS = tuple(name for name in ("euler", "exponential_euler", "heun", "milstein", "rk2",
                                   "rk4") if name in StateUpdateMethod.stateupdaters)


#: Exit status of a run whose integration diverged (2 is a mistake in the command line).
DIVERGED = 3


class UsageError(Exception):
    """A mistake in the command line; reported in one line with exit status 2."""


def parse_quantity(text: str, unit=None, argument: str = "value") -> Quantity:
    """Read a quantity written with its unit, e.g. ``"5uA/cm2"``, for an option's value.

    :func:`hh_brian.units.parse_quantity` reads the text; a mistake becomes a
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
    >>> from brian2 import uA, cm, ms
    >>> float(parse_quantity("5uA/cm2", uA/cm**2) / (uA/cm**2))
    5.0
    >>> try:
    ...     parse_quantity("10 parsec", ms, "--duration")
    ... except UsageError as error:
    ...     print(error)  # doctest: +NORMALIZE_WHITESPACE
    --duration: unknown unit 'parsec' in '10 parsec';
    valid units for --duration include ms, s, us
    """
    try:
        return _units.parse_quantity(text, unit, argument)
    except UnitTextError as error:
        raise UsageError(str(error)) from None


def _assignment(text: str, argument: str, example: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    if not sep or not name.strip() or not value.strip():
        raise UsageError(f"{argument}: expected NAME=VALUE, such as {example}; got {text!r}")
    return name.strip(), value.strip()


def _fraction(text: str, argument: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not 0 <= value <= 1:
        raise UsageError(f"{argument}: expected a gate's open fraction, a number from 0 to 1 "
                         f"such as 0.3; got {text!r}")
    return value


def _positive_time(text: str, argument: str) -> Quantity:
    value = parse_quantity(text, ms, argument)
    if not value > 0:
        raise UsageError(f"{argument}: expected a positive time, such as 10ms; got {text!r}")
    return value


def _target(name: str) -> str:
    if name not in TARGETS:
        raise UsageError(f"--target: unknown target {name!r}; valid targets: "
                         f"{', '.join(TARGETS)}")
    return name


def _folder(path: pathlib.Path, argument: str) -> None:
    """Create ``path`` now, so that a folder that cannot exist is refused before the run."""
    if path.exists() and not path.is_dir():
        raise UsageError(f"{argument}: {str(path)!r} is a file, not a folder")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except (OSError, ValueError) as error:
        reason = getattr(error, "strerror", None) or str(error)
        raise UsageError(f"{argument}: cannot create the folder {str(path)!r}: {reason}") \
            from None


# --------------------------------------------------------------------------------------------
# Commands


def _cmd_models(args) -> int:
    for k, model in enumerate(list_models(), start=1):
        print(f"{k}. {model.name} ({model.source_name}): {model.adds}")
    return 0


#: Each protocol and the options it reads; any other protocol option is refused.
_PROTOCOL_OPTIONS = {
    "source": ("amplitude",),
    "step": ("amplitude", "start", "stop"),
    "pulse": ("amplitude", "start", "stop"),
    "ramp": ("amplitude", "amplitude_end", "start", "stop"),
    "sine": ("amplitude", "frequency", "start", "stop"),
    "noise": ("amplitude", "sigma", "seed"),
}
PROTOCOLS = tuple(_PROTOCOL_OPTIONS)
_ALL_PROTOCOL_OPTIONS = ("amplitude", "amplitude_end", "start", "stop", "frequency", "sigma",
                         "seed")


def _option(dest: str) -> str:
    return "--" + dest.replace("_", "-")


def _stimulus(args, model):
    if args.current is not None and args.protocol is not None:
        raise UsageError("--current, --protocol: give one or the other")
    given = [dest for dest in _ALL_PROTOCOL_OPTIONS if getattr(args, dest) is not None]
    if args.protocol is None and given:
        raise UsageError(f"{_option(given[0])}: only used with --protocol, e.g. --protocol step")
    unused = [dest for dest in given if dest not in _PROTOCOL_OPTIONS.get(args.protocol, ())]
    if unused:
        uses = ", ".join(_option(dest) for dest in _PROTOCOL_OPTIONS[args.protocol])
        raise UsageError(f"{_option(unused[0])}: protocol {args.protocol!r} does not use it; "
                         f"it uses {uses}")
    if args.current is not None:
        return stimuli.constant(parse_quantity(args.current, CURRENT_DENSITY, "--current"))
    if args.protocol is None:
        return None

    def amplitude(default=None):
        if args.amplitude is None:
            if default is None:
                raise UsageError(f"--amplitude: protocol {args.protocol!r} needs an amplitude, "
                                 "such as --amplitude 10uA/cm2")
            return default
        return parse_quantity(args.amplitude, CURRENT_DENSITY, "--amplitude")

    def time(option, value, default=None):
        if value is None:
            if default is None:
                raise UsageError(f"{option}: protocol {args.protocol!r} needs it, e.g. "
                                 f"{option} 10ms")
            return default
        return parse_quantity(value, ms, option)

    name = args.protocol
    if name == "source":
        if args.amplitude is None and isinstance(model.default_current, stimuli.Protocol):
            return model.default_current  # the source's protocol with the model's own amplitude
        return stimuli.protocol(amplitude())
    if name == "step":
        stop = None if args.stop is None else time("--stop", args.stop)
        return stimuli.step(amplitude(), time("--start", args.start, 0 * ms), stop)
    if name == "pulse":
        return stimuli.pulse(amplitude(), time("--start", args.start), time("--stop", args.stop))
    if name == "ramp":
        if args.amplitude_end is None:
            raise UsageError("--amplitude-end: protocol 'ramp' needs the final amplitude")
        end = parse_quantity(args.amplitude_end, CURRENT_DENSITY, "--amplitude-end")
        return stimuli.ramp(amplitude(0 * CURRENT_DENSITY), end, time("--start", args.start),
                            time("--stop", args.stop))
    if name == "sine":
        if args.frequency is None:
            raise UsageError("--frequency: protocol 'sine' needs it, e.g. --frequency 10Hz")
        frequency = parse_quantity(args.frequency, Hz, "--frequency")
        if not frequency > 0:
            raise UsageError(f"--frequency: expected a positive frequency, such as 10Hz; got "
                             f"{args.frequency!r}")
        return stimuli.sine(amplitude(), frequency, start=time("--start", args.start, 0 * ms),
                            stop=None if args.stop is None else time("--stop", args.stop))
    sigma = _positive_time(args.sigma, "--sigma") if args.sigma is not None else 6 * ms
    return stimuli.smoothed_noise(amplitude(1400 * _NA_MM2), sigma=sigma,
                                  seed=_seed(args.seed))


def _seed(text) -> int:
    if text is None:
        return 1
    # numpy's legacy generator, which draws the noise, takes seeds below 2**32.
    if not re.fullmatch(r"\+?[0-9]{1,10}", text.strip()) or int(text) >= 2**32:
        raise UsageError(f"--seed: expected a whole number from 0 to {2**32 - 1}, such as 1; "
                         f"got {text!r}")
    return int(text)


def _steps(duration, dt) -> int:
    """The number of steps of ``dt`` in ``duration``, refused unless whole (as simulate does)."""
    ratio = float(duration / dt)
    n_steps = round(ratio)
    if n_steps < 1 or abs(ratio - n_steps) > 1e-9 * max(1.0, ratio):
        raise UsageError(f"--duration: expected a whole number of steps of --dt "
                         f"{float(dt / ms):g} ms; got {float(duration / ms):g} ms, which is "
                         f"{ratio:g} steps")
    return n_steps


_SHOWN_SPIKES = 10


def _spike_line(spikes_ms) -> str:
    shown = " ".join(f"{t:.3f}" for t in spikes_ms[:_SHOWN_SPIKES]) or "none"
    if len(spikes_ms) > _SHOWN_SPIKES:
        shown += f" ... ({len(spikes_ms)} spikes; the first {_SHOWN_SPIKES} shown)"
    return f"spike times (ms): {shown}"


_OUT_TYPES = {".png": "figure", ".pdf": "figure", ".svg": "figure", ".csv": "traces",
              ".npz": "traces"}
_OUT_VALID = "valid: .png, .pdf, .svg (figure), .csv, .npz (traces)"


def _out_path(text: str, types=_OUT_TYPES, valid=_OUT_VALID,
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
    _folder(path.parent, "--out")
    return path


def _params(args, model) -> dict:
    """The --param overrides, each checked (name, unit, physical range)."""
    params = {}
    for text in args.param:
        name, value = _assignment(text, "--param", "g_Na=100mS/cm2")
        if name not in model.params:
            raise UsageError(f"--param: unknown parameter {name!r} for {model.name}; valid: "
                             f"{', '.join(model.params)}")
        params[name] = parse_quantity(value, model.params[name], f"--param {name}")
    try:
        model.with_params(**params)  # refuses values outside a parameter's physical range
    except (ValueError, DimensionMismatchError) as error:
        raise UsageError(_name_option(str(error))) from None
    return params


def _cmd_run(args) -> int:
    model = get_model(args.model)
    params = _params(args, model)
    initial = {}
    for text in args.initial:
        name, value = _assignment(text, "--initial", "v=-60mV")
        if name not in model.state_variables:
            raise UsageError(f"--initial: unknown state variable {name!r} for {model.name}; "
                             f"valid: {', '.join(model.state_variables)}")
        if name in model.gates:
            initial[name] = _fraction(value, f"--initial {name}")
        else:
            initial[name] = parse_quantity(value, mV if name == "v" else 1, f"--initial {name}")
    dt = _positive_time(args.dt, "--dt")
    duration = (model.duration if args.duration is None
                else _positive_time(args.duration, "--duration"))
    _steps(duration, dt)
    threshold = parse_quantity(args.threshold, mV, "--threshold")
    target = _target(args.target)
    if args.method not in _METHODS:
        raise UsageError(f"--method: unknown integration method {args.method!r}; valid: "
                         f"{', '.join(_METHODS)}")
    stimulus = _stimulus(args, model)
    out = None if args.out is None else _out_path(args.out)
    try:
        result = simulate(model, duration, stimulus, dt=dt, method=args.method, target=target,
                          params=params, initial=initial, progress=not args.quiet)
    except RecordingTooLarge:
        raise UsageError(f"--duration: {float(duration / ms):g} ms in steps of --dt "
                         f"{float(dt / ms):g} ms is too long to record in memory; shorten "
                         f"--duration or raise --dt") from None
    spikes = np.asarray(result.spike_times(threshold) / ms)
    print(_spike_line(spikes))
    v = np.asarray(result.v / mV)
    print(f"{model.name}: {float(duration / ms):g} ms, {len(result.t)} steps "
          f"of {float(dt / ms):g} ms [{target}, {args.method}]; {len(spikes)} spikes; "
          f"v from {v.min():.2f} to {v.max():.2f} mV")
    if out is not None:
        print("written to", _write(result, out))
    return 0


def _write(result, path: pathlib.Path) -> pathlib.Path:
    if _OUT_TYPES[path.suffix.lower()] == "figure":
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        from .plotting import plot_model_figure

        fig = plot_model_figure(result)
        fig.savefig(path, dpi=110, bbox_inches="tight")
        plt.close(fig)
    else:
        arrays, units = result.to_arrays()
        if path.suffix.lower() == ".npz":
            np.savez(path, **arrays, units=np.array([f"{k}:{u}" for k, u in units.items()]))
        else:
            header = ",".join(f"{name} [{units[name]}]" for name in arrays)
            np.savetxt(path, np.column_stack(list(arrays.values())), delimiter=",",
                       header=header, comments="", fmt="%.10g")
    return path


def _cmd_figures(args) -> int:
    from .gallery import write_all_figures

    target = _target(args.target)
    _folder(pathlib.Path(args.directory), "directory")
    paths = write_all_figures(args.directory, target=target, progress=not args.quiet)
    for path in paths:
        print(path)
    print(f"{len(paths)} figures written to {args.directory}")
    return 0


_DIAGRAM_OUT = {".png": "figure", ".pdf": "figure", ".svg": "figure", ".csv": "points"}


def _cmd_bifurcation(args) -> int:
    from .bifurcation import diagram

    model = get_model(args.model)
    valid = ["I_stim", *model.params]
    if args.parameter not in valid:
        raise UsageError(f"--parameter: {args.parameter!r} is not a parameter of {model.name}; "
                         f"valid: {', '.join(valid)}")
    params = _params(args, model)
    if args.parameter in params:
        raise UsageError(f"--param: {args.parameter} is the free parameter; give its range "
                         f"with --range")
    unit = CURRENT_DENSITY if args.parameter == "I_stim" else model.params[args.parameter]
    low, high = (parse_quantity(text, unit, "--range") for text in args.range)
    if not low < high:
        raise UsageError(f"--range: expected LOW below HIGH; got "
                         f"{' '.join(text.strip() for text in args.range)!r}")
    if args.parameter != "I_stim":
        interval = model.param_ranges[args.parameter]
        for end, value in (("LOW", low), ("HIGH", high)):
            if not bool(interval.contains(value)):
                raise UsageError(f"--range {end}: {show_value(value)} is outside the physical "
                                 f"range of {args.parameter} ({interval})")
    current = None
    if args.current is not None:
        if args.parameter == "I_stim":
            raise UsageError("--current: the current is the free parameter; give its range "
                             "with --range")
        current = parse_quantity(args.current, CURRENT_DENSITY, "--current")
    out = None
    if args.out is not None:
        out = pathlib.Path(args.out)
        if out.suffix.lower() not in _DIAGRAM_OUT or not out.stem:
            raise UsageError(f"--out: expected a figure (.png, .pdf, .svg) or the special "
                             f"points (.csv); got {args.out!r}")
        if out.is_dir():
            raise UsageError(f"--out: {args.out!r} is a folder; give a file name")
        _folder(out.parent, "--out")
    d = diagram(model, args.parameter, (low, high), params=params, current=current,
                cycles=not args.no_cycles)
    print(d)
    if out is not None:
        if _DIAGRAM_OUT[out.suffix.lower()] == "points":
            d.to_csv(out)
        else:
            import matplotlib.pyplot as plt

            fig = d.plot()
            fig.savefig(out, dpi=150)
            plt.close(fig)
        print("written to", out)
    return 0


def _cmd_analyse(args) -> int:
    from . import analysis

    model = get_model(args.model)
    held = {}
    if args.n is not None:
        held["n"] = _fraction(args.n, "--n")
    for text in args.hold:
        name, value = _assignment(text, "--hold", "h=0.6")
        if name not in model.gates:
            raise UsageError(f"--hold: {name!r} is not a gate of {model.name}; valid: "
                             f"{', '.join(model.gates) or 'none'}")
        held[name] = _fraction(value, f"--hold {name}")
    if "n" in held and "n" not in model.gates:
        raise UsageError(f"--n: 'n' is not a gate of {model.name}; valid: "
                         f"{', '.join(model.gates) or 'none'}")
    current = parse_quantity(args.current, CURRENT_DENSITY, "--current")
    low, high = (parse_quantity(text, mV, "--v-range") for text in args.v_range)
    if not low < high:
        raise UsageError(f"--v-range: expected LOW below HIGH, such as -100mV 60mV; got "
                         f"{' '.join(text.strip() for text in args.v_range)!r}")
    v_range = (low, high)
    free = [g for g in model.gates if g not in held]
    print(f"{model.name}: dV/dt(V) with "
          + (", ".join(f"{k} = {v:g}" for k, v in held.items()) or "no gate held")
          + (f"; {', '.join(free)} at steady state" if free else "")
          + f"; I = {float(current / CURRENT_DENSITY):g} uA/cm^2")
    print(f"{'V (mV)':>12} {'stability':>11} {'slope (1/ms)':>14}")
    for point in analysis.fixed_points(model, current, v_range=v_range, **held):
        print(f"{float(point.v / mV):12.4f} {point.stability:>11} {float(point.slope * ms):14.5g}")
    try:
        fold = analysis.fold(model, v_range=v_range, **held)
        print(f"fold (rest meets threshold): I = {float(fold.current / CURRENT_DENSITY):.6g} "
              f"uA/cm^2 = {float(fold.current / _NA_MM2):.6g} nA/mm^2 at "
              f"V = {float(fold.v / mV):.4f} mV")
    except ValueError as error:
        print(f"fold: none ({error})")
    print("full system (every variable free):")
    for state in analysis.steady_states(model, current, v_range=v_range):
        print(f"  {state}")
    return 0


_FIT_EXAMPLE = ("hh-brian fit hodgkin_huxley cell1.csv --free g_Na=50..200mS/cm2 "
                "--free g_K=10..80mS/cm2 --param E_L=-54.4mV --out fit.json")
# The fit's own default: each generation is one batch, and the standalone program, compiled
# once for the batch's shape, serves every later one.
_FIT_TARGET = "cpp_standalone"
_FIT_OUT_TYPES = {".json": "estimates", ".png": "figure", ".pdf": "figure", ".svg": "figure"}
_FIT_OUT_VALID = "valid: .json (estimates), .png, .pdf, .svg (figure)"
_FREE_FORM = "NAME=LOW..HIGH with the unit after HIGH, such as g_Na=50..200mS/cm2"
# The number a bound begins with (as parse_quantity reads it); the rest is its unit.
_LEADING_NUMBER = re.compile(r"\s*[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")


def _library_check(check, *args):
    """Run a check of the library; its mistakes, which name the Python argument, become
    usage errors naming the option."""
    try:
        return check(*args)
    except (ValueError, DimensionMismatchError) as error:
        raise UsageError(_name_option(str(error))) from None


def _free_unit(model, name: str):
    """The dimension of a free quantity's bounds; an unknown name is refused by the fit's own
    check, whose message lists the names it accepts."""
    from .fit.parameters import free_parameters

    if name in model.params:
        return model.params[name]
    if name in model.state_variables:
        return mV if name == "v" else 1  # v, or a gate's open fraction
    _library_check(free_parameters, model, {name: None})
    raise AssertionError(f"free_parameters accepted the unknown name {name!r}")


def _free(args, model, params) -> dict:
    """The --free ranges: name, units, LOW below HIGH, and the physical range, all checked."""
    from .fit.parameters import free_parameters

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
    _library_check(free_parameters, model, free)  # the bounds within the physical range
    return free


def _whole_number(text: str, argument: str, low: int) -> int:
    if not re.fullmatch(r"\+?[0-9]{1,9}", text.strip()) or int(text) < low:
        raise UsageError(f"{argument}: expected a whole number of at least {low}; got {text!r}")
    return int(text)


def _recording(path: pathlib.Path):
    """The sweep of the CSV file at ``path``; a file that cannot be read is one line naming
    it, as read_csv's own messages do."""
    from .fit import read_csv

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


def _cmd_fit(args) -> int:
    from . import fit

    model = get_model(args.model)
    params = _params(args, model)
    free = _free(args, model, params)
    dt = _positive_time(args.dt, "--dt")
    target = _target(args.target)
    seed = _seed(args.seed)
    maxiter = _whole_number(args.maxiter, "--maxiter", 1)
    popsize = _whole_number(args.popsize, "--popsize", 2)
    out = (None if args.out is None
           else _out_path(args.out, _FIT_OUT_TYPES, _FIT_OUT_VALID, "fit.json"))
    path = pathlib.Path(args.recording)
    recorded = _recording(path)
    try:
        recorded.steps_per_sample(dt)
    except ValueError:
        raise UsageError(f"--dt: {path} is sampled every "
                         f"{float(recorded.dt / ms):g} ms, not a whole number of steps of "
                         f"--dt {float(dt / ms):g} ms; give a --dt that divides it") from None
    result = fit.fit_trace(model, recorded, free=free, params=params, dt=dt, target=target,
                           seed=seed, maxiter=maxiter, popsize=popsize,
                           progress=not args.quiet)
    print(result)
    if out is not None:
        print("written to", _write_fit(result, out))
    return 0


def _write_fit(result, path: pathlib.Path) -> pathlib.Path:
    if _FIT_OUT_TYPES[path.suffix.lower()] == "estimates":
        return result.to_json(path)
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig = result.plot()
    fig.savefig(path, dpi=110, bbox_inches="tight")
    plt.close(fig)
    return path


# --------------------------------------------------------------------------------------------
# Parser


_EXPLORE_TARGET = "cpp_standalone"


def _cmd_explore(args) -> int:
    from .models import get_model

    model = get_model(args.model)
    target = _target(args.target)
    port = _whole_number(args.port, "--port", 0)
    if port > 65535:
        raise UsageError(f"--port: expected a port number up to 65535, got {port}")
    from .explorer import serve

    # serve raises MissingExtra (exit status 1) when Panel is not installed.
    server = serve(model, port=port, show=not args.no_browser, threaded=True, target=target)
    print(f"hh_brian explorer at {server.url} (Ctrl-C to stop)", flush=True)
    try:
        server.join()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0


class _Parser(argparse.ArgumentParser):
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


_NEGATIVE = re.compile(r"-[\d.]")


def _protect_negative_values(argv, parser, commands) -> list[str]:
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
        if n_values == 1 and i < len(argv) and _NEGATIVE.match(argv[i]):
            out.append(f"{token}={argv[i]}")
            i += 1
            continue
        out.append(token)
        if isinstance(n_values, int) and n_values > 1:
            for _ in range(n_values):
                if i < len(argv) and _NEGATIVE.match(argv[i]):
                    out.append(" " + argv[i])
                elif i < len(argv) and not argv[i].startswith("-"):
                    out.append(argv[i])
                else:
                    break
                i += 1
    return out


def _target_help(default: str = "cython") -> str:
    targets = ", ".join(f"{name} ({target.description})" for name, target in TARGETS.items())
    return f"code-generation target (default {default}): {targets}"


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="hh-brian",
        description="The Hodgkin-Huxley model built step by step, simulated with Brian2.",
        epilog="examples:\n  hh-brian models\n  hh-brian run hodgkin_huxley --current 10uA/cm2 "
               "--duration 100ms --out hh.png\n  hh-brian figures figures/\n"
               "  hh-brian analyse hh_2d_reduction --n 0\n"
               "  hh-brian bifurcation hodgkin_huxley --range 0uA/cm2 200uA/cm2\n"
               f"  {_FIT_EXAMPLE}\n  hh-brian explore hodgkin_huxley\n\n"
               "exit status: 0 on success, 1 when an optional extra is missing, 2 for a "
               "mistake in the command line, 3 when a run diverged",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"hh-brian {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.required = True

    def command(name, help_text, example):
        return commands.add_parser(name, help=help_text, description=help_text,
                                   epilog=f"example:\n  {example}",
                                   formatter_class=argparse.RawDescriptionHelpFormatter)

    command("models", "list the models in order: name, source name, what it adds",
            "hh-brian models").set_defaults(func=_cmd_models)

    run = command("run", "simulate a model; print spike times and a summary; write a figure "
                  "or the traces", "hh-brian run neuron_func_7 --protocol step --amplitude "
                  "10uA/cm2 --start 10ms --duration 100ms --param g_Na=100mS/cm2 --out hh.csv")
    run.add_argument("model", help="model name or source name (see: hh-brian models)")
    run.add_argument("--duration", help="e.g. 200ms or 1s (default: the model's)")
    run.add_argument("--current", help="a constant current, e.g. 5uA/cm2, -5uA/cm2 or 50nA/mm2")
    run.add_argument("--protocol", choices=PROTOCOLS,
                     help="input shape: source (the +A/-A protocol), step, pulse, ramp, sine, "
                          "noise (default: the model's own input)")
    run.add_argument("--amplitude", help="protocol amplitude, e.g. 10uA/cm2")
    run.add_argument("--amplitude-end", help="final amplitude of a ramp")
    run.add_argument("--start", help="protocol start, e.g. 10ms")
    run.add_argument("--stop", help="protocol stop, e.g. 60ms")
    run.add_argument("--frequency", help="sine frequency, e.g. 10Hz")
    run.add_argument("--sigma", help="noise smoothing width (default 6ms)")
    run.add_argument("--seed", help="noise seed (default 1)")
    run.add_argument("--param", action="append", default=[], metavar="NAME=VALUE",
                     help="parameter override, e.g. g_Na=100mS/cm2 (repeatable)")
    run.add_argument("--initial", action="append", default=[], metavar="NAME=VALUE",
                     help="initial value, e.g. v=-60mV or n=0.3 (repeatable)")
    run.add_argument("--dt", default="0.01ms", help="integration step (default 0.01ms)")
    run.add_argument("--target", default="cython", help=_target_help())
    run.add_argument("--method", default="euler",
                     help=f"Brian2 integration method: {', '.join(_METHODS)} (default euler)")
    run.add_argument("--threshold", default="0mV", help="spike threshold (default 0mV)")
    run.add_argument("--out", help="write a figure (.png, .pdf, .svg) or traces (.csv, .npz)")
    run.add_argument("--quiet", action="store_true", help="no progress bar")
    run.set_defaults(func=_cmd_run)

    figures = command("figures", "write every figure: both sources' (the models, the 2D "
                      "reduction's dV/dt, the noise run), the bifurcation diagrams (these "
                      "need the bifurcation extra), the fits and the regime map",
                      "hh-brian figures figures/")
    figures.add_argument("directory", nargs="?", default="figures",
                         help="output folder (default figures/)")
    figures.add_argument("--target", default="cython", help=_target_help())
    figures.add_argument("--quiet", action="store_true", help="no progress bar")
    figures.set_defaults(func=_cmd_figures)

    analyse = command("analyse", "fixed points of dV/dt(V) with their stability, the fold "
                      "current, and the full system's steady states",
                      "hh-brian analyse hh_2d_reduction --n 0 --current 10nA/mm2")
    analyse.add_argument("model", help="model name or source name")
    analyse.add_argument("--n", help="hold the gate n at this value (0 to 1)")
    analyse.add_argument("--hold", action="append", default=[], metavar="GATE=VALUE",
                         help="hold any gate, e.g. h=0.6 (repeatable); others follow v")
    analyse.add_argument("--current", default="0uA/cm2", help="input current (default 0)")
    analyse.add_argument("--v-range", nargs=2, default=["-100mV", "60mV"],
                         metavar=("LOW", "HIGH"), help="voltage range searched")
    analyse.set_defaults(func=_cmd_analyse)
    bifurcation = command(
        "bifurcation", "where the model starts and stops firing as a parameter moves: "
        "equilibria, folds, Hopf points, cycles and their limit points (needs the "
        "bifurcation extra for cycles)",
        "hh-brian bifurcation hodgkin_huxley --range 0uA/cm2 200uA/cm2 --param E_Na=50mV "
        "--out hh_bifurcation.png")
    bifurcation.add_argument("model", help="model name or source name")
    bifurcation.add_argument("--parameter", default="I_stim",
                             help="the parameter that moves (default I_stim, the current)")
    bifurcation.add_argument("--range", nargs=2, required=True, metavar=("LOW", "HIGH"),
                             help="its range, e.g. 0uA/cm2 200uA/cm2 or 50mS/cm2 200mS/cm2")
    bifurcation.add_argument("--param", action="append", default=[], metavar="NAME=VALUE",
                             help="another parameter's value, e.g. E_Na=50mV (repeatable)")
    bifurcation.add_argument("--current", help="the constant current when --parameter is "
                             "not I_stim (default 0)")
    bifurcation.add_argument("--no-cycles", action="store_true",
                             help="equilibria, folds and Hopf points only (no AUTO-07p)")
    bifurcation.add_argument("--out", help="write the figure (.png, .pdf, .svg) or the "
                             "special points (.csv)")
    bifurcation.set_defaults(func=_cmd_bifurcation)

    fit = command("fit", "fit a model's parameters to a recorded trace; print the estimates "
                  "with their confidence intervals, the noise, and the pairs that trade off",
                  _FIT_EXAMPLE)
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
    fit.add_argument("--target", default=_FIT_TARGET, help=_target_help(_FIT_TARGET))
    fit.add_argument("--seed", default="0", help="seed of the search (default 0)")
    fit.add_argument("--maxiter", default="300",
                     help="generations of the search at most (default 300)")
    fit.add_argument("--popsize", default="15",
                     help="candidates per free quantity in each generation (default 15)")
    fit.add_argument("--out", help="write the estimates (.json) or a figure of data, fit, "
                     "residuals and intervals (.png, .pdf, .svg)")
    fit.add_argument("--quiet", action="store_true", help="no line per generation")
    fit.set_defaults(func=_cmd_fit)

    explore = command("explore", "serve the interactive explorer on 127.0.0.1 (a slider per "
                      "parameter, the traces redrawn as they move) and open it in the browser; "
                      "needs the explore extra", "hh-brian explore hh_2d_reduction --port 5006")
    explore.add_argument("model", nargs="?", default="hodgkin_huxley",
                         help="the model shown first (default hodgkin_huxley); a selector on "
                              "the page offers every model")
    explore.add_argument("--port", default="0", help="port on 127.0.0.1 (default: a free one)")
    explore.add_argument("--no-browser", action="store_true",
                         help="do not open a browser; print the address")
    explore.add_argument("--target", default=_EXPLORE_TARGET, help=_target_help(_EXPLORE_TARGET))
    explore.set_defaults(func=_cmd_explore)
    parser.command_parsers = commands.choices
    return parser


# Library errors name the Python argument ("duration: ...", "params['g_Na']: ..."); on the
# command line the option is what the reader knows.
_OPTIONS = {"duration": "--duration", "dt": "--dt", "current": "--current",
            "target": "--target", "method": "--method", "params": "--param",
            "initial": "--initial", "v_range": "--v-range", "start": "--start", "stop": "--stop",
            "amplitude": "--amplitude", "amplitude_start": "--amplitude",
            "amplitude_stop": "--amplitude-end", "frequency": "--frequency", "sigma": "--sigma",
            "seed": "--seed", "bounds": "--range", "free": "--free", "popsize": "--popsize",
            "maxiter": "--maxiter"}


def _name_option(message: str) -> str:
    match = re.match(r"(\w+)(?:\[['\"]?(\w+)['\"]?\])?: ", message)
    if not match or match.group(1) not in _OPTIONS:
        return message
    index = match.group(2)
    if match.group(1) == "bounds" and index in ("0", "1"):
        index = ("LOW", "HIGH")[int(index)]
    option = _OPTIONS[match.group(1)] + (f" {index}" if index else "")
    return f"{option}: {message[match.end():]}"


def main(argv=None) -> int:
    """Run the ``hh-brian`` command line; returns the exit status.

    0 on success; 1 when an optional extra the command needs is not installed (the message
    names it); 2 for a mistake in the command line, reported in one line on standard
    error before anything is compiled or run; 3 when the run diverged (its state became NaN
    or infinite), reported in one line with the time and what to try. Mistakes argparse
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
    parser = _parser()
    argv = sys.argv[1:] if argv is None else list(argv)
    args = parser.parse_args(_protect_negative_values(argv, parser, parser.command_parsers))
    status = 2
    try:
        return args.func(args)
    except UsageError as error:
        message = str(error)
    except (ValueError, DimensionMismatchError) as error:
        message = _name_option(str(error))
    except IntegrationError as error:
        message, status = str(error), DIVERGED
    except MissingExtra as error:  # an optional extra that is not installed
        message, status = str(error), 1
    print(f"hh-brian {args.command}: error: {' '.join(message.split())}", file=sys.stderr)
    return status


def _console_entry() -> None:  # pragma: no cover - exercised through the installed script
    sys.exit(main())

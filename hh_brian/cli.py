"""The ``hh-brian`` command: list models, run one, write every figure, analyse dV/dt.

Quantities are read with their units: ``5uA/cm2``, ``5 uA/cm**2``, ``50nA/mm2``, ``200ms``,
``g_Na=100mS/cm2``. Mistakes (a wrong unit, an unknown model or parameter) give one line on
standard error naming the valid choices, and exit status 2.
"""

from __future__ import annotations

import argparse
import ast
import pathlib
import re
import sys

import numpy as np
from brian2 import DimensionMismatchError, Quantity, mm, ms, mV, nA
import brian2
from brian2.core.namespace import DEFAULT_UNITS
from brian2.units.fundamentalunits import Unit

from . import __version__, stimuli
from .models import get_model, list_models
from .units import CURRENT_DENSITY, describe_dimension

__all__ = ["main", "parse_quantity"]

_NA_MM2 = nA / mm**2
# Brian2's unit names: the full set and the short aliases it exports (mS, uF, ...).
_UNITS = {**DEFAULT_UNITS, **{k: v for k, v in vars(brian2).items() if isinstance(v, Unit)}}


class UsageError(Exception):
    """A mistake in the command line; reported in one line with exit status 2."""


def parse_quantity(text: str, unit=None, argument: str = "value") -> Quantity:
    """Read a quantity written with its unit, e.g. ``"5uA/cm2"`` or ``"5 uA/cm**2"``.

    Units are Brian2's names (``mV``, ``ms``, ``uA``, ``nA``, ``cm``, ``mS``, ``Hz``…);
    ``µ`` may stand for ``u``, ``^`` for ``**``, and a digit right after a unit is its power
    (``cm2`` is ``cm**2``).

    Parameters
    ----------
    text : str
    unit : Unit, optional
        If given, the dimension the quantity must have.
    argument : str
        Named in error messages.

    Raises
    ------
    UsageError
        If the text is not a number with a known unit, or has the wrong dimension.

    Examples
    --------
    >>> from brian2 import uA, cm
    >>> float(parse_quantity("5uA/cm2", uA/cm**2) / (uA/cm**2))
    5.0
    >>> float(parse_quantity("50 nA/mm**2") / (uA/cm**2))
    5.0
    """
    cleaned = text.strip().replace("µ", "u").replace("μ", "u").replace("^", "**")
    match = re.fullmatch(r"([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*(.*)", cleaned)
    if not match:
        raise UsageError(f"{argument}: expected a number with a unit, such as 5uA/cm2; got "
                         f"{text!r}")
    number, unit_text = float(match.group(1)), match.group(2).strip()
    unit_text = re.sub(r"([A-Za-z]+)(\d+)", r"\1**\2", unit_text)
    value = number * _evaluate_unit(unit_text, text, argument) if unit_text else Quantity(number)
    if unit is not None and not value.has_same_dimensions(unit):
        expected = describe_dimension(unit).replace("**", "").replace("*", "")
        raise UsageError(f"{argument}: expected {expected}, got {text!r}")
    return value


def _evaluate_unit(unit_text, text, argument):
    def fail():
        return UsageError(f"{argument}: cannot read the unit of {text!r}; write it like "
                          f"uA/cm2, mS/cm**2, mV or ms")

    try:
        tree = ast.parse(unit_text, mode="eval")
    except SyntaxError:
        raise fail() from None

    def walk(node):
        if isinstance(node, ast.Expression):
            return walk(node.body)
        if isinstance(node, ast.Name):
            if node.id not in _UNITS:
                raise UsageError(f"{argument}: unknown unit {node.id!r} in {text!r}")
            return _UNITS[node.id]
        if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Mult, ast.Div)):
            left, right = walk(node.left), walk(node.right)
            return left * right if isinstance(node.op, ast.Mult) else left / right
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Pow):
            if not isinstance(node.right, ast.Constant) or not isinstance(node.right.value, int):
                raise fail()
            return walk(node.left) ** node.right.value
        raise fail()

    return walk(tree)


def _assignment(text: str, argument: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    if not sep or not name.strip() or not value.strip():
        raise UsageError(f"{argument}: expected NAME=VALUE, such as g_Na=100mS/cm2; got {text!r}")
    return name.strip(), value.strip()


# --------------------------------------------------------------------------------------------
# Commands


def _cmd_models(args) -> int:
    for k, model in enumerate(list_models(), start=1):
        print(f"{k}. {model.name} ({model.source_name}): {model.adds}")
    return 0


PROTOCOLS = ("source", "step", "pulse", "ramp", "sine", "noise")


def _stimulus(args, model):
    if args.current is not None and args.protocol is not None:
        raise UsageError("--current, --protocol: give one or the other")
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
        return stimuli.protocol(amplitude(model.protocol_amplitude))
    if name == "step":
        stop = None if args.stop is None else time("--stop", args.stop)
        return stimuli.step(amplitude(), time("--start", args.start, 0 * ms), stop)
    if name == "pulse":
        return stimuli.pulse(amplitude(), time("--start", args.start), time("--stop", args.stop))
    if name == "ramp":
        if not args.amplitude_end:
            raise UsageError("--amplitude-end: protocol 'ramp' needs the final amplitude")
        end = parse_quantity(args.amplitude_end, CURRENT_DENSITY, "--amplitude-end")
        return stimuli.ramp(amplitude(0 * CURRENT_DENSITY), end, time("--start", args.start),
                            time("--stop", args.stop))
    if name == "sine":
        from brian2 import Hz

        if args.frequency is None:
            raise UsageError("--frequency: protocol 'sine' needs it, e.g. --frequency 10Hz")
        return stimuli.sine(amplitude(), parse_quantity(args.frequency, Hz, "--frequency"),
                            start=time("--start", args.start, 0 * ms),
                            stop=None if args.stop is None else time("--stop", args.stop))
    return stimuli.smoothed_noise(amplitude(1400 * _NA_MM2),
                                  sigma=time("--sigma", args.sigma, 6 * ms), seed=args.seed)


def _cmd_run(args) -> int:
    from .simulation import simulate

    model = get_model(args.model)
    params = {}
    for text in args.param:
        name, value = _assignment(text, "--param")
        if name not in model.params:
            raise UsageError(f"--param: unknown parameter {name!r} for {model.name}; valid: "
                             f"{', '.join(model.params)}")
        params[name] = parse_quantity(value, model.params[name], f"--param {name}")
    initial = {}
    for text in args.initial:
        name, value = _assignment(text, "--initial")
        if name not in model.state_variables:
            raise UsageError(f"--initial: unknown state variable {name!r} for {model.name}; "
                             f"valid: {', '.join(model.state_variables)}")
        initial[name] = parse_quantity(value, mV if name == "v" else None, f"--initial {name}")
    duration = None if args.duration is None else parse_quantity(args.duration, ms, "--duration")
    dt = parse_quantity(args.dt, ms, "--dt")
    threshold = parse_quantity(args.threshold, mV, "--threshold")
    result = simulate(model, duration, _stimulus(args, model), dt=dt, method=args.method,
                      target=args.target, params=params, initial=initial,
                      progress=not args.quiet)
    spikes = result.spike_times(threshold) / ms
    print("spike times (ms):", " ".join(f"{t:.3f}" for t in spikes) or "none")
    v = np.asarray(result.v / mV)
    print(f"{model.name}: {float(result.options['duration'] / ms):g} ms, {len(result.t)} steps "
          f"of {float(dt / ms):g} ms [{args.target}, {args.method}]; {len(spikes)} spikes; "
          f"v from {v.min():.2f} to {v.max():.2f} mV")
    if args.out:
        path = _write(result, pathlib.Path(args.out))
        print("written to", path)
    return 0


def _write(result, path: pathlib.Path) -> pathlib.Path:
    suffix = path.suffix.lower()
    path.parent.mkdir(parents=True, exist_ok=True)
    if suffix in (".png", ".pdf", ".svg"):
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        from .plotting import plot_model_figure

        fig = plot_model_figure(result)
        fig.savefig(path, dpi=110, bbox_inches="tight")
        plt.close(fig)
    elif suffix in (".csv", ".npz"):
        arrays, units = result.to_arrays()
        if suffix == ".npz":
            np.savez(path, **arrays, units=np.array([f"{k}:{u}" for k, u in units.items()]))
        else:
            header = ",".join(f"{name} [{units[name]}]" for name in arrays)
            np.savetxt(path, np.column_stack(list(arrays.values())), delimiter=",",
                       header=header, comments="", fmt="%.10g")
    else:
        raise UsageError(f"--out: unknown file type {suffix or path.name!r}; valid: .png, "
                         ".pdf, .svg (figure), .csv, .npz (traces)")
    return path


def _cmd_figures(args) -> int:
    from .gallery import write_all_figures

    paths = write_all_figures(args.directory, target=args.target, progress=not args.quiet)
    for path in paths:
        print(path)
    print(f"{len(paths)} figures written to {args.directory}")
    return 0


def _cmd_analyse(args) -> int:
    from . import analysis

    model = get_model(args.model)
    held = {}
    if args.n is not None:
        held["n"] = args.n
    for text in args.hold:
        name, value = _assignment(text, "--hold")
        held[name] = float(value)
    for name in held:
        if name not in model.gates:
            raise UsageError(f"--hold: {name!r} is not a gate of {model.name}; valid: "
                             f"{', '.join(model.gates) or 'none'}")
    current = parse_quantity(args.current, CURRENT_DENSITY, "--current")
    v_range = (parse_quantity(args.v_range[0], mV, "--v-range"),
               parse_quantity(args.v_range[1], mV, "--v-range"))
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


# --------------------------------------------------------------------------------------------
# Parser


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="hh-brian",
        description="The Hodgkin-Huxley model built step by step, simulated with Brian2.",
        epilog="examples:\n  hh-brian models\n  hh-brian run hodgkin_huxley --current 10uA/cm2 "
               "--duration 100ms --out hh.png\n  hh-brian figures figures/\n"
               "  hh-brian analyse hh_2d_reduction --n 0",
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
    run.add_argument("--duration", help="e.g. 200ms (default: the model's)")
    run.add_argument("--current", help="a constant current, e.g. 5uA/cm2 or 50nA/mm2")
    run.add_argument("--protocol", choices=PROTOCOLS,
                     help="input shape: source (the +A/-A protocol), step, pulse, ramp, sine, "
                          "noise (default: the model's own input)")
    run.add_argument("--amplitude", help="protocol amplitude, e.g. 10uA/cm2")
    run.add_argument("--amplitude-end", help="final amplitude of a ramp")
    run.add_argument("--start", help="protocol start, e.g. 10ms")
    run.add_argument("--stop", help="protocol stop, e.g. 60ms")
    run.add_argument("--frequency", help="sine frequency, e.g. 10Hz")
    run.add_argument("--sigma", help="noise smoothing width (default 6ms)")
    run.add_argument("--seed", type=int, default=1, help="noise seed (default 1)")
    run.add_argument("--param", action="append", default=[], metavar="NAME=VALUE",
                     help="parameter override, e.g. g_Na=100mS/cm2 (repeatable)")
    run.add_argument("--initial", action="append", default=[], metavar="NAME=VALUE",
                     help="initial value, e.g. v=-60mV or n=0.3 (repeatable)")
    run.add_argument("--dt", default="0.01ms", help="integration step (default 0.01ms)")
    run.add_argument("--target", default="cython", help="code generation: cython or numpy")
    run.add_argument("--method", default="euler", help="Brian2 integration method")
    run.add_argument("--threshold", default="0mV", help="spike threshold (default 0mV)")
    run.add_argument("--out", help="write a figure (.png, .pdf, .svg) or traces (.csv, .npz)")
    run.add_argument("--quiet", action="store_true", help="no progress bar")
    run.set_defaults(func=_cmd_run)

    figures = command("figures", "write every figure of both sources (the models, the 2D "
                      "reduction's dV/dt, the noise run)", "hh-brian figures figures/")
    figures.add_argument("directory", nargs="?", default="figures",
                         help="output folder (default figures/)")
    figures.add_argument("--target", default="cython", help="code generation: cython or numpy")
    figures.add_argument("--quiet", action="store_true", help="no progress bar")
    figures.set_defaults(func=_cmd_figures)

    analyse = command("analyse", "fixed points of dV/dt(V) with their stability, the fold "
                      "current, and the full system's steady states",
                      "hh-brian analyse hh_2d_reduction --n 0 --current 10nA/mm2")
    analyse.add_argument("model", help="model name or source name")
    analyse.add_argument("--n", type=float, help="hold the gate n at this value")
    analyse.add_argument("--hold", action="append", default=[], metavar="GATE=VALUE",
                         help="hold any gate, e.g. h=0.6 (repeatable); others follow v")
    analyse.add_argument("--current", default="0uA/cm2", help="input current (default 0)")
    analyse.add_argument("--v-range", nargs=2, default=["-100mV", "60mV"],
                         metavar=("LOW", "HIGH"), help="voltage range searched")
    analyse.set_defaults(func=_cmd_analyse)
    return parser


def main(argv=None) -> int:
    """Run the ``hh-brian`` command line; returns the exit status.

    Examples
    --------
    >>> main(["models"])  # doctest: +ELLIPSIS
    1. passive_membrane (neuron_func_1): a capacitor charged through one leak conductance
    ...
    0
    """
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except (UsageError, ValueError, TypeError, DimensionMismatchError) as error:
        message = " ".join(str(error).split())
        print(f"hh-brian {args.command}: error: {message}", file=sys.stderr)
        return 2


def _console_entry() -> None:  # pragma: no cover - exercised through the installed script
    sys.exit(main())

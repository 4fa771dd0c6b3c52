"""``hh-brian analyse``: the fixed points of dV/dt(V) with their stability, the fold current,
and the full system's steady states (:mod:`hh_brian.analysis`)."""

from __future__ import annotations

from brian2 import mm, ms, mV, nA

from ..core.units import CURRENT_DENSITY
from ..model.core import get_model
from .options import UsageError, assignment, fraction, new_command, parse_quantity

# A command of hh_brian.cli.main, which calls add_command; nothing here is library API.
__all__: list[str] = []

NA_MM2 = nA / mm**2


def add_command(commands) -> None:
    """Add ``analyse`` to the command line's parser."""
    analyse = new_command(commands, "analyse", "fixed points of dV/dt(V) with their "
                          "stability, the fold current, and the full system's steady states",
                          "hh-brian analyse hh_2d_reduction --n 0 --current 10nA/mm2")
    analyse.add_argument("model", help="model name or source name")
    analyse.add_argument("--n", help="hold the gate n at this value (0 to 1), or at its "
                         "steady state where the model starts (rest), e.g. --n rest")
    analyse.add_argument("--hold", action="append", default=[], metavar="GATE=VALUE",
                         help="hold any gate, e.g. h=0.6 or h=rest (repeatable); others "
                              "follow v")
    analyse.add_argument("--current", default="0uA/cm2", help="input current (default 0)")
    analyse.add_argument("--v-range", nargs=2, default=["-100mV", "60mV"],
                         metavar=("LOW", "HIGH"), help="voltage range searched")
    analyse.set_defaults(func=command)


def _gate(name: str, model, option: str) -> None:
    if name not in model.gates:
        raise UsageError(f"{option}: {name!r} is not a gate of {model.name}; valid: "
                         f"{', '.join(model.gates) or 'none'}")


def _held(model, gate: str, text: str, option: str) -> float:
    """A held gate's value: a fraction, or ``rest``, its steady state at the initial v."""
    from .. import analysis

    if text.strip() == "rest":
        steady_state = model.gates[gate][0]
        return float(analysis.evaluate(model, [steady_state], model.v_init)[steady_state])
    try:
        return fraction(text, option)
    except UsageError:
        raise UsageError(f"{option}: expected a gate's open fraction, a number from 0 to 1 "
                         f"such as 0.3, or rest (its steady state at the initial v); got "
                         f"{text!r}") from None


def command(args) -> int:
    """Print the fixed points of the slice, the fold, and the full system's steady states."""
    from .. import analysis

    model = get_model(args.model)
    held = {}
    if args.n is not None:
        _gate("n", model, "--n")
        held["n"] = _held(model, "n", args.n, "--n")
    for text in args.hold:
        name, value = assignment(text, "--hold", "h=0.6")
        _gate(name, model, "--hold")
        held[name] = _held(model, name, value, f"--hold {name}")
    current = parse_quantity(args.current, CURRENT_DENSITY, "--current")
    low, high = (parse_quantity(text, mV, "--v-range") for text in args.v_range)
    if not low < high:
        raise UsageError(f"--v-range: expected LOW below HIGH, such as -100mV 60mV; got "
                         f"{' '.join(text.strip() for text in args.v_range)!r}")
    v_range = (low, high)
    free = [g for g in model.gates if g not in held]
    print(f"{model.name}: dV/dt(V) with "
          + (", ".join(f"{k} = {v:.10g}" for k, v in held.items()) or "no gate held")
          + (f"; {', '.join(free)} at steady state" if free else "")
          + f"; I = {float(current / CURRENT_DENSITY):g} uA/cm^2")
    print(f"{'V (mV)':>12} {'stability':>11} {'slope (1/ms)':>14}")
    for point in analysis.fixed_points(model, current, v_range=v_range, **held):
        print(f"{float(point.v / mV):12.4f} {point.stability:>11} {float(point.slope * ms):14.5g}")
    try:
        fold = analysis.fold(model, v_range=v_range, **held)
        print(f"fold (rest meets threshold): I = {float(fold.current / CURRENT_DENSITY):.6g} "
              f"uA/cm^2 = {float(fold.current / NA_MM2):.6g} nA/mm^2 at "
              f"V = {float(fold.v / mV):.4f} mV")
    except ValueError as error:
        print(f"fold: none ({error})")
    print("full system (every variable free):")
    for state in analysis.steady_states(model, current, v_range=v_range):
        print(f"  {state}")
    return 0

"""``hh-brian bifurcation``: where a model starts and stops firing as a parameter moves
(:mod:`hh_brian.bifurcation`)."""

from __future__ import annotations

import pathlib

from ..core.units import CURRENT_DENSITY, show_value
from ..model.core import get_model
from .options import UsageError, make_folder, new_command, parse_quantity, read_params

# A command of hh_brian.cli.main, which calls add_command; nothing here is library API.
__all__: list[str] = []


def add_command(commands) -> None:
    """Add ``bifurcation`` to the command line's parser."""
    bifurcation = new_command(
        commands, "bifurcation", "where the model starts and stops firing as a parameter "
        "moves: equilibria, folds, Hopf points, cycles and their limit points (needs the "
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
    bifurcation.set_defaults(func=command)


DIAGRAM_OUT = {".png": "figure", ".pdf": "figure", ".svg": "figure", ".csv": "points"}


def command(args) -> int:
    """Continue the equilibria and cycles in the parameter; print and write the diagram."""
    from ..bifurcation import diagram

    model = get_model(args.model)
    valid = ["I_stim", *model.params]
    if args.parameter not in valid:
        raise UsageError(f"--parameter: {args.parameter!r} is not a parameter of {model.name}; "
                         f"valid: {', '.join(valid)}")
    params = read_params(args.param, model)
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
        if out.suffix.lower() not in DIAGRAM_OUT or not out.stem:
            raise UsageError(f"--out: expected a figure (.png, .pdf, .svg) or the special "
                             f"points (.csv); got {args.out!r}")
        if out.is_dir():
            raise UsageError(f"--out: {args.out!r} is a folder; give a file name")
        make_folder(out.parent, "--out")
    d = diagram(model, args.parameter, (low, high), params=params, current=current,
                cycles=not args.no_cycles)
    print(d)
    if out is not None:
        if DIAGRAM_OUT[out.suffix.lower()] == "points":
            d.to_csv(out)
        else:
            import matplotlib.pyplot as plt

            fig = d.plot()
            fig.savefig(out, dpi=150)
            plt.close(fig)
        print("written to", out)
    return 0

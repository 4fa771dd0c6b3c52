"""``hh-brian run``: simulate a model; print its spikes and a summary; write a figure or the
traces.

The input is the model's own (the source protocol, or the 2D reduction's noise), a constant
``--current``, or any kind of :data:`hh_brian.stimuli.STIMULUS_KINDS` with ``--protocol``
and that kind's options: both read from the registry, so a new kind needs nothing here.
"""

from __future__ import annotations

import pathlib

import numpy as np
from brian2 import mV, ms

from .. import stimuli
from ..core.errors import RecordingTooLarge
from ..core.units import CURRENT_DENSITY
from ..core.wording import counted
from ..model.core import get_model
from ..simulation.run import simulate
from ..stimuli import STIMULUS_KINDS
from .options import (METHODS, OUT_TYPES, UsageError, assignment, check_whole_steps, fraction,
                      known_name, new_command, option_of, out_path, parse_quantity,
                      positive_time, read_params, seed, target_help, target_name)

# A command of hh_brian.cli.main, which calls add_command; stimulus_from_options is the one
# reader of --protocol and its options.
__all__ = ["stimulus_from_options"]

EXAMPLE = ("hh-brian run neuron_func_7 --protocol step --amplitude 10uA/cm2 --start 10ms "
           "--duration 100ms --param g_Na=100mS/cm2 --out hh.csv")

#: Each stimulus parameter, by name, in the order the kinds first use it.
_STIMULUS_PARAMETERS = {p.name: p for kind in STIMULUS_KINDS.values() for p in kind.parameters}

_SHOWN_SPIKES = 10


def add_command(commands) -> None:
    """Add ``run`` and its options to the command line's parser."""
    run = new_command(commands, "run", "simulate a model; print spike times and a summary; "
                      "write a figure or the traces", EXAMPLE)
    run.add_argument("model", help="model name or source name (see: hh-brian models)")
    run.add_argument("--duration", help="e.g. 200ms or 1s (default: the model's)")
    run.add_argument("--current", help="a constant current, e.g. 5uA/cm2, -5uA/cm2 or 50nA/mm2")
    run.add_argument("--protocol", choices=tuple(STIMULUS_KINDS),
                     help="input shape: " + "; ".join(f"{name} ({kind.description})"
                                                     for name, kind in STIMULUS_KINDS.items())
                     + " (default: the model's own input)")
    for name, parameter in _STIMULUS_PARAMETERS.items():
        users = [kind for kind in STIMULUS_KINDS.values() if parameter in kind.parameters]
        run.add_argument(option_of(name), dest=name,
                         help=f"{parameter.what} of a {', '.join(k.name for k in users)} "
                              f"protocol, e.g. {parameter.example}")
    run.add_argument("--param", action="append", default=[], metavar="NAME=VALUE",
                     help="parameter override, e.g. g_Na=100mS/cm2 (repeatable)")
    run.add_argument("--initial", action="append", default=[], metavar="NAME=VALUE",
                     help="initial value, e.g. v=-60mV or n=0.3 (repeatable)")
    run.add_argument("--dt", default="0.01ms", help="integration step (default 0.01ms)")
    run.add_argument("--target", default="cython", help=target_help())
    run.add_argument("--method", default="euler",
                     help=f"Brian2 integration method: {', '.join(METHODS)} (default euler)")
    run.add_argument("--threshold", default="0mV", help="spike threshold (default 0mV)")
    run.add_argument("--out", help="write a figure (.png, .pdf, .svg) or traces (.csv, .npz)")
    run.add_argument("--quiet", action="store_true", help="no progress bar")
    run.set_defaults(func=command)


def stimulus_from_options(args, model, duration):
    """The stimulus that ``--current`` or ``--protocol`` and its options describe (None: the
    model's own input); every option is checked, and one that the protocol does not use is
    refused.

    Examples
    --------
    >>> from brian2 import ms
    >>> from hh_brian import get_model
    >>> from hh_brian.cli.main import build_parser
    >>> args = build_parser().parse_args(["run", "hodgkin_huxley", "--protocol", "pulse",
    ...                                   "--amplitude", "10uA/cm2", "--start", "5ms",
    ...                                   "--stop", "6ms"])
    >>> stimulus_from_options(args, get_model("hodgkin_huxley"), 200*ms)
    Step(amplitude=10. * uamp / (cmetre ** 2), start=5. * msecond, stop=6. * msecond)
    """
    if args.current is not None and args.protocol is not None:
        raise UsageError("--current, --protocol: give one or the other")
    given = [name for name in _STIMULUS_PARAMETERS if getattr(args, name) is not None]
    if args.protocol is None and given:
        raise UsageError(f"{option_of(given[0])}: only used with --protocol, e.g. "
                         f"--protocol step")
    if args.current is not None:
        return stimuli.constant(parse_quantity(args.current, CURRENT_DENSITY, "--current"))
    if args.protocol is None:
        return None
    kind = STIMULUS_KINDS[args.protocol]
    uses = [p.name for p in kind.parameters]
    unused = [name for name in given if name not in uses]
    if unused:
        raise UsageError(f"{option_of(unused[0])}: protocol {kind.name!r} does not use it; it "
                         f"uses {', '.join(option_of(name) for name in uses)}")
    values = {}
    for parameter in kind.parameters:
        text = getattr(args, parameter.name)
        if text is None:
            continue
        option = option_of(parameter.name)
        values[parameter.name] = (seed(text) if parameter.unit is None
                                  else parse_quantity(text, parameter.unit, option))
    if kind.name == "source" and not values and isinstance(model.default_current,
                                                           stimuli.Protocol):
        return model.default_current  # the source's protocol with the model's own amplitude
    missing = kind.missing(values, model, duration)
    if missing:
        option = option_of(missing[0].name)
        raise UsageError(f"{option}: protocol {kind.name!r} needs {missing[0].what}, such as "
                         f"{option} {missing[0].example}")
    return kind.make(values, model, duration)


def _initial(texts, model) -> dict:
    initial = {}
    for text in texts:
        name, value = assignment(text, "--initial", "v=-60mV")
        known_name(name, model.state_variables, "--initial", "state variable", model.name)
        if name in model.gates:
            initial[name] = fraction(value, f"--initial {name}")
        else:
            initial[name] = parse_quantity(value, mV, f"--initial {name}")
    return initial


def command(args) -> int:
    """Run the model as the options say; print the spikes and a summary; write ``--out``."""
    model = get_model(args.model)
    params = read_params(args.param, model)
    initial = _initial(args.initial, model)
    dt = positive_time(args.dt, "--dt")
    duration = (model.duration if args.duration is None
                else positive_time(args.duration, "--duration"))
    check_whole_steps(duration, dt)
    threshold = parse_quantity(args.threshold, mV, "--threshold")
    target = target_name(args.target)
    if args.method not in METHODS:
        raise UsageError(f"--method: unknown integration method {args.method!r}; valid: "
                         f"{', '.join(METHODS)}")
    stimulus = stimulus_from_options(args, model, duration)
    out = None if args.out is None else out_path(args.out)
    try:
        result = simulate(model, duration, stimulus, dt=dt, method=args.method, target=target,
                          params=params, initial=initial, progress=not args.quiet)
    except RecordingTooLarge:
        raise UsageError(f"--duration: {float(duration / ms):g} ms in steps of --dt "
                         f"{float(dt / ms):g} ms is too long to record in memory; shorten "
                         f"--duration or raise --dt") from None
    spikes = np.asarray(result.spike_times(threshold) / ms)
    print(spike_line(spikes))
    v = np.asarray(result.v / mV)
    print(f"{model.name}: {float(duration / ms):g} ms, {len(result.t)} steps "
          f"of {float(dt / ms):g} ms [{target}, {args.method}]; {counted(len(spikes), 'spike')}; "
          f"v from {v.min():.2f} to {v.max():.2f} mV")
    if out is not None:
        print("written to", write(result, out))
    return 0


def spike_line(spikes_ms) -> str:
    """The spike times (ms) in one line: the first ten, and the count when there are more.

    Examples
    --------
    >>> spike_line([1.873, 16.495])
    'spike times (ms): 1.873 16.495'
    """
    shown = " ".join(f"{t:.3f}" for t in spikes_ms[:_SHOWN_SPIKES]) or "none"
    if len(spikes_ms) > _SHOWN_SPIKES:
        shown += f" ... ({len(spikes_ms)} spikes; the first {_SHOWN_SPIKES} shown)"
    return f"spike times (ms): {shown}"


def write(result, path: pathlib.Path) -> pathlib.Path:
    """Write the run's figure (.png, .pdf, .svg) or its traces (.csv, .npz) to ``path``."""
    if OUT_TYPES[path.suffix.lower()] == "figure":
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        from ..plotting import plot_model_figure

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

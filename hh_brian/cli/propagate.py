"""``hh-brian propagate``: a model on an axon; print its conduction velocity and where the
action potential got to; write the space–time figure or the arrival times
(:mod:`hh_brian.cable`)."""

from __future__ import annotations

import numpy as np
from brian2 import cm, kelvin, mm, ms, mV, ohm, um

from ..cable import Axon, propagate
from ..core.units import CURRENT_DENSITY, to_celsius
from ..model.core import get_model
from ..stimuli import pulse
from .options import (METHODS, UsageError, check_whole_steps, library_check, new_command,
                      out_path, parse_quantity, positive_time, read_params, target_help,
                      target_name, whole_number)

# A command of hh_brian.cli.main, which calls add_command; nothing here is library API.
__all__: list[str] = []

EXAMPLE = ("hh-brian propagate hodgkin_huxley --temperature 18.5degC --param E_Na=50mV "
           "--out axon.png")
#: The files ``propagate --out`` writes, by suffix.
OUT_TYPES = {".png": "figure", ".pdf": "figure", ".svg": "figure", ".csv": "arrival",
             ".npz": "traces"}
#: About how often v is kept for the figure and the .npz (a whole number of steps).
_RECORD_DT = 0.05 * ms
OUT_VALID = ("valid: .png, .pdf, .svg (the space-time figure), .csv (arrival time at each "
             "position), .npz (v over position and time)")


def add_command(commands) -> None:
    """Add ``propagate`` and its options to the command line's parser."""
    command_parser = new_command(
        commands, "propagate", "run a model on an axon; print the conduction velocity and "
        "whether the action potential reached the far end", EXAMPLE)
    add = command_parser.add_argument
    add("model", help="model name or source name (see: hh-brian models)")
    add("--length", default="5cm", help="axon length (default 5cm)")
    add("--diameter", default="476um", help="axon diameter (default 476um, HH's squid axon)")
    add("--R-i", dest="R_i", default="35.4ohm*cm",
        help="axial resistivity (default 35.4ohm*cm, HH's)")
    add("--compartment-length", help="compartment length (default 0.1mm)")
    add("--compartments", help="number of compartments (instead of --compartment-length)")
    add("--temperature", help="e.g. 18.5degC (default: the model's, 6.3degC for HH)")
    add("--param", action="append", default=[], metavar="NAME=VALUE",
        help="parameter override, e.g. E_Na=50mV (repeatable)")
    add("--current", default="200uA/cm2",
        help="current density of the stimulating pulse (default 200uA/cm2)")
    add("--pulse", default="0.5ms", help="duration of the pulse, from t = 0 (default 0.5ms)")
    add("--where", nargs=2, default=["0mm", "1mm"], metavar=("START", "STOP"),
        help="the stretch the pulse is injected into (default 0mm 1mm)")
    add("--duration", default="10ms", help="e.g. 10ms (default)")
    add("--dt", default="0.01ms", help="integration step (default 0.01ms)")
    add("--method", default="exponential_euler",
        help="how the gates move (the cable is implicit): "
             f"{', '.join(m for m in METHODS if m != 'milstein')} "
             "(default exponential_euler)")
    add("--target", default="cython", help=target_help())
    add("--out", help="write the figure (.png, .pdf, .svg), the arrival times (.csv) or v "
                      "over position and time (.npz)")
    command_parser.set_defaults(func=command)


def _axon(args) -> Axon:
    length = parse_quantity(args.length, cm, "--length")
    diameter = parse_quantity(args.diameter, um, "--diameter")
    resistivity = parse_quantity(args.R_i, ohm * cm, "--R-i")
    if args.compartments is not None and args.compartment_length is not None:
        raise UsageError("--compartments, --compartment-length: give one or the other")
    count = (None if args.compartments is None
             else whole_number(args.compartments, "--compartments", 3))
    size = (None if args.compartment_length is None
            else parse_quantity(args.compartment_length, mm, "--compartment-length"))
    return library_check(lambda: Axon(length=length, diameter=diameter, R_i=resistivity,
                                      compartments=count, compartment_length=size))


def command(args) -> int:
    """Run the axon as the options say; print the velocity; write ``--out``."""
    model = get_model(args.model)
    params = read_params(args.param, model)
    temperature = None
    if args.temperature is not None:
        temperature = parse_quantity(args.temperature, kelvin, "--temperature")
        if "T" in model.params:  # its range, named by the option
            try:
                model.with_params(T=temperature)
            except ValueError as error:
                raise UsageError("--temperature: " + str(error).partition(": ")[2]) from None
    axon = _axon(args)
    dt = positive_time(args.dt, "--dt")
    duration = positive_time(args.duration, "--duration")
    check_whole_steps(duration, dt)
    amplitude = parse_quantity(args.current, CURRENT_DENSITY, "--current")
    width = positive_time(args.pulse, "--pulse")
    where = tuple(parse_quantity(text, mm, "--where") for text in args.where)
    out = None if args.out is None else out_path(args.out, OUT_TYPES, OUT_VALID, "axon.png")
    record = ["v"] if out is not None and OUT_TYPES[out.suffix.lower()] != "arrival" else []
    wave = propagate(model, axon, duration, pulse(amplitude, 0 * ms, width), where=where,
                     dt=dt, method=args.method, target=target_name(args.target),
                     params=params, temperature=temperature, record=record,
                     record_dt=dt * max(1, round(float(_RECORD_DT / dt))))
    print(summary(wave))
    if out is not None:
        print("written to", write(wave, out))
    return 0


def summary(wave) -> str:
    """What ``propagate`` prints: the axon, the temperature, the velocity, the arrival."""
    model = wave.model
    heat = (f" at {float(to_celsius(model.params['T'])):g} degC" if "T" in model.params
            else "")
    speed = float(wave.velocity / (mm / ms))
    far = float(wave.arrival[-1] / ms)
    lines = [f"{model.name}{heat} on an {wave.axon}; {float(wave.duration / ms):g} ms in "
             f"steps of {float(wave.dt / ms):g} ms [{wave.target}, {wave.method}]",
             ("conduction velocity: " + (f"{speed:.4g} m/s" if np.isfinite(speed) else
                                         "none (the action potential did not cross the "
                                         "middle of the axon)")),
             (f"reached the far end at {far:.4g} ms" if wave.reached_end
              else "did not reach the far end")]
    return "\n".join(lines)


def write(wave, path):
    """Write the figure (.png, .pdf, .svg), the arrival times (.csv) or v (.npz)."""
    kind = OUT_TYPES[path.suffix.lower()]
    if kind == "figure":
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        fig = wave.plot()
        fig.savefig(path, dpi=110, bbox_inches="tight")
        plt.close(fig)
    elif kind == "arrival":
        np.savetxt(path, np.column_stack([np.asarray(wave.x / mm),
                                          np.asarray(wave.arrival / ms)]),
                   delimiter=",", header="x [mm],arrival [ms]", comments="", fmt="%.10g")
    else:
        np.savez(path, t=np.asarray(wave.t / ms), x=np.asarray(wave.x / mm),
                 arrival=np.asarray(wave.arrival / ms), v=np.asarray(wave.v / mV),
                 units=np.array(["t:ms", "x:mm", "arrival:ms", "v:mV"]))
    return path

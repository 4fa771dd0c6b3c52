"""``hh-brian demo-recording``: the fitting example's noisy recording of HH, written as a CSV
file that ``hh-brian fit`` reads (:mod:`hh_brian.course.fit_demo`, written by
:func:`hh_brian.fit.write_csv`)."""

from __future__ import annotations

import pathlib

from .options import (
    UsageError,
    make_folder,
    new_command,
    seed,
    target_help,
    target_name,
)

# A command of hh_brian.cli.main, which calls add_command; nothing here is library API.
__all__: list[str] = []

EXAMPLE = "hh-brian demo-recording cell.csv --ramp ramp.csv"
# The recordings' own default (hh_brian.course.fit_demo.demo_recordings): two runs of one
# neuron, each the standalone program built once and cached.
TARGET = "cpp_standalone"
# The documentation's noise draw.
SEED = "7"


def add_command(commands) -> None:
    """Add ``demo-recording`` to the command line's parser."""
    demo = new_command(commands, "demo-recording", "write the fitting example's recording: "
                       "full HH with its conductances moved away from their defaults, under two "
                       "current steps, with Gaussian noise; a CSV file for hh-brian fit (the "
                       "values are printed)", EXAMPLE)
    demo.epilog += ("\n  hh-brian fit hodgkin_huxley cell.csv --free g_Na=50..200mS/cm2 "
                    "--free g_K=10..80mS/cm2 --free g_L=0.05..1mS/cm2")
    demo.add_argument("file", help="the CSV file to write (.csv), with the header "
                      "'t [ms],v [mV],I_stim [uA/cm^2]'")
    demo.add_argument("--ramp", metavar="FILE", help="also write the same cell's recording "
                      "under a ramp, which the fit does not see: a CSV file to test the "
                      "fitted model on (hh_brian.fit.cross_validate)")
    demo.add_argument("--seed", default=SEED,
                      help=f"seed of the noise (default {SEED}, the documentation's recording)")
    demo.add_argument("--target", default=TARGET, help=target_help(TARGET))
    demo.set_defaults(func=command)


def command(args) -> int:
    """Simulate the demo cell under both protocols, add its noise, write the CSV file(s)."""
    from ..core.units import show_value
    from ..course.fit_demo import DEMO_NOISE, DEMO_TRUTH, demo_recordings
    from ..fit import write_csv

    noise_seed = seed(args.seed)
    target = target_name(args.target)
    out = _csv_path(args.file, "file", "cell.csv")
    ramp = None if args.ramp is None else _csv_path(args.ramp, "--ramp", "ramp.csv")
    if ramp is not None and ramp.resolve() == out.resolve():
        raise UsageError(f"--ramp: {args.ramp!r} is the steps' file too; give another file, "
                         f"such as ramp.csv")
    steps, held_out = demo_recordings(seed=noise_seed, target=target)
    for recorded, path in ((steps, out), (held_out, ramp)):
        if path is not None:
            write_csv(recorded, path)
            print(f"written to {path}: {recorded.name}, {recorded.n_samples} samples every "
                  f"{show_value(recorded.dt)}")
    values = ", ".join(f"{name} = {show_value(value)}" for name, value in DEMO_TRUTH.items())
    print(f"the recorded cell: hodgkin_huxley with {values}; Gaussian noise of "
          f"{show_value(DEMO_NOISE)} added (seed {noise_seed})")
    return 0


def _csv_path(text: str, argument: str, example: str) -> pathlib.Path:
    """A CSV file to write; its folder is created now, before anything runs."""
    path = pathlib.Path(text)
    if not text.strip() or path.suffix.lower() != ".csv":
        raise UsageError(f"{argument}: expected a CSV file name such as {example}; got "
                         f"{text!r}")
    if path.is_dir():
        raise UsageError(f"{argument}: {text!r} is a folder; give a file name such as "
                         f"{example}")
    make_folder(path.parent, argument)
    return path

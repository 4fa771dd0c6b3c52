"""Speed of hh_brian's axon against NEURON on the same axon (a script, not a test).

Both engines run the same problem: Hodgkin & Huxley's squid axon (diameter 476 µm, axial
resistivity 35.4 Ω·cm, sealed ends) cut into N compartments of 0.1 mm (N = 1000 and 2000
by default: 10 cm and 20 cm), the HH 1952 membrane (C_m 1 µF/cm², g_Na 120, g_K 36,
g_L 0.3 mS/cm², E_Na 50, E_K -77, E_L -54.4 mV, rest -65 mV) at 18.5 °C (every rate times
3**((18.5 - 6.3)/10)), 20 ms at dt = 0.01 ms, and 0.5 ms of 200 µA/cm² over the first
millimetre. hh_brian runs ``propagate`` with exponential Euler for the gates and Brian2's
implicit (backward Euler) cable solver, on its cython and cpp_standalone targets; NEURON
runs its built-in ``hh`` mechanism (the same rates in the modern sign convention; gates by
``cnexp``, which is exponential Euler) with ``secondorder = 0`` (backward Euler), a fixed
step ``dt = 0.01`` ms, CVode off, ``celsius = 18.5``, ``finitialize(-65)``, one section of
``nseg = N``; the current is an ``IClamp`` in each segment whose centre lies in the first
millimetre (the compartments hh_brian stimulates), of 200 µA/cm² times the segment's
area, from 0 to 0.5 ms. Every engine runs on one thread; NEURON's other settings are its
defaults (in NEURON 9, cache-efficient mode is on).

For each engine and N the table gives:

- ``wall s``: the wall clock of one run, best of ``--repeats`` after a warm-up run that
  compiles. For hh_brian that is the whole ``propagate`` call, record=[]: checking the
  arguments and building the Brian2 network on every call (cython: the ``SpatialNeuron``
  and its code objects, in this process; cpp_standalone: the program's input files, its
  run in a child process and reading back its results) as well as the steps, in which
  every compartment also keeps its arrival time. For NEURON it is ``finitialize`` plus
  ``continuerun``, with one ``NetCon`` per segment recording its threshold crossings (the
  counterpart of hh_brian's arrival times); the section is built once, outside the timing;
- ``Mcs/s``: million compartment-steps per second of the whole run;
- ``fixed s`` and ``Mcs/s steps``: the run split into a cost per call and a cost per step,
  from the same call for 1 ms (100 steps) and for 20 ms (2000 steps), each best of the
  repeats. The fixed cost of hh_brian's calls is building the network (above); it is a
  noticeable share of a cython call of this size and a small one of a cpp_standalone call,
  not most of either;
- ``velocity``: the conduction velocity each engine's run gives, the inverse slope of the
  arrival time at -40 mV against position fitted over 25–75 % of the length, as
  hh_brian's ``Propagation.velocity`` does. NEURON's arrival times are those of its
  ``NetCon`` s, the end of the step in which v crossed (hh_brian interpolates within the
  step), which moves its velocity by about 1e-4 relative;
- ``x NEURON``: the speed of the run relative to NEURON's (NEURON's wall time over the
  engine's; above 1 is faster than NEURON), for NEURON with exact rates and for NEURON with
  its default rate tables.

NEURON runs twice per N: with ``usetable_hh = 0`` (rates computed at every step from the
formulas, as hh_brian does: the same arithmetic), and with its default ``usetable_hh = 1``
(rates linearly interpolated in a table at 1-mV steps: faster, and slightly different).
After each table, a check that the two engines solve the same problem: an untimed NEURON
run recording v at every segment and step, its arrival times interpolated between steps as
hh_brian's are, against hh_brian's arrival times (velocity and the largest difference over
the axon).

Usage::

    python benchmarks/axon.py [--quick] [--repeats K]

``--quick`` is a smoke run of under a minute: N = 1000 only, one repeat (with warm caches,
a few seconds; the first run builds the standalone programs of both durations). NEURON is not a
dependency of hh_brian: without it (``pip install neuron``) its rows are skipped.
"""

import argparse
import os
import time

import numpy as np

DX_MM = 0.1  # compartment length
DIAMETER_UM = 476.0
R_I_OHM_CM = 35.4
DURATION_MS = 20.0
SHORT_MS = 1.0  # the short run that, with the long one, splits the time per call and per step
DT_MS = 0.01
TEMPERATURE_C = 18.5
E_NA_MV, E_K_MV, E_L_MV, V_INIT_MV = 50.0, -77.0, -54.4, -65.0
STIMULUS_UA_CM2, STIMULUS_MS, STIMULUS_MM = 200.0, 0.5, 1.0
THRESHOLD_MV = -40.0  # hh_brian.cable.propagation.ARRIVAL_THRESHOLD


def best_of(function, repeats):
    """The shortest wall clock of ``repeats`` calls, and the last call's result."""
    times, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return min(times), result


def fitted_velocity(arrival_ms, n):
    """m/s (= mm/ms) from arrival times at the compartments' centres, as hh_brian fits it."""
    from hh_brian.cable.propagation import VELOCITY_WINDOW

    x = (np.arange(n) + 0.5) * DX_MM
    span = n * DX_MM
    inside = (x >= VELOCITY_WINDOW[0] * span) & (x <= VELOCITY_WINDOW[1] * span)
    arrival = np.asarray(arrival_ms, dtype=float)
    if np.isnan(arrival[inside]).any():
        return float("nan")
    return 1.0 / np.polyfit(x[inside], arrival[inside], 1)[0]


def hh_brian_runner(target, n):
    """A function of the duration (ms) that runs ``propagate`` on the axon of ``n``
    compartments; both durations are run once first (compilation, caches)."""
    from brian2 import cm, ms, mV, ohm, um

    from hh_brian import celsius
    from hh_brian.cable import Axon, propagate

    axon = Axon(length=n * DX_MM / 10 * cm, diameter=DIAMETER_UM * um,
                R_i=R_I_OHM_CM * ohm * cm, compartments=n)

    def run(duration_ms):
        # The default input is the stimulus above: 0.5 ms of 200 uA/cm^2 over the first mm.
        return propagate("hodgkin_huxley", axon, duration=duration_ms * ms, dt=DT_MS * ms,
                         method="exponential_euler", target=target,
                         temperature=celsius(TEMPERATURE_C), params={"E_Na": E_NA_MV * mV},
                         record=[])

    for duration in (DURATION_MS, SHORT_MS):
        run(duration)
    return run


class NeuronAxon:
    """The same axon in NEURON: one section of ``n`` segments with ``hh``; built once."""

    def __init__(self, h, n):
        self.h, self.n = h, n
        sec = h.Section(name=f"axon{n}")
        sec.L = n * DX_MM * 1e3  # um
        sec.diam = DIAMETER_UM
        sec.nseg = n
        sec.Ra = R_I_OHM_CM
        sec.cm = 1.0
        sec.insert("hh")
        sec.ena, sec.ek = E_NA_MV, E_K_MV
        for seg in sec:
            seg.hh.gnabar, seg.hh.gkbar, seg.hh.gl, seg.hh.el = 0.12, 0.036, 0.0003, E_L_MV
        self.section = sec
        self.segments = list(sec)
        # The compartments whose centre lies in the first millimetre, as hh_brian's where.
        self.clamps = []
        for seg in self.segments:
            if seg.x * sec.L <= STIMULUS_MM * 1e3 + 1e-9:
                clamp = h.IClamp(seg)
                # uA/cm^2 * um^2 * 1e-8 cm^2/um^2 = uA; NEURON's amp is in nA.
                clamp.delay, clamp.dur = 0, STIMULUS_MS
                clamp.amp = STIMULUS_UA_CM2 * seg.area() * 1e-8 * 1e3
                self.clamps.append(clamp)
        # Threshold crossings, per segment, while running (kept between runs: a NetCon's
        # record vector is emptied by finitialize).
        self.detectors = []
        for seg in self.segments:
            netcon = h.NetCon(seg._ref_v, None, sec=sec)
            netcon.threshold = THRESHOLD_MV
            times = h.Vector()
            netcon.record(times)
            self.detectors.append((netcon, times))

    @staticmethod
    def settings(h, tables):
        h.celsius = TEMPERATURE_C
        h.dt = DT_MS
        h.secondorder = 0  # backward Euler, as Brian2's cable solver
        h.CVode().active(0)
        h.usetable_hh = 1 if tables else 0

    def run(self, duration_ms):
        """Arrival times (ms): the end of the step in which v first reached threshold."""
        self.h.finitialize(V_INIT_MV)
        self.h.continuerun(duration_ms)
        return np.array([times[0] if times.size() else np.nan for _, times in self.detectors])

    def interpolated_arrival(self):
        """An untimed run recording v at every segment and step; arrival times interpolated
        between the steps as hh_brian's are."""
        h = self.h
        traces = []
        for seg in self.segments:
            trace = h.Vector()
            trace.record(seg._ref_v)
            traces.append(trace)
        self.run(DURATION_MS)
        v = np.array([trace.as_numpy() for trace in traces])
        for trace in traces:
            trace.play_remove()
        theta = THRESHOLD_MV
        up = (v[:, :-1] < theta) & (v[:, 1:] >= theta)
        arrival = np.full(self.n, np.nan)
        for i in np.flatnonzero(up.any(axis=1)):
            k = int(np.argmax(up[i]))
            arrival[i] = (k + (theta - v[i, k]) / (v[i, k + 1] - v[i, k])) * DT_MS
        return arrival


def neuron_module():
    os.environ.setdefault("NEURON_MODULE_OPTIONS", "-nogui")
    try:
        from neuron import h
    except ImportError:
        return None
    h.load_file("stdrun.hoc")
    return h


def measure(run, repeats, n):
    """Whole run, fixed cost, steps' rate; the long run's result."""
    long_s, result = best_of(lambda: run(DURATION_MS), repeats)
    short_s, _ = best_of(lambda: run(SHORT_MS), repeats)
    steps, short_steps = round(DURATION_MS / DT_MS), round(SHORT_MS / DT_MS)
    per_step = max(long_s - short_s, 1e-12) / (steps - short_steps)
    fixed = max(short_s - short_steps * per_step, 0.0)
    return {"wall": long_s, "rate": n * steps / long_s / 1e6, "fixed": fixed,
            "step_rate": n / per_step / 1e6, "result": result}


def _parser():
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        epilog="Timings are only comparable within one run on a quiet machine.")
    parser.add_argument("--quick", action="store_true",
                        help="a smoke run of under a minute: N = 1000 only, one repeat")
    parser.add_argument("--repeats", type=int, default=None, metavar="K",
                        help="best of K runs per engine and duration (default 3; 1 with "
                             "--quick)")
    return parser


def main(argv=None):
    from brian2 import meter, second

    args = _parser().parse_args(argv)
    repeats = args.repeats if args.repeats is not None else (1 if args.quick else 3)
    if repeats < 1:
        raise SystemExit("--repeats: expected at least 1")
    sizes = (1000,) if args.quick else (1000, 2000)
    h = neuron_module()
    neuron_note = ("NEURON: not installed (pip install neuron to include it); its rows are "
                   "skipped" if h is None else f"NEURON {h.nrnversion(0)}")
    print(f"# hh_brian axon benchmark: HH squid axon, {DIAMETER_UM:g} um, R_i "
          f"{R_I_OHM_CM:g} ohm cm, sealed ends, dx {DX_MM:g} mm, {DURATION_MS:g} ms at dt "
          f"{DT_MS:g} ms, {TEMPERATURE_C:g} degC, backward Euler; one thread each; best of "
          f"{repeats}; {os.cpu_count()} cores")
    print(f"# {neuron_note}")
    header = (f"{'engine':27s} {'N':>5s} {'wall s':>7s} {'Mcs/s':>7s} {'fixed s':>8s} "
              f"{'Mcs/s steps':>11s} {'velocity m/s':>13s} {'x NEURON':>9s} "
              f"{'x NEURON tab':>12s}")
    for n in sizes:
        print()
        print(header)
        rows = []
        neuron_axon = NeuronAxon(h, n) if h is not None else None
        if neuron_axon is not None:
            for label, tables in (("NEURON hh, exact rates", False),
                                  ("NEURON hh, rate tables", True)):
                NeuronAxon.settings(h, tables)
                neuron_axon.run(DURATION_MS)  # warm-up (and the tables, when used)
                neuron_axon.run(SHORT_MS)
                row = measure(neuron_axon.run, repeats, n)
                row["velocity"] = fitted_velocity(row["result"], n)
                if not tables:
                    row["interpolated"] = neuron_axon.interpolated_arrival()
                rows.append((label, tables, row))
        waves = {}
        for target in ("cython", "cpp_standalone"):
            row = measure(hh_brian_runner(target, n), repeats, n)
            wave = row["result"]
            row["velocity"] = float(wave.velocity / (meter / second))
            waves[target] = wave
            rows.append((f"hh_brian {target}", None, row))
        reference = {tables: row["wall"] for _, tables, row in rows if tables is not None}
        # hh_brian's rows first (measured after NEURON's, whose section is built first).
        for label, _, row in sorted(rows, key=lambda entry: entry[1] is not None):
            ratios = [f"{reference[tables] / row['wall']:.2f}" if tables in reference else "-"
                      for tables in (False, True)]
            print(f"{label:27s} {n:5d} {row['wall']:7.3f} {row['rate']:7.2f} "
                  f"{row['fixed']:8.3f} {row['step_rate']:11.2f} {row['velocity']:13.5f} "
                  f"{ratios[0]:>9s} {ratios[1]:>12s}", flush=True)
        if neuron_axon is not None:
            same_problem(n, rows, waves)
        del neuron_axon, rows, waves


def same_problem(n, rows, waves):
    """NEURON's arrival times interpolated between steps against hh_brian's."""
    from brian2 import meter, ms, second

    arrival = next(row["interpolated"] for _, tables, row in rows if tables is False)
    velocity = fitted_velocity(arrival, n)
    print(f"# same problem: arrival interpolated within the step in both; an untimed NEURON "
          f"run (exact rates,\n#   v recorded at every segment and step): NEURON "
          f"{velocity:.6f} m/s")
    for target, wave in waves.items():
        hb_arrival = np.asarray(wave.arrival / ms)
        hb_velocity = float(wave.velocity / (meter / second))
        both = np.isfinite(hb_arrival) & np.isfinite(arrival)
        missing = int((np.isfinite(hb_arrival) != np.isfinite(arrival)).sum())
        print(f"#   hh_brian {target:15s} {hb_velocity:.6f} m/s, relative difference "
              f"{abs(hb_velocity / velocity - 1):.1e}; largest arrival difference "
              f"{np.max(np.abs(hb_arrival[both] - arrival[both])):.1e} ms over {both.sum()} "
              f"compartments" + (f"; {missing} reached in one engine only" if missing else ""))


if __name__ == "__main__":
    main()

"""A large batch runs in chunks of neurons and gives the result of the batch run in one piece.

Chunking is forced at a few neurons (``CHUNK_NEURONS`` set low), and every result of the
chunked run is compared with the run in one piece, bit for bit: spikes, spike events,
divergence, the per-neuron values and the traces. The batches mix currents, conductances and
initial values, and include neurons that diverge (forward Euler at dt = 0.1 ms is unstable
for HH's g_Na = 120 mS/cm^2 under 10 uA/cm^2; 50 is stable) and one that starts above the
spike threshold (its first excursion has no onset).

On cpp_standalone the batch and the chunks are multiples of 16 neurons: a neuron that one
layout computes in a vectorised loop's remainder and the other in its body may differ in the
last bits (see :mod:`hh_brian.simulation.chunks`).
"""

import os

import numpy as np
import pytest
from brian2 import cm, mS, ms, mV, uA

import hh_brian
from hh_brian import stimuli
from hh_brian.simulation import chunks

UA_CM2 = uA / cm**2


def _batch(n, above_threshold=False):
    """Per-neuron values of a mixed batch of n neurons; with ``above_threshold``, neuron 5
    starts at +10 mV, with the gates of rest (at their steady state there, v would be too
    fast for the step)."""
    k = np.arange(n)
    initial = {"v": (-70.0 + (k % 11)) * mV}
    if above_threshold:
        initial = {"v": np.where(k == 5, 10.0, -70.0 + (k % 11)) * mV, "n": 0.3177,
                   "m": 0.0529, "h": 0.5961}
    return {"current": stimuli.constant((k % 5) * 4.0 * UA_CM2),
            "params": {"g_Na": np.where(k % 7 == 3, 120.0, 50.0) * mS / cm**2,
                       "g_K": (30.0 + (k % 4)) * mS / cm**2},
            "initial": initial}


def _run(n, target, chunk=None, monkeypatch=None, above_threshold=False, **options):
    """The batch's result, run in chunks of at most ``chunk`` neurons (None: in one piece)."""
    if chunk is not None:
        monkeypatch.setattr(chunks, "CHUNK_NEURONS", chunk)
        monkeypatch.setattr(chunks, "_gains_from_chunks", lambda target: True)
    values = _batch(n, above_threshold)
    options = {"record": [], "track_peak": True, **options}
    plan = hh_brian.plan_run("hodgkin_huxley", 30 * ms, options.pop("current", values["current"]),
                             dt=0.1 * ms, target=target, params=values["params"],
                             initial=values["initial"], **options)
    assert (chunks.chunk_size(plan) is not None) == (chunk is not None)
    return hh_brian.run_plan(plan)


def _assert_same(chunked, whole):
    assert chunked.n_neurons == whole.n_neurons
    for got, expected in zip(chunked.spike_table(), whole.spike_table()):
        np.testing.assert_array_equal(np.asarray(got), np.asarray(expected))
    if whole.spike_events is not None:
        for name in ("neurons", "onsets", "widths", "high_enough"):
            np.testing.assert_array_equal(np.asarray(getattr(chunked.spike_events, name)),
                                          np.asarray(getattr(whole.spike_events, name)))
    assert chunked.diverged == whole.diverged
    for name in ("v_end", "v_peak", "v_average"):
        got, expected = getattr(chunked, name, None), getattr(whole, name, None)
        assert (got is None) == (expected is None), name
        if expected is not None:
            np.testing.assert_array_equal(np.asarray(got), np.asarray(expected))
    assert set(chunked.traces) == set(whole.traces)
    for name, trace in whole.traces.items():
        np.testing.assert_array_equal(np.asarray(chunked.traces[name]), np.asarray(trace))
    np.testing.assert_array_equal(np.asarray(chunked.t), np.asarray(whole.t))


# numpy quickly; Cython's code is that of the sweeps' tests (spikes only, highest v tracked);
# the standalone target builds a program for the batch and one for the chunks.
@pytest.mark.parametrize("target, n, chunk", [
    ("numpy", 20, 8),
    pytest.param("cython", 20, 8, marks=pytest.mark.xdist_group("hh-spikes-only-cython")),
    pytest.param("cpp_standalone", 48, 32, marks=pytest.mark.slow),
])
def test_a_batch_in_chunks_is_the_batch_in_one_piece(target, n, chunk, monkeypatch):
    whole = _run(n, target, above_threshold=True)
    assert whole.diverged and len(whole.spike_table()[0]) >= n // 2  # not a trivial batch
    assert np.isinf(np.asarray(whole.spike_events.widths)).any()  # neuron 5's first return
    _assert_same(_run(n, target, chunk, monkeypatch, above_threshold=True), whole)


def test_traces_of_every_neuron_are_joined_row_by_row(monkeypatch):
    options = {"record": ["v", "m", "I_Na"], "record_dt": 0.2 * ms, "track_peak": False}
    whole = _run(20, "numpy", **options)
    assert np.isnan(np.asarray(whole.v)).any()  # a diverged neuron's samples
    _assert_same(_run(20, "numpy", 8, monkeypatch, **options), whole)


def test_a_current_of_its_own_for_each_neuron_is_cut_with_the_batch(monkeypatch):
    ramp = stimuli.ramp(np.zeros(20) * UA_CM2, np.linspace(0, 20, 20) * UA_CM2, 0 * ms, 30 * ms)
    whole = _run(20, "numpy", current=ramp)
    _assert_same(_run(20, "numpy", 8, monkeypatch, current=ramp), whole)


def test_the_progress_of_the_chunks_is_that_of_the_batch(monkeypatch):
    fractions = []
    _run(20, "numpy", 8, monkeypatch,
         progress=lambda elapsed, completed, start, duration: fractions.append(completed))
    assert len(fractions) >= 3 and fractions[-1] == pytest.approx(1)
    assert np.all(np.diff(fractions) >= 0)


def test_which_runs_are_cut():
    n = chunks.CHUNK_NEURONS + 1
    current = stimuli.constant(np.full(n, 10.0) * UA_CM2)

    def size(target, **options):
        plan = hh_brian.plan_run("hodgkin_huxley", 1 * ms, current, target=target, record=[],
                                 **options)
        return chunks.chunk_size(plan)

    # numpy: two chunks of equal size, a multiple of 64 neurons.
    assert size("numpy") == chunks.CHUNK_NEURONS // 2 + 64
    # cpp_standalone: as many chunks at once as cores, so a multiple of that many.
    assert -(-n // size("cpp_standalone")) % (os.cpu_count() or 1) == 0
    assert size("cython") is None
    assert size("numpy", record_neurons=[0, 1]) is None
    small = hh_brian.plan_run("hodgkin_huxley", 1 * ms, stimuli.constant([1, 2] * UA_CM2),
                              target="numpy", record=[])
    assert chunks.chunk_size(small) is None


def test_a_run_that_records_some_neurons_runs_in_one_piece():
    plan = hh_brian.plan_run("hodgkin_huxley", 1 * ms, stimuli.constant([1, 2, 3] * UA_CM2),
                             target="numpy", record=["v"], record_neurons=[1])
    with pytest.raises(ValueError, match="record_neurons"):
        chunks.run_in_chunks(plan, 2)

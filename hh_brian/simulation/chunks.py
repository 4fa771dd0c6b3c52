"""A large batch run in chunks of neurons, as one result.

Every step of a compiled or vectorised target sweeps each per-neuron array of the group once
(the state, the parameters, the book-keeping: some twenty arrays of 8 bytes a neuron for HH).
Up to some ten thousand neurons they stay in the processor's cache from one step to the
next; a million neurons stream some 170 MB through memory at every step, and a step costs
more per neuron. Neurons are independent, so :func:`run_in_chunks` runs a large batch as
chunks of at most :data:`CHUNK_NEURONS`, each the plan with the chunk's values
(:meth:`~hh_brian.targets.RunPlan.with_values`, as the sweeps' chunks are made), and joins
their recordings into the recording of the whole batch. The standalone program runs one
chunk per core at once, each on one thread, as a sweep's chunks run; numpy runs them one
after another.

Chunks are of one size (the last one padded with copies of the batch's last neuron, whose
results are dropped), so a target that compiles per code shape builds one program for all of
them. Each neuron's arithmetic is that of the run in one piece: the joined recording is the
same, bit for bit, on the numpy and Cython targets. On ``cpp_standalone`` a neuron that one
layout computes in a vectorised loop's remainder and the other in its body may differ in the
last bits, as the same run does between machines with different numbers of cores.
"""

from __future__ import annotations

import dataclasses
import os
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from brian2 import Quantity, second, volt
from brian2.codegen.runtime.numpy_rt import NumpyCodeObject

from .. import stimuli
from ..targets.base import Recording, RunPlan, SpikeEvents
from ..targets.standalone import StandaloneTarget

__all__ = ["CHUNK_NEURONS", "chunk_size", "run_in_chunks"]

#: Most neurons in a chunk: a batch of more than this many neurons runs in chunks (see
#: :func:`chunk_size`). Measured for HH on cpp_standalone with 2 cores, a million neurons
#: ran 1.2-1.4 times faster in chunks of 16,384 than in one piece, and faster than in chunks
#: of 8,192 or 32,768.
CHUNK_NEURONS = 16384

#: Chunk sizes are rounded up to a multiple of this, so that each thread's share of a chunk
#: fills whole vector registers (8 doubles) on up to 8 threads.
_LANES = 64


def chunk_size(plan: RunPlan) -> int | None:
    """The neurons per chunk ``plan`` runs in, or None when it runs in one piece.

    A batch of more than :data:`CHUNK_NEURONS` neurons runs in chunks when its target gains
    from it and every chunk records the same thing: on ``cpp_standalone`` and ``numpy``,
    whose steps sweep the group's arrays at the speed of memory (Cython's loop is bound by
    its arithmetic: a million neurons cost it no more per neuron than ten thousand), and
    without ``record_neurons``. The chunks are of equal size, each a multiple of 64 neurons
    where the limit allows it, as few as the limit allows and, where several run at once
    (one per core on ``cpp_standalone``), a multiple of that many.

    Examples
    --------
    >>> from brian2 import ms, uA, cm
    >>> import numpy as np
    >>> from hh_brian import plan_run, stimuli
    >>> current = stimuli.constant(np.full(100_000, 10.0)*uA/cm**2)
    >>> chunk_size(plan_run("hodgkin_huxley", 1*ms, current, target="numpy",
    ...                     record=[]))  # 7 chunks of 14,286, rounded up
    14336
    >>> chunk_size(plan_run("hodgkin_huxley", 1*ms, current, target="cython", record=[])) is None
    True
    """
    n = plan.n_neurons
    if (not plan.batch or n <= CHUNK_NEURONS or plan.record_indices is not None
            or not _gains_from_chunks(plan.target)):
        return None
    at_once = _chunk_runner(plan.target)[1]
    count = -(-n // CHUNK_NEURONS)
    count = -(-count // at_once) * at_once
    even = -(-n // count)
    return min(CHUNK_NEURONS, -(-even // _LANES) * _LANES)


def _gains_from_chunks(target) -> bool:
    """Whether a large batch runs faster in chunks on ``target``: the standalone program,
    and Brian2's numpy code (Cython's code objects derive from numpy's, hence ``is``)."""
    return (isinstance(target, StandaloneTarget)
            or getattr(target, "codeobj_class", None) is NumpyCodeObject)


def run_in_chunks(plan: RunPlan, size: int) -> Recording:
    """Run the batch of ``plan`` as chunks of ``size`` neurons on its target; the recording
    of the whole batch.

    The recording is that of ``plan.target.run(plan)``: traces with a row per neuron, spike
    events with the batch's neuron numbers in the order the run in one piece records them,
    and every per-neuron value (``time_finite``, ``v_end``…) of every neuron. A plan that
    records the traces of some neurons only (``record_neurons``) cannot be cut.

    Examples
    --------
    >>> from brian2 import ms, uA, cm
    >>> from hh_brian import plan_run, stimuli
    >>> plan = plan_run("hodgkin_huxley", 20*ms, stimuli.constant([0, 5, 10]*uA/cm**2),
    ...                 target="numpy", record=[])
    >>> chunked = run_in_chunks(plan, 2)
    >>> whole = plan.target.run(plan)
    >>> chunked.spike_events.neurons, whole.spike_events.neurons
    (array([2, 1, 2], dtype=int32), array([2, 1, 2], dtype=int32))
    >>> bool((chunked.v_end == whole.v_end).all())
    True
    """
    if plan.record_indices is not None:
        raise ValueError("plan: a run that records some neurons only (record_neurons) "
                         "runs in one piece")
    if isinstance(size, bool) or not isinstance(size, (int, np.integer)) or size < 1:
        raise ValueError(f"size: expected a whole number >= 1, got {size!r}")
    n = plan.n_neurons
    state = plan.initial_state
    # Computed once, not per chunk: a per-neuron current that is not one waveform times an
    # amplitude (a ramp, a sampled current) becomes its samples.
    samples = (None if plan.stimulus.batch_size is None or _amplitude_only(plan.stimulus)
               else plan.stimulus.samples(plan.n_steps, plan.dt))
    starts = range(0, n, size)
    progress = _ChunkProgress(plan.progress, len(starts)) if plan.progress else None
    plans = []
    for k, start in enumerate(starts):
        rows = np.minimum(np.arange(start, start + size), n - 1)  # the last one padded
        chunk = _chunk_plan(plan, rows, state, samples)
        if progress is not None:
            chunk = dataclasses.replace(chunk, progress=progress.of_chunk(k))
        plans.append(chunk)
    target, at_once = _chunk_runner(plan.target)
    if at_once > 1 and len(plans) > 1:
        with ThreadPoolExecutor(min(at_once, len(plans))) as pool:
            recordings = list(pool.map(target.run, plans))
    else:
        recordings = [target.run(chunk) for chunk in plans]
    return _joined([(start, min(size, n - start), recording)
                    for start, recording in zip(starts, recordings)], plan.dt)


def _chunk_runner(target) -> tuple:
    """The target that runs each chunk, and how many chunks it runs at once.

    The standalone program runs one chunk per core at once, each on one thread (the target
    as a sweep's worker runs it, :meth:`~hh_brian.targets.Target.for_worker`): the threads
    of one program meet at every step, which costs a large batch as much as its chunks gain
    from the cache. A target with a set number of threads runs that many chunks at once.
    The runtime targets run in this process, one chunk after another.
    """
    if isinstance(target, StandaloneTarget):
        at_once = (os.cpu_count() or 1) if target.threads is None else target.threads
        return target.for_worker(), max(1, at_once)
    return target, 1


def _amplitude_only(stimulus) -> bool:
    """Whether a per-neuron stimulus is a shared waveform times a per-neuron ``amplitude``."""
    return (stimulus.separable and dataclasses.is_dataclass(stimulus)
            and "amplitude" in {f.name for f in dataclasses.fields(stimulus)})


def _chunk_plan(plan: RunPlan, rows: np.ndarray, state: dict, samples) -> RunPlan:
    """The plan of the neurons ``rows`` of ``plan``: its values at those rows.

    Every state variable starts at the batch's own initial value (the gates' steady states
    are not evaluated again), so each neuron starts from the same bits.
    """
    params = {name: value[rows] for name, value in plan.model.params.items()
              if np.ndim(value) == 1}
    initial = {name: values[rows] for name, values in state.items()}
    initial["v"] = initial["v"] * volt
    stimulus = plan.stimulus
    if samples is not None:
        stimulus = stimuli.sampled(samples[rows])
    elif stimulus.batch_size is not None:
        stimulus = dataclasses.replace(stimulus, amplitude=stimulus.amplitude[rows])
    return plan.with_values(params=params, initial=initial, current=stimulus)


def _joined(parts: list, dt) -> Recording:
    """One recording from those of the chunks: ``(first neuron, neurons kept, recording)``
    each, in the order of their neurons."""
    first = parts[0][2]
    joined = {"t": first.t,
              "traces": {name: _rows([(kept, rec.traces[name]) for _, kept, rec in parts])
                         for name in first.traces},
              "spike_events": (None if first.spike_events is None
                               else _joined_events(parts, dt))}
    for field in dataclasses.fields(Recording):
        if field.name not in joined:  # one value per neuron, or None
            values = [(kept, getattr(rec, field.name)) for _, kept, rec in parts]
            joined[field.name] = None if values[0][1] is None else _rows(values)
    return Recording(**joined)


def _rows(parts: list):
    """The first ``kept`` rows of each array, one after another, with the arrays' units."""
    plain = np.concatenate([np.asarray(values)[:kept] for kept, values in parts])
    values = parts[0][1]
    return Quantity(plain, dim=values.dim) if isinstance(values, Quantity) else plain


def _joined_events(parts: list, dt) -> SpikeEvents:
    """The chunks' spike events with the batch's neuron numbers, in the order the run in one
    piece records them: by the step of the event (when v came back below the threshold),
    then by neuron."""
    neurons, onsets, widths, high, steps = [], [], [], [], []
    for start, kept, rec in parts:
        events = rec.spike_events
        keep = events.neurons < kept  # not the padding's
        onset, width = np.asarray(events.onsets / second), np.asarray(events.widths / second)
        # An excursion under way at the start (v began above the threshold) has no onset,
        # hence no time: it is placed after the chunk's event before it.
        with np.errstate(invalid="ignore"):
            ends = np.where(np.isfinite(width), onset + width, -1.0)[keep]
        step = np.rint(ends / float(dt / second))
        steps.append(np.maximum.accumulate(step) if step.size else step)
        neurons.append(events.neurons[keep] + events.neurons.dtype.type(start))
        onsets.append(onset[keep])
        widths.append(width[keep])
        high.append(events.high_enough[keep])
    # Stable: within a step, the chunks' events keep their order, which is by neuron.
    order = np.argsort(np.concatenate(steps), kind="stable")
    return SpikeEvents(neurons=np.concatenate(neurons)[order],
                       onsets=np.concatenate(onsets)[order] * second,
                       widths=np.concatenate(widths)[order] * second,
                       high_enough=np.concatenate(high)[order])


class _ChunkProgress:
    """A run's report callback fed by the runs of its chunks: the fraction of the whole
    batch done, and the wall time since the first chunk started."""

    def __init__(self, report, n_chunks: int):
        self.report, self.n_chunks, self.started = report, n_chunks, time.perf_counter()

    def of_chunk(self, k: int):
        def report(elapsed, completed, start, duration):
            self.report((time.perf_counter() - self.started) * second,
                        (k + completed) / self.n_chunks, start, duration)

        return report

"""Many independent neurons run in chunks: in this process, a local pool, or on Dask.

A :class:`Job` is the plan of one run (:func:`hh_brian.plan_run`: spikes only, the highest v
tracked) and one value per point of every swept quantity. :func:`run_job` cuts its points
into chunks of equal size, runs each chunk as one batch (the plan with the chunk's values,
:meth:`~hh_brian.targets.RunPlan.with_values`) and reduces it at once to the measures of
:mod:`hh_brian.sweeps.regimes`, so no trace is ever held.

Where the chunks run:

* ``client=None``: here. One chunk runs in this process; more run in a local pool of
  ``n_jobs`` processes (joblib's loky backend; default one per core).
* ``client=`` a :class:`dask.distributed.Client`: one task per chunk on the cluster's
  workers. A worker that dies takes its running chunks with it; the scheduler runs them
  again elsewhere (Dask's own resilience), so the result is complete.

Results do not depend on where the chunks ran: every chunk is the same program (the plan's
target as it runs in a worker, :meth:`~hh_brian.targets.Target.for_worker`: the standalone
target single-threaded, compiled once per chunk size and shared through the build cache)
with the same values, so a chunk gives the same bits on any worker. Chunks are padded
to their common size with copies of their last point, so one program serves a whole sweep.

With ``store=`` a folder, every finished chunk is written there (one ``.npz`` each, written
whole or not at all) and a later call with the same job and folder runs only the chunks that
are missing: an interrupted sweep resumes.

The compiled program lives in the build cache (``$HH_BRIAN_CACHE_DIR``, else
``~/.cache/hh_brian``): processes of one machine share it, and it is built once. On a
cluster, point ``HH_BRIAN_CACHE_DIR`` of every worker at a shared filesystem to build once
in all; otherwise each machine builds its own copy on its first chunk (a few seconds).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import pathlib
import pickle
import sys
import time
from dataclasses import dataclass, field

import numpy as np
from brian2 import Quantity, ms

from .._version import __version__
from ..core.errors import MissingExtra
from ..simulation.plan import plan_run
from ..simulation.run import run_plan
from ..targets.base import RunPlan
from .regimes import BLOCK_LEVEL, MEASURES, measure

__all__ = ["Job", "PLACEMENT", "RUN_OPTIONS", "chunk_layout", "make_job", "map_tasks",
           "run_job"]

#: Smallest default chunk: below it, starting a program costs more than its run.
MIN_CHUNK = 1024
#: Largest default chunk. A step of the compiled program sweeps every neuron's state once;
#: up to about 32,768 HH neurons (6 MB) that stays in the processor's cache, and one
#: thread ran 7.8–9.1 ns per neuron-step at 2,048–32,768 neurons but 13.4 at 131,072.
MAX_CHUNK = 32768
#: Default chunks per worker slot, so that a slow or lost worker delays little.
CHUNKS_PER_SLOT = 4
#: Bytes a chunk may take, as a fraction of one worker slot's memory.
MEMORY_FRACTION = 0.25
#: What one point of a spikes-only run may need: its state and parameters a few times
#: over, and its spikes (28 bytes each) at up to one per millisecond.
_BYTES_PER_VARIABLE = 8 * 4
_SPIKE_BYTES_PER_MS = 28

#: Options of :func:`hh_brian.plan_run` a sweep passes on to the run of every point.
RUN_OPTIONS = ("dt", "method", "target", "params", "initial", "spike_threshold")
#: Where the chunks run: the options of :func:`run_job`.
PLACEMENT = ("client", "chunk_size", "n_jobs", "store", "progress")


@dataclass(frozen=True)
class Job:
    """A run planned once and made for each of n points: what :func:`run_job` runs.

    Attributes
    ----------
    plan : RunPlan
        The run of every point (:func:`hh_brian.plan_run` with ``record=[]`` and
        ``track_peak=True``), its fixed parameters, input and options included.
    values : dict of str to Quantity
        One array of n values per swept parameter, or ``"amplitude"`` for the amplitude of
        the plan's input.
    transient, block_level : Quantity
        Passed to :func:`hh_brian.sweeps.regimes.measure`.

    Examples
    --------
    >>> from brian2 import mS, cm, uA, ms
    >>> from hh_brian import plan_run
    >>> plan = plan_run("hodgkin_huxley", 100*ms, 10*uA/cm**2, target="numpy", record=[],
    ...                 track_peak=True)
    >>> job = Job(plan, {"g_Na": [60, 120, 180]*mS/cm**2}, 50*ms)
    >>> job.n_points
    3
    """

    plan: RunPlan
    values: dict
    transient: Quantity | None = None
    block_level: Quantity = field(default_factory=lambda: BLOCK_LEVEL)

    @property
    def n_points(self) -> int:
        return len(next(iter(self.values.values())))

    @property
    def duration(self) -> Quantity:
        return self.plan.duration

    def plan_for(self, values: dict) -> RunPlan:
        """The plan of the points of ``values`` (arrays of equal length), as one batch.

        Only the values are checked; the rest of the plan was checked when it was made.
        """
        values = dict(values)
        current = None
        if "amplitude" in values:
            current = dataclasses.replace(self.plan.stimulus, amplitude=values.pop("amplitude"))
        return self.plan.with_values(params=values, current=current)

    def key(self, chunk_size: int) -> str:
        """A fingerprint of the job and its chunking: a store holds the chunks of one key."""
        blob = pickle.dumps((self, int(chunk_size), __version__), protocol=4)
        return hashlib.sha256(blob).hexdigest()[:24]


def make_job(function: str, model, duration, current, values: dict, options: dict, *,
             transient=None, block_level=BLOCK_LEVEL) -> tuple[Job, dict]:
    """The job of a sweep-like call, and where to run it; everything checked, nothing run.

    ``options`` are the call's keyword options: those of :data:`RUN_OPTIONS` plan the run
    of every point (the target defaults to ``"cpp_standalone"``), those of
    :data:`PLACEMENT` are returned for :func:`run_job`. A fixed parameter given as one
    value per point joins the swept ``values``.

    Parameters
    ----------
    function : str
        The caller's name, for the message about an unknown option.
    model, duration, current
        As for :func:`hh_brian.plan_run`.
    values : dict of str to Quantity
        One array of n values per swept parameter (or ``"amplitude"``).
    options : dict
    transient, block_level : Quantity
        See :class:`Job`.

    Examples
    --------
    >>> from brian2 import mS, cm, uA, ms
    >>> job, placement = make_job("sweep", "hodgkin_huxley", 100*ms, 10*uA/cm**2,
    ...                           {"g_Na": [60, 120]*mS/cm**2}, {"target": "numpy", "n_jobs": 1})
    >>> job.n_points, job.plan.target.name, placement
    (2, 'numpy', {'n_jobs': 1})
    >>> make_job("sweep", "hodgkin_huxley", 100*ms, None, {"g_Na": [60]*mS/cm**2},
    ...          {"record": ["v"]})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    TypeError: sweep() got unexpected options ['record']; it takes dt, method, target, ...
    """
    unknown = sorted(set(options) - set(RUN_OPTIONS) - set(PLACEMENT))
    if unknown:
        raise TypeError(f"{function}() got unexpected options {unknown}; it takes "
                        f"{', '.join(RUN_OPTIONS + PLACEMENT)} (it records no traces: use "
                        f"hh_brian.simulate with params= arrays for those)")
    run = {name: options[name] for name in RUN_OPTIONS if name in options}
    run.setdefault("target", "cpp_standalone")
    placement = {name: options[name] for name in PLACEMENT if name in options}
    n = len(next(iter(values.values())))
    values = dict(values)
    params = dict(run.pop("params", None) or {})
    for name, value in list(params.items()):
        if np.ndim(value) == 1 and np.size(value) == n:
            values[name] = params.pop(name)
    for name, value in (run.get("initial") or {}).items():
        if np.ndim(value):
            raise ValueError(f"initial[{name!r}]: every point of a {function} starts from the "
                             f"same state; give one value")
    plan = plan_run(model, duration, current, params=params, record=[], track_peak=True, **run)
    job = Job(plan, values, transient, block_level)
    check_job(job)
    return job, placement


def chunk_layout(n_points: int, slots: int, memory_per_slot: float, duration_ms: float,
                 n_variables: int) -> int:
    """The default chunk size: a power of two, at least :data:`MIN_CHUNK` when there is
    enough to share, at most :data:`MAX_CHUNK` and small enough for a slot's memory, and
    about :data:`CHUNKS_PER_SLOT` chunks per slot otherwise.

    Powers of two make jobs of similar size share their compiled program.

    Examples
    --------
    >>> chunk_layout(1_000_000, slots=2, memory_per_slot=12e9, duration_ms=200,
    ...              n_variables=20)
    32768
    >>> chunk_layout(6, slots=2, memory_per_slot=12e9, duration_ms=200, n_variables=20)
    8
    """
    per_point = _BYTES_PER_VARIABLE * n_variables + _SPIKE_BYTES_PER_MS * duration_ms
    largest = min(MAX_CHUNK, max(1, int(MEMORY_FRACTION * memory_per_slot / per_point)))
    wanted = -(-n_points // (CHUNKS_PER_SLOT * max(1, slots)))
    size = min(max(wanted, min(MIN_CHUNK, n_points)), largest)
    power = 1 << max(0, int(size - 1).bit_length())
    return power if power <= largest else 1 << (largest.bit_length() - 1)


def run_chunk(job: Job, values: dict, size: int) -> dict[str, np.ndarray]:
    """Run the points of ``values`` as one batch of ``size`` neurons; their measures.

    The batch is padded to ``size`` with copies of the last point, and the padding's
    measures dropped. It runs on the plan's target as a worker runs it
    (:meth:`~hh_brian.targets.Target.for_worker`), wherever this is called.

    Examples
    --------
    >>> from brian2 import mS, cm, uA, ms  # doctest: +SLOW
    >>> job, _ = make_job("sweep", "hodgkin_huxley", 40*ms, 10*uA/cm**2,
    ...                   {"g_Na": [60, 120, 180]*mS/cm**2}, {"target": "numpy"},
    ...                   transient=20*ms)
    >>> run_chunk(job, job.values, 4)["spike_count"]
    array([1, 3, 3])
    """
    n = len(next(iter(values.values())))
    rows = np.minimum(np.arange(max(size, n)), n - 1)
    plan = job.plan_for({name: v[rows] for name, v in values.items()})
    result = run_plan(plan.placed(plan.target.for_worker()))
    measures = measure(result, job.transient, job.block_level)
    return {name: values[:n] for name, values in measures.items()}


def check_job(job: Job) -> None:
    """Check every value of ``job``, running nothing.

    Examples
    --------
    >>> from brian2 import mS, cm, uA, ms
    >>> from hh_brian import plan_run
    >>> plan = plan_run("hodgkin_huxley", 100*ms, 10*uA/cm**2, record=[], track_peak=True)
    >>> check_job(Job(plan, {"g_Na": [-1, 120]*mS/cm**2}))
    Traceback (most recent call last):
    ...
    ValueError: params['g_Na']: ...
    """
    if not job.plan.track_peak or job.plan.record:
        raise ValueError("plan: a job's plan records nothing (record=[]) and tracks the "
                         "highest v (track_peak=True)")
    job.plan_for(job.values)


def run_job(job: Job, *, client=None, chunk_size: int | None = None, n_jobs: int | None = None,
            store=None, progress: bool = False) -> dict[str, np.ndarray]:
    """Every point of ``job``, run in chunks; the measures of :mod:`hh_brian.sweeps.regimes`.

    Parameters
    ----------
    job : Job
    client : dask.distributed.Client, optional
        Run the chunks on this cluster (the ``dask`` extra). Default: here.
    chunk_size : int, optional
        Points per chunk. Default: :func:`chunk_layout` for the workers' slots and memory.
    n_jobs : int, optional
        Without a client: processes of the local pool (default: one per core; 1 runs
        every chunk in this process).
    store : str or path, optional
        A folder that keeps every finished chunk; a call with the same job, chunk size and
        folder runs only the missing ones.
    progress : bool
        Report finished chunks on standard error.

    Returns
    -------
    dict of str to ndarray
        Each measure of :data:`hh_brian.sweeps.regimes.MEASURES`, one value per point.

    Examples
    --------
    >>> from brian2 import mS, cm, uA, ms  # doctest: +SLOW
    >>> job, _ = make_job("sweep", "hodgkin_huxley", 40*ms, 10*uA/cm**2,
    ...                   {"g_Na": [60, 90, 120, 150, 180]*mS/cm**2}, {"target": "numpy"},
    ...                   transient=20*ms)
    >>> run_job(job, chunk_size=2, n_jobs=1)["spike_count"]
    array([1, 1, 3, 3, 3])
    """
    check_job(job)
    n = job.n_points
    if not isinstance(progress, (bool, np.bool_)):
        raise TypeError(f"progress: expected True or False, got {progress!r}")
    if client is not None:
        _check_client(client)
    if n_jobs is not None and (isinstance(n_jobs, bool) or not isinstance(n_jobs, int)
                               or n_jobs < 1):
        raise ValueError(f"n_jobs: expected a whole number >= 1, got {n_jobs!r}")
    if chunk_size is None:
        slots, memory = _slots(client, n_jobs)
        model = job.plan.model
        chunk_size = chunk_layout(n, slots, memory, float(job.duration / ms),
                                  len(model.params) + len(model.state_variables) + 8)
    elif isinstance(chunk_size, bool) or not isinstance(chunk_size, (int, np.integer)) \
            or chunk_size < 1:
        raise ValueError(f"chunk_size: expected a whole number >= 1, got {chunk_size!r}")
    chunk_size = int(chunk_size)
    bounds = [(start, min(start + chunk_size, n)) for start in range(0, n, chunk_size)]
    folder = _open_store(store, job, chunk_size, len(bounds))
    done = {k: _load_chunk(folder, k) for k in range(len(bounds))
            if folder is not None and _chunk_path(folder, k).exists()}
    todo = [k for k in range(len(bounds)) if k not in done]
    report = _Progress(len(bounds), len(done)) if progress else None

    def finished(k, measures):
        done[k] = measures
        if folder is not None:
            _save_chunk(folder, k, measures)
        if report is not None:
            report.update()

    def values_of(k):
        start, stop = bounds[k]
        return {name: v[start:stop] for name, v in job.values.items()}

    # Every worker gets the job once, without its values: each task carries its own slice.
    bare = dataclasses.replace(job, values={})
    for k, measures in map_tasks(_task, bare, [(k, values_of(k), chunk_size) for k in todo],
                                 client=client, n_jobs=n_jobs):
        finished(k, measures)
    return {name: np.concatenate([done[k][name] for k in range(len(bounds))])
            for name in MEASURES}


def _check_client(client) -> None:
    try:
        from distributed import Client
    except ImportError as error:
        raise MissingExtra("dask", "running a sweep on a cluster needs dask.distributed") \
            from error
    if not isinstance(client, Client):
        raise TypeError(f"client: expected a dask.distributed.Client, got {client!r}")


def _slots(client, n_jobs) -> tuple[int, float]:
    """Worker slots (threads) and the memory of one slot, in bytes."""
    if client is not None:
        workers = list(client.scheduler_info()["workers"].values())
        slots = sum(w["nthreads"] for w in workers) or 1
        memory = min(((w.get("memory_limit") or _machine_memory()) / max(1, w["nthreads"])
                      for w in workers), default=_machine_memory())
        return slots, memory
    slots = n_jobs or os.cpu_count() or 1
    return slots, _machine_memory() / slots


def _machine_memory() -> float:
    return float(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"))


def map_tasks(function, shared, arguments, *, client=None, n_jobs: int | None = 1):
    """``function(shared, *args)`` for every tuple of ``arguments``, as each finishes.

    Here (``n_jobs=1``, or a single task), in a local pool of ``n_jobs`` processes (joblib's
    loky backend; None: one per core), or on a Dask cluster (``client``), where ``shared`` is
    sent to every worker once. The order of the results is the order they finished in, so
    each result should say which task it is.

    Examples
    --------
    >>> def scaled(factor, k):
    ...     return k, factor * k
    >>> sorted(map_tasks(scaled, 10, [(1,), (2,), (3,)]))
    [(1, 10), (2, 20), (3, 30)]
    """
    arguments = list(arguments)
    if client is not None:
        _check_client(client)
        from distributed import as_completed

        # Each in a parcel: Dask takes a tuple or a dict apart and sends a Quantity inside it
        # as a bare array; a parcel travels whole, pickled.
        [on_workers] = client.scatter([_Parcel(shared)], broadcast=True)
        futures = [client.submit(_unpack_and_call, function, on_workers, _Parcel(args),
                                 pure=False) for args in arguments]
        for future in as_completed(futures):
            yield future.result()
    elif len(arguments) <= 1 or n_jobs == 1:
        for args in arguments:
            yield function(shared, *args)
    else:
        from joblib import Parallel, delayed

        pool = Parallel(n_jobs=min(n_jobs or os.cpu_count() or 1, len(arguments)),
                        backend="loky", return_as="generator_unordered")
        yield from pool(delayed(function)(shared, *args) for args in arguments)


class _Parcel:
    """A value that Dask sends whole (pickled), units and all."""

    def __init__(self, value):
        self.value = value


def _unpack_and_call(function, shared: _Parcel, args: _Parcel):
    return function(shared.value, *args.value)


def _task(job, k, values, size):
    return k, run_chunk(job, values, size)


class _Progress:
    """Finished chunks, elapsed and remaining time, on one line of standard error."""

    def __init__(self, total: int, already: int):
        self.total, self.done, self.started, self.already = total, already, time.time(), already
        self._show()

    def update(self) -> None:
        self.done += 1
        self._show()

    def _show(self) -> None:
        elapsed = time.time() - self.started
        new = self.done - self.already
        left = elapsed / new * (self.total - self.done) if new else float("nan")
        sys.stderr.write(f"\rchunks {self.done}/{self.total}, {elapsed:.1f} s elapsed, "
                         f"~{left:.1f} s left")
        if self.done >= self.total:
            sys.stderr.write("\n")
        sys.stderr.flush()


def _open_store(store, job: Job, chunk_size: int, n_chunks: int) -> pathlib.Path | None:
    if store is None:
        return None
    folder = pathlib.Path(store)
    if folder.exists() and not folder.is_dir():
        raise ValueError(f"store: expected a folder, got the file {str(folder)!r}")
    description = {"key": job.key(chunk_size), "points": job.n_points,
                   "chunk_size": chunk_size, "chunks": n_chunks, "model": job.plan.model.name}
    index = folder / "job.json"
    if index.exists():
        found = json.loads(index.read_text())
        if found.get("key") != description["key"]:
            raise ValueError(f"store: {str(folder)!r} holds the chunks of another sweep "
                             f"({found.get('model')}, {found.get('points')} points, chunks of "
                             f"{found.get('chunk_size')}); use a new folder")
    else:
        folder.mkdir(parents=True, exist_ok=True)
        index.write_text(json.dumps(description))
    return folder


def _chunk_path(folder: pathlib.Path, k: int) -> pathlib.Path:
    return folder / f"chunk-{k:06d}.npz"


def _save_chunk(folder: pathlib.Path, k: int, measures: dict) -> None:
    partial = folder / f".chunk-{k:06d}-{os.getpid()}.npz"
    np.savez(partial, **measures)
    os.replace(partial, _chunk_path(folder, k))  # whole or not at all


def _load_chunk(folder: pathlib.Path, k: int) -> dict:
    with np.load(_chunk_path(folder, k)) as data:
        return {name: data[name] for name in MEASURES}

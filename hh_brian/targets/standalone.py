"""The ``cpp_standalone`` target: compiled C++ projects kept in a build cache.

A project is compiled once for everything that shapes its code (the equations, the number of
neurons and of steps, dt, the method, what is recorded, the compiler flags and threads) and
kept in the cache directory under a key derived from those. Everything else (parameters,
initial values, input samples) is passed to the compiled binary on its command line, as
Brian2's ``run_args`` do, so a repeated call that only changes values never invokes the
compiler.

* The build runs in a separate Python process, so no Brian2 device state is left behind in
  the caller's process; a compiler failure raises :class:`BuildError` with the compiler's
  output.
* Builds are serialised per key by a file lock, and each run writes to its own results
  folder, so several processes can share the cache.
* The cache lives in ``$HH_BRIAN_CACHE_DIR`` or ``~/.cache/hh_brian``; deleting it is safe.
  A build is made in a staging folder and renamed into place only when complete, so a build
  that is killed halfway leaves nothing a later call would use.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
import time

import numpy as np
from brian2 import Quantity, second, volt
from brian2.units.fundamentalunits import get_or_create_dimension

from .base import Recording, RunPlan, SpikeEvents, Target
from .cable import CablePlan, CableRecording, CableRun, cable_values, input_table, plan_cable
from .inputs import plan_input
from .network import NetworkPlan, plan_network, run_values

__all__ = ["BuildError", "COMPILE_FLAGS", "StandaloneTarget", "build_count", "cache_dir"]

#: Compiler flags: Brian2's defaults plus __FAST_MATH__ declared by hand. -ffast-math alone
#: defines it, but -fno-finite-math-only (which keeps NaN checks working) removes it, and
#: glibc only declares its vectorised exp/log variants when it is defined.
COMPILE_FLAGS = ["-w", "-O3", "-ffast-math", "-fno-finite-math-only", "-march=native",
                 "-std=c++11", "-D__FAST_MATH__", "-fopenmp-simd"]

# Below this many neurons the threads' per-step synchronisation costs more than it saves.
_THREADS_FROM_NEURONS = 2000

_BUILDS = {"count": 0}
_BUILD_SCRIPT = pathlib.Path(__file__).with_name("_standalone_build.py")
_NETWORK_MODULE = pathlib.Path(__file__).with_name("network.py")
_CABLE_MODULE = pathlib.Path(__file__).with_name("cable.py")


class BuildError(RuntimeError):
    """Compiling a standalone project failed; the message holds the compiler's output.

    Examples
    --------
    A compiler that always fails (the build's ``make`` honours ``CXX``):

    >>> import os, tempfile  # doctest: +SLOW
    >>> from unittest import mock
    >>> from brian2 import ms
    >>> import hh_brian
    >>> with mock.patch.dict(os.environ, {"CXX": "/bin/false",
    ...                                   "HH_BRIAN_CACHE_DIR": tempfile.mkdtemp()}):
    ...     try:
    ...         hh_brian.simulate("passive_membrane", 1*ms, target="cpp_standalone")
    ...     except BuildError as error:
    ...         print(str(error).splitlines()[0])
    compiling the standalone project failed (exit 1):
    """


def cache_dir() -> pathlib.Path:
    """Folder of compiled standalone projects (``$HH_BRIAN_CACHE_DIR`` or ~/.cache/hh_brian).

    Examples
    --------
    >>> import os
    >>> from unittest import mock
    >>> with mock.patch.dict(os.environ, {"HH_BRIAN_CACHE_DIR": "/srv/hh-cache"}):
    ...     print(cache_dir())
    /srv/hh-cache/standalone
    """
    root = os.environ.get("HH_BRIAN_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "hh_brian")
    return pathlib.Path(root) / "standalone"


def build_count() -> int:
    """How many standalone projects this process has compiled (cache misses).

    Examples
    --------
    >>> from brian2 import ms  # doctest: +SLOW
    >>> import hh_brian
    >>> _ = hh_brian.simulate("passive_membrane", 5*ms, target="cpp_standalone")
    >>> before = build_count()
    >>> _ = hh_brian.simulate("passive_membrane", 5*ms, target="cpp_standalone")
    >>> build_count() - before  # the second call found the first one's build
    0
    """
    return _BUILDS["count"]


@contextlib.contextmanager
def _locked(path: pathlib.Path):
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _build_description(plan, threads: int, kind: str = "patch") -> dict:
    """What shapes the compiled program, as plain JSON-able values: the key of its build.

    ``kind`` is ``"patch"`` (a :class:`~hh_brian.targets.network.NetworkPlan`) or
    ``"cable"`` (a :class:`~hh_brian.targets.cable.CablePlan`)."""
    from brian2 import __version__ as brian2_version

    from .._version import __version__

    return {
        "kind": kind,
        "plan": plan.to_json(),
        "threads": int(threads),
        "flags": COMPILE_FLAGS,
        "versions": [brian2_version, __version__],
        # Any change to the build script or to the network's description invalidates
        # earlier builds.
        "recipe": hashlib.sha256(_BUILD_SCRIPT.read_bytes() + _NETWORK_MODULE.read_bytes()
                                 + _CABLE_MODULE.read_bytes()).hexdigest()[:16],
    }


class StandaloneTarget(Target):
    """Brian2's C++ standalone mode, with compiled projects reused across calls.

    Registered as ``hh_brian.TARGETS["cpp_standalone"]``; use it through
    :func:`hh_brian.simulate`.

    Parameters
    ----------
    threads : int, optional
        OpenMP threads of the compiled program; 0 builds it without OpenMP. Default: every
        core from 2,000 neurons on, none below.

    Examples
    --------
    >>> from brian2 import ms, mV, mS, uA, cm  # doctest: +SLOW
    >>> import hh_brian
    >>> builds = build_count()
    >>> first = hh_brian.simulate("passive_membrane", 5*ms, 10*uA/cm**2,
    ...                           target="cpp_standalone", params={"g_L": [1, 2]*mS/cm**2})
    >>> again = hh_brian.simulate("passive_membrane", 5*ms, 10*uA/cm**2,
    ...                           target="cpp_standalone", params={"g_L": [4, 8]*mS/cm**2})
    >>> build_count() - builds <= 1  # built at most once: new values need no compiler
    True
    >>> (again.v[:, -1] / mV).round(3)  # E_L + I/g_L
    array([-62.5 , -63.75])
    """

    description = "Brian2 C++ standalone, compiled once per code shape and cached"
    compiles_per_shape = True
    step_cost = 5e-7

    def __init__(self, threads: int | None = None):
        if threads is not None and (isinstance(threads, bool) or not isinstance(threads, int)
                                    or threads < 0):
            raise ValueError(f"threads: expected None or a whole number >= 0, got {threads!r}")
        self.threads = threads

    def for_worker(self) -> "StandaloneTarget":
        """This target without OpenMP: a sweep's chunks share the cores among themselves,
        and a chunk's arithmetic is then the same wherever it runs.

        Examples
        --------
        >>> StandaloneTarget(threads=4).for_worker().threads
        0
        """
        return self if self.threads == 0 else StandaloneTarget(threads=0)

    def run(self, spec: RunPlan) -> Recording:
        inputs = plan_input(spec.stimulus, spec.n_steps, spec.dt)
        plan = plan_network(spec, inputs)
        threads = self.threads
        if threads is None:
            threads = (os.cpu_count() or 1) if spec.n_neurons >= _THREADS_FROM_NEURONS else 0
        project = self._project(_build_description(plan, threads))
        with _run_folder(_scratch(plan, project)) as run_dir:
            manifest = self._execute(project, run_dir, "neurons", spec.n_neurons,
                                     run_values(spec, inputs), inputs.table)
            return _read_results(manifest, run_dir, plan)

    def run_cable(self, run: CableRun) -> CableRecording:
        """Run a model on a cylinder: a program built once per cable's shape (its
        equations, compartments and geometry, dt, steps, what is recorded), then run with
        the values of each call.

        Examples
        --------
        >>> from brian2 import cm, ms
        >>> from hh_brian.cable import Axon, propagate
        >>> wave = propagate("passive_membrane", Axon(length=1*cm, compartments=20), 1*ms,
        ...                  target="cpp_standalone")  # doctest: +SLOW
        >>> wave.v.shape
        (20, 100)
        """
        plan = plan_cable(run)
        threads = self.threads or 0  # one cable's compartments are too few to share
        project = self._project(_build_description(plan, threads, kind="cable"))
        with _run_folder(_SHARED_MEMORY if _in_memory_fits(
                8 * run.n_compartments * (len(plan.record) * (run.n_steps + 1) + 16)
                + 8 * run.n_steps) else project) as run_dir:
            manifest = self._execute(project, run_dir, "axon", run.n_compartments,
                                     {**cable_values(run), "Cm": run.model.params["C_m"]},
                                     input_table(run))
            return _read_cable_results(manifest, run_dir, plan)

    def _execute(self, project, run_dir, group: str, size: int, values: dict, table) -> dict:
        """Run the built program with ``values`` (per neuron or compartment) and the input's
        ``table``; its manifest (which file holds which result)."""
        args = ["--results_dir", str(run_dir) + os.sep]
        for name, value in values.items():
            array = np.asarray(value, dtype=np.float64)  # a Quantity gives its SI value
            if array.size == 1:
                args.append(f"{group}.{name}={float(array.ravel()[0])!r}")
            else:
                path = run_dir / f"in_{name}.dat"
                np.broadcast_to(array, (size,)).astype(np.float64).tofile(path)
                args.append(f"{group}.{name}={path}")
        path = run_dir / "in_stimulus.dat"
        np.ascontiguousarray(table, dtype=np.float64).tofile(path)
        args.append(f"stimulus.values={path}")
        done = subprocess.run([str(project / "main")] + args, cwd=project,
                              capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"standalone run failed:\n{done.stdout[-2000:]}"
                               f"{done.stderr[-2000:]}")
        return json.loads((project / "manifest.json").read_text())

    def _project(self, build: dict) -> pathlib.Path:
        key = hashlib.sha256(json.dumps(build, sort_keys=True).encode()).hexdigest()[:24]
        project = cache_dir() / key
        if (project / "manifest.json").exists():
            return project
        with _locked(cache_dir() / f"{key}.lock"):
            if (project / "manifest.json").exists():  # another process built it meanwhile
                return project
            # Built in a staging folder and renamed into place once complete: a build that
            # is killed halfway leaves no folder under the key, and the next call rebuilds.
            # Holding the lock, no other build of this key is under way: what a killed one
            # left behind can go.
            for stale in cache_dir().glob(f"{key}-build-*"):
                shutil.rmtree(stale, ignore_errors=True)
            staging = pathlib.Path(tempfile.mkdtemp(prefix=f"{key}-build-", dir=cache_dir()))
            try:
                (staging / "build.json").write_text(json.dumps(build))
                started = time.time()
                done = subprocess.run([sys.executable, "-m", "hh_brian.targets._standalone_build",
                                       str(staging)], capture_output=True, text=True)
                if done.returncode != 0 or not (staging / "manifest.json").exists():
                    raise BuildError(f"compiling the standalone project failed (exit "
                                     f"{done.returncode}):\n{done.stdout[-4000:]}"
                                     f"{done.stderr[-4000:]}")
                _BUILDS["count"] += 1
                manifest = json.loads((staging / "manifest.json").read_text())
                manifest["build_seconds"] = time.time() - started
                (staging / "manifest.json").write_text(json.dumps(manifest))
                if project.exists():
                    shutil.rmtree(project)
                staging.rename(project)
            finally:
                shutil.rmtree(staging, ignore_errors=True)
        return project


#: Runs whose files take less than this are written to memory (/dev/shm) rather than disk.
_IN_MEMORY_BYTES = 256 << 20
_SHARED_MEMORY = pathlib.Path("/dev/shm")


@contextlib.contextmanager
def _run_folder(parent: pathlib.Path):
    """A folder of its own for one run's input and result files, removed afterwards."""
    run_dir = pathlib.Path(tempfile.mkdtemp(prefix="hh_brian-run-", dir=parent))
    try:
        yield run_dir
    finally:
        shutil.rmtree(run_dir, ignore_errors=True)


def _in_memory_fits(size: int) -> bool:
    """Whether files of ``size`` bytes go to memory (/dev/shm): small, and room for them
    twice over (a container's /dev/shm can be as small as 64 MB)."""
    return (size < _IN_MEMORY_BYTES and os.access(_SHARED_MEMORY, os.W_OK | os.X_OK)
            and shutil.disk_usage(_SHARED_MEMORY).free > 2 * size)


def _scratch(plan: NetworkPlan, project: pathlib.Path) -> pathlib.Path:
    """Where a run's input and result files go: memory for small runs, else the project.

    The program writes every result to a file that Python then reads; on a disk-backed
    folder the file system's bookkeeping costs milliseconds per run, which a repeated small
    run (a slider moved in the explorer) notices. Large runs stay on disk, so that their
    results do not sit in memory twice, and so do runs when /dev/shm lacks the room or does
    not exist. Each run removes its folder; a run killed from outside leaves it behind (its
    name starts with ``hh_brian-run-``).
    """
    samples = -(-plan.n_steps // plan.record_every) + 1
    recorded = len(plan.record_indices) if plan.record_indices is not None else plan.n_neurons
    size = 8 * (samples * recorded * len(plan.record) + int(np.prod(plan.input_shape))
                + 16 * plan.n_neurons)
    return _SHARED_MEMORY if _in_memory_fits(size) else project


def _read_results(manifest: dict, run_dir: pathlib.Path, plan: NetworkPlan) -> Recording:
    files = manifest["files"]
    traces, t = {}, None
    if plan.record:
        t = np.fromfile(run_dir / files["t"]) * second
        n_recorded = manifest["n_recorded"]
        for name in plan.record:
            data = np.fromfile(run_dir / files[name]).reshape(len(t), n_recorded).T
            traces[name] = Quantity(data, dim=_dimension(manifest["dims"][name]))
    events = None
    if plan.spike_threshold is not None:
        widths = np.fromfile(run_dir / files["spike_width"]) * second
        onsets = np.fromfile(run_dir / files["spike_t"]) * second - widths
        events = SpikeEvents(neurons=np.fromfile(run_dir / files["spike_i"], dtype=np.int32),
                             onsets=onsets, widths=widths,
                             high_enough=np.fromfile(run_dir / files["spike_height"]) > 0)
    time_finite = np.fromfile(run_dir / files["time_finite"]) * second
    v_peak = np.fromfile(run_dir / files["v_peak"]) * volt if plan.track_peak else None
    v_average = (np.fromfile(run_dir / files["v_average"]) * volt if plan.track_peak
                 else None)
    return Recording(t=t, traces=traces, spike_events=events, time_finite=time_finite,
                     v_end=np.fromfile(run_dir / files["v_end"]) * volt, v_peak=v_peak,
                     v_average=v_average)


def _dimension(text):
    return get_or_create_dimension(json.loads(text))


def _read_cable_results(manifest: dict, run_dir: pathlib.Path, plan: CablePlan) -> CableRecording:
    files = manifest["files"]
    traces, t = {}, None
    if plan.record:
        t = np.fromfile(run_dir / files["t"]) * second
        for name in plan.record:
            data = np.fromfile(run_dir / files[name]).reshape(len(t), plan.n_compartments).T
            traces[name] = Quantity(data, dim=_dimension(manifest["dims"][name]))
    arrival = np.fromfile(run_dir / files["t_arrival"])
    arrival[arrival < 0] = np.nan
    return CableRecording(t=t, traces=traces, arrival=arrival * second,
                          time_finite=np.fromfile(run_dir / files["time_finite"]) * second)

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

__all__ = ["BuildError", "build_count", "cache_dir", "StandaloneTarget"]

#: Compiler flags: Brian2's defaults plus __FAST_MATH__ declared by hand. -ffast-math alone
#: defines it, but -fno-finite-math-only (which keeps NaN checks working) removes it, and
#: glibc only declares its vectorised exp/log variants when it is defined.
COMPILE_FLAGS = ["-w", "-O3", "-ffast-math", "-fno-finite-math-only", "-march=native",
                 "-std=c++11", "-D__FAST_MATH__", "-fopenmp-simd"]

# Below this many neurons the threads' per-step synchronisation costs more than it saves.
_THREADS_FROM_NEURONS = 2000

_BUILDS = {"count": 0}
_BUILD_SCRIPT = pathlib.Path(__file__).with_name("_standalone_build.py")


class BuildError(RuntimeError):
    """Compiling a standalone project failed; the message holds the compiler's output.

    Examples
    --------
    >>> issubclass(BuildError, RuntimeError)
    True
    """


def cache_dir() -> pathlib.Path:
    """Folder of compiled standalone projects (``$HH_BRIAN_CACHE_DIR`` or ~/.cache/hh_brian).

    Examples
    --------
    >>> cache_dir().name in ("standalone",)
    True
    """
    root = os.environ.get("HH_BRIAN_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "hh_brian")
    return pathlib.Path(root) / "standalone"


def build_count() -> int:
    """How many standalone projects this process has compiled (cache misses).

    Examples
    --------
    >>> isinstance(build_count(), int)
    True
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


def _build_spec(spec, stimulus_eqs, stimulus_kind, stimulus_shape, threads) -> dict:
    """What shapes the compiled code, as plain JSON-able values."""
    from brian2 import __version__ as brian2_version

    from . import __version__

    model = spec.model
    return {
        "equations": model.equations + "\n" + stimulus_eqs,
        "params": sorted(model.params) + (["I_amplitude"] if stimulus_kind == "factors" else []),
        "state_variables": list(model.state_variables),
        "n_neurons": int(spec.n_neurons),
        "n_steps": int(spec.n_steps),
        "dt": float(spec.dt),
        "method": spec.method,
        "record": list(spec.record),
        "record_indices": None if spec.record_indices is None else list(map(int, spec.record_indices)),
        "record_every": int(spec.record_every),
        "spikes_threshold": spec.spike_threshold,
        "stimulus_kind": stimulus_kind,
        "stimulus_shape": [int(size) for size in stimulus_shape],
        "threads": int(threads),
        "flags": COMPILE_FLAGS,
        "versions": [brian2_version, __version__],
        # Any change to the build script invalidates earlier builds.
        "recipe": hashlib.sha256(_BUILD_SCRIPT.read_bytes()).hexdigest()[:16],
    }


class StandaloneTarget:
    """Brian2's C++ standalone mode, with compiled projects reused across calls.

    Registered as ``hh_brian.TARGETS["cpp_standalone"]``; use it through
    :func:`hh_brian.simulate`.

    Examples
    --------
    >>> from brian2 import ms, uA, cm, mS
    >>> import hh_brian
    >>> first = hh_brian.simulate("hodgkin_huxley", 20*ms, 10*uA/cm**2, target="cpp_standalone")
    >>> builds = build_count()
    >>> again = hh_brian.simulate("hodgkin_huxley", 20*ms, 10*uA/cm**2, target="cpp_standalone",
    ...                           params={"g_Na": 100*mS/cm**2})
    >>> build_count() == builds  # new values, no new compilation
    True
    """

    description = "Brian2 C++ standalone, compiled once per code shape and cached"

    def run(self, spec) -> dict:
        from .simulation import analytic_initial_state, stimulus_arrays

        stimulus_eqs, stim_kind, stim_values = stimulus_arrays(spec)
        threads = (os.cpu_count() or 1) if spec.n_neurons >= _THREADS_FROM_NEURONS else 0
        build = _build_spec(spec, stimulus_eqs, stim_kind, np.shape(stim_values["samples"]),
                            threads)
        project = self._project(build)
        manifest = json.loads((project / "manifest.json").read_text())

        initial = analytic_initial_state(spec)
        values = {name: spec.model.params[name] for name in spec.model.params}
        if stim_kind == "factors":
            values["I_amplitude"] = stim_values["amplitude"]
        values.update(initial)
        run_dir = pathlib.Path(tempfile.mkdtemp(prefix="run-", dir=project))
        try:
            args = ["--results_dir", str(run_dir) + os.sep]
            for name, value in values.items():
                array = np.asarray(value, dtype=np.float64)  # a Quantity gives its SI value
                if array.size == 1:
                    args.append(f"neurons.{name}={float(array.ravel()[0])!r}")
                else:
                    path = run_dir / f"in_{name}.dat"
                    np.broadcast_to(array, (spec.n_neurons,)).astype(np.float64).tofile(path)
                    args.append(f"neurons.{name}={path}")
            samples = np.ascontiguousarray(np.asarray(stim_values["samples"], dtype=np.float64))
            path = run_dir / "in_stimulus.dat"
            samples.tofile(path)
            args.append(f"stimulus.values={path}")
            done = subprocess.run([str(project / "main")] + args, cwd=project,
                                  capture_output=True, text=True)
            if done.returncode != 0:
                raise RuntimeError(f"standalone run failed:\n{done.stdout[-2000:]}"
                                   f"{done.stderr[-2000:]}")
            return self._results(manifest, run_dir, spec)
        finally:
            shutil.rmtree(run_dir, ignore_errors=True)

    def _project(self, build: dict) -> pathlib.Path:
        key = hashlib.sha256(json.dumps(build, sort_keys=True).encode()).hexdigest()[:24]
        project = cache_dir() / key
        if (project / "manifest.json").exists():
            return project
        with _locked(cache_dir() / f"{key}.lock"):
            if (project / "manifest.json").exists():  # another process built it meanwhile
                return project
            staging = pathlib.Path(tempfile.mkdtemp(prefix=f"{key}-build-", dir=cache_dir()))
            try:
                (staging / "build.json").write_text(json.dumps(build))
                started = time.time()
                done = subprocess.run([sys.executable, "-m", "hh_brian._standalone_build",
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

    @staticmethod
    def _results(manifest, run_dir, spec) -> dict:
        from brian2 import Quantity, second

        out = {}
        n_recorded = manifest["n_recorded"]
        if manifest["record"]:
            t = np.fromfile(run_dir / manifest["files"]["t"])
            out["t"] = t * second
            for name in manifest["record"]:
                data = np.fromfile(run_dir / manifest["files"][name])
                data = data.reshape(len(t), n_recorded).T
                out[name] = Quantity(data, dim=_dimension(manifest["dims"][name]))
        if manifest.get("spikes"):
            indices = np.fromfile(run_dir / manifest["files"]["spike_i"], dtype=np.int32)
            times = np.fromfile(run_dir / manifest["files"]["spike_t"])
            out["spikes"] = (indices, times * second)
        return out


def _dimension(text):
    from brian2.units.fundamentalunits import get_or_create_dimension

    return get_or_create_dimension(json.loads(text))

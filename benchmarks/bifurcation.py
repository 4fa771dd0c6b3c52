"""Time to draw a bifurcation diagram (a script, not a test).

Prints, for full Hodgkin–Huxley in its published set-up (E_Na = 50 mV, I_stim from 0 to
200 uA/cm^2) and for the model-7-consistent 2D reduction:

* cold: the first diagrams in a fresh Python process, the symbolic translation of the
  equations included (each model is timed in its own process; the imports apart);
* warm: the same diagrams again in that process;

first the equilibria alone (the package's continuation, ``cycles=False``), then the whole
diagram (the equilibria again, and AUTO-07p: its own continuation of the equilibria, then the
cycles from each Hopf point, each run compiling the model to Fortran first), with the number
of points on the branches. The warm figure is what a second diagram of the same model costs.

Usage::

    python benchmarks/bifurcation.py
"""

import subprocess
import sys

CHILD = r"""
import time
t0 = time.perf_counter()
from brian2 import uA, cm, mV
from hh_brian.bifurcation import diagram
t1 = time.perf_counter()
model, params = sys.argv[1], ({"E_Na": 50*mV} if sys.argv[1] == "hodgkin_huxley" else {})
bounds = (0*uA/cm**2, 200*uA/cm**2)
rows = []
for run in ("cold", "warm"):
    start = time.perf_counter()
    d = diagram(model, "I_stim", bounds, params=params, cycles=False)
    middle = time.perf_counter()
    d = diagram(model, "I_stim", bounds, params=params)
    end = time.perf_counter()
    rows.append((run, middle - start, end - middle, sum(len(b) for b in d.equilibria),
                 sum(len(c) for c in d.cycles)))
print(repr((t1 - t0, rows)))
"""


def main():
    print(f"{'model':<24} {'run':<5} {'import s':>8} {'equilibria s':>13} {'whole diagram s':>16}"
          f" {'eq. points':>10} {'cycle points':>12}")
    for model in ("hodgkin_huxley", "hh_2d_reduction_model7"):
        done = subprocess.run([sys.executable, "-c", "import sys\n" + CHILD, model],
                              capture_output=True, text=True, check=True)
        imports, rows = eval(done.stdout.strip().splitlines()[-1])
        for run, equilibria, whole, n_eq, n_cycles in rows:
            shown_import = f"{imports:8.2f}" if run == "cold" else f"{'':>8}"
            print(f"{model:<24} {run:<5} {shown_import} {equilibria:13.2f} {whole:16.2f} "
                  f"{n_eq:10d} {n_cycles:12d}")


if __name__ == "__main__":
    main()

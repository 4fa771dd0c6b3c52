"""Where full HH rests, fires once, fires repetitively or sits in depolarisation block.

Sweeps g_Na (0–240 mS/cm²) × g_K (0–72 mS/cm²) at four constant currents (0, 10, 50 and
200 µA/cm²), 7,252 runs of 200 ms on the standalone target in chunks (a local pool of
processes; pass a Dask client to ``sweep`` to run them on a cluster). Prints how many points
fall in each regime at each current, writes the labelled result to ``regime_map.nc``
(netCDF through scipy) and the map, one panel per current, to ``regime_map_hodgkin_huxley.png``.

Usage::

    python examples/regime_map.py [OUTPUT_DIR]
"""

import numpy as np

from _common import output_folder
from hh_brian.course import gallery
from hh_brian.sweeps.regimes import REGIMES


def main(argv=None):
    out = output_folder(__doc__, argv)
    paths, ds = gallery.write_map_figures(out)
    print(f"{ds.sizes['g_Na']} x {ds.sizes['g_K']} conductances x {ds.sizes['amplitude']} "
          f"currents, {ds.attrs['duration_ms']:g} ms each")
    print(f"{'I (uA/cm^2)':>12s} " + " ".join(f"{name:>10s}" for name in REGIMES))
    for amplitude in ds.amplitude.values:
        regime = ds.regime.sel(amplitude=amplitude).values
        print(f"{amplitude:12g} " + " ".join(f"{int(np.sum(regime == k)):10d}"
                                              for k in range(len(REGIMES))))
    source = ds.sel(g_Na=120, g_K=36, method="nearest")
    print("at the source's g_Na = 120 and g_K = 36 mS/cm^2:",
          ", ".join(f"{a:g} uA/cm^2 {REGIMES[int(r)]}"
                    for a, r in zip(ds.amplitude.values, source.regime.values)))
    ds.to_netcdf(out / "regime_map.nc")
    print("figure written to", paths[0])
    print("data written to regime_map.nc")


if __name__ == "__main__":
    main()

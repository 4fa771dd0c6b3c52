"""How live the explorer feels: a repeated run's time, and a slider's release to the redraw.

Prints two tables:

1. A repeated single-neuron 200-ms run of Hodgkin–Huxley (the explorer's default) with a
   changed g_Na, warm, per target: ``hh_brian.simulate`` with v only and with every trace,
   and the explorer's own step (``hh_brian.explorer.run``: every trace, spikes, gate curves).
2. In headless Chromium (Debian's ``chromium`` and ``chromedriver``, with selenium), the
   served explorer's g_Na slider dragged and released, back and forth, timed in the page from
   the release (``pointerup``) to the status line showing the new spike count, and to the end
   of the frame that draws the traces' new data.

Run it on a quiet machine: ``python3 benchmarks/explorer.py [--moves 20]``.
"""

import argparse
import shutil
import statistics
import sys
import time

import numpy as np
from brian2 import cm, mS, ms, uA

import hh_brian
from hh_brian.explorer import Settings, run
from hh_brian.explorer.page import FIND_IN_PAGE

# Installed once the page shows its first result: times from each release (pointerup) to the
# status line's new text, and to the end of the frame that draws the traces' new data (an
# animation-frame callback queued when the data arrive runs just before that frame's
# rendering; a task it posts runs once the frame is done).
_HOOKS = """
const doc = Bokeh.documents[0];
const source = doc.get_model_by_name('hh-time-source');
source.change.connect(() => requestAnimationFrame(() => setTimeout(() => {
  if (!window.hhTimes.painted) window.hhTimes.painted = performance.now();
}, 0)));
const status = hhDeep('.hh-status')[0];
const statusRoot = status.shadowRoot || status;
new MutationObserver(() => {
  if (!window.hhTimes.status && statusRoot.textContent.includes(' spikes'))
    window.hhTimes.status = performance.now();
}).observe(statusRoot, {subtree: true, childList: true, characterData: true});
document.addEventListener('pointerup', () => {
  window.hhTimes = {released: performance.now(), status: 0, painted: 0};
}, true);
window.hhTimes = {released: 0, status: 0, painted: 0};
"""


def _best(function, repeats):
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return min(times), statistics.median(times)


def repeated_runs(repeats=30):
    print("# a repeated 200-ms run of HH with a changed g_Na (warm), ms: best / median")
    print(f"{'target':15s} {'v only':>15s} {'all traces':>15s} {'explorer step':>15s}")
    current = 5 * uA / cm**2
    for target in ("cpp_standalone", "cython"):
        values = iter(np.tile(np.linspace(100, 140, 7), 100))
        row = []
        for record in (["v"], None):
            def once(target=target, record=record, values=values):
                hh_brian.simulate("hodgkin_huxley", 200 * ms, current, target=target,
                                  record=record, params={"g_Na": next(values) * mS / cm**2})
            once()
            row.append(_best(once, repeats))

        def step(target=target, values=values):
            run(Settings("hodgkin_huxley", {"g_Na": float(next(values))}), target=target)
        step()
        row.append(_best(step, repeats))
        cells = " ".join(f"{1e3 * best:6.1f} / {1e3 * median:5.1f}" for best, median in row)
        print(f"{target:15s} {cells}", flush=True)


def slider_latency(moves):
    if not (shutil.which("chromium") and shutil.which("chromedriver")):
        print("\n# slider latency: skipped (no chromium and chromedriver)")
        return
    from selenium import webdriver
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.support.ui import WebDriverWait

    from hh_brian.explorer import serve

    server = serve("hodgkin_huxley", show=False, threaded=True)
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium")
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu",
                     "--disable-dev-shm-usage", "--window-size=1400,1100"):
        options.add_argument(argument)
    driver = webdriver.Chrome(options=options, service=webdriver.ChromeService(
        executable_path=shutil.which("chromedriver")))
    try:
        driver.get(server.url)
        WebDriverWait(driver, 300, poll_frequency=0.1).until(lambda d: d.execute_script(
            FIND_IN_PAGE + "return hhDeep('.hh-spike-count').length > 0;"))
        driver.execute_script(FIND_IN_PAGE + _HOOKS)
        handle = driver.execute_script("return hhSlider('g_Na (');")
        track = driver.execute_script("return arguments[0].closest('.noUi-base') || "
                                      "arguments[0].parentNode.parentNode;", handle)
        # 60 mS/cm^2 of the 0-480 range: g_Na goes 120 -> 60 -> 120 ..., 2 -> 0 -> 2 spikes, so
        # the status line changes every time.
        pixels = track.rect["width"] * 60 / 480
        status, painted = [], []
        for k in range(moves + 2):
            offset = -pixels if k % 2 == 0 else pixels
            ActionChains(driver, duration=20).click_and_hold(handle).move_by_offset(
                offset, 0).release().perform()
            WebDriverWait(driver, 30, poll_frequency=0.01).until(lambda d: d.execute_script(
                "return window.hhTimes.status > 0 && window.hhTimes.painted > 0;"))
            times = driver.execute_script("return window.hhTimes;")
            if k >= 2:  # the first two moves warm the page up
                status.append(times["status"] - times["released"])
                painted.append(times["painted"] - times["released"])
            time.sleep(1.0)
    finally:
        driver.quit()
        server.stop()
    print(f"\n# slider released -> redrawn, served app in headless Chromium, {moves} moves, ms")
    print(f"{'':22s} {'median':>8s} {'best':>8s} {'worst':>8s}")
    for label, values in (("status line updated", status), ("traces painted", painted)):
        print(f"{label:22s} {statistics.median(values):8.1f} {min(values):8.1f} "
              f"{max(values):8.1f}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--moves", type=int, default=20, help="slider moves timed")
    args = parser.parse_args(argv)
    repeated_runs()
    slider_latency(args.moves)


if __name__ == "__main__":
    sys.exit(main())

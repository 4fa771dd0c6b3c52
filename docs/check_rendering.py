"""Check that the built documentation renders offline and fits a 1280-px window.

The HTML folder is served on 127.0.0.1 and opened in headless Chromium, which can reach
nothing but this machine: a page that still needs a CDN fails here as it would for a reader
without a network. For each page the check

* waits until MathJax has typeset the page;
* fails if raw LaTeX (``\\begin{...}``, ``\\frac``) is visible as text outside code, if
  MathJax reports an error, or if a math element holds no rendered math;
* fails if a ``<pre>`` block or a ``<table>`` is wider than its container or reaches past
  the window's right edge, and if the page as a whole scrolls sideways;
* fails if the page asked for anything not on this machine, or if a local file it needs is
  missing;
* saves a full-page screenshot.

It prints one line per failure and exits with status 1 if there is any, 0 otherwise.

Examples
--------
After ``python3 -m sphinx -b html docs docs/_build/html``::

    python3 docs/check_rendering.py docs/_build/html
    python3 docs/check_rendering.py docs/_build/html --page tutorial.html --screenshots shots

It needs the ``selenium`` package and Debian's ``chromium`` and ``chromium-driver``.
"""

import argparse
import base64
import contextlib
import functools
import http.server
import json
import pathlib
import socket
import sys
import tempfile
import threading
import urllib.parse

#: Pages that must exist and pass; every other top-level page found, and every notebook
#: page, is checked too.
REQUIRED_PAGES = ("index.html", "tutorial.html", "reduction.html", "validation.html",
                  "notebooks/tutorial.html", "notebooks/reduction_2d.html")
#: Top-level pages left out by default: the search page's results are built by script
#: from the query string, so without a query it shows nothing worth checking.
SKIPPED_PAGES = ("search.html",)
#: Text that means a formula was shown as its source instead of being typeset.
RAW_LATEX = ("\\begin{", "\\end{", "\\frac")
WINDOW = (1280, 900)
LOCAL_HOSTS = ("127.0.0.1", "localhost")

# Runs in the page. Returns what the checks need, measured after typesetting: the visible
# text outside code (where LaTeX could be legitimate), the math elements and MathJax's error
# nodes, and every <pre> and <table> that is wider than its container or the window.
_MEASURE_JS = r"""
const view = document.documentElement.clientWidth;
const skip = 'pre, code, script, style, mjx-container, .highlight';
const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
const texts = [];
for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!parent || parent.closest(skip)) continue;
    // Only what a reader sees: hidden elements have no layout boxes.
    if (parent.getClientRects().length === 0) continue;
    texts.push(node.textContent);
}
const describe = (el) => {
    const text = (el.innerText || '').trim().split('\n')[0];
    return el.tagName.toLowerCase() + ' "' + text.slice(0, 60) + '"';
};
const wide = [];
for (const el of document.querySelectorAll('div.body pre, div.body table')) {
    if (el.getClientRects().length === 0) continue;
    const box = el.getBoundingClientRect();
    const container = el.parentElement;
    if (el.scrollWidth > el.clientWidth + 1) {
        wide.push(describe(el) + ' scrolls sideways (content ' + el.scrollWidth +
                  ' px, box ' + el.clientWidth + ' px)');
    } else if (box.width > container.clientWidth + 1) {
        wide.push(describe(el) + ' is ' + Math.round(box.width) +
                  ' px wide, its container ' + container.clientWidth + ' px');
    }
    if (box.right > view + 1) {
        wide.push(describe(el) + ' reaches ' + Math.round(box.right) +
                  ' px, past the window (' + view + ' px)');
    }
}
const images = Array.from(document.images)
    .filter((img) => !img.complete || img.naturalWidth === 0)
    .map((img) => img.getAttribute('src'));
return {
    text: texts.join(' '),
    math: document.querySelectorAll('div.body .math').length,
    unrendered: Array.from(document.querySelectorAll('div.body .math'))
        .filter((el) => !el.querySelector('mjx-container'))
        .map((el) => el.textContent.trim().slice(0, 60)),
    rendered: document.querySelectorAll('mjx-container').length,
    errors: Array.from(document.querySelectorAll('mjx-merror'))
        .map((el) => el.getAttribute('data-mjx-error') || el.textContent.slice(0, 60)),
    wide: wide,
    page_scrolls: document.documentElement.scrollWidth > view + 1,
    page_width: document.documentElement.scrollWidth,
    view: view,
    images: images,
};
"""

# Runs in the page, asynchronously: resolves once MathJax (3 or 4) has typeset the page and
# the fonts it uses are loaded, so that measurements and screenshots show the final layout.
_WAIT_FOR_MATHJAX_JS = r"""
const done = arguments[arguments.length - 1];
const mj = window.MathJax;
if (!mj || !mj.startup || !mj.startup.promise) {
    done('MathJax did not load');
} else {
    mj.startup.promise
        .then(() => document.fonts.ready)
        .then(() => done(null), (error) => done('MathJax failed: ' + error));
}
"""


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serve files without logging each request to stderr."""

    def log_message(self, format, *args):  # noqa: A002 - the base class's signature
        pass


@contextlib.contextmanager
def serve(folder):
    """Serve a folder over HTTP on 127.0.0.1 from a background thread.

    Parameters
    ----------
    folder : pathlib.Path
        Folder to serve.

    Yields
    ------
    str
        Base URL of the server, ending with a slash.
    """
    handler = functools.partial(_QuietHandler, directory=str(folder))
    # Port 0: the system picks a free port, so parallel runs do not collide.
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@contextlib.contextmanager
def closed_port():
    """Reserve a local TCP port on which nothing listens.

    The socket is bound but never listens, so connections to it are refused at once, and
    while it is held no other program can take the port.

    Yields
    ------
    int
        The port number.
    """
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.bind(("127.0.0.1", 0))
        yield sock.getsockname()[1]
    finally:
        sock.close()


def start_browser(chromium, chromedriver, profile, dead_proxy_port):
    """Start headless Chromium that can reach 127.0.0.1 only.

    Parameters
    ----------
    chromium, chromedriver : str
        Paths of the browser and of its driver.
    profile : str
        Empty folder for the browser's profile, so no earlier state is reused.
    dead_proxy_port : int
        Local port on which nothing listens; every request not for 127.0.0.1 is sent there.

    Returns
    -------
    selenium.webdriver.Chrome
        The driver, with a window of ``WINDOW`` pixels.
    """
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in [
        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        f"--user-data-dir={profile}",
        f"--window-size={WINDOW[0]},{WINDOW[1]}",
        # Two independent cuts, so that a page needing the network fails however the
        # machine running the check is connected: no name resolves except the local
        # address, and every connection goes to a proxy that refuses it.
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
        f"--proxy-server=http://127.0.0.1:{dead_proxy_port}",
        "--proxy-bypass-list=127.0.0.1",
    ]:
        options.add_argument(flag)
    # The performance log carries the DevTools network events: every request the page made,
    # including those the cuts above made fail.
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    # An explicit driver path: selenium would otherwise try to download one.
    driver = webdriver.Chrome(options=options, service=Service(executable_path=chromedriver))
    driver.set_script_timeout(60)
    driver.set_page_load_timeout(60)
    return driver


def _network_problems(driver):
    """Read the network events logged since the last call and list what went wrong.

    Parameters
    ----------
    driver : selenium.webdriver.Chrome
        Driver started by `start_browser`.

    Returns
    -------
    list of str
        One line per request for a host other than this machine, and per local file that
        could not be loaded.
    """
    requested = {}
    problems = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        params = message.get("params", {})
        if message["method"] == "Network.requestWillBeSent":
            url = params["request"]["url"]
            requested[params["requestId"]] = url
            parts = urllib.parse.urlsplit(url)
            web = parts.scheme in ("http", "https", "ws", "wss")
            if web and parts.hostname not in LOCAL_HOSTS:
                problems.append(f"requested {url}, which is not on this machine")
        elif message["method"] == "Network.responseReceived":
            response = params["response"]
            # The browser asks for /favicon.ico by itself; the pages do not link one.
            if response["status"] >= 400 and not response["url"].endswith("/favicon.ico"):
                problems.append(f"{response['url']} answered {response['status']}")
        elif message["method"] == "Network.loadingFailed" and not params.get("canceled"):
            url = requested.get(params["requestId"], "?")
            if urllib.parse.urlsplit(url).hostname in LOCAL_HOSTS:
                problems.append(f"could not load {url}: {params.get('errorText')}")
    return problems


def screenshot(driver, path):
    """Save a screenshot of the whole page, not only of the window.

    Parameters
    ----------
    driver : selenium.webdriver.Chrome
        Driver showing the page.
    path : pathlib.Path
        PNG file to write.
    """
    size = driver.execute_cdp_cmd("Page.getLayoutMetrics", {})["cssContentSize"]
    # captureBeyondViewport renders the parts below the window too; the clip keeps the
    # window's width so the picture shows the layout that was checked.
    shot = driver.execute_cdp_cmd("Page.captureScreenshot", {
        "format": "png", "captureBeyondViewport": True,
        "clip": {"x": 0, "y": 0, "width": WINDOW[0], "height": size["height"], "scale": 1}})
    path.write_bytes(base64.b64decode(shot["data"]))


def check_page(driver, url, name, shot_path):
    """Load one page and check it.

    Parameters
    ----------
    driver : selenium.webdriver.Chrome
        Driver started by `start_browser`.
    url : str
        Address of the page.
    name : str
        Name of the page in the messages.
    shot_path : pathlib.Path
        Where to save the page's screenshot.

    Returns
    -------
    list of str
        One line per failure; empty if the page passes.
    """
    failures = []
    driver.get_log("performance")  # drop events from earlier pages
    driver.get(url)
    has_mathjax = driver.execute_script(
        "return Array.from(document.scripts).some((s) => /mathjax/i.test(s.src));")
    if has_mathjax:
        problem = driver.execute_async_script(_WAIT_FOR_MATHJAX_JS)
        if problem:
            failures.append(problem)
    page = driver.execute_script(_MEASURE_JS)
    for raw in RAW_LATEX:
        if raw in page["text"]:
            failures.append(f"raw LaTeX visible as text: {raw!r}")
    if page["math"] and not page["rendered"]:
        failures.append(f"{page['math']} math elements but no rendered math (mjx-container)")
    elif page["unrendered"]:
        failures.append(f"{len(page['unrendered'])} math elements not rendered, the first: "
                        f"{page['unrendered'][0]!r}")
    failures += [f"MathJax error: {error}" for error in page["errors"]]
    failures += page["wide"]
    if page["page_scrolls"]:
        failures.append(f"page is {page['page_width']} px wide, wider than the window "
                        f"({page['view']} px)")
    failures += [f"image not loaded: {src}" for src in page["images"]]
    failures += _network_problems(driver)
    screenshot(driver, shot_path)
    return [f"{name}: {failure}" for failure in failures]


def _pages(folder, chosen):
    """Pages to check: those asked for, or every top-level page and every notebook page."""
    if chosen:
        return chosen
    found = {path.name for path in folder.glob("*.html")} - set(SKIPPED_PAGES)
    found |= {f"notebooks/{path.name}" for path in folder.glob("notebooks/*.html")}
    return sorted(found | set(REQUIRED_PAGES))


def main(argv=None):
    """Run the check from the command line.

    Parameters
    ----------
    argv : list of str, optional
        Arguments; ``sys.argv[1:]`` by default.

    Returns
    -------
    int
        0 if every page passes, 1 otherwise.
    """
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("html", type=pathlib.Path, help="folder of the built HTML documentation")
    parser.add_argument("--screenshots", type=pathlib.Path,
                        default=pathlib.Path(__file__).resolve().parent / "_build" / "screenshots",
                        help="folder for the full-page screenshots "
                             "(default: _build/screenshots beside this script)")
    parser.add_argument("--page", action="append", dest="pages", metavar="NAME",
                        help="page to check, relative to the HTML folder (repeatable; "
                             "default: every top-level page but search.html)")
    parser.add_argument("--chromium", default="/usr/bin/chromium", help="browser binary")
    parser.add_argument("--chromedriver", default="/usr/bin/chromedriver", help="driver binary")
    args = parser.parse_args(argv)
    if not args.html.is_dir():
        parser.error(f"{args.html} is not a folder")
    args.screenshots.mkdir(parents=True, exist_ok=True)

    results = {}  # page name -> its failures
    pages = []
    for name in _pages(args.html, args.pages):
        if (args.html / name).is_file():
            pages.append(name)
        else:
            results[name] = [f"{name}: page not found"]
    with (serve(args.html) as base, closed_port() as port,
          tempfile.TemporaryDirectory() as profile):
        driver = start_browser(args.chromium, args.chromedriver, profile, port)
        try:
            for name in pages:
                shot = args.screenshots / (name.replace("/", "_").removesuffix(".html") + ".png")
                results[name] = check_page(driver, base + name, name, shot)
                print(f"{name}: {'FAIL' if results[name] else 'ok'} (screenshot {shot})")
        finally:
            driver.quit()
    failures = [line for lines in results.values() for line in lines]
    for failure in failures:
        print(failure)
    failed = sum(1 for lines in results.values() if lines)
    print(f"{len(results) - failed} passed, {failed} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

"""A script that finds the explorer's widgets in its page, for code that drives a browser.

Bokeh and Panel draw every widget inside shadow roots, out of reach of a plain
``document.querySelector``. :data:`FIND_IN_PAGE`, run in the page (e.g. by selenium's
``execute_script``), defines three functions there: ``hhDeep(selector)`` (every element
matching ``selector``, through all shadow roots), ``hhSlider(prefix)`` (the handle of the
slider whose label starts with ``prefix``, e.g. ``'g_Na ('``), ``hhSpikes()`` (the
status line's spike count, e.g. ``'2 spikes'``), ``hhVelocity()`` (the axon page's
velocity line, e.g. ``'13.1 m/s, reached the far end'``) and ``hhTab(title)`` (the header of
the page whose tab reads ``title``). The browser test and
``benchmarks/explorer.py`` use it.
"""

__all__ = ["FIND_IN_PAGE"]

FIND_IN_PAGE = """
window.hhDeep = function (selector) {
  const found = [];
  const visit = (root) => {
    root.querySelectorAll(selector).forEach((el) => found.push(el));
    root.querySelectorAll('*').forEach((el) => { if (el.shadowRoot) visit(el.shadowRoot); });
  };
  visit(document);
  return found;
};
window.hhSlider = function (prefix) {
  return hhDeep('.bk-slider-title').filter((t) => t.textContent.startsWith(prefix))
    .map((t) => t.getRootNode().querySelector('.noUi-handle'))[0];
};
window.hhSpikes = function () {
  const el = hhDeep('.hh-spike-count')[0];
  return el ? el.textContent : '';
};
window.hhVelocity = function () {
  const el = hhDeep('.hh-velocity')[0];
  return el ? el.textContent : '';
};
window.hhTab = function (title) {
  return hhDeep('.bk-tab').filter((t) => t.textContent.trim() === title)[0];
};
"""

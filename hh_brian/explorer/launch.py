"""The explorer's two entry points, importable without Panel: Panel is imported on call.

(Here rather than in the package's ``__init__``: Brian2's doctest collector cannot read
examples defined in an ``__init__``.)
"""

__all__ = ["explore", "serve"]


def explore(model="hodgkin_huxley", **options):
    """The explorer app for ``model``; it displays in Jupyter (options: see ``Explorer``).

    Two tabs: "Patch", the model's traces, and "Axon", the model on an axon (its space–time
    figure and conduction velocity; ``AxonPage``), run when that tab is first opened.

    In a notebook, the app as a cell's last expression displays it; here it is used from
    code (``set`` moves sliders, ``wait`` waits for the redraw):

    Examples
    --------
    >>> app = explore("hodgkin_huxley", target="numpy")  # doctest: +SLOW
    >>> app.wait()
    True
    >>> app.snapshot.spike_count  # the source protocol at 5 uA/cm^2
    2
    >>> app.set(g_Na=60)
    >>> app.wait(), app.snapshot.spike_count
    (True, 0)
    """
    from .app import Explorer

    return Explorer(model, **options)


def serve(model="hodgkin_huxley", *, port=0, show=True, **options):
    """Serve the explorer on 127.0.0.1 and (by default) open it in the browser.

    Blocks until interrupted, unless ``threaded=True``: then it returns a running server
    (:class:`~hh_brian.explorer.app.RunningServer`). ``port=0`` picks a free port.

    Examples
    --------
    >>> import urllib.request  # doctest: +SLOW
    >>> server = serve("hh_2d_reduction", show=False, threaded=True, target="numpy")
    >>> page = urllib.request.urlopen(server.url, timeout=60).read().decode()
    >>> "hh_brian explorer" in page
    True
    >>> server.stop()
    """
    from .app import serve as _serve

    return _serve(model, port=port, show=show, **options)

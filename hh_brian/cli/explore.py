"""``hh-brian explore``: the interactive explorer served on 127.0.0.1 (the ``explore``
extra)."""

from __future__ import annotations

from ..model.core import get_model
from .options import UsageError, new_command, target_help, target_name, whole_number

# A command of hh_brian.cli.main, which calls add_command; nothing here is library API.
__all__: list[str] = []

#: The explorer's default target: after its first build for a model, a moved slider is one
#: run of the compiled program.
TARGET = "cpp_standalone"


def command(args) -> int:
    """Serve the explorer until interrupted."""
    model = get_model(args.model)
    target = target_name(args.target)
    port = whole_number(args.port, "--port", 0)
    if port > 65535:
        raise UsageError(f"--port: expected a port number up to 65535, got {port}")
    from ..explorer import serve

    # serve raises MissingExtra (exit status 1) when Panel is not installed.
    server = serve(model, port=port, show=not args.no_browser, threaded=True, target=target)
    print(f"hh_brian explorer at {server.url} (Ctrl-C to stop)", flush=True)
    try:
        server.join()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0


def add_command(commands) -> None:
    """Add ``explore`` to the command line's parser."""
    explore = new_command(commands, "explore", "serve the interactive explorer on 127.0.0.1 "
                          "(a slider per parameter, the traces redrawn as they move) and open "
                          "it in the browser; needs the explore extra",
                          "hh-brian explore hh_2d_reduction --port 5006")
    explore.add_argument("model", nargs="?", default="hodgkin_huxley",
                         help="the model shown first (default hodgkin_huxley); a selector on "
                              "the page offers every model")
    explore.add_argument("--port", default="0", help="port on 127.0.0.1 (default: a free one)")
    explore.add_argument("--no-browser", action="store_true",
                         help="do not open a browser; print the address")
    explore.add_argument("--target", default=TARGET, help=target_help(TARGET))
    explore.set_defaults(func=command)

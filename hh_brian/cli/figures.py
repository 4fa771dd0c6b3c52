"""``hh-brian figures``: every figure of the gallery, written to a folder."""

from __future__ import annotations

import pathlib

from ..core.wording import counted
from .options import make_folder, new_command, target_help, target_name

# A command of hh_brian.cli.main, which calls add_command; nothing here is library API.
__all__: list[str] = []


def add_command(commands) -> None:
    """Add ``figures`` to the command line's parser."""
    figures = new_command(commands, "figures", "write every figure: both sources' (the models, "
                          "the 2D reduction's dV/dt, the noise run), the bifurcation diagrams "
                          "(these need the bifurcation extra), the fits and the regime map",
                          "hh-brian figures figures/")
    figures.add_argument("directory", nargs="?", default="figures",
                         help="output folder (default figures/)")
    figures.add_argument("--target", default="cython", help=target_help())
    figures.add_argument("--quiet", action="store_true", help="no progress bar")
    figures.set_defaults(func=command)


def command(args) -> int:
    """Write the gallery to the folder, with a line for each figure as it is written."""
    from ..course import gallery

    target = target_name(args.target)
    make_folder(pathlib.Path(args.directory), "directory")
    paths = gallery.write_all_figures(args.directory, target=target, progress=not args.quiet,
                                      written=gallery.figure_reporter())
    print(f"{counted(len(paths), 'figure')} written to {args.directory}")
    return 0

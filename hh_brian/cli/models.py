"""``hh-brian models``: the models in order, one line each."""

from __future__ import annotations

from ..model.core import list_models
from .options import new_command

# A command of hh_brian.cli.main, which calls add_command; nothing here is library API.
__all__: list[str] = []


def add_command(commands) -> None:
    """Add ``models`` to the command line's parser."""
    new_command(commands, "models", "list the models in order: name, source name, what it adds",
                "hh-brian models").set_defaults(func=command)


def command(args) -> int:
    """Print each registered model: its step, name, source name and what it adds."""
    for k, model in enumerate(list_models(), start=1):
        print(f"{k}. {model.name} ({model.source_name}): {model.adds}")
    return 0

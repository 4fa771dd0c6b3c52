"""``python -m hh_brian`` runs the ``hh-brian`` command line."""

import sys

from .cli import main

sys.exit(main())

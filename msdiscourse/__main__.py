"""``python -m msdiscourse`` runs the command line."""

import sys

from msdiscourse.cli import main

sys.exit(main())

"""``python -m helpcentre_feedback serve|report``; see :mod:`.cli`."""

import sys

from .cli import main

sys.exit(main())

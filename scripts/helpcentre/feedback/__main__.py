"""``python -m helpcentre.feedback serve|report|loadtest``; see :mod:`.cli`."""

import sys

from .cli import main

sys.exit(main())

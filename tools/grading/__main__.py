"""``python -m tools.grading``: see ``tools.grading.cli``."""

import sys

from tools.grading.cli import main

sys.exit(main())

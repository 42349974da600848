"""`python -m bench [--quick] [--write-docs]`: see bench/runner.py."""

from __future__ import annotations

import sys

from .runner import main

sys.exit(main())

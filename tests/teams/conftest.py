"""Teams tests: make ``tests.*`` helpers importable (the repository root on ``sys.path``)."""

from __future__ import annotations

import sys
from pathlib import Path

_ROOT = str(Path(__file__).resolve().parents[2])
if _ROOT not in sys.path:  # pytest's rootdir-relative import mode puts only tests/ there
    sys.path.insert(0, _ROOT)

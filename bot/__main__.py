"""``python -m bot`` is ``overage-bot``."""

import sys

from bot.cli import main

sys.exit(main())

"""One line of ``overage-bot check`` and the words its lines share."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = ["UNREACHABLE_FIX", "CheckLine", "Purpose"]

Purpose = Literal["run", "post"]
"""What the setup is for: ``run`` (serve commands and buttons) or ``post`` (cron-only posting)."""

UNREACHABLE_FIX = "check the network and HTTPS_PROXY (and NO_PROXY, CA_BUNDLE) on this host"


@dataclass(frozen=True)
class CheckLine:
    """One verified item: its name, whether it passed, what was found, and the fix if not."""

    item: str
    ok: bool
    detail: str
    fix: str = ""
    warning: bool = False

    def render(self) -> str:
        """``✓ item: detail``, ``⚠ item: detail — consider: …`` (a warning) or ``✗ item: detail — fix: …``."""
        if self.warning:
            return f"⚠ {self.item}: {self.detail}" + (f" — consider: {self.fix}" if self.fix else "")
        mark = "✓" if self.ok else "✗"
        text = f"{mark} {self.item}: {self.detail}"
        return f"{text} — fix: {self.fix}" if self.fix and not self.ok else text

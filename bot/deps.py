"""The dependencies every chat handler receives (never globals or environment reads)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from bot.clock import utc_now
from bot.config import Settings

if TYPE_CHECKING:
    from bot.service import ReportService
    from bot.store.database import Store

__all__ = ["Deps"]


@dataclass(frozen=True)
class Deps:
    """What Slack and Teams handlers work with.

    Attributes:
        settings: the validated configuration.
        service: fetches reports and exports (single-flight, cached).
        store: the state store (week-over-week, post ledger, Teams references), if opened.
        clock: the current time (aware UTC); tests inject their own.
    """

    settings: Settings
    service: ReportService
    store: Store | None = None
    clock: Callable[[], datetime] = field(default=utc_now)

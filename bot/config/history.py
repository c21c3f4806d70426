"""History settings: ``OVERAGE_HISTORY_WEEKS``, how long snapshots are kept (default 104 weeks = two years)."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings

__all__ = ["HistorySettings"]


class HistorySettings(BaseSettings):
    """The history settings (a mixin of :class:`bot.config.Settings`)."""

    overage_history_weeks: int = Field(default=104, ge=1, le=52 * 20)

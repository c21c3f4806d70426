"""Observability settings: ``METRICS_ENABLED`` (``GET /metrics`` on the bot's own port; on by default)."""

from __future__ import annotations

from pydantic_settings import BaseSettings

__all__ = ["ObservabilitySettings"]


class ObservabilitySettings(BaseSettings):
    """The observability settings (a mixin of :class:`bot.config.Settings`)."""

    metrics_enabled: bool = True

"""Bounds on every Keepnet answer: pages, response and export sizes, and the export's total deadline.

``KEEPNET_MAX_PAGES`` (2,000), ``KEEPNET_MAX_RESPONSE_MB`` (50, one search answer),
``KEEPNET_MAX_EXPORT_MB`` (500; Slack's own file limit is 1 GB) and ``KEEPNET_EXPORT_TIMEOUT_S``
(300, the whole export body, counted from when the request is sent). A search exchange as a whole
is bounded by ``KEEPNET_TIMEOUT_S``.
"""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings

__all__ = ["KeepnetLimitSettings"]


class KeepnetLimitSettings(BaseSettings):
    """The Keepnet bounds (a mixin of :class:`bot.config.Settings`)."""

    keepnet_max_pages: int = Field(default=2000, ge=1, le=100_000)
    keepnet_max_response_mb: float = Field(default=50.0, gt=0, le=4096)
    keepnet_max_export_mb: float = Field(default=500.0, gt=0, le=100_000)
    keepnet_export_timeout_s: float = Field(default=300.0, gt=0, le=24 * 3600)

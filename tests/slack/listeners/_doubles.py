"""Spec'd doubles for handler unit tests (the scenario tests use real servers instead)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from unittest.mock import AsyncMock, MagicMock

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.config import load_settings
from bot.deps import Deps
from bot.report.model import build_report
from bot.service import ReportService

__all__ = ["NOW", "Doubles", "make_doubles"]

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)


class Doubles:
    """ack, respond, client and a report service that has nothing over the limit."""

    def __init__(self, **settings: Any) -> None:
        self.order = MagicMock()
        self.ack = AsyncMock(spec=AsyncAck)
        self.respond = AsyncMock(spec=AsyncRespond)
        self.client = AsyncMock(spec=AsyncWebClient)
        self.client.chat_postMessage.return_value = {"ok": True, "ts": "1700000001.000100"}
        self.service = MagicMock(spec=ReportService)
        self.service.report = AsyncMock(
            return_value=build_report([], customer_count=3, top_n=10, generated_at=NOW, source="test")
        )
        self.service.age_s.return_value = 0.0
        self.service.now.return_value = NOW
        self.service.is_cached.return_value = False
        self.order.attach_mock(self.ack, "ack")
        self.order.attach_mock(self.service.report, "report")
        self.deps = Deps(settings=load_settings(**settings), service=self.service, clock=lambda: NOW)

    def calls(self) -> list[str]:
        """The names of ack/report calls in the order they happened."""
        return [name for name, _, _ in self.order.mock_calls if name in ("ack", "report")]


def make_doubles(**settings: Any) -> Doubles:
    """Doubles with settings overrides (e.g. ``overage_allowed_users="U1"``)."""
    return Doubles(**settings)

"""Fakes shared by the command-line tests: Slack's Web API and the Bot Connector, on loopback."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.fakes.bot_connector import FakeConnector, run_fake_connector
from tests.fakes.slack_api import FakeSlack, run_fake_slack


@pytest.fixture(name="slack")
async def _slack() -> AsyncIterator[FakeSlack]:
    async with run_fake_slack() as fake:
        yield fake


@pytest.fixture(name="connector")
async def _connector() -> AsyncIterator[FakeConnector]:
    async with run_fake_connector() as fake:
        yield fake

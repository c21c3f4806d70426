"""Failures an operator must diagnose from the log: bad signatures, Slack unreachable, Bolt noise."""

from __future__ import annotations

import logging
from typing import Any
from unittest.mock import AsyncMock

import aiohttp
import pytest
from slack_bolt.context.respond.async_respond import AsyncRespond
from structlog.testing import capture_logs

from bot.slack._bolt_logs import BAD_SIGNATURE_HINT
from bot.slack.app import create_app
from bot.slack.error_replies import handle_error
from tests.cli.process import free_port
from tests.scenario.harness import BOT_TOKEN, run_bot, run_world, sign

BODY = {"user_id": "U0ALICE", "channel_id": "C0REPORTS", "command": "/overage"}


async def test_client_given_means_no_token_warning(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """SLACK_BOT_TOKEN in the environment: building the app logs no "token will be unused" warning."""
    monkeypatch.setenv("SLACK_BOT_TOKEN", BOT_TOKEN)
    caplog.set_level(logging.INFO)
    async with run_world() as world:
        create_app(world.settings, world.deps)
    assert "will be unused" not in caplog.text


async def test_bad_signature_is_a_warning_naming_the_signing_secret(caplog: pytest.LogCaptureFixture) -> None:
    """A request signed with another secret: 401, and one WARNING naming SLACK_SIGNING_SECRET, no body."""
    caplog.set_level(logging.INFO)
    async with run_bot() as bot:
        body = bot.command_body("top 5")
        reply = await bot.post(body, sign(body, secret="not-the-configured-secret"))
    assert reply.status == 401
    [record] = [r for r in caplog.records if "signature" in r.getMessage()]
    assert record.levelno == logging.WARNING
    assert record.getMessage() == BAD_SIGNATURE_HINT
    assert "SLACK_SIGNING_SECRET" in record.getMessage()
    assert "legacy-verification-token" not in caplog.text
    assert "/respond/" not in caplog.text
    assert bot.fake.messages() == []


@pytest.mark.parametrize(
    ("error", "detail"),
    [
        (aiohttp.ServerDisconnectedError(), "the connection failed (ServerDisconnectedError)"),
        (TimeoutError(), "no answer in time"),
    ],
)
async def test_slack_network_failure_tells_the_asker_without_a_traceback(
    error: Exception, detail: str
) -> None:
    """aiohttp errors and timeouts from the Web API: "Slack could not be reached", a warning, no traceback."""
    respond = AsyncMock(spec=AsyncRespond)
    with capture_logs() as logs:
        await handle_error(error, BODY, respond)
    text = respond.call_args.kwargs["text"]
    assert text.startswith(":x: Slack could not be reached")
    assert detail in text
    assert "Something went wrong" not in text
    [line] = [entry for entry in logs if entry["event"].startswith("slack_request_")]
    assert line["event"] == "slack_request_failed"
    assert line["log_level"] == "warning"
    assert "exc_info" not in line


async def test_excel_upload_unreachable_tells_the_clicker(monkeypatch: pytest.MonkeyPatch) -> None:
    """The XLSX upload URL refuses connections: the clicker reads why and what to do; no crash logged."""
    async with run_bot() as bot:
        await bot.command("")
        await bot.fake.wait_for(lambda: bot.fake.files)
        await bot.background.drain()
        [message] = bot.fake.messages()
        issue_url = bot.fake._m_files_getUploadURLExternal
        closed = free_port()

        def refused(args: dict[str, Any]) -> dict[str, Any]:
            answer = issue_url(args)
            return {**answer, "upload_url": f"http://127.0.0.1:{closed}/upload/{answer.get('file_id')}"}

        monkeypatch.setattr(bot.fake, "_m_files_getUploadURLExternal", refused)
        value = message["blocks"][-1]["elements"][0]["value"]
        with capture_logs() as logs:
            await bot.click("overage_export_excel", value=value, message_ts=message["ts"])
            await bot.fake.wait_for(lambda: len(bot.fake.responses()) == 2)
            await bot.background.drain()
        preparing, note = (r["text"] for r in bot.fake.responses())
        assert "Preparing the Excel export" in preparing
        assert note.startswith(":warning: The Excel file could not be attached: the upload to Slack failed")
        assert note.endswith("Click *Excel export* on the report to try again.")
        assert not [entry for entry in logs if entry["event"] == "slack_request_crashed"]

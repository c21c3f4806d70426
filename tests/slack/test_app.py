"""The Bolt app: its Web API client, mode-specific verification, the error handler and the request log."""

from __future__ import annotations

import pytest
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from structlog.testing import capture_logs

from bot.config import ConfigError, load_settings
from bot.report.model import OverageReport
from bot.slack.app import build_web_client, create_app
from tests.scenario.harness import BOT_TOKEN, SIGNING_SECRET, run_bot, run_world


def test_web_client_uses_api_url_proxy_and_retries() -> None:
    """The client talks to SLACK_API_URL through HTTPS_PROXY and retries resets, 429 (3x) and 5xx."""
    settings = load_settings(
        slack_bot_token=BOT_TOKEN,
        slack_api_url="http://127.0.0.1:9/api",
        https_proxy="http://proxy.local:3128",
    )
    client = build_web_client(settings)
    assert client.base_url == "http://127.0.0.1:9/api/"
    assert client.proxy == "http://proxy.local:3128"
    kinds = [type(handler) for handler in client.retry_handlers]
    assert kinds == [
        AsyncConnectionErrorRetryHandler,
        AsyncRateLimitErrorRetryHandler,
        AsyncServerErrorRetryHandler,
    ]
    assert client.retry_handlers[1].max_retry_count == 3


def test_missing_bot_token_is_a_config_error() -> None:
    """Without SLACK_BOT_TOKEN the app is not built, and the error names the variable."""
    with pytest.raises(ConfigError, match="SLACK_BOT_TOKEN"):
        build_web_client(load_settings())


async def test_http_mode_without_signing_secret_is_a_config_error() -> None:
    """HTTP mode refuses to start without SLACK_SIGNING_SECRET (it would verify nothing)."""
    async with run_world(slack_signing_secret=None) as world:
        with pytest.raises(ConfigError, match="SLACK_SIGNING_SECRET"):
            create_app(world.settings, world.deps)


async def test_unexpected_error_still_tells_the_user_and_is_logged(monkeypatch: pytest.MonkeyPatch) -> None:
    """A bug in the report path: the asker reads "something went wrong" and the log has the traceback."""
    async with run_bot() as bot:

        async def broken(**_: object) -> OverageReport:
            raise RuntimeError("boom")

        monkeypatch.setattr(bot.service, "report", broken)
        with capture_logs() as logs:
            reply = await bot.command("")
            await bot.fake.wait_for(lambda: bot.fake.responses())
            await bot.background.drain()
        assert reply.status == 200
        [payload] = bot.fake.responses()
        assert "Something went wrong" in payload["text"]
        assert payload["response_type"] == "ephemeral"
        crashed = [entry for entry in logs if entry["event"] == "slack_request_crashed"]
        assert crashed
        assert crashed[0]["user"] == "U0ALICE"
        assert isinstance(crashed[0]["exc_info"], RuntimeError)


async def test_one_request_line_per_command_without_secrets() -> None:
    """Each /overage logs one slack_request line (user, channel, outcome, timings) and no secret."""
    async with run_bot() as bot:
        with capture_logs() as logs:
            await bot.command("")
            await bot.fake.wait_for(lambda: bot.fake.files)
            await bot.background.drain()
        [line] = [entry for entry in logs if entry["event"] == "slack_request"]
        assert line["user"] == "U0ALICE"
        assert line["channel"] == "C0REPORTS"
        assert line["request"] == "/overage"
        assert line["outcome"] == "posted"
        assert line["ack_ms"] is not None
        assert line["total_ms"] >= line["ack_ms"]
        assert BOT_TOKEN not in str(logs)
        assert SIGNING_SECRET not in str(logs)


def test_error_replies_name_the_fix() -> None:
    """Typed errors map to replies with their fix; unknown ones to a generic apology."""
    from slack_sdk.errors import SlackApiError
    from slack_sdk.web.slack_response import SlackResponse

    from bot.keepnet.errors import KeepnetNotResellerError
    from bot.slack.error_replies import reply_for

    not_reseller = KeepnetNotResellerError("Keepnet refused to list the companies (403).", status=403)
    assert "Client Role = Reseller" in reply_for(not_reseller)
    response = SlackResponse(
        client=None,
        http_verb="POST",
        api_url="chat.postMessage",
        req_args={},
        data={"ok": False, "error": "channel_not_found"},
        headers={},
        status_code=200,
    )
    assert "/invite @overage-bot" in reply_for(SlackApiError("failed", response))  # type: ignore[no-untyped-call]
    assert "Something went wrong" in reply_for(ValueError("x"))

"""Malformed, unauthenticated requests get 4xx — never a 500, a traceback or an error-level line."""

from __future__ import annotations

import base64
import json
import logging
import time
from collections.abc import Mapping, Sequence
from typing import Any

import pytest
from structlog.testing import capture_logs

from tests.scenario.harness import run_bot, sign
from tests.teams._activities import personal_message
from tests.teams._harness import run_teams_bot

pytestmark = pytest.mark.filterwarnings("ignore::aiohttp.web_exceptions.NotAppKeyWarning")

TEAMS_CREDENTIALS: dict[str, Any] = {
    "teams_client_id": "11111111-2222-3333-4444-555555555555",
    "teams_client_secret": "not-a-real-secret-value",
    "teams_tenant_id": "72f988bf-86f1-41af-91ab-2d7cd011db47",
    "teams_allow_anonymous": False,
    "public_url": "https://overage-bot.example.com",
}


def _no_error_lines(logs: Sequence[Mapping[str, Any]], caplog: pytest.LogCaptureFixture) -> None:
    assert not [e for e in logs if e.get("log_level") in ("error", "critical", "exception")], logs
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], caplog.records
    assert "Traceback" not in caplog.text


def _b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


@pytest.mark.parametrize(
    ("body", "headers", "status"),
    [
        (b"command=%2Foverage", {"X-Slack-Request-Timestamp": "soon", "X-Slack-Signature": "v0=00"}, 401),
        (b"command=%2Foverage", {"X-Slack-Signature": "v0=00"}, 401),
        (b"command=%2Foverage", {"X-Slack-Request-Timestamp": "1" * 40, "X-Slack-Signature": "v0=00"}, 401),
        (b"payload=\xff\xfe\xfd", None, 400),
        (b"payload=%5B1%2C2%5D", None, 400),  # payload=[1,2]
        (b"payload=%22text%22", None, 400),  # payload="text"
        (b"payload=%7Bnot+json", None, 400),
    ],
)
async def test_slack_malformed_requests_are_4xx(
    body: bytes, headers: dict[str, str] | None, status: int, caplog: pytest.LogCaptureFixture
) -> None:
    """Bad timestamp → 401; a body that is not UTF-8 or a payload that is not a JSON object → 400."""
    caplog.set_level(logging.INFO)
    async with run_bot() as bot:
        sent = headers or {"X-Slack-Request-Timestamp": str(int(time.time())), "X-Slack-Signature": "v0=00"}
        sent = {**sent, "Content-Type": "application/x-www-form-urlencoded"}
        with capture_logs() as logs:
            async with bot.session.post(bot.events_url, data=body, headers=sent) as response:
                assert response.status == status
        _no_error_lines(logs, caplog)
        assert bot.fake.messages() == []


async def test_slack_json_body_that_is_not_an_object_is_400(caplog: pytest.LogCaptureFixture) -> None:
    """A JSON array as an Events API body → 400."""
    caplog.set_level(logging.INFO)
    async with run_bot() as bot:
        body = "[1, 2, 3]"
        headers = {**sign(body), "Content-Type": "application/json"}
        with capture_logs() as logs:
            reply = await bot.post(body, headers)
        assert reply.status == 400
        _no_error_lines(logs, caplog)


async def test_teams_token_without_kid_is_401(caplog: pytest.LogCaptureFixture) -> None:
    """A Bearer JWT without ``kid`` (the validator cannot even look up a key) → 401, no error line."""
    caplog.set_level(logging.INFO)
    token = ".".join(
        [
            _b64({"alg": "RS256", "typ": "JWT"}),
            _b64({"iss": "https://api.botframework.com", "aud": TEAMS_CREDENTIALS["teams_client_id"]}),
            "c2ln",
        ]
    )
    async with run_teams_bot(**TEAMS_CREDENTIALS) as bot:
        with capture_logs() as logs:
            reply = await bot.send(
                personal_message(bot.connector.service_url, "overage"),
                headers={"Authorization": f"Bearer {token}"},
            )
        assert reply.status == 401
        _no_error_lines(logs, caplog)
        assert bot.connector.calls == []


@pytest.mark.parametrize("body", [b"[1, 2, 3]", b'"text"', b"{not json", b"\xff\xfe"])
async def test_teams_body_that_is_not_an_object_is_400(body: bytes, caplog: pytest.LogCaptureFixture) -> None:
    """An activity that is not a JSON object → 400, no error line (anonymous mode: no token needed)."""
    caplog.set_level(logging.INFO)
    async with run_teams_bot() as bot:
        with capture_logs() as logs:
            async with bot.http.post(
                bot.url + "/api/messages", data=body, headers={"Content-Type": "application/json"}
            ) as response:
                assert response.status == 400
        _no_error_lines(logs, caplog)

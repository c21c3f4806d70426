"""Log lines from libraries (Bolt, APScheduler) go through the bot's redaction and level rules."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from urllib.parse import urlencode

import pytest

from bot.logging import configure_logging, register_secret, registered_secret_count, unregister_secret

VERIFICATION_TOKEN = "legacyVerifToken0123"
HOOK = "https://hooks.slack.com/commands/T0FAKE/1234567890/hookSecretPart"
ACTION_HOOK = "https://hooks.slack.com/actions/T0FAKE/987/actionSecretPart"


@pytest.fixture(name="log_out")
def _log_out() -> Iterator[io.StringIO]:
    """configure_logging() writing JSON lines to a buffer; the stdlib logging setup is restored after."""
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    levels = {name: logging.getLogger(name).level for name in ("aiohttp.access", "apscheduler")}
    out = io.StringIO()
    configure_logging(level="INFO", fmt="json", stream=out)
    yield out
    root.handlers[:], root.level = saved[0], saved[1]
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)


def _signature_line(body: str) -> str:
    """What Bolt logs for a request whose signature did not match (at INFO, with the raw body)."""
    return f"Invalid request signature detected (signature: v0=abc, timestamp: 1700000000, body: {body})"


def test_slash_command_body_loses_token_and_response_url(log_out: io.StringIO) -> None:
    """A form-encoded slash command logged by slack_bolt keeps neither token= nor the response_url."""
    body = urlencode(
        {"token": VERIFICATION_TOKEN, "team_id": "T0FAKE", "response_url": HOOK, "text": "top 5"}
    )
    logging.getLogger("slack_bolt").info(_signature_line(body))
    line = log_out.getvalue()
    assert "Invalid request signature detected" in line
    assert VERIFICATION_TOKEN not in line
    assert "hookSecretPart" not in line
    assert "hooks.slack.com" not in line
    assert "team_id=T0FAKE" in line, "the rest of the body stays readable"


@pytest.mark.parametrize("escaped_slashes", [False, True])
def test_interactivity_payload_loses_token_and_response_url(
    log_out: io.StringIO, escaped_slashes: bool
) -> None:
    """A percent-encoded JSON payload (slashes escaped as Slack does, or not) is scrubbed the same."""
    hook = ACTION_HOOK.replace("/", "\\/") if escaped_slashes else ACTION_HOOK
    payload = {
        "type": "block_actions",
        "token": VERIFICATION_TOKEN,
        "response_url": hook,
        "trigger_id": "1.2",
    }
    raw = json.dumps(payload)
    if escaped_slashes:
        raw = raw.replace("\\\\/", "\\/")
    logging.getLogger("slack_bolt").info(_signature_line(urlencode({"payload": raw})))
    line = log_out.getvalue()
    assert VERIFICATION_TOKEN not in line
    assert "actionSecretPart" not in line
    assert "block_actions" in line


def test_any_slack_hook_url_is_redacted(log_out: io.StringIO) -> None:
    """A hooks.slack.com URL anywhere in a message (e.g. an aiohttp error) is removed."""
    logging.getLogger("aiohttp.client").warning("POST %s failed", ACTION_HOOK)
    assert "actionSecretPart" not in log_out.getvalue()
    assert "POST [redacted] failed" in log_out.getvalue()


def test_apscheduler_info_is_quiet_but_warnings_show(log_out: io.StringIO) -> None:
    """APScheduler's "Adding job tentatively" INFO lines are dropped; its warnings still show."""
    logging.getLogger("apscheduler.scheduler").info("Adding job tentatively -- it will be properly scheduled")
    logging.getLogger("apscheduler.executors.default").warning("Run time of job was missed by 0:01:00")
    out = log_out.getvalue()
    assert "Adding job tentatively" not in out
    assert "was missed by" in out


def test_unregistered_secret_is_no_longer_counted() -> None:
    """unregister_secret() forgets a value; unknown values are ignored."""
    before = registered_secret_count()
    register_secret("temporary-secret-value-1")
    assert registered_secret_count() == before + 1
    unregister_secret("temporary-secret-value-1")
    unregister_secret("never-registered-value")
    assert registered_secret_count() == before

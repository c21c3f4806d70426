"""Logging: JSON lines in production, and no secret in any line, whatever the source."""

from __future__ import annotations

import io
import json
import logging

import pytest
import structlog

from bot.logging import configure_logging, register_secret


@pytest.fixture(name="out")
def _out() -> io.StringIO:
    stream = io.StringIO()
    configure_logging(level="DEBUG", fmt="json", stream=stream)
    return stream


def lines(out: io.StringIO) -> list[dict[str, object]]:
    """The JSON log lines written so far."""
    return [json.loads(line) for line in out.getvalue().splitlines()]


class TestRedaction:
    """Secrets are removed from every field, nested value, message text and traceback."""

    def test_fields_named_like_secrets(self, out: io.StringIO) -> None:
        """Values of fields called token, password, authorization… are replaced."""
        structlog.get_logger("t").info("call", token="abc123456", password="hunter2hunter", user="alice")
        [line] = lines(out)
        assert line["token"] == "[redacted]"
        assert line["password"] == "[redacted]"
        assert line["user"] == "alice"

    def test_nested_headers(self, out: io.StringIO) -> None:
        """An Authorization header inside a nested dict is replaced; other headers stay."""
        structlog.get_logger("t").info(
            "call", request={"headers": {"Authorization": "Bearer xyz", "Accept": "x"}}
        )
        [line] = lines(out)
        assert line["request"] == {"headers": {"Authorization": "[redacted]", "Accept": "x"}}

    def test_bearer_and_slack_tokens_in_text(self, out: io.StringIO) -> None:
        """Bearer tokens and Slack tokens in free text are replaced, even when never registered."""
        logging.getLogger("aiohttp.client").warning(
            "sent Bearer eyJhbGciOi.payload.sig with xoxb-123-456-abcdef and xapp-1-A0-1-zzz"
        )
        text = out.getvalue()
        assert "eyJhbGciOi" not in text
        assert "xoxb-123-456-abcdef" not in text
        assert "xapp-1-A0-1-zzz" not in text
        assert "Bearer [redacted]" in text

    def test_registered_secret_anywhere(self, out: io.StringIO) -> None:
        """A registered secret is replaced inside any string, including from the standard library."""
        register_secret("client-secret-value-42")
        structlog.get_logger("t").info("note", detail="the secret is client-secret-value-42 here")
        logging.getLogger("other").error("client-secret-value-42 leaked?")
        assert "client-secret-value-42" not in out.getvalue()

    def test_secret_inside_a_traceback(self, out: io.StringIO) -> None:
        """An exception message carrying a secret is scrubbed after the traceback is rendered."""
        register_secret("traceback-secret-77")
        try:
            raise RuntimeError("failed with traceback-secret-77")
        except RuntimeError:
            structlog.get_logger("t").exception("boom")
        [line] = lines(out)
        assert "RuntimeError" in str(line["exception"])
        assert "traceback-secret-77" not in out.getvalue()

    def test_export_link_tokens(self, out: io.StringIO) -> None:
        """The token part of /exports/<token> links never appears."""
        logging.getLogger("aiohttp.access").warning("GET /exports/eyJraW5kIjoiQ1NWIn0.c2lnbmF0dXJl HTTP/1.1")
        assert "eyJraW5kIjoiQ1NWIn0" not in out.getvalue()


def test_console_format_is_readable() -> None:
    """LOG_FORMAT=console writes key=value lines, not JSON."""
    stream = io.StringIO()
    configure_logging(level="INFO", fmt="console", stream=stream)
    structlog.get_logger("t").info("hello", user="alice")
    text = stream.getvalue()
    assert "hello" in text
    assert "user=alice" in text
    assert not text.startswith("{")

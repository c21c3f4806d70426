"""The per-request log line, and the request id every line of the request's work carries."""

from __future__ import annotations

import structlog
from structlog.testing import capture_logs

from bot.slack.listeners._request_log import RequestLog


def test_work_lines_carry_the_request_id() -> None:
    """Inside the request, bound context holds its id; the closing line names it; afterwards it is gone."""
    request = RequestLog("/overage", user="U1", channel="C1")
    with capture_logs() as logs:
        with request:
            assert structlog.contextvars.get_contextvars()["request_id"] == request.request_id
            request.outcome = "posted"
        assert "request_id" not in structlog.contextvars.get_contextvars()
    [line] = [entry for entry in logs if entry["event"] == "slack_request"]
    assert line["request_id"] == request.request_id
    assert line["outcome"] == "posted"


def test_each_request_gets_its_own_id() -> None:
    """Two requests never share an id."""
    assert (
        RequestLog("/overage", user=None, channel=None).request_id
        != RequestLog("/overage", user=None, channel=None).request_id
    )

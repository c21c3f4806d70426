"""Prometheus metrics (``GET /metrics``), fed by the bot's own log events.

Every request and post the bot makes is already logged as one structured line (``keepnet_request``,
``slack_request``, ``teams_report_sent``, ``weekly_post_sent`` …); :func:`observe_log_event`, a
structlog processor, turns those lines into counters and histograms, so no module needs to know
about Prometheus and the numbers always agree with the logs. Labels carry no company name, user,
channel or secret: only endpoints, statuses, edges, outcomes and destination kinds.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)

__all__ = ["CONTENT_TYPE_LATEST", "REGISTRY", "observe_log_event", "render"]

REGISTRY = CollectorRegistry(auto_describe=True)

KEEPNET_REQUESTS = Counter(
    "overage_keepnet_requests", "Keepnet API requests by endpoint and HTTP status", ["endpoint", "status"],
    registry=REGISTRY,
)  # fmt: skip
KEEPNET_SECONDS = Histogram(
    "overage_keepnet_request_seconds", "Keepnet API request duration", ["endpoint"], registry=REGISTRY
)
REPORTS = Counter(
    "overage_reports", "Reports asked for, by edge and outcome", ["edge", "outcome"], registry=REGISTRY
)
REPORT_SECONDS = Histogram(
    "overage_report_seconds", "Time to answer a report request", ["edge"], registry=REGISTRY
)
SLACK_ACK_SECONDS = Histogram(
    "overage_slack_ack_seconds",
    "Time to acknowledge a Slack request (Slack's limit is 3 s)",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0),
    registry=REGISTRY,
)
WEEKLY_POSTS = Counter(
    "overage_weekly_posts", "Weekly posts by destination kind and outcome", ["destination_kind", "outcome"],
    registry=REGISTRY,
)  # fmt: skip
WEEKLY_LAST_SUCCESS = Gauge(
    "overage_weekly_post_last_success_timestamp_seconds",
    "Unix time of the last weekly post that went out",
    registry=REGISTRY,
)

_ENDPOINTS = {
    "/connect/token": "token",
    "/api/companies/search": "search",
    "/api/companies/search/export": "export",
}
_WEEKLY = {"weekly_post_sent": "posted", "weekly_post_failed": "failed", "weekly_post_skipped": "skipped"}


def _kind(destination: object) -> str:
    text = str(destination or "")
    return text.split(":", 1)[0] if text.split(":", 1)[0] in ("slack", "teams") else "other"


def _seconds(value: object) -> float | None:
    return float(value) / 1000 if isinstance(value, int | float) and not isinstance(value, bool) else None


def observe_log_event(
    logger: Any, method: str, event_dict: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    """A structlog processor: count the events that are metrics; the event passes on unchanged."""
    event = event_dict.get("event")
    if event == "keepnet_request":
        endpoint = _ENDPOINTS.get(str(event_dict.get("path")), "other")
        KEEPNET_REQUESTS.labels(endpoint, str(event_dict.get("status") or "error")).inc()
        seconds = _seconds(event_dict.get("duration_ms"))
        if seconds is not None:
            KEEPNET_SECONDS.labels(endpoint).observe(seconds)
    elif event == "slack_request":
        REPORTS.labels("slack", str(event_dict.get("outcome") or "unknown")[:40]).inc()
        for name, metric in (("ack_ms", SLACK_ACK_SECONDS), ("total_ms", None)):
            seconds = _seconds(event_dict.get(name))
            if seconds is not None and metric is not None:
                metric.observe(seconds)
            elif seconds is not None:
                REPORT_SECONDS.labels("slack").observe(seconds)
    elif event == "teams_report_sent":
        REPORTS.labels("teams", "posted").inc()
    elif event in _WEEKLY and str(event_dict.get("period", "")).startswith(("weekly:", "key:")):
        WEEKLY_POSTS.labels(_kind(event_dict.get("destination")), _WEEKLY[event]).inc()
        if event == "weekly_post_sent":
            WEEKLY_LAST_SUCCESS.set_to_current_time()
    return event_dict


def render() -> bytes:
    """The current metrics in Prometheus' text format."""
    return generate_latest(REGISTRY)

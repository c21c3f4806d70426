"""Small checks behind :mod:`bot.config` (pure; they read no environment)."""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit

__all__ = ["SLACK_CHANNEL_ID", "check_http_url", "is_loopback", "split_ids", "split_secrets"]

SLACK_CHANNEL_ID = re.compile(r"^[CGD][A-Z0-9]{6,}$")
"""A Slack channel id (public ``C…``, private ``G…``, direct message ``D…``)."""


def split_ids(value: object) -> object:
    """Turn ``"U1, C2,,"`` into ``("U1", "C2")``; lists pass through."""
    if isinstance(value, str):
        return tuple(part.strip() for part in value.split(",") if part.strip())
    return value


def split_secrets(value: str) -> tuple[str, ...]:
    """``EXPORT_LINK_SECRET``'s secrets: comma-separated, trimmed, empty parts dropped (first signs)."""
    return tuple(part.strip() for part in value.split(",") if part.strip())


def check_http_url(url: str, *, example: str) -> None:
    """Refuse anything that is not an absolute http(s) URL with a host (and a valid port)."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise ValueError(f"{url!r} is not a valid URL ({exc}); e.g. {example}") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"{url!r} must be an http:// or https:// URL with a host, e.g. {example}")
    if port is not None and not 0 < port < 65536:
        raise ValueError(f"{url!r} has an invalid port; e.g. {example}")


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False

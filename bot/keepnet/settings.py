"""The few values the Keepnet client needs, as a small typed object (the client never reads ``Settings``)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

__all__ = ["KeepnetSettings"]


@dataclass(frozen=True)
class KeepnetSettings:
    """Connection settings of one Keepnet API client; built from the bot's configuration by the caller.

    Attributes:
        base_url: the API's base URL, e.g. ``https://api.keepnetlabs.com``.
        client_id: the Reseller API credential's client id ("" when none is configured).
        client_secret: its secret ("" when none is configured).
        page_size: companies asked per search page.
        concurrency: ``/api`` requests in flight at once.
        timeout_s: the per-request timeout.
        max_tries: tries of one request (1 = no retry).
        ca_bundle: a PEM file of extra trusted CAs, or None for the system store.
        proxy: an explicit HTTPS proxy URL, or None.
        max_pages: the most search pages one listing may take.
        max_response_bytes: the largest search answer read.
        max_export_bytes: the largest export streamed to disk.
        export_timeout_s: the total deadline of an export's whole body.
    """

    base_url: str
    client_id: str
    client_secret: str
    page_size: int = 100
    concurrency: int = 4
    timeout_s: float = 30.0
    max_tries: int = 4
    ca_bundle: Path | None = None
    proxy: str | None = None
    max_pages: int = 2000
    max_response_bytes: int = 50 * 1024 * 1024
    max_export_bytes: int = 500 * 1024 * 1024
    export_timeout_s: float = 300.0

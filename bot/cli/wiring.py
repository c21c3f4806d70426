"""Building the core pieces from settings: logging, the Keepnet client, the report service.

Shared by every CLI command so that ``run``, ``post``, ``check`` and ``preview`` behave alike.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from bot.clock import utc_now
from bot.config import Settings
from bot.keepnet.client import KeepnetClient
from bot.keepnet.errors import KeepnetConfigError
from bot.keepnet.settings import KeepnetSettings
from bot.logging import configure_logging, register_secret
from bot.report.model import SANDBOX_SOURCE
from bot.service import DecisionSource, HistorySource, ReportService, SnapshotSource

__all__ = ["build_keepnet_client", "build_service", "keepnet_settings", "live_source", "setup_logging"]


def setup_logging(settings: Settings, *, quiet: bool = False) -> None:
    """Configure logging from ``LOG_LEVEL``/``LOG_FORMAT`` and register the configured secrets.

    Args:
        settings: the configuration.
        quiet: log warnings and errors only (for terminal commands), unless LOG_LEVEL=DEBUG.
    """
    level = settings.log_level
    if quiet and level in ("INFO",):
        level = "WARNING"
    configure_logging(level=level, fmt=settings.log_format)
    for secret in (
        settings.keepnet_client_secret,
        settings.slack_bot_token,
        settings.slack_app_token,
        settings.slack_signing_secret,
        settings.teams_client_secret,
        settings.export_link_secret,
    ):
        if secret is not None:
            register_secret(secret.get_secret_value())


def live_source(settings: Settings) -> str:
    """The source label for the live API, e.g. ``Keepnet API (api.keepnetlabs.com)``."""
    return f"Keepnet API ({urlsplit(settings.keepnet_base_url).netloc})"


def keepnet_settings(settings: Settings) -> KeepnetSettings:
    """The Keepnet client's own settings, taken from the bot's configuration."""
    secret = settings.keepnet_client_secret
    return KeepnetSettings(
        base_url=settings.keepnet_base_url,
        client_id=settings.keepnet_client_id or "",
        client_secret=secret.get_secret_value() if secret else "",
        page_size=settings.keepnet_page_size,
        concurrency=settings.keepnet_concurrency,
        timeout_s=settings.keepnet_timeout_s,
        max_tries=settings.keepnet_max_tries,
        ca_bundle=settings.ca_bundle,
        proxy=settings.https_proxy,
        max_pages=settings.keepnet_max_pages,
        max_response_bytes=int(settings.keepnet_max_response_mb * 1024 * 1024),
        max_export_bytes=int(settings.keepnet_max_export_mb * 1024 * 1024),
        export_timeout_s=settings.keepnet_export_timeout_s,
    )


def build_keepnet_client(settings: Settings) -> KeepnetClient:
    """The live Keepnet client.

    Raises:
        KeepnetConfigError: no Keepnet credential is configured.
    """
    if settings.keepnet_client_id is None or settings.keepnet_client_secret is None:
        raise KeepnetConfigError("No Keepnet API credential is configured.")
    return KeepnetClient.from_settings(keepnet_settings(settings))


def build_service(
    settings: Settings,
    client: KeepnetClient,
    *,
    snapshots: SnapshotSource | None = None,
    decisions: DecisionSource | None = None,
    history: HistorySource | None = None,
    sandbox: bool = False,
) -> ReportService:
    """The report service on top of a Keepnet client.

    Args:
        settings: the configuration (top N, cache, seat price, time zone).
        client: the Keepnet client (live or sandbox).
        snapshots: the store, for week-over-week lines.
        decisions: the store's decision log, for billing states.
        history: the store's snapshot history, for over-since and the daily snapshot.
        sandbox: label the data as the sandbox's.

    Returns:
        The service.
    """
    return ReportService(
        client=client,
        source=SANDBOX_SOURCE if sandbox else live_source(settings),
        top_n=settings.overage_top_n,
        tz=settings.tz,
        cache_s=settings.overage_cache_s,
        seat_price=settings.overage_seat_price,
        currency=settings.overage_currency,
        pricing=settings.pricing,
        snapshots=snapshots,
        decisions=decisions,
        history=history,
        billing_cycle=settings.overage_billing_cycle,
        clock=utc_now,
    )

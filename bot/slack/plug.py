"""How the CLI plugs in the Slack edge (Bolt is imported only when Slack is on)."""

from __future__ import annotations

import structlog

from bot.config import ConfigError, Settings
from bot.deps import Deps
from bot.edge import Edge, EdgePlug, OffEdge

__all__ = ["SLACK_PLUG"]

log = structlog.get_logger(__name__)


def _check(settings: Settings) -> None:
    """Refuse HTTP mode without a signing secret (before anything is opened)."""
    if settings.slack_enabled and not settings.slack_socket_mode and settings.slack_signing_secret is None:
        raise ConfigError(
            "SLACK_SIGNING_SECRET is required in HTTP mode: copy it from the Slack app's Basic Information "
            "page, or set SLACK_APP_TOKEN (xapp-…) for Socket Mode"
        )


def _build(settings: Settings, deps: Deps) -> Edge:
    """The Slack edge; when Slack is off, an off edge (and a warning if ``OVERAGE_CHANNEL`` is set)."""
    if not settings.slack_enabled:
        if settings.overage_channel:
            log.warning(
                "weekly_destination_ignored",
                destination=f"slack:{settings.overage_channel}",
                reason="OVERAGE_CHANNEL is set but SLACK_BOT_TOKEN is not",
            )
        return OffEdge("slack", "off", {"mode": "off", "connected": None})
    from bot.slack.edge import SlackEdge

    return SlackEdge(settings, deps)


SLACK_PLUG = EdgePlug(
    name="slack",
    needs="SLACK_BOT_TOKEN (Slack)",
    enabled=lambda settings: settings.slack_enabled,
    check=_check,
    build=_build,
)

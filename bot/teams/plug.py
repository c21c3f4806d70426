"""How the CLI plugs in the Teams edge (the Agents SDK is imported only when Teams is on)."""

from __future__ import annotations

import structlog

from bot.config import Settings
from bot.deps import Deps
from bot.edge import Edge, EdgePlug, OffEdge

__all__ = ["TEAMS_PLUG"]

log = structlog.get_logger(__name__)


def _check(settings: Settings) -> None:
    """Nothing to check before start: :func:`bot.teams.edge.create_teams_edge` checks the rest."""


def _build(settings: Settings, deps: Deps) -> Edge:
    """The Teams edge; when Teams is off, an off edge (and a warning if ``TEAMS_CHANNEL`` is set)."""
    if not settings.teams_enabled:
        if settings.teams_channel:
            log.warning(
                "weekly_destination_ignored",
                destination=f"teams:{settings.teams_channel}",
                reason="TEAMS_CHANNEL is set but TEAMS_CLIENT_ID / TEAMS_CLIENT_SECRET / TEAMS_TENANT_ID are not",
            )
        return OffEdge("teams", False, {"enabled": False})
    from bot.teams.edge import create_teams_edge

    return create_teams_edge(settings, deps)


TEAMS_PLUG = EdgePlug(
    name="teams",
    needs="TEAMS_CLIENT_ID, TEAMS_CLIENT_SECRET and TEAMS_TENANT_ID (Teams)",
    enabled=lambda settings: settings.teams_enabled,
    check=_check,
    build=_build,
)

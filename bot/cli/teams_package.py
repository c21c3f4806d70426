"""``overage-bot teams-package``: the Teams app package to upload."""

from __future__ import annotations

from pathlib import Path

from bot.config import Settings

__all__ = ["teams_package"]


def teams_package(settings: Settings, *, out: str | Path) -> int:
    """Write the Teams app package (manifest with the client id and PUBLIC_URL's domain, icons).

    Args:
        settings: the configuration (``TEAMS_CLIENT_ID``, ``PUBLIC_URL``).
        out: the zip file to write, or a folder (existing, or ending with a path separator) to write
            ``overage-bot-teams.zip`` in.

    Returns:
        The exit code.

    Raises:
        ConfigError: ``TEAMS_CLIENT_ID`` is missing or not a GUID, ``PUBLIC_URL`` is missing or not https.
    """
    from bot.teams.package import build_teams_package

    path = build_teams_package(settings, out).resolve()
    print(f"Wrote {path}: upload it in Teams (Apps → Manage your apps → Upload an app).")
    return 0

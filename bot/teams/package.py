"""``overage-bot teams-package``: the Teams app package (zip) to upload in Teams.

The zip holds ``manifest.json``, ``color.png`` (192×192) and ``outline.png`` (32×32) at its root,
taken from the package's ``bot/teams/app_package/`` folder with the placeholders filled in: the bot id
(``TEAMS_CLIENT_ID``, which must be a GUID), the domain of ``PUBLIC_URL`` and a stable app id derived
from the client id. ``--out`` may name a folder (an existing one, or any path ending with a separator):
the zip is then written inside it as ``overage-bot-teams.zip``.
"""

from __future__ import annotations

import json
import os
import re
import uuid
import zipfile
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bot.config import ConfigError, Settings

__all__ = [
    "PACKAGE_FILE_NAME",
    "TEAMS_APP_DIR",
    "app_id_for",
    "build_manifest",
    "build_teams_package",
    "package_path",
]

TEAMS_APP_DIR = Path(__file__).resolve().parent / "app_package"
"""The manifest template and icons, shipped inside the package (so an installed wheel can build it)."""
"""The manifest template and icons."""

_APP_NAMESPACE = uuid.UUID("6f0a8c1e-2f55-4c1b-9a57-0d7c1e0b5a61")
_ICONS = ("color.png", "outline.png")
_GUID = re.compile(r"[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}")

PACKAGE_FILE_NAME = "overage-bot-teams.zip"
"""The zip's name when ``--out`` is a folder (and the default)."""


def package_path(out: str | Path) -> Path:
    """Where the zip goes: ``out`` itself, or ``out/overage-bot-teams.zip`` when ``out`` is a folder.

    Args:
        out: the ``--out`` value as typed; a folder is an existing directory or a path ending with
            a path separator (``outdir/``).

    Returns:
        The zip file's path.
    """
    text = str(out)
    separators = tuple(sep for sep in (os.sep, os.altsep) if sep)
    path = Path(text)
    if text.endswith(separators) or path.is_dir():
        return path / PACKAGE_FILE_NAME
    return path


def app_id_for(client_id: str) -> str:
    """The Teams app id: a UUID derived from the client id, stable across builds."""
    return str(uuid.uuid5(_APP_NAMESPACE, client_id.strip().lower()))


def _client_id(settings: Settings) -> str:
    client_id = (settings.teams_client_id or "").strip()
    if not client_id:
        raise ConfigError("TEAMS_CLIENT_ID: not set; the package needs the Azure Bot's Microsoft App ID")
    if not _GUID.fullmatch(client_id):
        raise ConfigError(
            f"TEAMS_CLIENT_ID: {client_id!r} is not a GUID; it must be the Azure Bot's Microsoft App ID, "
            "a GUID like 1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d (Azure portal → your Azure Bot → Configuration)"
        )
    return client_id


def _domain(settings: Settings) -> str:
    if not settings.public_url:
        raise ConfigError(
            "PUBLIC_URL: not set; the package needs the bot's public https address, e.g. https://overage.example.com"
        )
    parts = urlsplit(settings.public_url)
    if parts.scheme != "https" or not parts.hostname:
        raise ConfigError(
            "PUBLIC_URL: Teams needs an https address with a host name, e.g. https://overage.example.com"
        )
    return parts.hostname


def _fill(value: Any, mapping: dict[str, str]) -> Any:
    if isinstance(value, str):
        for placeholder, text in mapping.items():
            value = value.replace(placeholder, text)
        return value
    if isinstance(value, list):
        return [_fill(item, mapping) for item in value]
    if isinstance(value, dict):
        return {key: _fill(item, mapping) for key, item in value.items()}
    return value


def build_manifest(settings: Settings, *, template: Path | None = None) -> dict[str, Any]:
    """The manifest with the placeholders filled in.

    Args:
        settings: ``TEAMS_CLIENT_ID`` and ``PUBLIC_URL`` are used.
        template: the manifest template (default ``bot/teams/app_package/manifest.json``).

    Returns:
        The manifest.

    Raises:
        ConfigError: ``TEAMS_CLIENT_ID`` is missing or not a GUID, ``PUBLIC_URL`` is missing or not https.
    """
    problems: list[str] = []
    client_id = domain = ""
    try:
        client_id = _client_id(settings)
    except ConfigError as exc:
        problems.append(str(exc))
    try:
        domain = _domain(settings)
    except ConfigError as exc:
        problems.append(str(exc))
    if problems:  # every missing or wrong variable at once, not one per attempt
        raise ConfigError("; ".join(problems))
    source = template or TEAMS_APP_DIR / "manifest.json"
    manifest = json.loads(source.read_text(encoding="utf-8"))
    filled: dict[str, Any] = _fill(
        manifest, {"{{APP_ID}}": app_id_for(client_id), "{{BOT_ID}}": client_id, "{{DOMAIN}}": domain}
    )
    return filled


def build_teams_package(settings: Settings, out: str | Path) -> Path:
    """Write the Teams app package.

    Args:
        settings: the configuration (``TEAMS_CLIENT_ID``, ``PUBLIC_URL``).
        out: the zip file to write, or a folder to write ``overage-bot-teams.zip`` in (see
            :func:`package_path`); missing folders are created.

    Returns:
        The path written.

    Raises:
        ConfigError: ``TEAMS_CLIENT_ID`` is missing or not a GUID, ``PUBLIC_URL`` is missing or not https.
    """
    manifest = build_manifest(settings)
    path = package_path(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.json", json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
        for icon in _ICONS:
            archive.write(TEAMS_APP_DIR / icon, arcname=icon)
    return path

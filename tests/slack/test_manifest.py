"""The Slack app manifest asks for exactly what the bot uses."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

MANIFEST = Path(__file__).resolve().parents[2] / "manifest.yml"


def _manifest() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    return data


def test_names_the_app_and_its_bot_user() -> None:
    """The app is "Overage Bot" with a description, and its bot user is overage-bot."""
    manifest = _manifest()
    assert manifest["display_information"]["name"] == "Overage Bot"
    assert manifest["display_information"]["description"]
    assert manifest["features"]["bot_user"]["display_name"] == "overage-bot"


def test_declares_the_overage_command_with_usage() -> None:
    """/overage is the only slash command, with its usage hint and a description."""
    [command] = _manifest()["features"]["slash_commands"]
    assert command["command"] == "/overage"
    assert command["usage_hint"] == "[help | top 25 | find <text> | reopen <text>]"
    assert command["description"]


def test_asks_for_exactly_the_scopes_used() -> None:
    """Bot scopes are exactly commands, chat:write and files:write."""
    assert sorted(_manifest()["oauth_config"]["scopes"]["bot"]) == ["chat:write", "commands", "files:write"]


def test_settings_for_socket_mode_with_buttons() -> None:
    """Interactivity is on, Socket Mode on, no org-wide deploy and no token rotation."""
    settings = _manifest()["settings"]
    assert settings["interactivity"]["is_enabled"] is True
    assert settings["socket_mode_enabled"] is True
    assert settings["org_deploy_enabled"] is False
    assert settings["token_rotation_enabled"] is False


def test_documents_the_http_mode_request_urls() -> None:
    """Comments show where HTTP mode sends the command and the button clicks."""
    text = MANIFEST.read_text(encoding="utf-8")
    assert "# url: https://<your host>/slack/events" in text
    assert "# request_url: https://<your host>/slack/events" in text

"""`overage-bot teams-package`: the zip Teams admins upload."""

from __future__ import annotations

import json
import struct
import zipfile
from pathlib import Path

import pytest

from bot.config import ConfigError, load_settings
from bot.teams.package import TEAMS_APP_DIR, app_id_for, build_teams_package

CLIENT_ID = "11111111-2222-3333-4444-555555555555"
SETTINGS = {
    "teams_client_id": CLIENT_ID,
    "teams_client_secret": "not-a-real-secret-value",
    "teams_tenant_id": "72f988bf-86f1-41af-91ab-2d7cd011db47",
    "public_url": "https://overage.example.com/",
}


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


class TestPackage:
    """The zip holds the filled-in manifest and both icons at its root."""

    def test_zip_contents(self, tmp_path: Path) -> None:
        """manifest.json, color.png (192×192) and outline.png (32×32), all at the root."""
        out = build_teams_package(load_settings(**SETTINGS), tmp_path / "pkg" / "app.zip")
        with zipfile.ZipFile(out) as archive:
            assert sorted(archive.namelist()) == ["color.png", "manifest.json", "outline.png"]
            assert _png_size(archive.read("color.png")) == (192, 192)
            assert _png_size(archive.read("outline.png")) == (32, 32)
            manifest = json.loads(archive.read("manifest.json"))
        assert manifest["manifestVersion"] == "1.25"
        assert manifest["$schema"].endswith("/v1.25/MicrosoftTeams.schema.json")
        [bot] = manifest["bots"]
        assert bot["botId"] == CLIENT_ID
        assert sorted(bot["scopes"]) == ["groupChat", "personal", "team"]
        assert bot["supportsFiles"] is False
        titles = [c["title"] for c in bot["commandLists"][0]["commands"]]
        assert titles == ["overage", "overage top 25", "overage find", "overage help"]
        assert "overage.example.com" in manifest["validDomains"]
        assert manifest["id"] == app_id_for(CLIENT_ID)
        assert "{{" not in json.dumps(manifest)

    def test_app_id_is_stable_and_a_uuid(self) -> None:
        """The app id is derived from the client id: the same every build, different per client."""
        assert app_id_for(CLIENT_ID) == app_id_for(CLIENT_ID.upper())
        assert app_id_for(CLIENT_ID) != app_id_for("another-client")
        assert len(app_id_for(CLIENT_ID)) == 36

    def test_outline_icon_is_white_on_transparent(self) -> None:
        """The outline icon is RGBA (colour type 6), as Teams requires a transparent background."""
        data = (TEAMS_APP_DIR / "outline.png").read_bytes()
        assert data[25] == 6

    @pytest.mark.parametrize(
        ("missing", "variable"),
        [
            (
                {"teams_client_id": None, "teams_client_secret": None, "teams_tenant_id": None},
                "TEAMS_CLIENT_ID",
            ),
            ({"public_url": None}, "PUBLIC_URL"),
            ({"public_url": "http://overage.example.com"}, "PUBLIC_URL"),
        ],
    )
    def test_refuses_without_client_id_or_https_public_url(
        self, tmp_path: Path, missing: dict[str, str | None], variable: str
    ) -> None:
        """A missing TEAMS_CLIENT_ID or PUBLIC_URL (or a plain-http one) is refused, naming the variable."""
        with pytest.raises(ConfigError, match=variable):
            build_teams_package(load_settings(**{**SETTINGS, **missing}), tmp_path / "app.zip")
        assert not (tmp_path / "app.zip").exists()

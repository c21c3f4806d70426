"""`overage-bot teams-package`: the zip Teams admins upload."""

from __future__ import annotations

import json
import struct
import zipfile
from pathlib import Path

import pytest

from bot.cli import main
from bot.config import ConfigError, load_settings
from bot.teams.package import PACKAGE_FILE_NAME, TEAMS_APP_DIR, app_id_for, build_teams_package

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

    def test_client_id_that_is_not_a_guid_is_refused(self, tmp_path: Path) -> None:
        """TEAMS_CLIENT_ID=not-a-guid: a ConfigError naming TEAMS_CLIENT_ID and the GUID it must be; no zip."""
        with pytest.raises(ConfigError, match="TEAMS_CLIENT_ID") as refused:
            build_teams_package(
                load_settings(**{**SETTINGS, "teams_client_id": "not-a-guid"}), tmp_path / "a.zip"
            )
        assert "Microsoft App ID" in str(refused.value)
        assert "GUID like 1a2b3c4d-" in str(refused.value)
        assert not (tmp_path / "a.zip").exists()


PACKAGE_ENV = {
    "TEAMS_CLIENT_ID": CLIENT_ID,
    "TEAMS_CLIENT_SECRET": "not-a-real-secret-value",
    "TEAMS_TENANT_ID": "72f988bf-86f1-41af-91ab-2d7cd011db47",
    "PUBLIC_URL": "https://overage.example.com",
}


def _run_cli(monkeypatch: pytest.MonkeyPatch, *args: str, **env: str) -> int:
    """`overage-bot teams-package ARGS` in this process with the given environment."""
    for name, value in {**PACKAGE_ENV, **env}.items():
        monkeypatch.setenv(name, value)
    return main(["teams-package", *args])


class TestCommand:
    """`overage-bot teams-package --out …` as typed."""

    def test_out_ending_with_a_separator_is_a_folder(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """`--out outdir/` writes outdir/overage-bot-teams.zip (not a file named outdir) and prints its full path."""
        assert _run_cli(monkeypatch, "--out", "outdir/") == 0
        written = tmp_path / "outdir" / PACKAGE_FILE_NAME
        assert zipfile.is_zipfile(written)
        assert f"Wrote {written.resolve()}:" in capsys.readouterr().out

    def test_out_naming_an_existing_folder(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """`--out dist` with dist/ already there writes dist/overage-bot-teams.zip."""
        (tmp_path / "dist").mkdir()
        assert _run_cli(monkeypatch, "--out", "dist") == 0
        written = tmp_path / "dist" / PACKAGE_FILE_NAME
        assert zipfile.is_zipfile(written)
        assert f"Wrote {written.resolve()}:" in capsys.readouterr().out

    def test_out_naming_a_file_and_the_default(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """`--out pkg/app.zip` writes that file; without --out the zip lands in the working folder."""
        assert _run_cli(monkeypatch, "--out", "pkg/app.zip") == 0
        assert zipfile.is_zipfile(tmp_path / "pkg" / "app.zip")
        assert _run_cli(monkeypatch) == 0
        assert zipfile.is_zipfile(tmp_path / PACKAGE_FILE_NAME)
        out = capsys.readouterr().out
        assert f"Wrote {(tmp_path / PACKAGE_FILE_NAME).resolve()}:" in out

    def test_client_id_not_a_guid_exits_2_naming_the_variable(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """TEAMS_CLIENT_ID=not-a-guid: exit 2, one line naming TEAMS_CLIENT_ID, nothing written."""
        assert _run_cli(monkeypatch, TEAMS_CLIENT_ID="not-a-guid") == 2
        captured = capsys.readouterr()
        [line] = captured.err.splitlines()
        assert line.startswith("overage-bot: TEAMS_CLIENT_ID: ")
        assert "GUID" in line
        assert captured.out == ""
        assert list(tmp_path.iterdir()) == []

    def test_every_missing_variable_is_named_at_once(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """Neither TEAMS_CLIENT_ID nor PUBLIC_URL set: one line naming both, exit 2, nothing written."""
        for name in PACKAGE_ENV:
            monkeypatch.delenv(name, raising=False)
        assert main(["teams-package"]) == 2
        [line] = capsys.readouterr().err.splitlines()
        assert "TEAMS_CLIENT_ID: not set" in line
        assert "PUBLIC_URL: not set" in line
        assert list(tmp_path.iterdir()) == []

    def test_out_has_help(self, capsys: pytest.CaptureFixture[str]) -> None:
        """`teams-package --help` explains --out, folders included."""
        with pytest.raises(SystemExit):
            main(["teams-package", "--help"])
        help_text = " ".join(capsys.readouterr().out.split())
        assert "--out OUT the zip to write, or a folder" in help_text

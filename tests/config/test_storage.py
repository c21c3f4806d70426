"""Where the state lives: OVERAGE_DATA_DIR, the platform's user data folder, never the current folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main
from bot.config import load_settings
from bot.config.storage import default_data_dir


def test_default_database_is_in_the_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """OVERAGE_DATA_DIR holds overage-bot.db; without it, the platform's user data folder (absolute)."""
    monkeypatch.setenv("OVERAGE_DATA_DIR", str(tmp_path / "state"))
    settings = load_settings()
    assert settings.overage_db_url == f"sqlite+aiosqlite:///{tmp_path / 'state' / 'overage-bot.db'}"
    assert settings.uses_default_db
    monkeypatch.delenv("OVERAGE_DATA_DIR")
    settings = load_settings()
    assert settings.data_dir == default_data_dir()
    assert settings.data_dir.is_absolute()
    assert str(settings.data_dir).endswith("overage-bot")


def test_an_explicit_url_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    """OVERAGE_DB_URL is used as given."""
    monkeypatch.setenv("OVERAGE_DB_URL", "postgresql+asyncpg://u@db/overage")
    settings = load_settings()
    assert settings.overage_db_url == "postgresql+asyncpg://u@db/overage"
    assert not settings.uses_default_db


def test_check_names_the_database_and_creates_none(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`check` from another folder reports the missing file by its absolute path and creates nothing."""
    data = tmp_path / "state"
    monkeypatch.setenv("OVERAGE_DATA_DIR", str(data))
    monkeypatch.setenv("KEEPNET_CLIENT_ID", "id")
    monkeypatch.setenv("KEEPNET_CLIENT_SECRET", "secret-123")
    monkeypatch.setenv("KEEPNET_BASE_URL", "http://127.0.0.1:9")  # unreachable: a failed line, fine here
    monkeypatch.setenv("KEEPNET_MAX_TRIES", "1")
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-1")
    monkeypatch.setenv("SLACK_API_URL", "http://127.0.0.1:9/api/")
    main(["check", "--for", "post"])
    out = capsys.readouterr().out
    assert f"no database yet at {data / 'overage-bot.db'}" in out
    assert "created by the first `run`/`post`" in out
    assert not data.exists()


def test_db_upgrade_creates_the_data_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The first command that writes (here `db upgrade`) creates the data folder and the file in it."""
    data = tmp_path / "state" / "nested"
    monkeypatch.setenv("OVERAGE_DATA_DIR", str(data))
    assert main(["db", "upgrade"]) == 0
    assert (data / "overage-bot.db").is_file()


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    """`overage-bot --version` prints the installed version."""
    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0
    assert capsys.readouterr().out.startswith("overage-bot 0.")

"""Settings: defaults, normalisation and errors that name the variable."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import ConfigError, load_settings


class TestKeepnetBaseUrl:
    """KEEPNET_BASE_URL is the host root; paths are added by the client."""

    @pytest.mark.parametrize(
        ("given", "expected"),
        [
            ("https://api.keepnetlabs.com", "https://api.keepnetlabs.com"),
            ("https://api.keepnetlabs.com/", "https://api.keepnetlabs.com"),
            ("https://api.keepnetlabs.com/api", "https://api.keepnetlabs.com"),
            ("https://api.keepnetlabs.com/api/", "https://api.keepnetlabs.com"),
            ("https://keepnet.example.com/API", "https://keepnet.example.com"),
        ],
    )
    def test_trailing_slash_and_api_are_stripped(
        self, monkeypatch: pytest.MonkeyPatch, given: str, expected: str
    ) -> None:
        """A trailing / or /api is removed so /connect/token and /api/... resolve correctly."""
        monkeypatch.setenv("KEEPNET_BASE_URL", given)
        assert load_settings().keepnet_base_url == expected

    def test_default_is_production(self) -> None:
        """Without the variable the production API host is used."""
        assert load_settings().keepnet_base_url == "https://api.keepnetlabs.com"

    def test_not_a_url_names_the_variable(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """A value that is not an http(s) URL is refused with the variable's name."""
        monkeypatch.setenv("KEEPNET_BASE_URL", "api.keepnetlabs.com")
        with pytest.raises(ConfigError, match="KEEPNET_BASE_URL"):
            load_settings()


class TestValues:
    """Typed values, defaults and pairs."""

    def test_defaults(self) -> None:
        """The documented defaults apply."""
        settings = load_settings()
        assert (settings.keepnet_page_size, settings.keepnet_concurrency, settings.keepnet_timeout_s) == (
            500,
            4,
            30.0,
        )
        assert settings.overage_top_n == 10
        assert settings.overage_schedule == "0 9 * * MON"
        assert settings.overage_timezone == "UTC"
        assert settings.uses_sandbox
        assert (settings.host, settings.port) == ("0.0.0.0", 3000)
        assert settings.slack_api_url == "https://slack.com/api/"
        assert settings.overage_cache_s == 60.0
        assert settings.overage_currency == "USD"

    def test_invalid_number_names_the_variable(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """A page size that is not a number is refused, naming KEEPNET_PAGE_SIZE."""
        monkeypatch.setenv("KEEPNET_PAGE_SIZE", "lots")
        with pytest.raises(ConfigError, match="KEEPNET_PAGE_SIZE"):
            load_settings()

    def test_secret_is_hidden_in_repr(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """The client secret never shows in the settings' text form."""
        monkeypatch.setenv("KEEPNET_CLIENT_ID", "id-123")
        monkeypatch.setenv("KEEPNET_CLIENT_SECRET", "very-secret-value")
        settings = load_settings()
        assert "very-secret-value" not in repr(settings)
        assert settings.keepnet_client_secret is not None
        assert settings.keepnet_client_secret.get_secret_value() == "very-secret-value"

    def test_id_without_secret_is_refused(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """Setting only the client id says the secret is missing."""
        monkeypatch.setenv("KEEPNET_CLIENT_ID", "id-123")
        with pytest.raises(ConfigError, match="KEEPNET_CLIENT_SECRET"):
            load_settings()

    def test_allow_lists_are_split(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """Comma-separated allow lists become tuples of ids, blanks dropped."""
        monkeypatch.setenv("OVERAGE_ALLOWED_USERS", "U1, U2,,")
        assert load_settings().overage_allowed_users == ("U1", "U2")

    def test_dotenv_file_is_read(self, tmp_path: Path) -> None:
        """An optional .env in the working directory supplies values."""
        (tmp_path / ".env").write_text("OVERAGE_TOP_N=25\n", encoding="utf-8")
        assert load_settings().overage_top_n == 25

    def test_bad_time_zone(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """An unknown time zone is refused at start with the variable's name."""
        monkeypatch.setenv("OVERAGE_TIMEZONE", "Mars/Olympus")
        with pytest.raises(ConfigError, match=r"OVERAGE_TIMEZONE.*Mars/Olympus"):
            load_settings()

    def test_bad_cron(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """A bad cron expression is refused at start with the variable's name."""
        monkeypatch.setenv("OVERAGE_SCHEDULE", "every monday")
        with pytest.raises(ConfigError, match="OVERAGE_SCHEDULE"):
            load_settings()

    def test_short_link_secret(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """EXPORT_LINK_SECRET shorter than 32 bytes is refused."""
        monkeypatch.setenv("EXPORT_LINK_SECRET", "short")
        with pytest.raises(ConfigError, match=r"EXPORT_LINK_SECRET.*32 bytes"):
            load_settings()

    def test_anonymous_teams_needs_loopback(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """TEAMS_ALLOW_ANONYMOUS is refused unless HOST is a loopback address."""
        monkeypatch.setenv("TEAMS_ALLOW_ANONYMOUS", "true")
        with pytest.raises(ConfigError, match=r"HOST=127\.0\.0\.1"):
            load_settings()
        monkeypatch.setenv("HOST", "127.0.0.1")
        assert load_settings().teams_enabled


def test_cli_config_error_exits_2_without_traceback(tmp_path: Path) -> None:
    """The CLI prints one line naming the variable and exits with code 2."""
    result = subprocess.run(
        [sys.executable, "-m", "bot", "preview", "--out", str(tmp_path / "out")],
        env={"KEEPNET_PAGE_SIZE": "-3", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=tmp_path,
    )
    assert result.returncode == 2
    assert "KEEPNET_PAGE_SIZE" in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_config_error_is_an_actionable_error_with_message_and_fix() -> None:
    """ConfigError carries message and remediation like every typed error; str() stays the one line."""
    from bot.config import ConfigError
    from bot.errors import ActionableError

    whole = ConfigError("PORT: cannot listen on 0.0.0.0:8080; set PORT to a free address")
    assert isinstance(whole, ActionableError)
    assert str(whole) == whole.message == "PORT: cannot listen on 0.0.0.0:8080; set PORT to a free address"
    assert "README" in whole.remediation
    split = ConfigError(
        "TZ: unknown time zone 'Mars/Base'.", remediation="Use an IANA name, e.g. Europe/Berlin."
    )
    assert str(split) == "TZ: unknown time zone 'Mars/Base'. Use an IANA name, e.g. Europe/Berlin."
    assert split.remediation == "Use an IANA name, e.g. Europe/Berlin."

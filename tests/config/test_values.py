"""Settings that must be refused at start with one line naming the variable."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import ConfigError, load_settings


@pytest.mark.parametrize(
    ("name", "value", "fragment"),
    [
        ("KEEPNET_BASE_URL", "http://127.0.0.1:99999", "not a valid URL"),
        ("KEEPNET_BASE_URL", "http://[::1", "not a valid URL"),
        ("KEEPNET_BASE_URL", "https://", "with a host"),
        ("SLACK_API_URL", "slack.com/api", "http:// or https://"),
        ("PUBLIC_URL", "ftp://bot.example.com", "http:// or https://"),
        ("CA_BUNDLE", "/no/such/ca.pem", "cannot be read as a PEM file"),
        ("SLACK_BOT_TOKEN", "xoxp-123-user-token", "starts with xoxb-"),
        ("SLACK_BOT_TOKEN", "xapp-1-A0-1-app", "OAuth & Permissions → Bot User OAuth Token"),
        ("SLACK_APP_TOKEN", "xoxb-1-2-bot", "starts with xapp-"),
        ("SLACK_APP_TOKEN", "xoxb-1-2-bot", "Basic Information → App-Level Tokens"),
        ("LOG_FORMAT", "xml", "LOG_FORMAT"),
        ("OVERAGE_CHANNEL", "#billing", "not a Slack channel id"),
        ("TEAMS_CHANNEL", "General", "not a Teams channel id"),
        ("OVERAGE_ALLOWED_USERS", "U0ALICE,@bob", "'@bob' is a name, not an id"),
        ("OVERAGE_ALLOWED_CHANNELS", "#billing", "'#billing' is a name, not an id"),
        ("OVERAGE_SCHEDULE", "0 9 31 2 *", "never fires"),
    ],
)
def test_bad_values_name_the_variable(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, fragment: str
) -> None:
    """Each bad value gives a ConfigError that names the variable and says what is wrong."""
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError) as caught:
        load_settings()
    assert name in str(caught.value)
    assert fragment in str(caught.value)


def test_ca_bundle_that_is_not_pem(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A CA bundle file with no certificate in it is refused."""
    bundle = tmp_path / "ca.pem"
    bundle.write_text("not a certificate\n", encoding="utf-8")
    monkeypatch.setenv("KEEPNET_CA_BUNDLE", str(bundle))
    with pytest.raises(ConfigError, match="CA_BUNDLE"):
        load_settings()


def test_keepnet_ca_bundle_is_an_alias_of_ca_bundle(monkeypatch: pytest.MonkeyPatch) -> None:
    """KEEPNET_CA_BUNDLE (the earlier name) sets the general CA_BUNDLE every client uses."""
    bundle = "/etc/ssl/certs/ca-certificates.crt"
    monkeypatch.setenv("KEEPNET_CA_BUNDLE", bundle)
    assert str(load_settings().ca_bundle) == bundle
    monkeypatch.delenv("KEEPNET_CA_BUNDLE")
    monkeypatch.setenv("CA_BUNDLE", bundle)
    assert str(load_settings().ca_bundle) == bundle


def test_wrong_token_error_shows_only_the_prefix(monkeypatch: pytest.MonkeyPatch) -> None:
    """The message tells the kind of token given (xoxp-) and never echoes the secret."""
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxp-1234-secretpart")
    with pytest.raises(ConfigError) as caught:
        load_settings()
    assert "'xoxp-'" in str(caught.value)
    assert "secretpart" not in str(caught.value)


def test_log_level_is_case_insensitive(monkeypatch: pytest.MonkeyPatch) -> None:
    """LOG_LEVEL=debug and LOG_FORMAT=JSON are accepted."""
    monkeypatch.setenv("LOG_LEVEL", "debug")
    monkeypatch.setenv("LOG_FORMAT", "JSON")
    settings = load_settings()
    assert (settings.log_level, settings.log_format) == ("DEBUG", "json")


def test_dotenv_that_is_not_utf8(tmp_path: Path) -> None:
    """A .env file in another encoding is named in one clear line."""
    (tmp_path / ".env").write_bytes(b"OVERAGE_TOP_N=\xff\xfe\n")
    with pytest.raises(ConfigError, match=r"\.env: the file is not UTF-8"):
        load_settings()


def test_copy_paste_whitespace_is_trimmed(monkeypatch: pytest.MonkeyPatch) -> None:
    """Secrets and ids pasted with a trailing space or newline work as intended."""
    monkeypatch.setenv("KEEPNET_CLIENT_ID", " id-123\n")
    monkeypatch.setenv("KEEPNET_CLIENT_SECRET", "secret-value \n")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "sekrit123 ")
    monkeypatch.setenv("OVERAGE_CHANNEL", " C0123456789 ")
    settings = load_settings()
    assert settings.keepnet_client_id == "id-123"
    assert settings.keepnet_client_secret is not None
    assert settings.keepnet_client_secret.get_secret_value() == "secret-value"
    assert settings.slack_signing_secret is not None
    assert settings.slack_signing_secret.get_secret_value() == "sekrit123"
    assert settings.overage_channel == "C0123456789"

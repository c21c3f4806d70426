"""Slack's credentials and API address, with the checks that catch a token of the wrong kind."""

from __future__ import annotations

from pydantic import SecretStr, field_validator
from pydantic_settings import BaseSettings

from bot.config.checks import check_http_url

__all__ = ["SlackSettings"]


class SlackSettings(BaseSettings):
    """``SLACK_BOT_TOKEN`` (xoxb-…), ``SLACK_APP_TOKEN`` (xapp-…), ``SLACK_SIGNING_SECRET``, ``SLACK_API_URL``."""

    slack_bot_token: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_api_url: str = "https://slack.com/api/"

    @field_validator("slack_bot_token")
    @classmethod
    def _bot_token(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not value.get_secret_value().startswith("xoxb-"):
            raise ValueError(
                f"must be the app's Bot User OAuth Token, which starts with xoxb- (this one starts with "
                f"{_kind(value)}): copy it from api.slack.com/apps → your app → OAuth & Permissions → "
                "Bot User OAuth Token"
            )
        return value

    @field_validator("slack_app_token")
    @classmethod
    def _app_token(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not value.get_secret_value().startswith("xapp-"):
            raise ValueError(
                f"must be an app-level token for Socket Mode, which starts with xapp- (this one starts "
                f"with {_kind(value)}): copy it from api.slack.com/apps → your app → Basic Information → "
                "App-Level Tokens (scope connections:write), or unset it to use HTTP mode"
            )
        return value

    @field_validator("slack_api_url")
    @classmethod
    def _slack_api_url(cls, value: str) -> str:
        url = value.strip()
        check_http_url(url, example="https://slack.com/api/")
        return url if url.endswith("/") else url + "/"


def _kind(token: SecretStr) -> str:
    """The token's prefix up to its first dash (``xoxp-``), never more of the secret."""
    head, dash, _ = token.get_secret_value().partition("-")
    return repr(head[:5] + dash) if dash and len(head) <= 5 else "something else"

"""Settings: the only reader of the environment.

Every value comes from an environment variable (or an optional ``.env`` file in the working
directory). :func:`load_settings` turns a missing or invalid value into :class:`ConfigError`, whose
message names the variable; the CLI prints it and exits with code 2, without a traceback.
"""

from __future__ import annotations

from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.config.billing import BillingSettings
from bot.config.checks import SLACK_CHANNEL_ID, check_http_url, is_loopback, split_ids, split_secrets
from bot.config.errors import ConfigError
from bot.config.history import HistorySettings
from bot.config.keepnet_limits import KeepnetLimitSettings
from bot.config.network import NetworkSettings
from bot.config.observability import ObservabilitySettings
from bot.config.pricing import PricingSettings
from bot.config.slack import SlackSettings
from bot.config.storage import StorageSettings

__all__ = ["DEFAULT_KEEPNET_BASE_URL", "SLACK_CHANNEL_ID", "ConfigError", "Settings", "load_settings"]

DEFAULT_KEEPNET_BASE_URL = "https://api.keepnetlabs.com"


class Settings(
    SlackSettings,
    NetworkSettings,
    BillingSettings,
    PricingSettings,
    HistorySettings,
    KeepnetLimitSettings,
    StorageSettings,
    ObservabilitySettings,
    BaseSettings,
):
    """All configuration of overage-bot, read from environment variables."""

    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        case_sensitive=False,
        frozen=True,
        env_ignore_empty=True,  # `NAME=` (as in .env.example) means "not set"
    )

    # --- Keepnet -----------------------------------------------------------------------------
    keepnet_base_url: str = DEFAULT_KEEPNET_BASE_URL
    keepnet_client_id: str | None = None
    keepnet_client_secret: SecretStr | None = None
    keepnet_page_size: int = Field(default=500, ge=1, le=1000)
    keepnet_concurrency: int = Field(default=4, ge=1, le=32)
    keepnet_timeout_s: float = Field(default=30.0, gt=0, le=600)
    keepnet_max_tries: int = Field(default=4, ge=1, le=10)

    # --- logging -----------------------------------------------------------------------------
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_format: Literal["json", "console"] | None = None

    # --- Slack -------------------------------------------------------------------------------
    # SLACK_BOT_TOKEN, SLACK_APP_TOKEN, SLACK_SIGNING_SECRET, SLACK_API_URL: bot/config/slack.py;
    # HTTPS_PROXY, NO_PROXY, CA_BUNDLE: bot/config/network.py
    host: str = "0.0.0.0"
    port: int = Field(default=3000, ge=0, le=65535)

    # --- report ------------------------------------------------------------------------------
    overage_top_n: int = Field(default=10, ge=1, le=50)
    overage_allowed_users: Annotated[tuple[str, ...], NoDecode] = ()
    overage_allowed_channels: Annotated[tuple[str, ...], NoDecode] = ()
    overage_cache_s: float = Field(default=60.0, ge=0)

    # --- weekly post -------------------------------------------------------------------------
    overage_channel: str | None = None
    overage_schedule: str = "0 9 * * MON"
    overage_timezone: str = "UTC"
    overage_misfire_grace_h: float = Field(default=12.0, gt=0, le=24 * 6)

    # --- Teams -------------------------------------------------------------------------------
    teams_client_id: str | None = None
    teams_client_secret: SecretStr | None = None
    teams_tenant_id: str | None = None
    teams_channel: str | None = None
    teams_allow_anonymous: bool = False
    public_url: str | None = None
    export_link_secret: SecretStr | None = None

    @field_validator("keepnet_base_url")
    @classmethod
    def _strip_base_url(cls, value: str) -> str:
        url = value.strip().rstrip("/")
        if url.lower().endswith("/api"):
            url = url[: -len("/api")].rstrip("/")
        check_http_url(url, example="https://api.keepnetlabs.com")
        return url

    @field_validator("log_level", mode="before")
    @classmethod
    def _log_level(cls, value: object) -> object:
        return value.strip().upper() if isinstance(value, str) else value

    @field_validator("log_format", mode="before")
    @classmethod
    def _log_format(cls, value: object) -> object:
        if isinstance(value, str):
            return value.strip().lower() or None
        return value

    @field_validator("public_url")
    @classmethod
    def _public_url(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        url = value.strip().rstrip("/")
        check_http_url(url, example="https://overage-bot.example.com")
        return url

    @model_validator(mode="before")
    @classmethod
    def _strip_values(cls, data: object) -> object:
        """Drop the stray spaces and newlines that copy-paste leaves around tokens and ids."""
        if isinstance(data, dict):
            return {key: value.strip() if isinstance(value, str) else value for key, value in data.items()}
        return data

    @field_validator("overage_allowed_users", "overage_allowed_channels", mode="before")
    @classmethod
    def _ids(cls, value: object) -> object:
        return split_ids(value)

    @field_validator("overage_allowed_users", "overage_allowed_channels")
    @classmethod
    def _not_names(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for item in value:
            if item.startswith(("@", "#")) or any(ch.isspace() for ch in item):
                raise ValueError(
                    f"{item!r} is a name, not an id: use Slack ids (users U…: profile ⋮ → Copy member ID; "
                    "channels C…: bottom of the channel's details) or Teams ids (Azure AD object ids, 19:… "
                    "conversation ids)"
                )
        return value

    @field_validator("overage_channel")
    @classmethod
    def _weekly_channel(cls, value: str | None) -> str | None:
        if value and not SLACK_CHANNEL_ID.match(value):
            raise ValueError(
                f"{value!r} is not a Slack channel id: use the id such as C0123456789 (channel details → "
                "bottom of the About tab), not the #name"
            )
        return value or None

    @field_validator("teams_channel")
    @classmethod
    def _teams_weekly_channel(cls, value: str | None) -> str | None:
        if value and not value.startswith("19:"):
            raise ValueError(
                f"{value!r} is not a Teams channel id: it looks like 19:…@thread.tacv2 "
                "(channel ⋯ → Get link to channel, the part after /channel/, URL-decoded)"
            )
        return value or None

    @field_validator("overage_timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(
                f"unknown time zone {value!r}; use an IANA name such as Europe/Istanbul"
            ) from exc
        return value

    @field_validator("overage_schedule")
    @classmethod
    def _schedule(cls, value: str) -> str:
        # Imported here: schedule.py builds on settings, not the other way round.
        from bot.weekly.trigger import CronError, parse_cron

        try:
            parse_cron(value)
        except CronError as exc:  # the variable's name is added by load_settings
            raise ValueError(str(exc).removeprefix("OVERAGE_SCHEDULE").lstrip(": ")) from exc
        return value

    @field_validator("export_link_secret")
    @classmethod
    def _link_secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None:
            return None
        keys = split_secrets(value.get_secret_value())
        if not keys or any(len(key.encode()) < 32 for key in keys):
            raise ValueError("must be at least 32 bytes; generate one with `openssl rand -hex 32`")
        return value

    @model_validator(mode="after")
    def _pairs(self) -> Settings:
        if bool(self.keepnet_client_id) != bool(self.keepnet_client_secret):
            missing = "KEEPNET_CLIENT_SECRET" if self.keepnet_client_id else "KEEPNET_CLIENT_ID"
            raise ValueError(f"{missing} is missing: set both KEEPNET_CLIENT_ID and KEEPNET_CLIENT_SECRET")
        teams = (self.teams_client_id, self.teams_client_secret, self.teams_tenant_id)
        if any(teams) and not all(teams):
            raise ValueError("set all three of TEAMS_CLIENT_ID, TEAMS_CLIENT_SECRET and TEAMS_TENANT_ID")
        if self.teams_allow_anonymous and not is_loopback(self.host):
            raise ValueError(
                "TEAMS_ALLOW_ANONYMOUS=true is for local testing only: set HOST=127.0.0.1 "
                "(the bot would otherwise answer any serviceUrl an unauthenticated caller names)"
            )
        return self

    # --- derived -----------------------------------------------------------------------------
    @property
    def uses_sandbox(self) -> bool:
        """True when no Keepnet credential is set (``preview`` then runs the built-in sandbox)."""
        return not self.keepnet_client_id

    @property
    def slack_enabled(self) -> bool:
        """True when a Slack bot token is set."""
        return self.slack_bot_token is not None

    @property
    def slack_socket_mode(self) -> bool:
        """True when Slack connects over Socket Mode (an app-level token is set)."""
        return self.slack_enabled and self.slack_app_token is not None

    @property
    def teams_enabled(self) -> bool:
        """True when the Teams edge is on (credentials set, or anonymous local testing)."""
        return bool(self.teams_client_id) or self.teams_allow_anonymous

    @property
    def tz(self) -> ZoneInfo:
        """The reseller's time zone (``OVERAGE_TIMEZONE``)."""
        return ZoneInfo(self.overage_timezone)

    @property
    def misfire_grace_s(self) -> float:
        """``OVERAGE_MISFIRE_GRACE_H`` in seconds."""
        return self.overage_misfire_grace_h * 3600.0


def load_settings(**overrides: object) -> Settings:
    """Read the settings from the environment (and ``.env``), with optional overrides.

    Args:
        **overrides: field values that win over the environment (tests and CLI flags).

    Returns:
        The validated settings.

    Raises:
        ConfigError: a value is missing or invalid; the message names the variable.
    """
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        raise ConfigError(_describe(exc)) from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f".env: the file is not UTF-8 text ({exc.reason}); save it as UTF-8") from None
    except OSError as exc:
        raise ConfigError(f".env: cannot be read ({exc.strerror or exc})") from None


def _describe(exc: ValidationError) -> str:
    lines = []
    for error in exc.errors():
        loc = [str(part) for part in error.get("loc", ()) if str(part)]
        message = str(error.get("msg", "invalid value")).removeprefix("Value error, ")
        if loc:
            lines.append(f"{loc[0].upper()}: {message}")
        else:
            lines.append(message)
    return "invalid configuration: " + "; ".join(lines)

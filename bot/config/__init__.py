"""Configuration from environment variables (and ``.env``).

``settings.py`` holds :class:`Settings`; ``checks.py`` the pure value checks. A new group of
settings goes in a module of its own here, as a ``BaseSettings`` mixin that :class:`Settings`
inherits (fields, validators and their docs together), so each feature's settings have one room.
"""

from bot.config.checks import split_secrets
from bot.config.settings import (
    DEFAULT_KEEPNET_BASE_URL,
    SLACK_CHANNEL_ID,
    ConfigError,
    Settings,
    load_settings,
)

__all__ = [
    "DEFAULT_KEEPNET_BASE_URL",
    "SLACK_CHANNEL_ID",
    "ConfigError",
    "Settings",
    "load_settings",
    "split_secrets",
]

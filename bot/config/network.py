"""Outbound network settings shared by every client: the proxy and the extra trusted CAs.

``HTTPS_PROXY`` / ``NO_PROXY`` and ``CA_BUNDLE`` apply to every outbound call the bot makes —
Keepnet, the Slack Web API and Socket Mode, the Bot Connector, Entra ID token requests (MSAL) and
the Bot Framework signing-key fetch. ``KEEPNET_CA_BUNDLE`` (its earlier, Keepnet-only name) is kept
as an alias of ``CA_BUNDLE``.
"""

from __future__ import annotations

import ssl
from pathlib import Path

from pydantic import AliasChoices, Field, field_validator
from pydantic_settings import BaseSettings

__all__ = ["NetworkSettings"]


class NetworkSettings(BaseSettings):
    """``HTTPS_PROXY``, ``NO_PROXY`` and ``CA_BUNDLE`` (alias ``KEEPNET_CA_BUNDLE``)."""

    https_proxy: str | None = None
    no_proxy: str | None = None
    ca_bundle: Path | None = Field(
        default=None, validation_alias=AliasChoices("ca_bundle", "keepnet_ca_bundle")
    )

    @field_validator("ca_bundle")
    @classmethod
    def _ca_bundle(cls, value: Path | None) -> Path | None:
        if value is None or not str(value).strip():
            return None
        try:
            ssl.create_default_context().load_verify_locations(cafile=str(value))
        except (OSError, ssl.SSLError) as exc:
            raise ValueError(f"{value} cannot be read as a PEM file of CA certificates ({exc})") from None
        return value

    @property
    def keepnet_ca_bundle(self) -> Path | None:
        """The earlier name of :attr:`ca_bundle` (``KEEPNET_CA_BUNDLE`` is an alias of ``CA_BUNDLE``)."""
        return self.ca_bundle

    def ssl_context(self) -> ssl.SSLContext:
        """A TLS context trusting the system store plus ``CA_BUNDLE``'s CAs, for any outbound client."""
        context = ssl.create_default_context()
        if self.ca_bundle is not None:
            context.load_verify_locations(cafile=str(self.ca_bundle))
        return context

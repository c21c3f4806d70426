"""Private, short-lived export links: ``PUBLIC_URL/exports/<token>``.

A token is ``JSON{kind, query, tenant, exp, nonce}`` signed by :mod:`itsdangerous`
(``URLSafeSerializer``: base64url payload, ``.``, HMAC signature) with ``EXPORT_LINK_SECRET``. That
setting may list several secrets, comma-separated: the first signs, every one verifies, so a secret
is rotated by putting the new one first and dropping the old one ten minutes later. A token lives at
most ten minutes and names what to export, never a file: the download fetches a fresh export from
Keepnet. Without a configured secret a random one is used (links then die when the bot restarts).
Tokens are bearer credentials: never log them.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal, cast

import structlog
from itsdangerous import BadData, BadPayload, Serializer
from itsdangerous.encoding import base64_decode, base64_encode

from bot.config import Settings, split_secrets
from bot.keepnet.models import ExportKind

__all__ = ["EXPORT_LINK_TTL", "ExportClaims", "ExportLink", "ExportLinks", "LinkKind"]

EXPORT_LINK_TTL = timedelta(minutes=10)
"""The longest a link may live."""

LinkKind = ExportKind | Literal["Statement"]
"""What a link downloads: a Keepnet export, or the bot's billing statement."""
_KINDS: tuple[LinkKind, ...] = ("CSV", "Excel", "Statement")
_MAX_TOKEN_LEN = 2048
_SALT = "overage-bot export link"
"""Keeps these signatures apart from anything else signed with the same secret."""

log = structlog.get_logger(__name__)


class _Base64JSONSerializer(Serializer[str]):
    """itsdangerous' URL-safe form without its optional zlib step: always ``<base64url JSON>.<signature>``.

    (``URLSafeSerializer`` compresses some payloads behind a leading ``.``, so a token's shape would
    depend on its content.)
    """

    def dump_payload(self, obj: Any) -> bytes:
        """The JSON payload, base64url-encoded."""
        return base64_encode(super().dump_payload(obj))

    def load_payload(self, payload: bytes, serializer: Any = None) -> Any:
        """Decode and parse a payload; anything malformed is :class:`BadPayload`."""
        try:
            raw = base64_decode(payload)
        except Exception as exc:
            raise BadPayload("the payload is not base64url", original_error=exc) from exc
        return super().load_payload(raw, serializer)


@dataclass(frozen=True)
class ExportClaims:
    """What a valid token allows: one fresh export.

    Attributes:
        kind: ``"CSV"``, ``"Excel"`` or ``"Statement"``.
        query: the report's ``find`` text ("" for all customers).
        tenant: the Microsoft 365 tenant the link was made for.
        expires_at: when the link stops working (aware UTC).
    """

    kind: LinkKind
    query: str
    tenant: str
    expires_at: datetime


@dataclass(frozen=True)
class ExportLink:
    """A minted link.

    Attributes:
        url: the full download address (a secret: show it only to the person who asked).
        expires_at: when it stops working (aware UTC).
    """

    url: str
    expires_at: datetime


def _b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


class ExportLinks:
    """Mints and verifies export tokens.

    Args:
        secret: the signing key (at least 32 bytes), or several: the first signs, all verify.
        base_url: the bot's public address, e.g. ``https://overage.example.com``.
        clock: the current time, aware UTC (tests inject their own).
        ttl: how long a link lives (at most ten minutes).

    Raises:
        ValueError: a secret is shorter than 32 bytes, none is given, or ``ttl`` is out of range.
    """

    def __init__(
        self,
        secret: bytes | Sequence[bytes],
        *,
        base_url: str,
        clock: Callable[[], datetime],
        ttl: timedelta = EXPORT_LINK_TTL,
    ) -> None:
        keys = [secret] if isinstance(secret, bytes) else list(secret)
        if not keys or any(len(key) < 32 for key in keys):
            raise ValueError("the export link secret must be at least 32 bytes")
        if not timedelta(0) < ttl <= EXPORT_LINK_TTL:
            raise ValueError("export links may live at most ten minutes")
        # itsdangerous signs with the last key of the list and verifies with every one.
        self._serializer = _Base64JSONSerializer(
            list(reversed(keys)), salt=_SALT, signer_kwargs={"digest_method": hashlib.sha256}
        )
        self._base_url = base_url.rstrip("/")
        self._clock = clock
        self._ttl = ttl

    @classmethod
    def from_settings(
        cls, settings: Settings, *, base_url: str, clock: Callable[[], datetime]
    ) -> ExportLinks:
        """Links signed with ``EXPORT_LINK_SECRET`` (first of the list signs, all verify), or with a
        random key (and a warning) when unset.

        Args:
            settings: the configuration.
            base_url: the bot's public address.
            clock: the current time, aware UTC.

        Returns:
            The link minter.
        """
        keys: list[bytes]
        if settings.export_link_secret is not None:
            keys = [key.encode() for key in split_secrets(settings.export_link_secret.get_secret_value())]
        else:
            keys = [secrets.token_bytes(32)]
            log.warning(
                "export_link_secret_random",
                detail="EXPORT_LINK_SECRET is not set: using a random key, so export links stop working "
                "when the bot restarts (and differ between replicas). Set it with `openssl rand -hex 32`.",
            )
        return cls(keys, base_url=base_url, clock=clock)

    def mint(self, kind: LinkKind, *, query: str, tenant: str) -> ExportLink:
        """A new link for one export.

        Args:
            kind: ``"CSV"``, ``"Excel"`` or ``"Statement"``.
            query: the report's ``find`` text.
            tenant: the tenant of the person asking.

        Returns:
            The link and its expiry.
        """
        expires_at = self._clock().astimezone(UTC).replace(microsecond=0) + self._ttl
        payload = {
            "kind": kind,
            "query": query,
            "tenant": tenant,
            "exp": int(expires_at.timestamp()),
            "nonce": _b64encode(secrets.token_bytes(12)),
        }
        token = self._serializer.dumps(payload)
        return ExportLink(url=f"{self._base_url}/exports/{token}", expires_at=expires_at)

    def verify(self, token: str) -> ExportClaims | None:
        """The claims of a genuine, unexpired token; None for anything else.

        Args:
            token: the last path segment of the link.

        Returns:
            The claims, or None when the token is malformed, tampered with or expired.
        """
        if len(token) > _MAX_TOKEN_LEN:
            return None
        try:  # the signature is checked before the payload is decoded
            payload = self._serializer.loads(token)
        except (BadData, UnicodeError, ValueError):
            return None
        claims = _claims(payload)
        if claims is None:
            return None
        now = self._clock()
        if not now < claims.expires_at <= now + self._ttl + timedelta(seconds=1):
            return None
        return claims


def _claims(payload: object) -> ExportClaims | None:
    if not isinstance(payload, dict):
        return None
    data = cast(dict[str, Any], payload)
    kind, query, tenant, exp = data.get("kind"), data.get("query"), data.get("tenant"), data.get("exp")
    if kind not in _KINDS or not isinstance(query, str) or not isinstance(tenant, str):
        return None
    if not isinstance(exp, int) or isinstance(exp, bool):
        return None
    try:
        expires_at = datetime.fromtimestamp(exp, UTC)
    except (OverflowError, OSError, ValueError):
        return None
    return ExportClaims(kind=cast(LinkKind, kind), query=query, tenant=tenant, expires_at=expires_at)

"""Values and errors of the state store (kept apart so that callers import them without SQLAlchemy)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from bot.errors import ActionableError

__all__ = [
    "NOTICE_SUFFIX",
    "ConversationRef",
    "PostRecord",
    "StoreError",
    "db_error",
    "normalize_url",
    "safe_url",
]

#: Appended to a period for the ledger row of its failure notice (``weekly:…Z:notice``).
NOTICE_SUFFIX = ":notice"


class StoreError(ActionableError):
    """The database cannot be used.

    Attributes:
        message: what failed, with the database (password hidden) and the cause.
        remediation: what to change (it names OVERAGE_DB_URL, or says which overage-bot to run).
    """

    def __init__(self, message: str, *, remediation: str) -> None:
        super().__init__(message, remediation=remediation)

    def __str__(self) -> str:
        return f"{self.message}: {self.remediation}"


@dataclass(frozen=True)
class PostRecord:
    """One row of the post ledger (a destination × period).

    Attributes:
        destination: e.g. ``slack:C123``.
        period: e.g. ``weekly:2025-03-10T09:00Z``.
        state: ``claimed`` (in flight), ``completed`` (posted) or ``released`` (failed, may retry).
        at: when the row last changed (aware, UTC).
        lease_until: until when the last claim holds (aware, UTC).
        attempts: how many times it was claimed.
        message_ref: the chat's id of the posted message (Slack ``ts``), once completed.
        last_error: why the last attempt failed, if it did.
    """

    destination: str
    period: str
    state: Literal["claimed", "completed", "released"]
    at: datetime
    lease_until: datetime
    attempts: int
    message_ref: str | None = None
    last_error: str | None = None


@dataclass(frozen=True)
class ConversationRef:
    """What the Teams edge needs to post proactively into a channel."""

    channel_id: str
    service_url: str
    tenant_id: str | None
    bot_id: str | None
    conversation: dict[str, Any] = field(default_factory=dict)


def normalize_url(url: str) -> str:
    """Pick the async driver for plain ``sqlite://`` and ``postgres(ql)://`` URLs.

    Args:
        url: the configured URL.

    Returns:
        The URL with ``+aiosqlite`` / ``+asyncpg`` when no driver was named.
    """
    url = url.strip()
    for plain, driver in (
        ("postgres://", "postgresql+asyncpg://"),
        ("postgresql://", "postgresql+asyncpg://"),
        ("sqlite://", "sqlite+aiosqlite://"),
    ):
        if url.startswith(plain):
            return driver + url[len(plain) :]
    return url


def safe_url(url: str) -> str:
    """The URL with its password hidden (or a placeholder when it does not parse)."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "an unparsable URL"


def db_error(message: str, url: str, exc: BaseException | None = None) -> StoreError:
    """Build the StoreError for a database problem (the password never appears).

    Args:
        message: what failed.
        url: the database URL (rendered with its password hidden).
        exc: the underlying error, summarized on one line.

    Returns:
        The error, whose remediation names OVERAGE_DB_URL.
    """
    detail = ""
    if exc is not None:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        detail = f" ({type(exc).__name__}: {first[:300]})"
    return StoreError(
        f"{message} at {safe_url(url)}{detail}",
        remediation=(
            "check OVERAGE_DB_URL — e.g. sqlite+aiosqlite:///overage-bot.db (in a writable folder) or "
            "postgresql+asyncpg://user:password@host:5432/dbname (server running and reachable)"
        ),
    )

"""The one shape of an error a person can act on: what went wrong, and what to do about it.

Keepnet, Teams and Slack errors all derive from :class:`ActionableError`, so every error handler
(the chat replies, ``overage-bot post``, the weekly job's failure notice) reads ``message`` and
``remediation`` the same way.
"""

from __future__ import annotations

__all__ = ["ActionableError"]


class ActionableError(Exception):
    """An error carrying a remediation text.

    Args:
        message: what went wrong, in one sentence.
        remediation: what the reseller should do about it (default: the class's own).
        status: the HTTP status, when there was one.
    """

    default_remediation = "Try again later; if it keeps failing, run `overage-bot check`."

    def __init__(self, message: str, *, remediation: str | None = None, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.remediation = remediation or self.default_remediation
        self.status = status

    def __str__(self) -> str:
        return f"{self.message} {self.remediation}"

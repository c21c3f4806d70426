"""The configuration's typed error: what setting is wrong, and how to fix it."""

from __future__ import annotations

from bot.errors import ActionableError

__all__ = ["ConfigError"]


class ConfigError(ActionableError):
    """A setting is missing or invalid.

    Args:
        message: names the variable and what is wrong; most messages also say how to fix it, in
            one line (then ``str()`` is the message alone, as ``overage-bot`` prints it).
        remediation: the fix, when it is not already in the message.
    """

    default_remediation = "Correct that setting (see the README's configuration table) and start again."

    def __init__(self, message: str, *, remediation: str | None = None) -> None:
        super().__init__(message, remediation=remediation)
        self._fix_in_message = remediation is None

    def __str__(self) -> str:
        return self.message if self._fix_in_message else f"{self.message} {self.remediation}"

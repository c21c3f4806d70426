"""Why a report could not be posted to a channel, and what to do about it.

``chat.postMessage`` refusals that no retry can fix (the bot is not in the channel, the token is
dead…) become :class:`SlackPostError`, which carries ``message`` and ``remediation`` like the
Keepnet errors: ``overage-bot post`` prints both, the weekly job logs them without a traceback, and
``/overage`` shows them to the asker. It is deliberately not a ``SlackApiError`` (whose Slack error
code would be all the weekly job reports).
"""

from __future__ import annotations

from slack_sdk.errors import SlackApiError

from bot.errors import ActionableError

__all__ = ["POST_ERROR_CODES", "SlackPostError", "post_error"]

_REINSTALL = "reinstall the Slack app to the workspace and update SLACK_BOT_TOKEN (xoxb-…)"


def _fix(code: str, channel: str, needed: str) -> str | None:
    if code == "not_in_channel":
        return f"Invite the bot: /invite @overage-bot in channel {channel}, then try again."
    if code == "channel_not_found":
        return (
            f"Check the channel id {channel} (channel details → About, at the bottom); for a private "
            "channel, invite the bot first: /invite @overage-bot."
        )
    if code == "is_archived":
        return f"Channel {channel} is archived: unarchive it, or post to another channel (OVERAGE_CHANNEL / --channel)."
    if code == "missing_scope":
        scope = f" ({needed})" if needed else ""
        return (
            f"The Slack app lacks a permission{scope}: add the bot scopes chat:write and files:write "
            f"under OAuth & Permissions, then {_REINSTALL}."
        )
    if code in ("invalid_auth", "not_authed", "token_revoked", "token_expired"):
        return f"The bot token is invalid: {_REINSTALL}."
    if code == "account_inactive":
        return f"The bot token belongs to a deactivated app or user: {_REINSTALL}."
    return None


POST_ERROR_CODES = frozenset(
    {
        "not_in_channel",
        "channel_not_found",
        "is_archived",
        "missing_scope",
        "invalid_auth",
        "not_authed",
        "token_revoked",
        "token_expired",
        "account_inactive",
    }
)
"""``chat.postMessage`` error codes that :func:`post_error` explains."""


class SlackPostError(ActionableError):
    """Slack refused to post to a channel for a reason a person must fix.

    Args:
        message: what went wrong, naming the channel and Slack's error code.
        remediation: what to do about it.
        code: Slack's error code (``not_in_channel``…).
        channel: the channel id.
    """

    def __init__(self, message: str, *, remediation: str, code: str, channel: str) -> None:
        super().__init__(message, remediation=remediation)
        self.code = code
        self.channel = channel


def post_error(error: SlackApiError, *, channel: str) -> SlackPostError | None:
    """The typed error for a refused ``chat.postMessage``, or None when the code has no known fix.

    Args:
        error: what slack_sdk raised.
        channel: the channel id the post went to.

    Returns:
        A :class:`SlackPostError` for the codes in :data:`POST_ERROR_CODES`.
    """
    data = getattr(error.response, "data", None)
    data = data if isinstance(data, dict) else {}
    code = str(data.get("error") or "unknown_error")
    remediation = _fix(code, channel, str(data.get("needed") or ""))
    if remediation is None:
        return None
    return SlackPostError(
        f"Slack refused to post to channel {channel} ({code}).",
        remediation=remediation,
        code=code,
        channel=channel,
    )

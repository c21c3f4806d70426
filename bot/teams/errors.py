"""Typed Teams errors, each carrying a remediation a reseller can act on.

Kept in their own module to avoid import loops. The tree::

    TeamsError                    root: .message, .remediation, str() = both
    ├── TeamsNotInstalledError    no stored conversation for the channel: install the app there
    ├── TeamsServiceUrlError      a stored serviceUrl is not a Bot Framework host
    ├── TeamsPostError            the Bot Connector refused or could not be reached
    └── TeamsCredentialsError     Entra ID refused the bot's app token (wrong or expired secret, tenant)
"""

from __future__ import annotations

from bot.errors import ActionableError

__all__ = [
    "TeamsCredentialsError",
    "TeamsError",
    "TeamsNotInstalledError",
    "TeamsPostError",
    "TeamsServiceUrlError",
]


class TeamsError(ActionableError):
    """Root of every Teams failure.

    Args:
        message: what went wrong, in one sentence.
        remediation: what to do about it.
        status: the Bot Connector's HTTP status, when there was one.
    """


class TeamsNotInstalledError(TeamsError):
    """The bot has no conversation reference for the channel (the app was never installed there)."""

    # message + remediation must stay under the 300 characters a failure reason keeps (describe_error)
    default_remediation = (
        "Install the app in that team first (Teams → Apps → Add to a team, pick this channel) "
        "or @mention the bot there once, then retry."
    )


class TeamsServiceUrlError(TeamsError):
    """A stored serviceUrl is not one of the Bot Framework's hosts, so no token is sent there."""

    default_remediation = (
        "Remove the app from the team and add it again so that Teams sends a fresh conversation reference."
    )


class TeamsPostError(TeamsError):
    """The Bot Connector refused the post or could not be reached."""

    default_remediation = (
        "Check that the app is still installed in the team and the bot is not blocked (403 means removed or "
        "blocked), and that TEAMS_CLIENT_ID, TEAMS_CLIENT_SECRET and TEAMS_TENANT_ID are right."
    )


class TeamsCredentialsError(TeamsError):
    """Microsoft Entra ID refused the bot's app token: the secret is wrong or expired, or the tenant."""

    default_remediation = "Check TEAMS_CLIENT_SECRET / TEAMS_TENANT_ID in the Azure Bot's configuration."

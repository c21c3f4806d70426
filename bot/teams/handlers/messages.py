"""Every text the Teams edge shows people (cards come from :mod:`bot.teams.cards`)."""

from __future__ import annotations

__all__ = [
    "access_denied",
    "error_reply",
    "help_text",
    "link_sent_privately",
    "unexpected_error",
    "unsupported_action",
    "update_teams_for_links",
    "usage_error",
]


def help_text() -> str:
    """The usage text for ``overage help``."""
    return (
        "**Overage** lists the customer companies over their Keepnet license limit.\n\n"
        "- `overage`: the report\n"
        "- `overage top 25`: show the 25 largest offenders (1–50)\n"
        "- `overage find acme`: only companies matching “acme”\n"
        "- `overage help`: this text\n\n"
        "In a channel, mention the bot first: `@Overage overage`. "
        "The CSV and Excel buttons give you a private download link that works for 10 minutes."
    )


def usage_error(error: str) -> str:
    """A command that could not be understood, with the usage."""
    return f"{error}\n\n{help_text()}"


def access_denied() -> str:
    """The sender or the conversation is not allowed to see the report."""
    return (
        "You are not allowed to use Overage here. Ask the bot's administrator to add your "
        "Entra ID object id to OVERAGE_ALLOWED_USERS or this conversation's id to OVERAGE_ALLOWED_CHANNELS."
    )


def unsupported_action() -> str:
    """A card button this bot version does not know (e.g. on an old card)."""
    return "That button is not supported (the card may be from an older version). Send `overage` for a new report."


def error_reply(message: str, remediation: str) -> str:
    """A typed error (Keepnet, store, configuration) as a short reply."""
    return f"⚠️ {message}\n\n{remediation}".strip()


def unexpected_error() -> str:
    """Anything else that went wrong."""
    return "⚠️ Something went wrong while answering. Try again; if it keeps failing, ask the bot's administrator to check its logs."


def link_sent_privately() -> str:
    """Said in a channel after an old client's export click: the link went to a 1:1 chat."""
    return "I sent you the download link in a private chat with me (look for Overage in your chats)."


def update_teams_for_links() -> str:
    """Said in a channel when an old client clicked an export button and no 1:1 chat could be opened."""
    return (
        "Your Teams version cannot show a private download link here, and I could not open a private chat "
        "with you. Update Teams (or add the Overage app for yourself: Apps → Overage → Add) and click again."
    )

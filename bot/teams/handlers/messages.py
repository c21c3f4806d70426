"""Every text the Teams edge shows people (cards come from :mod:`bot.teams.cards`)."""

from __future__ import annotations

__all__ = [
    "access_denied",
    "already_decided",
    "decision_invalid",
    "decisions_need_store",
    "error_reply",
    "help_text",
    "no_longer_over",
    "not_approver",
    "reopened",
    "sent_privately",
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
        "- `overage reopen acme`: billing approvers: the matching customers need action again\n"
        "- `overage history acme`: over since, the excess trend and the decisions of matching customers\n"
        "- `overage statement`: the billing-ready statement (XLSX) of every customer over the limit\n"
        "- `overage help`: this text\n\n"
        "In a channel, mention the bot first: `@Overage overage`. "
        "The CSV and Excel buttons give you a private download link that works for 10 minutes. "
        "Decide on a customer (mark billed, snooze, ignore) with **Decide…** under *Needs action*."
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


def not_approver() -> str:
    """A person outside ``OVERAGE_APPROVERS`` chose a decision."""
    return "Sorry — only billing approvers can record decisions (OVERAGE_APPROVERS). Nothing was recorded."


def no_longer_over() -> str:
    """The customer is not (or no longer) over the limit, or the id is unknown."""
    return "That customer is no longer over the limit, so nothing was recorded."


def decision_invalid() -> str:
    """The button's data could not be read (forged or damaged)."""
    return "That choice could not be read, so nothing was recorded. Send `overage` for a fresh report."


def decisions_need_store() -> str:
    """No state database: decisions cannot be kept."""
    return "Billing decisions need the bot's state database (OVERAGE_DB_URL); nothing was recorded."


def already_decided(name: str, label: str, by: str) -> str:
    """A second click on a customer that was decided meanwhile (``name`` already neutralized)."""
    who = f" by {by}" if by else ""
    return (
        f"{name} is already {label}{who}; nothing new was recorded. To decide again: `overage reopen {name}`."
    )


def reopened(done: list[str], untouched: list[str], query: str) -> str:
    """The confirmation of ``overage reopen <text>`` (names already neutralized)."""
    if not done and not untouched:
        return f"No customer over the limit matches “{query}”; nothing was reopened."
    lines = [
        f"Reopened {len(done)}: {', '.join(done)}. They need action again."
        if done
        else f"Nothing to reopen for “{query}”."
    ]
    if untouched:
        lines.append(f"Already needing action: {', '.join(untouched)}")
    return "\n\n".join(lines)


def sent_privately(*, link: bool) -> str:
    """Said in a channel when the answer went to the person's 1:1 chat with the bot."""
    what = "the download link" if link else "my answer"
    return f"I sent you {what} in a private chat with me (look for Overage in your chats)."


def update_teams_for_links() -> str:
    """Said in a channel when an old client clicked an export button and no 1:1 chat could be opened."""
    return (
        "Your Teams version cannot show a private download link here, and I could not open a private chat "
        "with you. Update Teams (or add the Overage app for yourself: Apps → Overage → Add) and click again."
    )

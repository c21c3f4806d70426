"""What the bot tells people about billing decisions in Slack (escaped mrkdwn). Pure."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import tzinfo

from bot.report.decisions import CustomerState
from bot.report.formatting import fmt_time
from bot.report.model import Offender
from bot.slack._blocks_decisions import decided_by
from bot.slack._blocks_text import join_names, safe_name

__all__ = [
    "already_decided",
    "decision_invalid",
    "decisions_need_store",
    "no_longer_over",
    "not_approver",
    "reopened",
]


def not_approver() -> str:
    """A person outside ``OVERAGE_APPROVERS`` chose a decision."""
    return "Sorry — only billing approvers can record decisions (OVERAGE_APPROVERS). Nothing was recorded."


def no_longer_over() -> str:
    """The customer is not (or no longer) over the limit, or the id is unknown."""
    return "That customer is no longer over the limit, so nothing was recorded."


def decision_invalid() -> str:
    """The click's value could not be read (forged or damaged)."""
    return "That choice could not be read, so nothing was recorded. Use the ⋯ menu of a fresh report."


def decisions_need_store() -> str:
    """No state database: decisions cannot be kept."""
    return "Billing decisions need the bot's state database (OVERAGE_DB_URL); nothing was recorded."


def already_decided(offender: Offender, state: CustomerState | None, *, tz: tzinfo) -> str:
    """A second click on a customer that was decided meanwhile."""
    name = safe_name(offender.name)
    if state is None or state.decision is None:
        return f"*{name}* was already decided; nothing new was recorded."
    when = fmt_time(state.decision.decided_at, tz)
    by = decided_by(state)
    return (
        f"*{name}* is already _{state.label}_ (by {by}, {when}); nothing new was recorded. "
        f"To decide again: `/overage reopen {name}`."
    )


def reopened(done: Sequence[Offender], untouched: Sequence[Offender], query: str) -> str:
    """The confirmation of ``/overage reopen <text>``."""
    shown = safe_name(query, 80)
    if not done and not untouched:
        return f"No customer over the limit matches “{shown}”; nothing was reopened."
    lines = []
    if done:
        names = join_names([o.name for o in done], budget=1_500)
        lines.append(f"Reopened {len(done)}: {names} — they need action again.")
    else:
        lines.append(f"Nothing to reopen for “{shown}”.")
    if untouched:
        names = join_names([o.name for o in untouched], budget=800)
        lines.append(f"Already needing action: {names}")
    return "\n".join(lines)

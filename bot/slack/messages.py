"""Every user-facing Slack text, one small function each (in the manner of bolt's ``logger/messages.py``).

Each function returns Slack mrkdwn that is safe to send as is: anything interpolated from outside
(error messages, reasons, names) is escaped here.
"""

from __future__ import annotations

from typing import Literal

from bot.errors import ActionableError
from bot.keepnet.models import ExportKind
from bot.report.formatting import fmt_int, no_match_over_sentence, plural
from bot.slack._blocks_text import fit_escaped

__all__ = [
    "access_denied",
    "all_within_limit",
    "bot_not_in_channel",
    "export_already_running",
    "format_error",
    "help_text",
    "preparing_export",
    "slack_refused",
    "slack_unreachable",
    "unexpected_error",
    "upload_failed",
    "usage",
    "weekly_post_gave_up",
    "working_on_it",
]

_REASON_MAX = 500


def help_text() -> str:
    """The usage text of ``/overage``."""
    return (
        "*/overage* shows the customers over their license limit.\n"
        "• `/overage` — the report with the largest offenders\n"
        "• `/overage top 25` — show the 25 largest offenders (1–50)\n"
        "• `/overage find &lt;text&gt;` — only companies whose name matches &lt;text&gt;\n"
        "• `/overage reopen &lt;text&gt;` — billing approvers: the matching customers need action again\n"
        "• `/overage history &lt;text&gt;` — over since, the excess trend and decisions of matching customers (only you see it)\n"
        "• `/overage statement` — the billing-ready statement (XLSX) of every customer over the limit\n"
        "• `/overage help` — this help\n"
        "The full list is in the attached CSV in the report's thread (or the *Excel export* button "
        "under the report). Decide on a customer (mark billed, snooze, ignore) with the ⋯ menu of its "
        "row under *Needs action*."
    )


def usage(error: str) -> str:
    """A usage error (plain text from :func:`bot.commands.parse_command`) followed by the help."""
    return f":warning: {fit_escaped(error, _REASON_MAX)}\n\n{help_text()}"


def working_on_it(query: str = "") -> str:
    """The immediate reply while the report is being built."""
    if query:
        return f":hourglass_flowing_sand: Looking up customers matching “{fit_escaped(query, 200)}”…"
    return ":hourglass_flowing_sand: Working on the overage report…"


def preparing_export() -> str:
    """Shown while the Excel export is being fetched."""
    return ":hourglass_flowing_sand: Preparing the Excel export…"


def preparing_statement() -> str:
    """Shown while the billing statement is being built."""
    return ":hourglass_flowing_sand: Preparing the billing statement…"


def access_denied() -> str:
    """The user or channel is not on the allow lists."""
    return (
        ":no_entry: You are not allowed to run /overage here — ask your Slack admin to add you to "
        "OVERAGE_ALLOWED_USERS / this channel to OVERAGE_ALLOWED_CHANNELS."
    )


def bot_not_in_channel() -> str:
    """Posting failed with ``not_in_channel`` / ``channel_not_found``."""
    return "I'm not a member of this channel — invite me with `/invite @overage-bot` and try again."


def upload_failed(reason: str, *, kind: ExportKind | Literal["statement"] = "CSV") -> str:
    """The file could not be attached (the summary, if any, stays), and how to try again.

    Args:
        reason: plain text, e.g. "Slack's file upload failed (HTTP 500)" (escaped here).
        kind: ``"CSV"`` (the report's file; Refresh posts the report again with it), ``"Excel"``
            (the button's) or ``"statement"`` (the Statement button's).

    Returns:
        E.g. ``":warning: The Excel file could not be attached: …. Click *Excel export* to try again."``.
    """
    button = {"CSV": "Refresh", "Excel": "Excel export", "statement": "Statement"}[kind]
    reason_text = fit_escaped(reason, _REASON_MAX).rstrip(".")
    what = "statement" if kind == "statement" else f"{kind} file"
    return (
        f":warning: The {what} could not be attached: {reason_text}. "
        f"Click *{button}* on the report to try again."
    )


def slack_refused(code: str) -> str:
    """Slack answered a Web API call with an error code the bot has no specific advice for."""
    return f":x: Slack refused the message (`{fit_escaped(code, 100)}`)."


def slack_unreachable(detail: str) -> str:
    """The Slack Web API could not be reached (connection, timeout, unexpected answer)."""
    return f":x: Slack could not be reached: {fit_escaped(detail, 300)}"


def unexpected_error() -> str:
    """A failure the bot did not expect; the details are in its log only."""
    return ":x: Something went wrong while preparing the overage report; the bot's log has the details."


def export_already_running() -> str:
    """A second click while an export for the same report is still running."""
    return ":hourglass_flowing_sand: An export is already being prepared — it will appear here shortly."


def format_error(exc: ActionableError) -> str:
    """A Keepnet (or config) error: what went wrong and what to do about it.

    Args:
        exc: a typed error (its ``message`` and ``remediation``).

    Returns:
        Escaped mrkdwn, e.g. ``":x: Keepnet rejected … — Check KEEPNET_CLIENT_ID …"``.
    """
    message = fit_escaped(exc.message, _REASON_MAX)
    remediation = fit_escaped(exc.remediation, 1000)
    return f":x: {message}\n{remediation}"


def weekly_post_gave_up(reason: str, *, tries: int | None = None) -> str:
    """The weekly post failed for good (posted to the channel or logged)."""
    attempts = f" after {plural(tries, 'attempt')}" if tries else ""
    return (
        f":x: The weekly overage report could not be posted{attempts}: {fit_escaped(reason, _REASON_MAX)}\n"
        "Run `overage-bot post` to send it by hand once the problem is fixed."
    )


def all_within_limit(customer_count: int, *, query: str = "") -> str:
    """Nobody is over the limit (for a ``find``: nobody matching it; ``customer_count`` = matches)."""
    if query:
        return f":white_check_mark: {no_match_over_sentence(fit_escaped(query, 200), customer_count)}."
    if customer_count == 0:
        return ":white_check_mark: No customers found, so nobody is over a license limit."
    if customer_count == 1:
        return ":white_check_mark: The only customer is within its license limit."
    return f":white_check_mark: All {fmt_int(customer_count)} customers are within their license limit."

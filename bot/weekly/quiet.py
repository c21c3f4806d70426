"""``OVERAGE_POST_WHEN``: whether this week's scheduled post is worth posting. Pure.

``always`` posts every week. ``needs-action`` skips a week when the report's billing states show
nobody needing action (a report without states — no database — is always posted). ``changes``
skips a week when the over-limit list and every excess are what the last weekly post showed.
"""

from __future__ import annotations

from bot.config.billing import PostWhen
from bot.report.model import OverageReport, Snapshot

__all__ = ["SKIPPED_PREFIX", "quiet_week"]

SKIPPED_PREFIX = "skipped:"
"""The ledger's message reference of a skipped week starts with this (then the reason)."""


def quiet_week(report: OverageReport, previous: Snapshot | None, post_when: PostWhen) -> str | None:
    """Why this week's post is skipped, or None to post it.

    Args:
        report: this week's fresh report.
        previous: the snapshot of the last weekly post (None before the first).
        post_when: ``OVERAGE_POST_WHEN``.

    Returns:
        ``nothing-needs-action``, ``no-changes``, or None.
    """
    if post_when == "needs-action":
        if report.decisions is not None and report.decisions.counts.needs_action == 0:
            return "nothing-needs-action"
        return None
    if post_when == "changes" and previous is not None:
        now = {(o.company_id, o.excess) for o in report.offenders}
        then = {(row.company_id, row.excess) for row in previous.rows}
        return "no-changes" if now == then else None
    return None

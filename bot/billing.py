"""Recording billing decisions from a chat click, the same way for Slack and Teams.

A click's value is untrusted: the decision must be one of the four, the company one the bot sees
over the limit *now* (fresh or cached Keepnet data), the person an approver
(``OVERAGE_APPROVERS``). Anything else records nothing and logs one ``decision_refused`` warning.
The store refuses a second decision on a customer that is already handled (the state is read
inside the recording transaction), and a redelivered click (same delivery key) records nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal, cast

import structlog

from bot.access import id_key
from bot.deps import Deps
from bot.report.decisions import CHOICES, Choice, CustomerState, Decision, customer_state, decide
from bot.report.model import Offender, OverageReport
from bot.report.states import renewal_day, with_states

__all__ = [
    "CLICK_VALUE_MAX",
    "DecisionOutcome",
    "ReopenOutcome",
    "may_decide",
    "parse_choice",
    "record_choice",
    "reopen",
]

log = structlog.get_logger(__name__)

CLICK_VALUE_MAX = 250
"""Longest click value read at all (Slack's own limit is 150; anything longer is forged)."""
COMPANY_ID_MAX = 200

Outcome = Literal["recorded", "duplicate", "already", "not_over", "invalid", "not_approver", "no_store"]


@dataclass(frozen=True)
class DecisionOutcome:
    """What a click did.

    Attributes:
        kind: ``recorded``; ``duplicate`` (a redelivery); ``already`` (handled before: nothing new);
            ``not_over`` (unknown id or no longer over the limit); ``invalid`` (unreadable value);
            ``not_approver``; ``no_store`` (no state database).
        decision: the decision recorded (``recorded``) or found (``already``/``duplicate``).
        offender: the customer, when it is over the limit.
        state: its state after the click.
        report: the unfiltered report with the states after the click (to re-render the message).
    """

    kind: Outcome
    decision: Decision | None = None
    offender: Offender | None = None
    state: CustomerState | None = None
    report: OverageReport | None = None


def parse_choice(decision: object, company: object) -> tuple[Choice, str] | None:
    """A menu choice and a company id, when both are well-formed (None otherwise)."""
    if not isinstance(decision, str) or not isinstance(company, str):
        return None
    if decision not in CHOICES or not company or len(company) > COMPANY_ID_MAX or not company.isprintable():
        return None
    return cast(Choice, decision), company


def may_decide(deps: Deps, user_ids: Iterable[str | None]) -> bool:
    """Whether one of the person's ids is an approver (everyone, when ``OVERAGE_APPROVERS`` is unset)."""
    approvers = {id_key(value) for value in deps.settings.overage_approvers}
    return not approvers or any(uid is not None and id_key(uid) in approvers for uid in user_ids)


def _refused(reason: str, *, user: str | None, edge: str, **fields: object) -> None:
    log.warning("decision_refused", reason=reason, user=user, edge=edge, **fields)


async def record_choice(
    deps: Deps,
    *,
    choice: tuple[Choice, str] | None,
    user_ids: tuple[str | None, ...],
    user_name: str | None,
    edge: str,
    channel: str,
    delivery: str | None,
    raw_size: int = 0,
) -> DecisionOutcome:
    """Record one person's menu choice, if it is allowed and still makes sense.

    Args:
        deps: settings, service (the over-limit list), store and clock.
        choice: the parsed choice (None: the value could not be read).
        user_ids: the person's ids (the first is recorded; any may be an approver).
        user_name: their display name, when the platform gave it.
        edge: ``slack`` or ``teams``.
        channel: where the click happened.
        delivery: the click's delivery key (a redelivery records nothing).
        raw_size: the raw value's length (logged for refused values).

    Returns:
        The outcome (see :class:`DecisionOutcome`).

    Raises:
        KeepnetError: the over-limit list could not be read.
        StoreError: the database failed.
    """
    user = next((uid for uid in user_ids if uid), None)
    if not may_decide(deps, user_ids):
        _refused("not_approver", user=user, edge=edge)
        return DecisionOutcome("not_approver")
    if choice is None:
        _refused("invalid_value", user=user, edge=edge, size=raw_size)
        return DecisionOutcome("invalid")
    if deps.store is None:
        return DecisionOutcome("no_store")
    kind, company_id = choice
    report = await deps.service.report()
    offender = next((o for o in report.offenders if o.company_id == company_id), None)
    if offender is None:
        _refused("not_over_the_limit", user=user, edge=edge, company=company_id[:64])
        return DecisionOutcome("not_over")
    settings = deps.settings
    now = deps.clock()
    decision = decide(
        kind,
        company_id=company_id,
        excess=offender.excess,
        renewal=renewal_day(offender, settings.tz),
        now=now,
        tz=settings.tz,
        cycle=settings.overage_billing_cycle,
        by_id=user or "",
        by_name=user_name,
        company_name=offender.name,
        edge=edge,
        channel=channel,
    )

    def still_open(latest: Decision | None) -> bool:
        return customer_state(latest, excess=offender.excess, now=now, tz=settings.tz).needs_action

    result = await deps.store.decisions.record(decision, delivery=delivery, allow=still_open)
    after = _after(report, company_id, result.latest, deps=deps)
    state = after.decisions.state(company_id) if after.decisions is not None else None
    outcome: Outcome = "already" if result.outcome == "refused" else result.outcome
    log.info("decision_" + outcome, user=user, edge=edge, company=company_id[:64], decision=decision.decision)
    return DecisionOutcome(outcome, result.latest, offender, state, after)


def _after(report: OverageReport, company_id: str, latest: Decision | None, *, deps: Deps) -> OverageReport:
    """The report's states with the company's latest decision in (no second Keepnet or store read)."""
    known = report.decisions.states if report.decisions is not None else {}
    decisions = {cid: st.decision for cid, st in known.items() if st.decision is not None}
    if latest is not None:
        decisions[company_id] = latest
    settings = deps.settings
    return with_states(
        report, decisions, now=deps.clock(), tz=settings.tz, cycle=settings.overage_billing_cycle
    )


@dataclass(frozen=True)
class ReopenOutcome:
    """What ``reopen <text>`` did: the customers reopened, and the matches that were not handled."""

    reopened: tuple[Offender, ...]
    untouched: tuple[Offender, ...]


async def reopen(
    deps: Deps, *, text: str, user_ids: tuple[str | None, ...], user_name: str | None, edge: str, channel: str
) -> ReopenOutcome:
    """Reopen the handled over-limit customers whose name matches ``text`` (Keepnet's search).

    Raises:
        KeepnetError: the over-limit list could not be read.
        StoreError: the database failed.
    """
    if deps.store is None:
        return ReopenOutcome((), ())
    report = await deps.service.report(query=text)
    user = next((uid for uid in user_ids if uid), None) or ""
    reopened: list[Offender] = []
    untouched: list[Offender] = []
    now = deps.clock()
    for offender in report.offenders:
        state = report.decisions.state(offender.company_id) if report.decisions is not None else None
        if not offender.company_id or state is None or state.needs_action:
            untouched.append(offender)
            continue
        decision = Decision(
            company_id=offender.company_id,
            decision="reopened",
            decided_at=now,
            by_id=user,
            by_name=user_name,
            excess=offender.excess,
            company_name=offender.name,
            edge=edge,
            channel=channel,
        )
        await deps.store.decisions.record(decision)
        reopened.append(offender)
    log.info(
        "decisions_reopened", user=user, edge=edge, reopened=len(reopened), matched=len(report.offenders)
    )
    return ReopenOutcome(tuple(reopened), tuple(untouched))

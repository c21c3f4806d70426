"""The ``overage_decide`` menu of a needs-action row: record billed / snoozed / ignored."""

from __future__ import annotations

from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.billing import CLICK_VALUE_MAX, parse_choice, record_choice
from bot.deps import Deps
from bot.slack import decision_messages as texts
from bot.slack._blocks_decisions import ACTION_DECIDE, parse_origin
from bot.slack.error_replies import tell
from bot.slack.listeners._background import BackgroundWork
from bot.slack.listeners.actions._button import refused, start_click
from bot.slack.listeners.actions._decision_view import note_in_thread, rerender
from bot.store.decisions import delivery_key

__all__ = ["handle_overage_decide"]


def _selected(action: dict[str, Any]) -> str:
    option = action.get("selected_option")
    value = option.get("value") if isinstance(option, dict) else None
    return value if isinstance(value, str) else ""


async def handle_overage_decide(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    respond: AsyncRespond,
    client: AsyncWebClient,
    deps: Deps,
    background: BackgroundWork,
) -> None:
    """Answer a choice in a needs-action row's menu.

    The value (``billed:<id>`` …) is untrusted: :func:`bot.billing.record_choice` checks it. A
    recorded decision gets a note in the report's thread and the clicked message shows the row's
    new state; every refusal is told to the clicker alone. The same click delivered twice records
    one decision (its delivery key: user, action time, value, message).

    Args:
        ack: acknowledges the click.
        body: the ``block_actions`` payload.
        action: the chosen overflow option.
        respond: replies to the clicker (ephemeral) or replaces the ephemeral list.
        client: the Slack Web API client.
        deps: settings, service, store and clock.
        background: runs the work after the acknowledgement.
    """
    await ack()
    click, request = start_click(ACTION_DECIDE, body, action)
    raw = _selected(action)

    async def work() -> None:
        with request:
            if await refused(click, request, settings=deps.settings, respond=respond):
                return
            kind, _, company = raw.partition(":")
            choice = parse_choice(kind, company) if len(raw) <= CLICK_VALUE_MAX else None
            origin = parse_origin(action.get("block_id"))
            user = body.get("user") or {}
            team = str((body.get("team") or {}).get("id") or "")
            key = delivery_key(
                "slack", team, str(click.user), str(action.get("action_ts")), raw, click.message_ts
            )
            outcome = await record_choice(
                deps,
                choice=choice,
                user_ids=(click.user,),
                user_name=user.get("name") or user.get("username"),
                edge="slack",
                channel=click.channel,
                delivery=key,
                raw_size=len(raw),
            )
            request.outcome = f"decision_{outcome.kind}"
            if outcome.kind == "not_approver":
                await tell(respond, texts.not_approver())
            elif outcome.kind == "invalid":
                await tell(respond, texts.decision_invalid())
            elif outcome.kind == "not_over":
                await tell(respond, texts.no_longer_over())
            elif outcome.kind == "no_store":
                await tell(respond, texts.decisions_need_store())
            elif outcome.kind == "already" and outcome.offender is not None:
                await tell(
                    respond, texts.already_decided(outcome.offender, outcome.state, tz=deps.settings.tz)
                )
            elif outcome.kind == "recorded" and outcome.decision and outcome.offender and outcome.report:
                thread = (origin.thread_ts if origin is not None else "") or click.thread_ts
                await note_in_thread(
                    client,
                    channel=click.channel,
                    thread_ts=thread,
                    decision=outcome.decision,
                    offender=outcome.offender,
                    user=str(click.user),
                )
                await rerender(
                    client,
                    deps,
                    respond,
                    body=body,
                    report=outcome.report,
                    origin=origin,
                    channel=click.channel,
                    message_ts=click.message_ts,
                )

    background.start(work(), body=body, respond=respond)

"""Pure helpers reading Teams-shaped activities (ids, tenant, sender) and building replies."""

from __future__ import annotations

from typing import Any

from microsoft_agents.activity import Activity, ActivityTypes, InvokeResponse
from microsoft_agents.hosting.core import CardFactory, MessageFactory, TurnContext

from bot.store.types import ConversationRef

__all__ = [
    "base_conversation_id",
    "channel_reference",
    "is_personal",
    "send_card",
    "send_invoke_card",
    "send_text",
    "sender_ids",
    "tenant_of",
]

_ADAPTIVE_CARD = "application/vnd.microsoft.card.adaptive"


def base_conversation_id(conversation_id: str) -> str:
    """The conversation id without Teams' ``;messageid=…`` thread suffix."""
    return conversation_id.split(";", 1)[0]


def _channel_data(activity: Activity) -> dict[str, Any]:
    data = activity.channel_data
    return data if isinstance(data, dict) else {}


def _nested_id(data: dict[str, Any], key: str) -> str | None:
    value = data.get(key)
    if isinstance(value, dict) and isinstance(value.get("id"), str) and value["id"]:
        return str(value["id"])
    return None


def tenant_of(activity: Activity) -> str:
    """The Microsoft 365 tenant of the conversation ("" when Teams did not say)."""
    if activity.conversation is not None and activity.conversation.tenant_id:
        return str(activity.conversation.tenant_id)
    return _nested_id(_channel_data(activity), "tenant") or ""


def sender_ids(activity: Activity) -> tuple[str, ...]:
    """The sender's Entra ID object id and Teams user id (either may be allow-listed)."""
    sender = activity.from_property
    if sender is None:
        return ()
    return tuple(value for value in (sender.aad_object_id, sender.id) if value)


def is_personal(activity: Activity) -> bool:
    """True in a one-to-one chat with the bot."""
    conversation = activity.conversation
    if conversation is None:
        return False
    return conversation.conversation_type == "personal" or (
        not conversation.is_group and conversation.conversation_type not in ("channel", "groupChat")
    )


def channel_reference(activity: Activity) -> ConversationRef | None:
    """The reference needed to post into this team channel later; None outside team channels.

    The channel id is stored without ``;messageid=…`` so that a proactive post starts a new
    thread instead of replying in an old one.
    """
    data = _channel_data(activity)
    conversation = activity.conversation
    in_team = _nested_id(data, "team") is not None or (
        conversation is not None and conversation.conversation_type == "channel"
    )
    if not in_team or conversation is None or not conversation.id or not activity.service_url:
        return None
    channel_id = base_conversation_id(str(conversation.id))
    tenant = tenant_of(activity) or None
    bot_id = activity.recipient.id if activity.recipient is not None and activity.recipient.id else None
    return ConversationRef(
        channel_id=channel_id,
        service_url=str(activity.service_url),
        tenant_id=tenant,
        bot_id=bot_id,
        conversation={
            "id": channel_id,
            "isGroup": True,
            "conversationType": "channel",
            "tenantId": tenant,
            "teamId": _nested_id(data, "team"),
        },
    )


async def send_text(context: TurnContext, text: str) -> None:
    """Reply with plain text."""
    await context.send_activity(MessageFactory.text(text))


async def send_card(context: TurnContext, card: dict[str, Any]) -> None:
    """Reply with an Adaptive Card (seen by everyone in the conversation)."""
    await context.send_activity(MessageFactory.attachment(CardFactory.adaptive_card(card)))


async def send_invoke_card(context: TurnContext, card: dict[str, Any]) -> None:
    """Answer an ``adaptiveCard/action`` invoke with a card shown only to the person who clicked."""
    body = {"statusCode": 200, "type": _ADAPTIVE_CARD, "value": card}
    await context.send_activity(
        Activity(type=ActivityTypes.invoke_response, value=InvokeResponse(status=200, body=body))
    )

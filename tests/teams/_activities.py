"""Teams-shaped activities, as the Bot Connector POSTs them to ``/api/messages``."""

from __future__ import annotations

import itertools
from typing import Any

__all__ = [
    "BOT_ID",
    "BOT_NAME",
    "CHANNEL_ID",
    "GROUP_CHAT_ID",
    "PERSONAL_CHAT_ID",
    "TEAM_ID",
    "TENANT_ID",
    "USER_AAD_ID",
    "card_action",
    "channel_message",
    "group_message",
    "installation_update",
    "members_added",
    "personal_message",
    "submit_message",
]

BOT_ID = "28:00000000-0000-0000-0000-00000000b07"
BOT_NAME = "Overage"
TENANT_ID = "72f988bf-86f1-41af-91ab-2d7cd011db47"
TEAM_ID = "19:team0000000000000000000000000000@thread.tacv2"
CHANNEL_ID = "19:chan1111111111111111111111111111@thread.tacv2"
GROUP_CHAT_ID = "19:meeting_group2222222222@thread.v2"
PERSONAL_CHAT_ID = "a:1personalChatIdWith=Chars"
USER_AAD_ID = "6b9c3e1d-0000-4000-8000-00000000a11c"

_ids = itertools.count(1_700_000_000_100)


def _next_id() -> str:
    return str(next(_ids))


def _user(aad_id: str) -> dict[str, Any]:
    return {"id": f"29:user-{aad_id[:8]}", "name": "Ada Reseller", "aadObjectId": aad_id}


def _base(service_url: str, conversation: dict[str, Any], *, aad_id: str = USER_AAD_ID) -> dict[str, Any]:
    return {
        "id": _next_id(),
        "channelId": "msteams",
        "serviceUrl": service_url,
        "timestamp": "2026-11-26T09:00:00.000Z",
        "from": _user(aad_id),
        "recipient": {"id": BOT_ID, "name": BOT_NAME},
        "conversation": conversation,
        "locale": "en-US",
    }


def _channel_data(channel_id: str = CHANNEL_ID) -> dict[str, Any]:
    return {
        "teamsChannelId": channel_id,
        "teamsTeamId": TEAM_ID,
        "channel": {"id": channel_id},
        "team": {"id": TEAM_ID},
        "tenant": {"id": TENANT_ID},
    }


def _channel_conversation(thread_id: str | None) -> dict[str, Any]:
    conversation_id = CHANNEL_ID if thread_id is None else f"{CHANNEL_ID};messageid={thread_id}"
    return {"id": conversation_id, "isGroup": True, "conversationType": "channel", "tenantId": TENANT_ID}


def channel_message(
    service_url: str, command: str = "overage", *, aad_id: str = USER_AAD_ID
) -> dict[str, Any]:
    """``@Overage <command>`` posted in a team channel (a new thread, so the id has ``;messageid=``)."""
    activity = _base(service_url, {}, aad_id=aad_id)
    activity["conversation"] = _channel_conversation(activity["id"])
    mention = f"<at>{BOT_NAME}</at>"
    activity.update(
        type="message",
        text=f"{mention} {command}\n",
        textFormat="plain",
        entities=[
            {"type": "mention", "mentioned": {"id": BOT_ID, "name": BOT_NAME}, "text": mention},
            {"type": "clientInfo", "locale": "en-US", "country": "US", "platform": "Web"},
        ],
        channelData=_channel_data(),
    )
    return activity


def personal_message(service_url: str, text: str = "overage", *, aad_id: str = USER_AAD_ID) -> dict[str, Any]:
    """A message in the one-to-one chat with the bot."""
    conversation = {"id": PERSONAL_CHAT_ID, "conversationType": "personal", "tenantId": TENANT_ID}
    activity = _base(service_url, conversation, aad_id=aad_id)
    activity.update(type="message", text=text, textFormat="plain", channelData={"tenant": {"id": TENANT_ID}})
    return activity


def group_message(service_url: str, command: str = "overage") -> dict[str, Any]:
    """``@Overage <command>`` in a group chat."""
    conversation = {
        "id": GROUP_CHAT_ID,
        "isGroup": True,
        "conversationType": "groupChat",
        "tenantId": TENANT_ID,
    }
    activity = _base(service_url, conversation)
    mention = f"<at>{BOT_NAME}</at>"
    activity.update(
        type="message",
        text=f"{mention}&nbsp;{command}",
        entities=[{"type": "mention", "mentioned": {"id": BOT_ID, "name": BOT_NAME}, "text": mention}],
        channelData={"tenant": {"id": TENANT_ID}},
    )
    return activity


def installation_update(service_url: str, *, action: str = "add") -> dict[str, Any]:
    """The app installed in a team (Teams names the channel chosen during the install)."""
    activity = _base(service_url, _channel_conversation(None))
    activity.update(type="installationUpdate", action=action, channelData={**_channel_data(), "source": None})
    return activity


def members_added(service_url: str) -> dict[str, Any]:
    """``conversationUpdate`` with the bot among ``membersAdded`` (install into a team)."""
    activity = _base(service_url, _channel_conversation(None))
    activity.update(
        type="conversationUpdate",
        membersAdded=[{"id": BOT_ID}],
        channelData={**_channel_data(), "eventType": "teamMemberAdded"},
    )
    return activity


def card_action(
    service_url: str, verb: str, data: dict[str, Any] | None = None, *, where: str = "channel"
) -> dict[str, Any]:
    """An ``Action.Execute`` click: invoke ``adaptiveCard/action`` replying to the card's activity."""
    if where == "channel":
        activity = _base(service_url, _channel_conversation("1700000000001"))
        activity["channelData"] = _channel_data()
    else:
        activity = personal_message(service_url)
        for key in ("text", "textFormat"):
            activity.pop(key)
    activity.update(
        type="invoke",
        name="adaptiveCard/action",
        replyToId="1700000000002",
        value={"action": {"type": "Action.Execute", "verb": verb, "data": data or {}}, "trigger": "manual"},
    )
    return activity


def submit_message(service_url: str, value: dict[str, Any], *, where: str = "channel") -> dict[str, Any]:
    """The ``Action.Submit`` fallback: a message with a ``value`` and no text."""
    if where == "channel":
        activity = _base(service_url, _channel_conversation("1700000000001"))
        activity["channelData"] = _channel_data()
    else:
        activity = personal_message(service_url)
        activity.pop("text")
    activity.update(type="message", replyToId="1700000000002", value=value)
    return activity

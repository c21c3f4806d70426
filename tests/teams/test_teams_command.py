"""`overage …` in Teams: personal chat, group chat and channel @mention, end to end."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot.sandbox.data import is_over_limit, over_limit_companies, seed_companies
from bot.sandbox.faults import Faults
from tests.fakes.bot_connector import ConnectorCall
from tests.teams._activities import (
    CHANNEL_ID,
    GROUP_CHAT_ID,
    PERSONAL_CHAT_ID,
    USER_AAD_ID,
    channel_message,
    group_message,
    personal_message,
)
from tests.teams._harness import TeamsBot, run_teams_bot

pytestmark = pytest.mark.filterwarnings("ignore::aiohttp.web_exceptions.NotAppKeyWarning")

CARD_LIMIT = 28 * 1024


def _card_text(card: dict[str, Any]) -> str:
    """Every piece of text in a card, joined."""
    found: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ("text", "title") and isinstance(value, str):
                    found.append(value)
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(card)
    return "\n".join(found)


async def _only_reply(bot: TeamsBot, activity: dict[str, Any]) -> ConnectorCall:
    reply = await bot.send(activity)
    assert reply.status == 202
    await bot.replies()
    assert len(bot.connector.calls) == 1, [c.body.get("type") for c in bot.connector.calls]  # no typing
    [call] = bot.connector.calls
    assert call.kind == "reply"
    assert call.activity_id == activity["id"]
    return call


class TestWhereTheCommandWorks:
    """The report card answers in every conversation kind."""

    async def test_channel_mention_replies_in_the_thread(self) -> None:
        """`@Overage overage top 5` in a channel: the mention is stripped and the card replies in the thread."""
        async with run_teams_bot(companies=over_limit_companies(40)) as bot:
            activity = channel_message(bot.connector.service_url, "overage top 5")
            call = await _only_reply(bot, activity)
            assert call.conversation_id == f"{CHANNEL_ID};messageid={activity['id']}"
            [card] = call.cards
            assert card["type"] == "AdaptiveCard"
            assert card["version"] == "1.5"
            text = _card_text(card)
            assert "40" in text
            assert "License overage report" in text
            [table] = [item for item in card["body"] if item.get("type") == "Table"]
            assert len(table["rows"]) == 6  # header + 5
            verbs = {action.get("verb") for action in card["actions"]}
            assert verbs == {"export_csv", "export_xlsx", "export_statement"}

    async def test_personal_chat(self) -> None:
        """`overage` in the 1:1 chat gives the card there."""
        async with run_teams_bot() as bot:
            call = await _only_reply(bot, personal_message(bot.connector.service_url, "overage"))
            assert call.conversation_id == PERSONAL_CHAT_ID
            assert call.cards

    async def test_group_chat_find(self) -> None:
        """`@Overage overage find acme` in a group chat searches Keepnet for "acme"."""
        async with run_teams_bot() as bot:
            call = await _only_reply(bot, group_message(bot.connector.service_url, "overage find acme"))
            assert call.conversation_id == GROUP_CHAT_ID
            assert "acme" in _card_text(call.cards[0])
            bodies = bot.sandbox.state.stats.search_bodies
            assert bodies
            assert all("acme" in json.dumps(body) for body in bodies)

    async def test_help_and_usage_errors_fetch_nothing(self) -> None:
        """`overage help` lists the commands; `overage top 99` explains the range; Keepnet is not called."""
        async with run_teams_bot() as bot:
            call = await _only_reply(bot, personal_message(bot.connector.service_url, "overage help"))
            assert "overage top 25" in call.text
            assert "overage find acme" in call.text
            bot.connector.calls.clear()
            call = await _only_reply(bot, personal_message(bot.connector.service_url, "overage top 99"))
            assert "1 to 50" in call.text
            assert bot.keepnet_searches() == 0


class TestCachedLabel:
    """The card says "cached" exactly when the report was reused, as in Slack."""

    async def test_second_overage_within_the_cache_window_is_labelled_cached(self) -> None:
        """First `overage` fetches (no label); one half-second later the second reuses it: "cached, 0 s old"."""
        async with run_teams_bot() as bot:
            first = await _only_reply(bot, personal_message(bot.connector.service_url, "overage"))
            assert "cached" not in _card_text(first.cards[0])
            searches = bot.keepnet_searches()
            bot.connector.calls.clear()
            bot.clock.advance(seconds=0.5)
            second = await _only_reply(bot, personal_message(bot.connector.service_url, "overage"))
            assert "cached, 0 s old" in _card_text(second.cards[0])
            assert bot.keepnet_searches() == searches  # really from the cache


class TestCardSize:
    """The card stays within Teams' limits whatever the number of offenders."""

    @pytest.mark.parametrize("offenders", [0, 10, 10_000])
    async def test_card_fits(self, offenders: int) -> None:
        """0, 10 and 10,000 offenders: the card is at most 28 KB and states the count."""
        if offenders:
            companies = over_limit_companies(offenders)
        else:
            companies = [c for c in seed_companies(total=50) if not is_over_limit(c)]
        async with run_teams_bot(companies=companies) as bot:
            call = await _only_reply(bot, personal_message(bot.connector.service_url))
            [card] = call.cards
            assert len(json.dumps(card).encode()) <= CARD_LIMIT
            text = _card_text(card)
            if offenders:
                assert f"{offenders:,}" in text
                assert "actions" in card
            else:
                assert "within their license limit" in text


class TestErrorsReachThePerson:
    """Failures are replies, never silence."""

    async def test_not_a_reseller(self) -> None:
        """A 403 from Keepnet (role CompanyAdmin) replies with the Reseller fix."""
        async with run_teams_bot(faults=Faults(role="CompanyAdmin")) as bot:
            call = await _only_reply(bot, channel_message(bot.connector.service_url))
            assert "Client Role = Reseller" in call.text

    async def test_keepnet_unavailable(self) -> None:
        """Keepnet answering 500 after all retries replies that it is unavailable."""
        async with run_teams_bot(faults=Faults(fail_5xx=50)) as bot:
            call = await _only_reply(bot, personal_message(bot.connector.service_url))
            assert "unavailable" in call.text.lower()


class TestAccess:
    """OVERAGE_ALLOWED_USERS / _CHANNELS apply to Teams ids."""

    async def test_user_not_listed_is_denied_and_nothing_fetched(self) -> None:
        """A sender whose Entra object id is not listed gets a denial; Keepnet is not called."""
        async with run_teams_bot(overage_allowed_users="someone-else") as bot:
            call = await _only_reply(bot, channel_message(bot.connector.service_url))
            assert "not allowed" in call.text
            assert not call.cards
            assert bot.keepnet_searches() == 0

    async def test_listed_aad_object_id_is_allowed(self) -> None:
        """The sender's aadObjectId in OVERAGE_ALLOWED_USERS gives the report."""
        async with run_teams_bot(overage_allowed_users=f"other, {USER_AAD_ID}") as bot:
            call = await _only_reply(bot, personal_message(bot.connector.service_url))
            assert call.cards

    async def test_channel_list_matches_without_message_id(self) -> None:
        """A listed channel id matches the thread's conversation id; other conversations are denied."""
        async with run_teams_bot(overage_allowed_channels=CHANNEL_ID) as bot:
            call = await _only_reply(bot, channel_message(bot.connector.service_url))
            assert call.cards
            bot.connector.calls.clear()
            call = await _only_reply(bot, personal_message(bot.connector.service_url))
            assert "not allowed" in call.text

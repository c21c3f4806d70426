"""End to end in Teams: the report card's Needs action rows, the decide invoke, thread notes, reopen."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from structlog.testing import capture_logs

from bot.teams.cards import CARD_MAX_BYTES, card_size
from bot.teams.poster import TeamsChannelPoster
from tests.teams._activities import CHANNEL_ID, USER_AAD_ID, card_action, channel_message, installation_update
from tests.teams._harness import Reply, TeamsBot, run_teams_bot

DEC_7 = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)


def _company(
    i: int, name: str, *, users: int, renewal: str | None = None, limit: int = 100
) -> dict[str, Any]:
    return {
        "companyResourceId": f"0000000{i}-aaaa-bbbb-cccc-000000000000",
        "companyName": name,
        "isNumberOfUsersLimited": True,
        "numberOfUsers": str(limit),
        "targetUserCount": users,
        "licenseEndDate": renewal,
    }


COMPANIES = [
    _company(1, "Globex Heavy Industries", users=1_304),
    _company(2, "Initech", users=900),
    _company(3, "Umbrella", users=700, renewal="2027-03-01T00:00:00"),
    _company(4, "Tyrell", users=500),
    _company(5, "Hooli", users=300),
    _company(6, "Within Limits Ltd", users=50),
]


def _id(i: int) -> str:
    return f"0000000{i}-aaaa-bbbb-cccc-000000000000"


def _walk(node: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    if isinstance(node, dict):
        found.append(node)
        for value in node.values():
            found.extend(_walk(value))
    elif isinstance(node, list):
        for value in node:
            found.extend(_walk(value))
    return found


def _texts(card: dict[str, Any]) -> str:
    return " ".join(str(n.get("text")) for n in _walk(card) if isinstance(n.get("text"), str))


def _decide_buttons(card: dict[str, Any]) -> list[dict[str, Any]]:
    return [n for n in _walk(card) if n.get("type") == "Action.Execute" and n.get("verb") == "decide"]


def _state_column(card: dict[str, Any]) -> dict[str, str]:
    [table] = [n for n in card["body"] if n.get("type") == "Table"]
    header = [c["items"][0]["text"] for c in table["rows"][0]["cells"]]
    assert header[-1] == "State"
    rows = {}
    for row in table["rows"][1:]:
        cells = [c["items"][0]["inlines"][0]["text"] for c in row["cells"]]
        rows[cells[0]] = cells[-1]
    return rows


async def _report_card(bot: TeamsBot) -> dict[str, Any]:
    before = len(bot.connector.messages())
    await bot.send(channel_message(bot.connector.service_url, "overage"))
    calls = await bot.replies(before + 1)
    return calls[-1].cards[0]


async def _decide(bot: TeamsBot, decision: str, company: str, *, aad_id: str = USER_AAD_ID) -> Reply:
    activity = card_action(bot.connector.service_url, "decide", {"decision": decision, "company": company})
    activity["from"]["aadObjectId"] = aad_id
    reply = await bot.send(activity)
    await bot.settle()
    return reply


class TestCard:
    """The report card: summary line, State column, Needs action rows with Decide…."""

    async def test_card_shows_needs_action_rows_with_four_buttons(self) -> None:
        """Five rows, each with Decide… holding four decide buttons whose data is as specified."""
        async with run_teams_bot(companies=COMPANIES) as bot:
            bot.clock.now = DEC_7
            card = await _report_card(bot)
            assert "**5** need action · 0 handled" in _texts(card)
            show = [n for n in _walk(card) if n.get("type") == "Action.ShowCard"]
            assert [s["title"] for s in show] == ["Decide…"] * 5
            umbrella = [b for b in _decide_buttons(show[2]) if b["data"]["company"] == _id(3)]
            assert [b["data"] for b in umbrella] == [
                {"decision": d, "company": _id(3)} for d in ("billed", "snooze30", "snooze_renewal", "ignore")
            ]
            assert umbrella[2]["title"] == "Snooze until renewal (2027-03-01)"
            assert set(_state_column(card).values()) == {"needs action"}
            assert card_size(card) <= CARD_MAX_BYTES


class TestDecide:
    """The decide invoke records, answers with the refreshed card and notes it in the thread."""

    async def test_four_ways_then_the_weekly_card(self) -> None:
        """billed, snooze30, snooze_renewal, ignore: each refreshes the card and replies in the thread."""
        async with run_teams_bot(companies=COMPANIES, overage_cache_s=0) as bot:
            bot.clock.now = DEC_7
            for decision, i in (("billed", 1), ("snooze30", 2), ("snooze_renewal", 3), ("ignore", 4)):
                reply = await _decide(bot, decision, _id(i))
                assert reply.status == 200
                body = reply.json()
                assert body["statusCode"] == 200
                assert body["type"] == "application/vnd.microsoft.card.adaptive"
            card = body["value"]
            assert "**1** need action · 4 handled (1 billed, 2 snoozed, 1 ignored)" in _texts(card)
            assert "✓ ignored by Ada Reseller" in _texts(card)
            notes = [c for c in bot.connector.messages() if c.kind == "reply"]
            texts = [_texts(c.cards[0]) for c in notes]
            assert texts == [
                "Ada Reseller  marked  Globex Heavy Industries  billed for December 2026 (+1,204 users)",
                "Ada Reseller  snoozed  Initech  until 2027-01-06 (+800 users)",
                "Ada Reseller  snoozed  Umbrella  until 2027-03-01 (+600 users)",
                "Ada Reseller  ignored  Tyrell  (+400 users)",
            ]
            assert all(";messageid=1700000000001" in c.conversation_id for c in notes)
            updates = [c for c in bot.connector.calls if c.kind == "update"]
            assert len(updates) == 4
            assert await bot.store.decisions.count() == 4
            latest = await bot.store.decisions.latest([_id(1)])
            assert (latest[_id(1)].by_id, latest[_id(1)].by_name, latest[_id(1)].edge) == (
                USER_AAD_ID,
                "Ada Reseller",
                "teams",
            )

            await bot.send_and_settle(installation_update(bot.connector.service_url))
            poster = TeamsChannelPoster(CHANNEL_ID, bot.deps, bot.edge)
            await poster.post(await bot.deps.service.report(fresh=True), period="key:test")
            weekly = bot.connector.calls[-1].cards[0]
            assert "Needs action" in weekly["body"][1]["text"]
            assert _state_column(weekly) == {
                "Globex Heavy Industries": "billed Dec 2026",
                "Initech": "snoozed → 2027-01-06",
                "Umbrella": "snoozed → 2027-03-01",
                "Tyrell": "ignored",
                "Hooli": "needs action",
            }

    async def test_refusals_record_nothing(self) -> None:
        """Non-approver, forged company, a customer within its limit, unknown decision, 10 KB: nothing recorded."""
        async with run_teams_bot(companies=COMPANIES, overage_approvers=USER_AAD_ID) as bot:
            bot.clock.now = DEC_7
            cases = [
                ("billed", _id(5), "00000000-0000-0000-0000-0000000bad00", "only billing approvers"),
                ("billed", "ffffffff-0000-0000-0000-000000000000", USER_AAD_ID, "no longer over the limit"),
                ("billed", _id(6), USER_AAD_ID, "no longer over the limit"),
                ("approve", _id(5), USER_AAD_ID, "could not be read"),
                ("billed", "A" * 10_240, USER_AAD_ID, "could not be read"),
            ]
            for decision, company, who, said in cases:
                with capture_logs() as logs:
                    reply = await _decide(bot, decision, company, aad_id=who)
                assert reply.status == 200
                assert said in json.dumps(reply.json()["value"], ensure_ascii=False)
                assert len([e for e in logs if e["event"] == "decision_refused"]) == 1
            assert await bot.store.decisions.count() == 0
            assert bot.connector.messages() == []

    async def test_second_click_and_reopen(self) -> None:
        """A decided row says so on a second click; `reopen` (approvers) brings it back."""
        async with run_teams_bot(companies=COMPANIES) as bot:
            bot.clock.now = DEC_7
            await _decide(bot, "ignore", _id(4))
            again = await _decide(bot, "billed", _id(4))
            assert "Tyrell is already ignored by Ada Reseller" in json.dumps(
                again.json()["value"], ensure_ascii=False
            )
            assert await bot.store.decisions.count() == 1
            before = len(bot.connector.messages())
            await bot.send(channel_message(bot.connector.service_url, "overage reopen tyrell"))
            calls = await bot.replies(before + 2)
            [private] = [c for c in calls if c.conversation_id.startswith("a:1personal-")]
            assert "Reopened 1: Tyrell" in _texts(private.cards[0])  # in the sender's 1:1 chat
            assert all("isTargetedActivity" not in c.query for c in bot.connector.calls)
            assert "private chat" in calls[-1].text
            assert (await bot.store.decisions.latest([_id(4)]))[_id(4)].decision == "reopened"


class TestRedelivery:
    """The Bot Connector delivering the same invoke twice records one decision."""

    async def test_same_invoke_twice_records_once(self) -> None:
        """One decision, one thread note; both deliveries get a card."""
        async with run_teams_bot(companies=COMPANIES) as bot:
            bot.clock.now = DEC_7
            activity = card_action(
                bot.connector.service_url, "decide", {"decision": "billed", "company": _id(2)}
            )
            first = await bot.send(activity)
            second = await bot.send(activity)
            await bot.settle()
            assert [first.status, second.status] == [200, 200]
            assert second.json()["type"] == "application/vnd.microsoft.card.adaptive"
            assert await bot.store.decisions.count() == 1
            assert len([c for c in bot.connector.messages() if c.kind == "reply"]) == 1


class TestHistoryAndStatementCommands:
    """`overage history <text>` and `overage statement` in Teams."""

    async def test_history_shows_decisions_and_over_since(self) -> None:
        """After a decision, `history tyrell` names the decision, who made it, and over since."""
        async with run_teams_bot(companies=COMPANIES) as bot:
            bot.clock.now = DEC_7
            await _decide(bot, "ignore", _id(4))
            before = len(bot.connector.messages())
            await bot.send(channel_message(bot.connector.service_url, "overage history tyrell"))
            calls = await bot.replies(before + 1)
            text = _texts(calls[-1].cards[0])
            assert "**Tyrell** — over since 2026-12-07" in text
            assert "ignored by Ada Reseller" in text

    async def test_statement_command_offers_the_private_link_button(self) -> None:
        """`overage statement` answers with a Statement button (Action.Execute export_statement)."""
        async with run_teams_bot(companies=COMPANIES) as bot:
            before = len(bot.connector.messages())
            await bot.send(channel_message(bot.connector.service_url, "overage statement"))
            calls = await bot.replies(before + 1)
            [action] = calls[-1].cards[0]["actions"]
            assert (action["type"], action["verb"]) == ("Action.Execute", "export_statement")

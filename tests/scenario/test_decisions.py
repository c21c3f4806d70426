"""End to end: billing decisions chosen in Slack over signed HTTP, seen in the thread, the message and the next post."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient
from structlog.testing import capture_logs

from bot.slack.poster import SlackChannelPoster
from tests.scenario.checks import assert_valid_message
from tests.scenario.harness import BOT_TOKEN, BotUnderTest, WallClock, run_bot

DEC_7 = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)


def _company(i: int, name: str, *, limit: int, users: int, renewal: str | None = None) -> dict[str, Any]:
    return {
        "companyResourceId": f"0000000{i}-aaaa-bbbb-cccc-000000000000",
        "companyName": name,
        "isNumberOfUsersLimited": True,
        "numberOfUsers": str(limit),
        "targetUserCount": users,
        "licenseEndDate": renewal,
    }


def _companies(extra: int = 0) -> list[dict[str, Any]]:
    rows = [
        _company(1, "Globex Heavy Industries", limit=100, users=1_304),
        _company(2, "Initech", limit=100, users=900),
        _company(3, "Umbrella", limit=100, users=700, renewal="2027-03-01T00:00:00"),
        _company(4, "Tyrell", limit=100, users=500),
        _company(5, "Hooli", limit=100, users=300),
        _company(6, "Within Limits Ltd", limit=100, users=50),
    ]
    rows += [_company(100 + i, f"Extra {i:03d}", limit=10, users=11 + i) for i in range(extra)]
    return rows


def _id(i: int) -> str:
    return f"0000000{i}-aaaa-bbbb-cccc-000000000000"


def _blocks(message: dict[str, Any]) -> list[dict[str, Any]]:
    blocks = message["blocks"]
    return json.loads(blocks) if isinstance(blocks, str) else list(blocks)


def _rows(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [b for b in blocks if str(b.get("block_id", "")).startswith("na|")]


def _row(blocks: list[dict[str, Any]], name: str) -> dict[str, Any]:
    return next(b for b in _rows(blocks) if b["text"]["text"].startswith(f"*{name}*"))


def _values(row: dict[str, Any]) -> list[str]:
    return [o["value"] for o in row["accessory"]["options"]]


def _state_column(blocks: list[dict[str, Any]]) -> dict[str, str]:
    table = next(b for b in blocks if b["type"] == "table")
    assert table["rows"][0][-1]["text"] == "State"
    return {row[0]["text"]: row[-1]["text"] for row in table["rows"][1:]}


async def _report(bot: BotUnderTest) -> dict[str, Any]:
    before = len(bot.fake.messages())
    await bot.command("")
    await bot.fake.wait_for(lambda: len(bot.fake.messages()) > before and bot.fake.files)
    message = next(m for m in bot.fake.messages()[before:] if "blocks" in m)
    assert_valid_message(message)
    return message


def _notes(bot: BotUnderTest, ts: str) -> list[str]:
    return [m["text"] for m in bot.fake.messages() if m.get("thread_ts") == ts and "blocks" not in m]


def _updates(bot: BotUnderTest) -> list[dict[str, Any]]:
    return [c.args for c in bot.fake.calls_to("chat.update")]


async def _settle(bot: BotUnderTest) -> None:
    await bot.background.drain()


async def _weekly_post(bot: BotUnderTest) -> dict[str, Any]:
    client = AsyncWebClient(token=BOT_TOKEN, base_url=bot.fake.api_url)
    poster = SlackChannelPoster(client, bot.deps, channel="C0WEEKLY")
    await poster.post(await bot.service.report(fresh=True), period="weekly:test")
    return next(m for m in reversed(bot.fake.messages()) if m["channel"] == "C0WEEKLY" and "blocks" in m)


class TestDecideFourWays:
    """Each choice records a decision, notes it in the thread, updates the message and the next post."""

    async def test_billed_snoozed_renewal_ignored(self) -> None:
        """Four choices, four notes, four updates; the weekly post counts them and shows their states."""
        async with run_bot(companies=_companies(), clock=WallClock(DEC_7), overage_cache_s=0) as bot:
            message = await _report(bot)
            blocks = _blocks(message)
            assert "*5* need action · 0 handled" in blocks[1]["text"]["text"]
            assert _values(_row(blocks, "Umbrella"))[2] == f"snooze_renewal:{_id(3)}"
            assert f"snooze_renewal:{_id(1)}" not in _values(_row(blocks, "Globex Heavy Industries"))
            choices = [
                ("Globex Heavy Industries", f"billed:{_id(1)}"),
                ("Initech", f"snooze30:{_id(2)}"),
                ("Umbrella", f"snooze_renewal:{_id(3)}"),
                ("Tyrell", f"ignore:{_id(4)}"),
            ]
            for n, (name, value) in enumerate(choices):
                row = _row(blocks, name)
                reply = await bot.choose(row, value, message=message, action_ts=f"1733389200.00000{n}")
                assert reply.status == 200
                await _settle(bot)
                blocks = _blocks(_updates(bot)[-1])
                message = {**message, "blocks": blocks}
            notes = _notes(bot, message["ts"])
            assert notes == [
                "<@U0ALICE> marked *Globex Heavy Industries* billed for December 2026 (+1,204 users)",
                "<@U0ALICE> snoozed *Initech* until 2027-01-06 (+800 users)",
                "<@U0ALICE> snoozed *Umbrella* until 2027-03-01 (+600 users)",
                "<@U0ALICE> ignored *Tyrell* (+400 users)",
            ]
            updated = _updates(bot)
            assert len(updated) == 4
            assert all(u["ts"] == message["ts"] and u["channel"] == "C0REPORTS" for u in updated)
            assert_valid_message(updated[-1])
            globex = _row(blocks, "Globex Heavy Industries")
            assert "accessory" not in globex
            assert globex["text"]["text"].endswith("✓ _billed Dec 2026_ by <@U0ALICE>")
            assert "*1* need action · 4 handled (1 billed, 2 snoozed, 1 ignored)" in blocks[1]["text"]["text"]
            assert await bot.store.decisions.count() == 4

            weekly = _blocks(await _weekly_post(bot))
            assert weekly[1]["text"]["text"].startswith("*Needs action* — 1 customer")
            assert [r["text"]["text"].split("*")[1] for r in _rows(weekly)] == ["Hooli"]
            summary = next(b for b in weekly if "need action ·" in b.get("text", {}).get("text", ""))
            assert "*1* need action · 4 handled (1 billed, 2 snoozed, 1 ignored)" in summary["text"]["text"]
            assert _state_column(weekly) == {
                "Globex Heavy Industries": "billed Dec 2026",
                "Initech": "snoozed → 2027-01-06",
                "Umbrella": "snoozed → 2027-03-01",
                "Tyrell": "ignored",
                "Hooli": "needs action",
            }

    async def test_growth_and_a_new_cycle_bring_a_billed_customer_back(self) -> None:
        """Billed: growth past the billed excess shows "+N since billed"; January needs action again."""
        clock = WallClock(DEC_7)
        async with run_bot(companies=_companies(), clock=clock, overage_cache_s=0) as bot:
            message = await _report(bot)
            await bot.choose(_row(_blocks(message), "Hooli"), f"billed:{_id(5)}", message=message)
            await _settle(bot)
            assert _state_column(_blocks(await _report(bot)))["Hooli"] == "billed Dec 2026"
            hooli = next(c for c in bot.sandbox.state.companies if c["companyName"] == "Hooli")
            hooli["targetUserCount"] = 440
            bot.sandbox.state.companies_changed()
            grown = _blocks(await _report(bot))
            assert _state_column(grown)["Hooli"] == "+140 since billed"
            assert "*5* need action · 0 handled" in grown[1]["text"]["text"]
            hooli["targetUserCount"] = 300
            bot.sandbox.state.companies_changed()
            assert _state_column(_blocks(await _report(bot)))["Hooli"] == "billed Dec 2026"
            clock.advance(timedelta(days=25).total_seconds())  # 2027-01-01
            assert _state_column(_blocks(await _report(bot)))["Hooli"] == "needs action"

    async def test_a_snooze_ends_on_its_day(self) -> None:
        """Snoozed 30 days: handled on day 29, needs action on day 30."""
        clock = WallClock(DEC_7)
        async with run_bot(companies=_companies(), clock=clock, overage_cache_s=0) as bot:
            message = await _report(bot)
            await bot.choose(_row(_blocks(message), "Initech"), f"snooze30:{_id(2)}", message=message)
            await _settle(bot)
            clock.advance(timedelta(days=29).total_seconds())
            assert _state_column(_blocks(await _report(bot)))["Initech"] == "snoozed → 2027-01-06"
            clock.advance(timedelta(days=1).total_seconds())
            assert _state_column(_blocks(await _report(bot)))["Initech"] == "needs action"


class TestTableRefused:
    """A workspace that refuses the table block still sees each decision in the message."""

    async def test_the_update_after_a_decision_falls_back_to_sections(self) -> None:
        """chat.update answered invalid_blocks: once more with the rows as sections, the new state shown, a warning."""
        async with run_bot(companies=_companies(), clock=WallClock(DEC_7), overage_cache_s=0) as bot:
            bot.fake.reject_tables = True
            message = await _report(bot)
            assert all(b["type"] != "table" for b in _blocks(message))
            with capture_logs() as logs:
                await bot.choose(_row(_blocks(message), "Hooli"), f"billed:{_id(5)}", message=message)
                await _settle(bot)
            refused, accepted = _updates(bot)
            assert any(b["type"] == "table" for b in _blocks(refused))
            blocks = _blocks(accepted)
            assert all(b["type"] != "table" for b in blocks)
            assert accepted["ts"] == message["ts"]
            assert "*4* need action · 1 handled" in blocks[1]["text"]["text"]
            shown = "\n".join(b["text"]["text"] for b in blocks if b["type"] == "section")
            assert "*Hooli*" in shown
            assert "billed" in shown
            assert [e for e in logs if e["event"] == "slack_table_refused" and e["method"] == "chat_update"]
            assert not [e for e in logs if e["event"] == "decision_update_failed"]


class TestRefusals:
    """Nothing is recorded for non-approvers, forged values, second clicks and redeliveries."""

    async def test_non_approver_changes_nothing(self) -> None:
        """OVERAGE_APPROVERS set: anyone else is told so, ephemerally; nothing recorded."""
        async with run_bot(companies=_companies(), clock=WallClock(DEC_7), overage_approvers="U0BOSS") as bot:
            message = await _report(bot)
            with capture_logs() as logs:
                await bot.choose(_row(_blocks(message), "Hooli"), f"billed:{_id(5)}", message=message)
                await _settle(bot)
            [response] = [r for r in bot.fake.responses() if r.get("response_type") == "ephemeral"][-1:]
            assert "only billing approvers can record decisions (OVERAGE_APPROVERS)" in response["text"]
            assert await bot.store.decisions.count() == 0
            assert not _updates(bot)
            assert not _notes(bot, message["ts"])
            assert [e["reason"] for e in logs if e["event"] == "decision_refused"] == ["not_approver"]
            await bot.choose(
                _row(_blocks(message), "Hooli"), f"billed:{_id(5)}", message=message, user="U0BOSS"
            )
            await _settle(bot)
            assert await bot.store.decisions.count() == 1

    async def test_outside_the_allow_list_changes_nothing(self) -> None:
        """OVERAGE_ALLOWED_USERS applies to the menu too: refused, nothing read or recorded."""
        async with run_bot(
            companies=_companies(), clock=WallClock(DEC_7), overage_allowed_users="U0ALICE"
        ) as bot:
            message = await _report(bot)
            searches = bot.searches()
            await bot.choose(
                _row(_blocks(message), "Hooli"), f"billed:{_id(5)}", message=message, user="U0EVE"
            )
            await _settle(bot)
            assert "not allowed" in bot.fake.responses()[-1]["text"].lower()
            assert await bot.store.decisions.count() == 0
            assert bot.searches() == searches

    async def test_forged_values_record_nothing(self) -> None:
        """Unknown id, a customer within its limit, an unknown decision, 10 KB of text: refused, logged once each."""
        async with run_bot(companies=_companies(), clock=WallClock(DEC_7)) as bot:
            message = await _report(bot)
            row = _row(_blocks(message), "Hooli")
            forged = [
                ("billed:ffffffff-0000-0000-0000-000000000000", "no longer over the limit"),
                (f"billed:{_id(6)}", "no longer over the limit"),
                (f"approve:{_id(5)}", "could not be read"),
                ("billed:" + "A" * 10_240, "could not be read"),
                ("", "could not be read"),
            ]
            for n, (value, said) in enumerate(forged):
                with capture_logs() as logs:
                    reply = await bot.choose(row, value, message=message, action_ts=f"1.{n}")
                    await _settle(bot)
                assert reply.status == 200
                assert said in bot.fake.responses()[-1]["text"]
                assert bot.fake.responses()[-1]["response_type"] == "ephemeral"
                assert len([e for e in logs if e["event"] == "decision_refused"]) == 1
            assert await bot.store.decisions.count() == 0
            assert not _updates(bot)
            assert not _notes(bot, message["ts"])

    async def test_duplicate_delivery_records_one_and_a_second_click_says_so(self) -> None:
        """The same click twice: one decision, one note; a later click on the decided row: told, nothing new."""
        async with run_bot(companies=_companies(), clock=WallClock(DEC_7)) as bot:
            message = await _report(bot)
            row = _row(_blocks(message), "Hooli")
            body = bot.choose_body(row, f"ignore:{_id(5)}", message=message)
            from tests.scenario.harness import sign

            replies = [await bot.post(body, sign(body)), await bot.post(body, sign(body))]
            await _settle(bot)
            assert [r.status for r in replies] == [200, 200]
            assert await bot.store.decisions.count() == 1
            assert len(_notes(bot, message["ts"])) == 1
            await bot.choose(row, f"billed:{_id(5)}", message=message, action_ts="1733389299.000001")
            await _settle(bot)
            assert await bot.store.decisions.count() == 1
            text = bot.fake.responses()[-1]["text"]
            assert "*Hooli* is already _ignored_ (by <@U0ALICE>" in text
            assert "/overage reopen Hooli" in text


class TestReviewAndReopen:
    """Review all (N) pages the ephemeral list; reopen brings customers back."""

    async def test_review_all_pages_and_decide_from_the_list(self) -> None:
        """55 need action: the report lists 5 and offers Review all (55): pages of 40 and 15, decided in place."""
        async with run_bot(companies=_companies(extra=50), clock=WallClock(DEC_7)) as bot:
            message = await _report(bot)
            blocks = _blocks(message)
            assert len(_rows(blocks)) == 5
            button = next(
                e
                for b in blocks
                if b["type"] == "actions"
                for e in b["elements"]
                if e["action_id"] == "overage_review"
            )
            assert button["text"]["text"] == "Review all (55)"
            await bot.click("overage_review", value=button["value"], message_ts=message["ts"])
            await _settle(bot)
            first = bot.fake.responses()[-1]
            assert first["response_type"] == "ephemeral"
            assert len(_rows(first["blocks"])) == 40
            assert first["blocks"][0]["text"]["text"] == "*Needs action* — 1–40 of 55"
            nxt = first["blocks"][-1]["elements"][0]
            await bot.click("overage_review_next", value=nxt["value"], message_ts="1700000999.000100")
            await _settle(bot)
            second = bot.fake.responses()[-1]
            assert second["replace_original"] is True
            assert len(_rows(second["blocks"])) == 15
            row = _rows(second["blocks"])[0]
            value = _values(row)[0]
            await bot.choose(row, value, message=None)
            await _settle(bot)
            replaced = bot.fake.responses()[-1]
            assert replaced["replace_original"] is True
            assert "✓ _billed Dec 2026_ by <@U0ALICE>" in _rows(replaced["blocks"])[0]["text"]["text"]
            assert len(_notes(bot, message["ts"])) == 1  # the note goes to the report's thread
            assert not _updates(bot)
            for forged in ("x" * 10_240, '{"s": -1, "o": 0, "t": ""}', "[]"):
                await bot.click("overage_review_next", value=forged, message_ts="1700000999.000100")
                await _settle(bot)
                assert "could not be read" in bot.fake.responses()[-1]["text"]

    async def test_reopen_for_approvers_only(self) -> None:
        """An ignored customer is reopened by an approver (ephemeral, no thread); others are refused."""
        async with run_bot(
            companies=_companies(), clock=WallClock(DEC_7), overage_approvers="U0ALICE"
        ) as bot:
            message = await _report(bot)
            await bot.choose(_row(_blocks(message), "Tyrell"), f"ignore:{_id(4)}", message=message)
            await _settle(bot)
            refused = await bot.command("reopen Tyrell", user="U0MALLORY")
            assert "only billing approvers" in refused.json()["text"]
            reply = await bot.command("reopen tyrell")
            assert reply.json()["response_type"] == "ephemeral"
            await _settle(bot)
            assert "Reopened 1: Tyrell" in bot.fake.responses()[-1]["text"]
            assert bot.fake.responses()[-1]["response_type"] == "ephemeral"
            assert len(_notes(bot, message["ts"])) == 1  # only the ignore note: reopen is thread-free
            latest = await bot.store.decisions.latest([_id(4)])
            assert latest[_id(4)].decision == "reopened"
            assert _state_column(_blocks(await _report(bot)))["Tyrell"] == "needs action"
            help_reply = await bot.command("help")
            assert "/overage reopen" in help_reply.json()["text"]

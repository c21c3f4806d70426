"""End to end: /overage over signed HTTP, with the Keepnet sandbox and the fake Slack."""

from __future__ import annotations

import asyncio
import re
import time
from datetime import UTC, datetime
from typing import Any

from structlog.testing import capture_logs

from bot.sandbox.data import SPECIAL_NAMES, is_over_limit, over_limit_companies, seed_companies
from bot.sandbox.faults import Faults
from bot.slack.blocks import TEXT_BUDGET
from tests.scenario.checks import (
    assert_valid_message,
    blocks_of,
    csv_rows,
    message_text,
    slack_length,
    visible_texts,
)
from tests.scenario.harness import WallClock, run_bot, sign

FORMULA_NAMES = ('=HYPERLINK("http://x")', "+1 Telecom", "-Minus Corp", "@Home Services")
FILE_NAME = re.compile(r"overage-(\d{4}-\d{2}-\d{2})\.(csv|xlsx)")
LATE_EVENING_UTC = datetime(2026, 11, 26, 21, 30, tzinfo=UTC)
"""Already 27 November in Istanbul (UTC+3): file names must use the reseller's date."""


def _company_names(rows: list[dict[str, str]]) -> list[str]:
    return [row["Company Name"] for row in rows]


class TestHappyPath:
    """The report reaches the channel, with the CSV in its thread."""

    async def test_ack_then_summary_then_csv_in_thread(self) -> None:
        """/overage acks with a working note, posts a valid report, then the CSV in the report's thread."""
        companies = seed_companies()
        clock = WallClock(LATE_EVENING_UTC)
        async with run_bot(companies=companies, clock=clock, overage_timezone="Europe/Istanbul") as bot:
            reply = await bot.command("")
            assert reply.status == 200
            assert reply.json()["response_type"] == "ephemeral"
            assert "Working on the overage report" in reply.json()["text"]
            await bot.fake.wait_for(lambda: bot.fake.files)
            [message] = bot.fake.messages()
            assert message["channel"] == "C0REPORTS"
            assert_valid_message(message)
            [shared] = bot.fake.files
            assert (shared.channel, shared.thread_ts) == ("C0REPORTS", message["ts"])
            name = FILE_NAME.fullmatch(shared.filename)
            assert name is not None, shared.filename
            assert (name.group(1), name.group(2)) == ("2026-11-27", "csv")
            rows = csv_rows(shared.data)
            over = [row for row in companies if is_over_limit(row)]
            assert len(rows) == len(over)
            expected = sorted(
                ("'" + n if n.startswith(("=", "+", "-", "@")) else n)
                for n in (r["companyName"] for r in over)
            )
            assert sorted(_company_names(rows)) == expected

    async def test_formula_names_are_neutralized_and_mentions_escaped(self) -> None:
        """Company names like `<!channel> Corp` never ping the channel; formula names are inert in the CSV."""
        specials = [row for row in seed_companies() if row["companyName"] in SPECIAL_NAMES]
        async with run_bot(companies=specials) as bot:
            await bot.command("top 50")
            await bot.fake.wait_for(lambda: bot.fake.files)
            [message] = bot.fake.messages()
            assert_valid_message(message)
            text = message_text(message)
            assert "<!channel>" not in text
            assert "&lt;!channel&gt; Corp" in text
            names = _company_names(csv_rows(bot.fake.files[0].data))
            for name in FORMULA_NAMES:
                assert "'" + name in names
                assert name not in names

    async def test_find_passes_the_search_text_to_keepnet(self) -> None:
        """/overage find <text> asks Keepnet for that text and says so while working."""
        async with run_bot() as bot:
            reply = await bot.command("find Coho")
            assert "Coho" in reply.json()["text"]
            await bot.fake.wait_for(lambda: bot.fake.messages())
            bodies = bot.sandbox.stats.search_bodies
            assert bodies
            assert all("Coho" in str(body) for body in bodies)

    async def test_find_matching_nobody_says_so(self) -> None:
        """/overage find <text> that matches no customer: "No customer matching “…”", not "0 checked"."""
        async with run_bot() as bot:
            await bot.command("find zzq-no-such-company")
            await bot.fake.wait_for(lambda: bot.fake.messages())
            [message] = bot.fake.messages()
            sentence = "No customer matching “zzq-no-such-company” is over the license limit."
            assert message["text"] == sentence
            assert message["blocks"][1]["text"]["text"] == f":white_check_mark: {sentence}"
            assert bot.fake.files == []


class TestSizes:
    """Block Kit limits hold for empty and huge reports."""

    async def test_nobody_over_posts_a_positive_message_without_file(self) -> None:
        """Zero offenders: a short positive message, no file and no export request."""
        within = [row for row in seed_companies(total=200) if not is_over_limit(row)]
        async with run_bot(companies=within) as bot:
            await bot.command("")
            await bot.fake.wait_for(lambda: bot.fake.messages())
            [message] = bot.fake.messages()
            assert_valid_message(message)
            assert "within" in message_text(message)
            assert "overage_export_excel" not in message_text(message)
            assert bot.fake.files == []
            assert bot.sandbox.stats.requests["/api/companies/search/export"] == 0

    async def test_ten_thousand_offenders_fit_one_message_and_the_csv_has_them_all(self) -> None:
        """10,000 offenders: the message stays within Block Kit limits; the CSV holds every row."""
        async with run_bot(companies=over_limit_companies(10_000), keepnet_page_size=1000) as bot:
            await bot.command("top 50")
            await bot.fake.wait_for(lambda: bot.fake.files, timeout_s=30)
            [message] = bot.fake.messages()
            assert_valid_message(message)
            assert "10,000" in message["text"]
            blocks = blocks_of(message)
            [table] = [block for block in blocks if block["type"] == "table"]
            shown = len(table["rows"]) - 1
            assert shown == 50
            summary = blocks[1]["text"]["text"]
            assert summary.endswith("\nTop 50 shown; …and 9,950 more in the attached CSV")
            assert sum(slack_length(text) for text in visible_texts(blocks)) <= TEXT_BUDGET
            assert len(csv_rows(bot.fake.files[0].data)) == 10_000


class TestSignature:
    """Only requests Slack signed get through."""

    async def test_forged_signature_is_rejected_and_nothing_happens(self) -> None:
        """A body signed with the wrong secret gets 401; nothing is fetched or posted."""
        async with run_bot() as bot:
            body = bot.command_body("")
            reply = await bot.post(body, sign(body, secret="not-the-secret"))
            assert reply.status == 401
            tampered = await bot.post(body.replace("C0REPORTS", "C0OTHER"), sign(body))
            assert tampered.status == 401
            assert bot.searches() == 0
            assert bot.fake.messages() == []

    async def test_stale_timestamp_is_rejected(self) -> None:
        """A correctly signed request older than five minutes (a replay) gets 401."""
        async with run_bot() as bot:
            body = bot.command_body("")
            reply = await bot.post(body, sign(body, timestamp=int(time.time()) - 6 * 60))
            assert reply.status == 401
            assert bot.searches() == 0
            assert bot.fake.messages() == []


class TestRefusals:
    """Requests the bot answers without asking Keepnet."""

    async def test_access_denied_fetches_nothing(self) -> None:
        """Outside OVERAGE_ALLOWED_CHANNELS: an ephemeral denial, and Keepnet is never asked."""
        async with run_bot(overage_allowed_channels="C0ALLOWED") as bot:
            denied = await bot.command("", channel="C0REPORTS")
            assert "not allowed" in denied.json()["text"]
            assert denied.json()["response_type"] == "ephemeral"
            await bot.background.drain()
            assert (bot.searches(), bot.exports(), len(bot.background)) == (0, 0, 0)
            assert bot.fake.messages() == []
            await bot.command("", channel="C0ALLOWED")
            await bot.fake.wait_for(lambda: bot.fake.messages())
            assert [m["channel"] for m in bot.fake.messages()] == ["C0ALLOWED"]
            assert bot.sandbox.stats.search_bodies
            assert bot.searches() == len(bot.sandbox.stats.search_bodies)
            assert all(f.channel == "C0ALLOWED" for f in bot.fake.files)

    async def test_help_and_usage_errors_answer_in_the_ack(self) -> None:
        """help and bad input get the usage text in the acknowledgement; Keepnet is not asked."""
        async with run_bot() as bot:
            help_reply = await bot.command("help")
            assert "/overage top 25" in help_reply.json()["text"]
            error_reply = await bot.command("top 500")
            assert "out of range" in error_reply.json()["text"]
            assert bot.searches() == 0
            assert bot.fake.messages() == []


class TestFailures:
    """Failures reach the person who asked, ephemerally, with the fix."""

    async def _error_reply(self, bot: Any) -> str:
        await bot.fake.wait_for(lambda: bot.fake.responses())
        [payload] = bot.fake.responses()
        assert payload["response_type"] == "ephemeral"
        assert payload.get("replace_original") is False
        return str(payload["text"])

    async def test_non_reseller_credential_gets_the_reseller_fix(self) -> None:
        """403 from Keepnet: the asker is told to set Client Role = Reseller; nothing is posted."""
        async with run_bot(faults=Faults(role="Customer")) as bot:
            reply = await bot.command("")
            assert reply.status == 200, "the acknowledgement must survive a fast failure"
            text = await self._error_reply(bot)
            assert "Reseller" in text
            assert bot.fake.messages() == []

    async def test_wrong_keepnet_secret_names_the_settings_to_fix(self) -> None:
        """Bad Keepnet credentials: the asker is told to fix KEEPNET_CLIENT_ID / KEEPNET_CLIENT_SECRET."""
        async with run_bot(client_secret="not-the-sandbox-secret") as bot:
            reply = await bot.command("")
            assert reply.status == 200
            text = await self._error_reply(bot)
            assert "KEEPNET_CLIENT_ID" in text
            assert "KEEPNET_CLIENT_SECRET" in text
            assert "not-the-sandbox-secret" not in text
            assert bot.fake.messages() == []
            assert bot.searches() == 0

    async def test_keepnet_down_says_unavailable(self) -> None:
        """Keepnet answering 500 after every retry: the asker reads that Keepnet is unavailable."""
        async with run_bot(faults=Faults(fail_5xx=10_000)) as bot:
            reply = await bot.command("")
            assert reply.status == 200, "the acknowledgement must survive a fast failure"
            text = await self._error_reply(bot)
            assert "unavailable" in text
            assert bot.fake.messages() == []

    async def test_bot_not_in_channel_gets_invite_hint_via_response_url(self) -> None:
        """chat.postMessage not_in_channel: the hint to /invite the bot arrives through response_url."""
        async with run_bot() as bot:
            bot.fake.channel_errors["C0REPORTS"] = "not_in_channel"
            reply = await bot.command("")
            assert reply.status == 200, "the acknowledgement must survive a fast failure"
            text = await self._error_reply(bot)
            assert "/invite @overage-bot" in text
            assert bot.fake.files == []
            assert bot.fake.calls_to("chat.postEphemeral") == []

    async def test_failed_upload_keeps_summary_and_explains(self) -> None:
        """The CSV upload fails (HTTP 500): the asker and the thread read a plain reason and a next step."""
        async with run_bot() as bot:
            bot.fake.upload_failures, bot.fake.upload_status = 10, 500
            reply = await bot.command("")
            assert reply.status == 200, "the acknowledgement must survive a fast failure"
            text = await self._error_reply(bot)
            assert "The CSV file could not be attached: Slack's file upload failed (HTTP 500)." in text
            assert "Click *Refresh* on the report to try again." in text
            assert "Failed to upload a file" not in text
            assert "status:" not in text
            await bot.background.drain()
            summary, note = bot.fake.messages()
            assert "more in the attached CSV" in summary["blocks"][1]["text"]["text"]
            assert note["thread_ts"] == summary["ts"], "the thread says the promised file is missing"
            assert note["text"] == text
            assert bot.fake.files == []
            assert bot.fake.calls_to("chat.update") == []


class TestKeepnetProtection:
    """Bursts of /overage cost Keepnet one report and one export; repeats say they are cached."""

    async def test_repeated_overage_is_labelled_cached_with_its_age(self) -> None:
        """A second /overage within the cache time says "cached, N s old", even under a second later."""
        clock = WallClock(LATE_EVENING_UTC)
        async with run_bot(clock=clock) as bot:
            await bot.command("")
            await bot.fake.wait_for(lambda: len(bot.fake.files) == 1)
            searches = bot.searches()
            clock.advance(0.5)
            await bot.command("")
            await bot.fake.wait_for(lambda: len(bot.fake.files) == 2)
            clock.advance(41.5)
            await bot.command("")
            await bot.fake.wait_for(lambda: len(bot.fake.files) == 3)
            first, second, third = (message_text(m) for m in bot.fake.messages())
            assert "cached" not in first
            assert "cached, 0 s old" in second
            assert "cached, 42 s old" in third
            assert bot.searches() == searches
            assert bot.exports() == 1

    async def test_simultaneous_commands_share_one_csv_export(self) -> None:
        """Twenty /overage at once from twenty channels: one Keepnet export, twenty CSVs posted."""
        async with run_bot() as bot:
            replies = await asyncio.gather(*(bot.command("", channel=f"C{i:08d}") for i in range(20)))
            assert {reply.status for reply in replies} == {200}
            await bot.fake.wait_for(lambda: len(bot.fake.files) == 20)
            assert bot.exports() == 1
            assert len({file.data for file in bot.fake.files}) == 1
            assert len({(file.channel, file.thread_ts) for file in bot.fake.files}) == 20


class TestRequestLog:
    """One log line per request says what was asked and how it ended."""

    async def test_failed_request_logs_kind_find_and_error_type_on_one_line(self) -> None:
        """A failing /overage find logs kind, find=True and the error type, never the search text."""
        with capture_logs() as logs:
            async with run_bot(faults=Faults(role="Customer")) as bot:
                await bot.command("find Coho")
                await bot.fake.wait_for(lambda: bot.fake.responses())
                await bot.background.drain()
        [line] = [entry for entry in logs if entry["event"] == "slack_request"]
        assert line["request"] == "/overage"
        assert (line["kind"], line["top_n"], line["find"]) == ("report", None, True)
        assert (line["outcome"], line["error"]) == ("error", "KeepnetNotResellerError")
        assert (line["user"], line["channel"]) == ("U0ALICE", "C0REPORTS")
        assert "Coho" not in repr(line)

    async def test_successful_request_logs_top_n(self) -> None:
        """A successful /overage top 25 logs kind, top_n=25, find=False, outcome posted and no error."""
        with capture_logs() as logs:
            async with run_bot() as bot:
                await bot.command("top 25")
                await bot.fake.wait_for(lambda: bot.fake.files)
                await bot.background.drain()
        [line] = [entry for entry in logs if entry["event"] == "slack_request"]
        assert (line["kind"], line["top_n"], line["find"]) == ("report", 25, False)
        assert (line["outcome"], line["error"]) == ("posted", None)

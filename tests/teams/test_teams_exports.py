"""The CSV / Excel buttons: a private link, and GET /exports/<token> serving a fresh export."""

from __future__ import annotations

import csv
import io
import json
import logging
from typing import Any

import openpyxl
import pytest

from bot.logging import configure_logging
from bot.sandbox.data import over_limit_companies
from tests.teams._activities import card_action, submit_message
from tests.teams._harness import Reply, TeamsBot, run_teams_bot

pytestmark = pytest.mark.filterwarnings("ignore::aiohttp.web_exceptions.NotAppKeyWarning")

FORMULAS = ('=HYPERLINK("http://x")', "+1 Telecom", "-Minus Corp", "@Home Services")


def _open_url(card: dict[str, Any]) -> str:
    [action] = [a for a in card.get("actions", []) if a["type"] == "Action.OpenUrl"]
    return str(action["url"])


async def _click(
    bot: TeamsBot, verb: str, data: dict[str, Any] | None = None, *, where: str = "channel"
) -> Reply:
    return await bot.send(card_action(bot.connector.service_url, verb, data, where=where))


async def _link(bot: TeamsBot, verb: str, query: str = "") -> str:
    reply = await _click(bot, verb, {"q": query})
    assert reply.status == 200
    body = reply.json()
    assert body["statusCode"] == 200
    assert body["type"] == "application/vnd.microsoft.card.adaptive"
    return _open_url(body["value"])


class TestButtons:
    """The invoke answers with a link card for the clicker only."""

    async def test_execute_returns_a_private_link_card(self) -> None:
        """`export_csv` answers the invoke with an OpenUrl to PUBLIC_URL/exports/…; nothing is posted."""
        async with run_teams_bot(companies=over_limit_companies(30)) as bot:
            url = await _link(bot, "export_csv")
            assert url.startswith(f"{bot.url}/exports/")
            assert bot.connector.calls == []
            assert bot.keepnet_searches() == 0  # the file is fetched on download, not on click

    async def test_submit_fallback_in_a_channel_goes_to_a_private_chat(self) -> None:
        """An Action.Submit in a channel: the link card goes to a new 1:1 chat with the clicker, never the channel."""
        async with run_teams_bot(companies=over_limit_companies(30)) as bot:
            reply = await bot.send(
                submit_message(bot.connector.service_url, {"verb": "export_xlsx", "q": ""})
            )
            assert reply.status == 202
            await bot.connector.wait_for(lambda: len(bot.connector.messages()) >= 2)
            [create] = [c for c in bot.connector.calls if c.kind == "create"]
            assert create.body["isGroup"] is False
            clicker = create.body["members"][0]["id"]
            private = [c for c in bot.connector.messages() if c.conversation_id.startswith("a:1personal-")]
            [card_call] = private
            assert card_call.conversation_id == f"a:1personal-{clicker}"
            download = await bot.get(_open_url(card_call.cards[0]))
            assert download.status == 200
            in_channel = [c for c in bot.connector.messages() if c not in private]
            assert in_channel, "the channel hears where the link went"
            for call in in_channel:
                assert "/exports/" not in json.dumps(call.body)
                assert "isTargetedActivity" not in call.query
            assert "private chat" in in_channel[0].text

    async def test_submit_fallback_without_a_private_chat_says_update_teams(self) -> None:
        """When the 1:1 chat cannot be opened, the channel is told to update Teams — and gets no link."""
        async with run_teams_bot(companies=over_limit_companies(30)) as bot:
            bot.connector.personal_chat_status = 403
            await bot.send(submit_message(bot.connector.service_url, {"verb": "export_csv", "q": ""}))
            [call] = await bot.replies()
            assert "Update Teams" in call.text
            assert all("/exports/" not in json.dumps(c.body) for c in bot.connector.calls)
            assert all("isTargetedActivity" not in c.query for c in bot.connector.calls)

    async def test_submit_fallback_in_a_personal_chat_replies_there(self) -> None:
        """In a 1:1 chat the link card is simply the reply."""
        async with run_teams_bot(companies=over_limit_companies(30)) as bot:
            await bot.send(
                submit_message(bot.connector.service_url, {"verb": "export_csv"}, where="personal")
            )
            [call] = await bot.replies()
            assert "isTargetedActivity" not in call.query
            download = await bot.get(_open_url(call.cards[0]))
            assert download.status == 200

    async def test_unknown_verb_is_answered_not_501(self) -> None:
        """An Action.Execute with an unknown verb gets a 200 card saying it is not supported."""
        async with run_teams_bot() as bot:
            reply = await _click(bot, "refresh_everything")
            assert reply.status == 200
            assert "not supported" in json.dumps(reply.json()["value"])

    async def test_unknown_submit_is_answered(self) -> None:
        """An Action.Submit with an unknown verb gets a short text reply."""
        async with run_teams_bot() as bot:
            await bot.send(submit_message(bot.connector.service_url, {"verb": "nope"}, where="personal"))
            [call] = await bot.replies()
            assert "not supported" in call.text

    async def test_denied_user_gets_no_link(self) -> None:
        """A sender outside OVERAGE_ALLOWED_USERS clicking a button gets a denial card, no link."""
        async with run_teams_bot(overage_allowed_users="someone-else") as bot:
            reply = await _click(bot, "export_csv")
            card = reply.json()["value"]
            assert "not allowed" in json.dumps(card)
            assert "/exports/" not in json.dumps(card)


class TestDownload:
    """GET /exports/<token>."""

    async def test_csv_rows_match_and_formulas_are_neutralized(self) -> None:
        """The CSV holds every over-limit company; formula-like names start with a quote."""
        async with run_teams_bot(companies=over_limit_companies(120)) as bot:
            download = await bot.get(await _link(bot, "export_csv"))
            assert download.status == 200
            assert download.headers["Content-Type"].startswith("text/csv")
            assert download.headers["Content-Disposition"] == 'attachment; filename="overage-2026-11-26.csv"'
            assert download.headers["Cache-Control"] == "no-store"
            rows = list(csv.DictReader(io.StringIO(download.body.decode("utf-8-sig"))))
            names = [row["Company Name"] for row in rows]
            assert len(rows) == 120
            for formula in FORMULAS:
                assert formula not in names
                assert "'" + formula in names

    async def test_xlsx_opens(self) -> None:
        """The Excel link downloads a workbook openpyxl can read, with the rows."""
        async with run_teams_bot(companies=over_limit_companies(15)) as bot:
            download = await bot.get(await _link(bot, "export_xlsx"))
            assert download.status == 200
            assert download.headers["Content-Disposition"].endswith('.xlsx"')
            workbook = openpyxl.load_workbook(io.BytesIO(download.body), read_only=True)
            assert len(list(workbook.active.iter_rows())) == 16  # header + 15

    async def test_every_download_is_a_fresh_keepnet_export(self) -> None:
        """Each download fetches a fresh export from Keepnet (no cached file is handed out)."""
        async with run_teams_bot(companies=over_limit_companies(5)) as bot:
            url = await _link(bot, "export_csv")
            assert (await bot.get(url)).status == 200
            assert (await bot.get(url)).status == 200
            assert len(bot.sandbox.state.stats.export_bodies) == 2

    async def test_find_query_travels_in_the_link(self) -> None:
        """A button on a `find` report exports with the same search text."""
        async with run_teams_bot() as bot:
            await bot.get(await _link(bot, "export_csv", query="acme"))
            assert "acme" in json.dumps(bot.sandbox.state.stats.export_bodies[-1])

    async def test_tampered_and_expired_tokens_get_a_bare_404(self) -> None:
        """A changed token, or one past its ten minutes, gives 404 with an empty body; Keepnet untouched."""
        async with run_teams_bot() as bot:
            url = await _link(bot, "export_csv")
            tampered = url[:-3] + ("AAA" if not url.endswith("AAA") else "BBB")
            for bad in (tampered, url + "x", f"{bot.url}/exports/abc.def"):
                reply = await bot.get(bad)
                assert (reply.status, reply.body) == (404, b"")
            bot.clock.advance(minutes=10, seconds=1)
            reply = await bot.get(url)
            assert (reply.status, reply.body) == (404, b"")
            assert bot.sandbox.state.stats.export_bodies == []

    async def test_keepnet_failure_is_a_short_page_without_the_token(self) -> None:
        """Keepnet failing during the download gives a plain-text 503 with the remediation."""
        async with run_teams_bot() as bot:
            url = await _link(bot, "export_csv")
            bot.sandbox.state.faults.fail_5xx = 50
            reply = await bot.get(url)
            assert reply.status == 503
            assert reply.headers["Content-Type"].startswith("text/plain")
            assert "try again" in reply.text.lower()
            assert url.rsplit("/", 1)[1] not in reply.text


class TestTokensStayOutOfLogs:
    """Links are bearer credentials: no log line carries one."""

    async def test_no_token_in_logs(self) -> None:
        """At DEBUG, with aiohttp's access log on, neither a good, a tampered nor an expired token is logged."""
        stream = io.StringIO()
        root, access = logging.getLogger(), logging.getLogger("aiohttp.access")
        saved = (root.handlers[:], root.level, access.level)
        configure_logging(level="DEBUG", fmt="json", stream=stream)
        access.setLevel(logging.DEBUG)
        try:
            async with run_teams_bot(companies=over_limit_companies(5)) as bot:
                url = await _link(bot, "export_csv")
                token = url.rsplit("/", 1)[1]
                assert (await bot.get(url)).status == 200
                assert (await bot.get(url[:-2] + "zz")).status == 404
                bot.clock.advance(minutes=11)
                assert (await bot.get(url)).status == 404
        finally:
            root.handlers[:], root.level = saved[0], saved[1]
            access.setLevel(saved[2])
        logged = stream.getvalue()
        assert "/exports/" in logged  # the access log did record the requests …
        assert token not in logged  # … but never the token
        for part in token.split("."):
            assert part not in logged


class TestStatement:
    """The Statement button: a private link to the billing statement of every customer over the limit."""

    async def test_export_statement_link_downloads_the_statement(self) -> None:
        """`export_statement` answers with a link card; the download is the statement XLSX, hostile names as text."""
        async with run_teams_bot(companies=over_limit_companies(30)) as bot:
            reply = await _click(bot, "export_statement", {"q": ""})
            card = reply.json()["value"]
            assert "Your billing statement is ready" in json.dumps(card)
            download = await bot.get(_open_url(card))
            assert download.status == 200
            assert download.headers["Content-Disposition"].startswith(
                'attachment; filename="overage-statement-'
            )
            assert download.headers["Cache-Control"] == "no-store"
            sheet = openpyxl.load_workbook(io.BytesIO(download.body)).active
            rows = list(sheet.iter_rows(values_only=True))
            assert rows[0][:2] == ("Company", "Keepnet ID")
            assert rows[-1][0] == "Total"
            assert len(rows) == 30 + 2
            assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)

"""The weekly job end to end: sandbox → report → Slack channel, week over week, and giving up loudly."""

from __future__ import annotations

import asyncio
import copy
import io
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from slack_sdk.web.async_client import AsyncWebClient
from structlog.testing import capture_logs

from bot.config import load_settings
from bot.deps import Deps
from bot.keepnet.client import KeepnetClient
from bot.report.model import SANDBOX_SOURCE
from bot.sandbox import (
    SANDBOX_CLIENT_ID,
    SANDBOX_CLIENT_SECRET,
    RunningSandbox,
    is_over_limit,
    run_sandbox,
    seed_companies,
)
from bot.service import ReportService
from bot.slack.poster import SlackChannelPoster
from bot.store.database import Store
from bot.weekly.job import WeeklyJob, WeeklySchedule
from tests.cli.process import free_port
from tests.fakes.slack_api import FakeSlack, run_fake_slack
from tests.scenario.harness import BOT_TOKEN

MONDAY = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)


class Clock:
    """Wall time that the injected sleep moves forward."""

    def __init__(self, now: datetime) -> None:
        self.now = now
        self.slept: list[float] = []

    def __call__(self) -> datetime:
        return self.now

    async def sleep(self, seconds: float) -> None:
        """Advance instead of waiting."""
        self.slept.append(seconds)
        self.now += timedelta(seconds=seconds)


@pytest.fixture(name="companies")
def _companies() -> list[dict[str, Any]]:
    return seed_companies(total=150)


@pytest.fixture(name="sandbox")
async def _sandbox(companies: list[dict[str, Any]]) -> AsyncIterator[RunningSandbox]:
    async with run_sandbox(companies=companies) as sandbox:
        yield sandbox


@pytest.fixture(name="slack")
async def _slack() -> AsyncIterator[FakeSlack]:
    async with run_fake_slack() as fake:
        yield fake


class Weekly:
    """A weekly job posting to #C0WEEKLY through the real Slack poster."""

    def __init__(self, sandbox: RunningSandbox, slack: FakeSlack, store: Store, clock: Clock) -> None:
        self.settings = load_settings(overage_schedule="0 9 * * 1", overage_timezone="UTC")
        self.client = KeepnetClient(
            base_url=sandbox.base_url,
            client_id=SANDBOX_CLIENT_ID,
            client_secret=SANDBOX_CLIENT_SECRET,
            max_tries=1,
        )
        self.service = ReportService(
            client=self.client, source=SANDBOX_SOURCE, top_n=10, tz=UTC, snapshots=store, clock=clock
        )
        deps = Deps(settings=self.settings, service=self.service, store=store, clock=clock)
        web = AsyncWebClient(token=BOT_TOKEN, base_url=slack.api_url)
        self.job = WeeklyJob(
            schedule=WeeklySchedule.from_settings(self.settings),
            store=store,
            destinations=[SlackChannelPoster(web, deps, channel="C0WEEKLY")],
            report_factory=lambda: self.service.report(fresh=True),
            clock=clock,
            sleep=clock.sleep,
        )


@pytest.fixture(name="store")
async def _store(tmp_path: Path) -> AsyncIterator[Store]:
    store = await Store.open(f"sqlite+aiosqlite:///{tmp_path / 'state.db'}")
    yield store
    await store.close()


async def test_two_weeks_show_what_changed(
    sandbox: RunningSandbox, slack: FakeSlack, store: Store, companies: list[dict[str, Any]]
) -> None:
    """Week 1 posts once with the CSV in the thread; week 2 says what changed since week 1."""
    clock = Clock(MONDAY)
    weekly = Weekly(sandbox, slack, store, clock)
    async with weekly.client:
        [first] = await weekly.job.run_occurrence(MONDAY)
        assert first.status == "posted"
        assert (await weekly.job.run_occurrence(MONDAY))[0].status == "already_posted"
        [week1] = slack.messages()
        assert "since" not in week1["text"]
        assert [f.thread_ts for f in slack.files] == [week1["ts"]]

        over = [c for c in companies if is_over_limit(c)]
        resolved = over[0]
        resolved["targetUserCount"] = 1  # back under the limit
        newcomer = copy.deepcopy(
            next(c for c in companies if not is_over_limit(c) and c["isNumberOfUsersLimited"])
        )
        newcomer["companyName"] = "Brand New Overage Ltd"
        newcomer["targetUserCount"] = int(newcomer["numberOfUsers"]) + 40
        companies[
            companies.index(
                next(c for c in companies if c["companyResourceId"] == newcomer["companyResourceId"])
            )
        ] = newcomer
        sandbox.state.companies_changed()

        clock.now = MONDAY + timedelta(days=7)
        [second] = await weekly.job.run_occurrence(MONDAY + timedelta(days=7))
    assert second.status == "posted"
    week2 = slack.messages()[1]
    shown = str(week2["blocks"])
    assert "since 2026-11-16" in shown
    assert "Brand New Overage Ltd" in shown
    assert resolved["companyName"].replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") in shown


async def test_keepnet_down_all_week_ends_with_a_notice(
    sandbox: RunningSandbox, slack: FakeSlack, store: Store
) -> None:
    """Keepnet failing through the grace period: retries with backoff, then one short notice, no report."""
    sandbox.state.faults.fail_5xx = 10_000
    clock = Clock(MONDAY)
    weekly = Weekly(sandbox, slack, store, clock)
    async with weekly.client:
        [outcome] = await weekly.job.run_occurrence(MONDAY)
    assert outcome.status == "failed"
    assert clock.slept[:3] == [60.0, 120.0, 240.0]
    assert clock.now - MONDAY <= timedelta(hours=12, minutes=30)
    [notice] = slack.messages()
    assert "could not be posted" in notice["text"]
    assert "Keepnet" in notice["text"]
    assert slack.files == []
    record = await store.get_post("slack:C0WEEKLY", "weekly:2026-11-16T09:00Z")
    assert record is not None
    assert record.state == "released"


async def test_failure_then_success_posts_once(
    sandbox: RunningSandbox, slack: FakeSlack, store: Store
) -> None:
    """Two failed attempts, then Keepnet is back: exactly one report is posted."""
    sandbox.state.faults.fail_5xx = 4  # two attempts of (search + count) with max_tries=1
    clock = Clock(MONDAY)
    weekly = Weekly(sandbox, slack, store, clock)
    async with weekly.client:
        [outcome] = await weekly.job.run_occurrence(MONDAY)
    assert outcome.status == "posted"
    assert len(slack.messages()) == 1
    assert "could not be posted" not in slack.messages()[0]["text"]


@pytest.fixture(name="broken_upload_url", params=["refused", "disconnected"])
async def _broken_upload_url(request: pytest.FixtureRequest) -> AsyncIterator[str]:
    """An upload URL where nothing listens, or where the server hangs up without an answer."""
    if request.param == "refused":
        yield f"http://127.0.0.1:{free_port()}/upload"
        return

    async def hang_up(_: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.close()

    server = await asyncio.start_server(hang_up, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}/upload"
    finally:
        server.close()
        await server.wait_closed()


async def test_network_error_during_upload_posts_the_summary_once(
    sandbox: RunningSandbox,
    slack: FakeSlack,
    store: Store,
    broken_upload_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The CSV upload failing at the network level after the summary: one summary, a note, posted."""
    issue_url = slack._m_files_getUploadURLExternal

    def broken(args: dict[str, Any]) -> dict[str, Any]:
        answer = issue_url(args)
        return {**answer, "upload_url": f"{broken_upload_url}/{answer.get('file_id')}"}

    monkeypatch.setattr(slack, "_m_files_getUploadURLExternal", broken)
    clock = Clock(MONDAY)
    weekly = Weekly(sandbox, slack, store, clock)
    async with weekly.client:
        [outcome] = await weekly.job.run_occurrence(MONDAY)
    assert outcome.status == "posted"
    assert clock.slept == []
    summary, note = slack.messages()
    assert outcome.message_ref == summary["ts"]
    assert note["thread_ts"] == summary["ts"]
    assert "could not be attached: the upload to Slack failed" in note["text"]
    assert "Click *Refresh* on the report to try again." in note["text"]
    assert slack.files == []
    record = await store.get_post("slack:C0WEEKLY", "weekly:2026-11-16T09:00Z")
    assert record is not None
    assert (record.state, record.message_ref) == ("completed", summary["ts"])


async def test_weekly_post_to_a_channel_without_the_bot_logs_the_fix(
    sandbox: RunningSandbox, slack: FakeSlack, store: Store
) -> None:
    """not_in_channel every week-day retry: weekly_post_failed lines carry the invite fix, no traceback."""
    slack.channel_errors["C0WEEKLY"] = "not_in_channel"
    clock = Clock(MONDAY)
    weekly = Weekly(sandbox, slack, store, clock)
    with capture_logs() as logs:
        async with weekly.client:
            [outcome] = await weekly.job.run_occurrence(MONDAY)
    assert outcome.status == "failed"
    assert outcome.error is not None
    assert "Invite the bot: /invite @overage-bot in channel C0WEEKLY" in outcome.error
    failed = [entry for entry in logs if entry["event"] == "weekly_post_failed"]
    assert failed
    assert all(entry["exc_info"] is None for entry in failed)
    assert not [entry for entry in logs if entry["event"] == "post_failed"]


async def test_metrics_count_a_real_weekly_post_and_its_keepnet_calls(
    sandbox: RunningSandbox, slack: FakeSlack, store: Store, companies: list[dict[str, Any]]
) -> None:
    """/metrics' counters follow a real weekly post: posted by kind, its Keepnet calls, no company name."""
    from bot.logging import configure_logging
    from bot.metrics import render

    def value(text: str, line: str) -> float:
        found = [row for row in text.splitlines() if row.startswith(line + " ")]
        return float(found[0].rsplit(" ", 1)[1]) if found else 0.0

    configure_logging(stream=io.StringIO(), fmt="json")
    before = render().decode()
    clock = Clock(MONDAY)
    weekly = Weekly(sandbox, slack, store, clock)
    async with weekly.client:
        [outcome] = await weekly.job.run_occurrence(MONDAY)
    assert outcome.status == "posted"
    after = render().decode()
    posted = 'overage_weekly_posts_total{destination_kind="slack",outcome="posted"}'
    assert value(after, posted) == value(before, posted) + 1
    searches = 'overage_keepnet_requests_total{endpoint="search",status="200"}'
    assert value(after, searches) > value(before, searches)
    assert value(after, "overage_weekly_post_last_success_timestamp_seconds") > 0
    for company in companies:
        assert company["companyName"] not in after
    assert "C0WEEKLY" not in after

"""The weekly post's duplicate window: a takeover first looks in the channel's history, when allowed."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
import yaml

from bot.clock import utc_now
from bot.slack.app import build_web_client
from bot.slack.poster import SlackChannelPoster
from bot.store.database import Store
from bot.weekly.job import WeeklyJob, WeeklySchedule
from tests.scenario.harness import World, run_world

KEY = "2026-W48"
PERIOD = f"key:{KEY}"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(name="store")
async def _store(tmp_path: Path) -> AsyncIterator[Store]:
    store = await Store.open(f"sqlite+aiosqlite:///{tmp_path / 'state.db'}")
    try:
        yield store
    finally:
        await store.close()


async def _replica_died_after_posting(world: World, store: Store, poster: SlackChannelPoster) -> str:
    """A replica claimed, posted, and died before recording the post; its lease has run out."""
    assert await store.claim(poster.name, PERIOD, lease_s=60, now=utc_now() - timedelta(hours=1))
    return await poster.post(await world.service.report(fresh=True), period=PERIOD)


def _job(world: World, store: Store, poster: SlackChannelPoster) -> WeeklyJob:
    return WeeklyJob(
        schedule=WeeklySchedule.from_settings(world.settings),
        store=store,
        destinations=[poster],
        report_factory=lambda: world.service.report(fresh=True),
    )


async def test_every_post_carries_its_period_as_metadata(store: Store) -> None:
    """chat.postMessage gets metadata event_type overage_report with the period in the payload."""
    async with run_world() as world:
        poster = SlackChannelPoster(build_web_client(world.settings), world.deps, channel="C0WEEKLY")
        await _job(world, store, poster).post_once(key=KEY)
        [summary] = [m for m in world.fake.messages() if "blocks" in m and not m.get("thread_ts")]
        assert summary["metadata"] == {"event_type": "overage_report", "event_payload": {"period": PERIOD}}


async def test_with_history_scope_a_takeover_finds_the_lost_post(store: Store) -> None:
    """channels:history granted: the lost post is found by its metadata, recorded, and not posted again."""
    async with run_world() as world:
        world.fake.scopes += ",channels:history"
        poster = SlackChannelPoster(build_web_client(world.settings), world.deps, channel="C0WEEKLY")
        ts = await _replica_died_after_posting(world, store, poster)
        posted_before = len(world.fake.calls_to("chat.postMessage"))
        [outcome] = await _job(world, store, poster).post_once(key=KEY)
        assert (outcome.status, outcome.message_ref) == ("already_posted", ts)
        assert len(world.fake.calls_to("chat.postMessage")) == posted_before
        [history] = world.fake.calls_to("conversations.history")
        assert history.args["include_all_metadata"] in ("1", "true", True)
        record = await store.get_post(poster.name, PERIOD)
        assert record is not None
        assert (record.state, record.message_ref) == ("completed", ts)


async def test_private_channel_needs_groups_history(store: Store) -> None:
    """A G… channel is read with groups:history."""
    async with run_world() as world:
        world.fake.scopes += ",groups:history"
        poster = SlackChannelPoster(build_web_client(world.settings), world.deps, channel="G0PRIVATE")
        ts = await _replica_died_after_posting(world, store, poster)
        [outcome] = await _job(world, store, poster).post_once(key=KEY)
        assert (outcome.status, outcome.message_ref) == ("already_posted", ts)


async def test_without_the_scope_it_behaves_as_before(store: Store) -> None:
    """No history scope: Slack answers missing_scope and the takeover posts again (the known window)."""
    async with run_world() as world:
        poster = SlackChannelPoster(build_web_client(world.settings), world.deps, channel="C0WEEKLY")
        await _replica_died_after_posting(world, store, poster)
        [outcome] = await _job(world, store, poster).post_once(key=KEY)
        assert outcome.status == "posted"
        summaries = [m for m in world.fake.messages() if m.get("metadata")]
        assert len(summaries) == 2


async def test_other_periods_do_not_count(store: Store) -> None:
    """A report in history for another period is not mistaken for this one."""
    async with run_world() as world:
        world.fake.scopes += ",channels:history"
        poster = SlackChannelPoster(build_web_client(world.settings), world.deps, channel="C0WEEKLY")
        await poster.post(await world.service.report(fresh=True), period="key:2026-W47")
        assert await store.claim(poster.name, PERIOD, lease_s=60, now=utc_now() - timedelta(hours=1))
        [outcome] = await _job(world, store, poster).post_once(key=KEY)
        assert outcome.status == "posted"


def test_history_scopes_stay_out_of_the_manifest() -> None:
    """manifest.yml never asks for channels:history or groups:history, not even in a comment."""
    text = (ROOT / "manifest.yml").read_text(encoding="utf-8")
    assert "channels:history" not in text
    assert "groups:history" not in text
    scopes = yaml.safe_load(text)["oauth_config"]["scopes"]["bot"]
    assert "channels:history" not in scopes

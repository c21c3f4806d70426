"""The bot in HTTP mode between the Keepnet sandbox and the fake Slack, driven by signed requests.

Requests are signed exactly as Slack signs them (``v0=`` HMAC-SHA256 of ``v0:<timestamp>:<body>``
with the signing secret, ``X-Slack-Request-Timestamp``) and POSTed over real HTTP to an aiohttp
server hosting :func:`bot.slack.http.slack_routes`.
"""

from __future__ import annotations

import itertools
import json
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import aiohttp
from aiohttp import web
from slack_bolt.async_app import AsyncApp
from slack_sdk.signature import SignatureVerifier

from bot.clock import utc_now
from bot.config import Settings, load_settings
from bot.deps import Deps
from bot.keepnet.client import KeepnetClient
from bot.report.model import SANDBOX_SOURCE
from bot.sandbox.app import SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET, RunningSandbox, run_sandbox
from bot.sandbox.faults import Faults
from bot.service import ReportService
from bot.slack.app import close_web_session, create_app, open_web_session
from bot.slack.http import slack_routes
from bot.slack.listeners import BackgroundWork
from bot.store.database import Store
from tests.fakes.slack_api import FakeSlack, run_fake_slack

__all__ = [
    "BOT_TOKEN",
    "SIGNING_SECRET",
    "BotUnderTest",
    "Reply",
    "WallClock",
    "World",
    "no_sleep",
    "run_bot",
    "run_world",
    "sign",
]

SIGNING_SECRET = "test-signing-secret-0123456789"
BOT_TOKEN = "xoxb-test-overage-bot"


async def no_sleep(_: float) -> None:
    """Keepnet retry back-off without waiting."""


def new_trigger_id() -> str:
    """A fresh ``trigger_id``, as Slack gives every user action its own (``<n>.<n>.<hex>``)."""
    return f"{time.time_ns()}.{next(_TRIGGER_COUNTER)}.{uuid.uuid4().hex[:16]}"


_TRIGGER_COUNTER = itertools.count(1)


def sign(body: str, *, timestamp: int | None = None, secret: str = SIGNING_SECRET) -> dict[str, str]:
    """Slack's request headers for ``body``: signature and timestamp (now by default)."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    signature = SignatureVerifier(secret).generate_signature(timestamp=ts, body=body)
    assert signature is not None
    return {
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": signature,
        "Content-Type": "application/x-www-form-urlencoded",
    }


class WallClock:
    """The bot's wall clock: real time, or a fixed time that tests move by hand.

    Args:
        start: the fixed time to start at (aware); None follows the real clock.
    """

    def __init__(self, start: datetime | None = None) -> None:
        self._now = start

    def __call__(self) -> datetime:
        return self._now if self._now is not None else utc_now()

    def advance(self, seconds: float) -> None:
        """Move a fixed clock forward."""
        assert self._now is not None, "only a fixed clock can be moved"
        self._now += timedelta(seconds=seconds)


@dataclass(frozen=True)
class Reply:
    """Slack's view of the bot's HTTP answer (the acknowledgement)."""

    status: int
    body: str

    def json(self) -> dict[str, Any]:
        """The body as JSON (an ack that carries a message)."""
        data: dict[str, Any] = json.loads(self.body)
        return data


@dataclass
class BotUnderTest:
    """Everything a scenario needs to talk to the bot and look at the world around it."""

    fake: FakeSlack
    sandbox: RunningSandbox
    service: ReportService
    app: AsyncApp
    settings: Settings
    events_url: str
    session: aiohttp.ClientSession
    background: BackgroundWork
    clock: WallClock
    store: Store
    deps: Deps

    async def post(self, body: str, headers: dict[str, str]) -> Reply:
        """POST a raw body to ``/slack/events``."""
        async with self.session.post(self.events_url, data=body.encode(), headers=headers) as response:
            return Reply(status=response.status, body=await response.text())

    def command_body(self, text: str = "", *, user: str = "U0ALICE", channel: str = "C0REPORTS") -> str:
        """A ``/overage`` slash-command body as Slack sends it (form-encoded)."""
        return urlencode(
            {
                "token": "legacy-verification-token",
                "team_id": "T0FAKE",
                "team_domain": "fake",
                "channel_id": channel,
                "channel_name": "reports",
                "user_id": user,
                "user_name": "alice",
                "command": "/overage",
                "text": text,
                "api_app_id": "A0OVERAGE",
                "response_url": self.fake.response_url("command"),
                "trigger_id": new_trigger_id(),
            }
        )

    async def command(self, text: str = "", *, user: str = "U0ALICE", channel: str = "C0REPORTS") -> Reply:
        """Send a signed ``/overage <text>``."""
        body = self.command_body(text, user=user, channel=channel)
        return await self.post(body, sign(body))

    def click_body(
        self,
        action_id: str,
        *,
        value: str,
        message_ts: str,
        channel: str = "C0REPORTS",
        user: str = "U0ALICE",
        thread_ts: str | None = None,
    ) -> str:
        """A ``block_actions`` body (``payload=<json>``) for a button on a bot message."""
        message: dict[str, Any] = {"type": "message", "ts": message_ts, "text": "report", "user": "U0OVERAGE"}
        if thread_ts is not None:
            message["thread_ts"] = thread_ts
        payload = {
            "type": "block_actions",
            "user": {"id": user, "username": "alice", "team_id": "T0FAKE"},
            "api_app_id": "A0OVERAGE",
            "token": "legacy-verification-token",
            "container": {
                "type": "message",
                "message_ts": message_ts,
                "channel_id": channel,
                "is_ephemeral": False,
            },
            "trigger_id": new_trigger_id(),
            "team": {"id": "T0FAKE", "domain": "fake"},
            "channel": {"id": channel, "name": "reports"},
            "message": message,
            "response_url": self.fake.response_url("click"),
            "actions": [
                {
                    "type": "button",
                    "action_id": action_id,
                    "block_id": "actions",
                    "value": value,
                    "action_ts": "1",
                }
            ],
        }
        return urlencode({"payload": json.dumps(payload)})

    def choose_body(
        self,
        row: dict[str, Any],
        value: str,
        *,
        message: dict[str, Any] | None,
        channel: str = "C0REPORTS",
        user: str = "U0ALICE",
        action_ts: str = "1733389200.123456",
        container_ts: str | None = None,
    ) -> str:
        """A ``block_actions`` body for choosing ``value`` in a row's overflow menu.

        ``message`` is the channel message as Slack sends it back (None: an ephemeral message, which
        Slack sends without its blocks, only a container).
        """
        ts = container_ts or (message["ts"] if message is not None else "1700000999.000100")
        payload: dict[str, Any] = {
            "type": "block_actions",
            "user": {"id": user, "username": "alice", "name": "alice", "team_id": "T0FAKE"},
            "api_app_id": "A0OVERAGE",
            "token": "legacy-verification-token",
            "container": {
                "type": "message",
                "message_ts": ts,
                "channel_id": channel,
                "is_ephemeral": message is None,
            },
            "trigger_id": new_trigger_id(),
            "team": {"id": "T0FAKE", "domain": "fake"},
            "channel": {"id": channel, "name": "reports"},
            "response_url": self.fake.response_url("choose"),
            "actions": [
                {
                    "type": "overflow",
                    "action_id": "overage_decide",
                    "block_id": row.get("block_id", ""),
                    "selected_option": {"text": {"type": "plain_text", "text": "x"}, "value": value},
                    "action_ts": action_ts,
                }
            ],
        }
        if message is not None:
            payload["message"] = {"type": "message", "user": "U0OVERAGE", **message}
        return urlencode({"payload": json.dumps(payload)})

    async def choose(self, row: dict[str, Any], value: str, **kwargs: Any) -> Reply:
        """Send a signed overflow choice (see :meth:`choose_body`)."""
        body = self.choose_body(row, value, **kwargs)
        return await self.post(body, sign(body))

    async def click(self, action_id: str, *, value: str, message_ts: str, **kwargs: Any) -> Reply:
        """Send a signed button click."""
        body = self.click_body(action_id, value=value, message_ts=message_ts, **kwargs)
        return await self.post(body, sign(body))

    def searches(self) -> int:
        """Keepnet search requests the sandbox has answered so far."""
        return self.sandbox.stats.requests["/api/companies/search"]

    def exports(self) -> int:
        """Keepnet export requests the sandbox has answered so far."""
        return self.sandbox.stats.requests["/api/companies/search/export"]


@dataclass(frozen=True)
class World:
    """The sandbox, the fake Slack and the bot's dependencies, wired together (no server yet)."""

    sandbox: RunningSandbox
    fake: FakeSlack
    settings: Settings
    service: ReportService
    deps: Deps
    clock: WallClock
    store: Store


@asynccontextmanager
async def _temporary_store() -> AsyncIterator[Store]:
    """A state store on a SQLite file that is deleted afterwards."""
    with tempfile.TemporaryDirectory(prefix="overage-scenario-") as folder:
        store = await Store.open(f"sqlite+aiosqlite:///{Path(folder) / 'state.db'}")
        try:
            yield store
        finally:
            await store.close()


@asynccontextmanager
async def run_world(
    *,
    companies: list[dict[str, Any]] | None = None,
    faults: Faults | None = None,
    sleep: Callable[[float], Awaitable[None]] = no_sleep,
    clock: WallClock | None = None,
    client_secret: str = SANDBOX_CLIENT_SECRET,
    **settings: Any,
) -> AsyncIterator[World]:
    """Start the Keepnet sandbox and the fake Slack, and build the bot's settings and deps.

    Args:
        companies: the sandbox's companies (its seeded 1,000 by default).
        faults: the sandbox's fault switches.
        sleep: the Keepnet client's back-off sleep.
        clock: the bot's wall clock (service, handlers and billing decisions); the real one by default.
        client_secret: the Keepnet secret the bot uses (a wrong one tests bad credentials).
        **settings: overrides of the bot's settings (e.g. ``overage_allowed_users="U1"``).

    Yields:
        The world.
    """
    wall = clock if clock is not None else WallClock()
    async with (
        run_sandbox(companies=companies, faults=faults) as sandbox,
        run_fake_slack() as fake,
        _temporary_store() as store,
    ):
        overrides: dict[str, Any] = {"slack_signing_secret": SIGNING_SECRET, **settings}
        config = load_settings(
            slack_bot_token=BOT_TOKEN,
            slack_api_url=fake.api_url,
            keepnet_base_url=sandbox.base_url,
            **overrides,
        )
        async with KeepnetClient(
            base_url=sandbox.base_url,
            client_id=SANDBOX_CLIENT_ID,
            client_secret=client_secret,
            page_size=config.keepnet_page_size,
            sleep=sleep,
        ) as client:
            service = ReportService(
                client=client,
                source=SANDBOX_SOURCE,
                top_n=config.overage_top_n,
                tz=config.tz,
                cache_s=config.overage_cache_s,
                decisions=store.decisions,
                history=store.history,
                billing_cycle=config.overage_billing_cycle,
                pricing=config.pricing,
                clock=wall,
            )
            deps = Deps(settings=config, service=service, store=store, clock=wall)
            try:
                yield World(
                    sandbox=sandbox,
                    fake=fake,
                    settings=config,
                    service=service,
                    deps=deps,
                    clock=wall,
                    store=store,
                )
            finally:
                await service.close_exports()


@asynccontextmanager
async def run_bot(
    *,
    companies: list[dict[str, Any]] | None = None,
    faults: Faults | None = None,
    sleep: Callable[[float], Awaitable[None]] = no_sleep,
    clock: WallClock | None = None,
    client_secret: str = SANDBOX_CLIENT_SECRET,
    **settings: Any,
) -> AsyncIterator[BotUnderTest]:
    """Start the sandbox, the fake Slack and the bot's HTTP endpoint (arguments as :func:`run_world`).

    Yields:
        The running bot.
    """
    async with run_world(
        companies=companies,
        faults=faults,
        sleep=sleep,
        clock=clock,
        client_secret=client_secret,
        **settings,
    ) as world:
        background = BackgroundWork()
        app = create_app(world.settings, world.deps, background=background)
        await open_web_session(app)
        web_app = web.Application()
        web_app.add_routes(slack_routes(app))
        runner = web.AppRunner(web_app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = runner.addresses[0][1]
        try:
            async with aiohttp.ClientSession() as session:
                yield BotUnderTest(
                    fake=world.fake,
                    sandbox=world.sandbox,
                    service=world.service,
                    app=app,
                    settings=world.settings,
                    events_url=f"http://127.0.0.1:{port}/slack/events",
                    session=session,
                    background=background,
                    clock=world.clock,
                    store=world.store,
                    deps=world.deps,
                )
                await background.drain()
        finally:
            await runner.cleanup()
            await close_web_session(app)

"""Fakes of the services the bot talks to: real aiohttp servers on 127.0.0.1 that record calls."""

from tests.fakes.slack_api import BOT_USER_ID, Call, FakeSlack, SharedFile, run_fake_slack

__all__ = ["BOT_USER_ID", "Call", "FakeSlack", "SharedFile", "run_fake_slack"]

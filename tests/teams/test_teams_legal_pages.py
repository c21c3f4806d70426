"""`GET /privacy` and `GET /terms`: the pages the Teams manifest links to, served by the real app."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest

from bot.config import load_settings
from bot.teams.package import build_manifest
from tests.teams._activities import channel_message
from tests.teams._harness import run_teams_bot

pytestmark = pytest.mark.filterwarnings("ignore::aiohttp.web_exceptions.NotAppKeyWarning")

CREDENTIALS: dict[str, Any] = {
    "teams_allow_anonymous": False,
    "teams_client_id": "11111111-2222-3333-4444-555555555555",
    "teams_client_secret": "not-a-real-secret-value",
    "teams_tenant_id": "72f988bf-86f1-41af-91ab-2d7cd011db47",
    "public_url": "https://overage-bot.example.com",
}


async def test_privacy_page_says_what_is_stored_without_a_token() -> None:
    """/privacy: 200 text/plain with no token, naming what is kept (company names, counts, references) and not."""
    async with run_teams_bot(**CREDENTIALS) as bot:
        page = await bot.get("/privacy")
    assert page.status == 200
    assert page.headers["Content-Type"] == "text/plain; charset=utf-8"
    text = " ".join(page.text.split())
    assert "company id and name" in text
    assert "active-user and excess counts" in text
    assert "Teams conversation references" in text
    assert "The messages people send it" in text
    assert "operated by that reseller" in text


async def test_terms_page_names_the_reseller_as_operator_without_a_token() -> None:
    """/terms: 200 text/plain with no token, saying the reseller operates the bot."""
    async with run_teams_bot(**CREDENTIALS) as bot:
        page = await bot.get("/terms")
    assert page.status == 200
    assert page.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert "operated by the Keepnet reseller" in " ".join(page.text.split())


async def test_messages_endpoint_still_needs_a_token() -> None:
    """Serving the pages opens nothing else: /api/messages without a token is still 401."""
    async with run_teams_bot(**CREDENTIALS) as bot:
        refused = await bot.send(channel_message("https://smba.trafficmanager.net/amer/"))
        assert refused.status == 401
        assert bot.keepnet_searches() == 0


async def test_manifest_links_are_the_served_paths() -> None:
    """The package's privacyUrl and termsOfUseUrl point at paths this app answers 200."""
    manifest = build_manifest(load_settings(**CREDENTIALS))
    developer = manifest["developer"]
    async with run_teams_bot(**CREDENTIALS) as bot:
        for key in ("privacyUrl", "termsOfUseUrl"):
            url = urlsplit(developer[key])
            assert url.hostname == "overage-bot.example.com"
            assert (await bot.get(url.path)).status == 200, key

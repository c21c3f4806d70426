"""POST /connect/token and bearer checks of the sandbox."""

from __future__ import annotations

import aiohttp
import pytest

from bot.sandbox import RunningSandbox
from tests.keepnet.openapi_contract import validate_token_request, validate_token_response
from tests.sandbox.sandbox_support import SEARCH_PATH, TOKEN_FORM, FakeClock, search_body


async def _token(
    sandbox: RunningSandbox, session: aiohttp.ClientSession, **form: str
) -> aiohttp.ClientResponse:
    response = await session.post(f"{sandbox.base_url}/connect/token", data={**TOKEN_FORM, **form})
    await response.read()
    return response


async def _search(sandbox: RunningSandbox, session: aiohttp.ClientSession, headers: dict[str, str]) -> int:
    async with session.post(
        f"{sandbox.base_url}{SEARCH_PATH}", json=search_body(), headers=headers
    ) as response:
        return response.status


async def test_token_success_matches_the_contract(
    sandbox: RunningSandbox, session: aiohttp.ClientSession
) -> None:
    """A correct form gets a Bearer token for scope api1 that lives token_lifetime_s seconds."""
    validate_token_request(TOKEN_FORM)
    sandbox.faults.token_lifetime_s = 60
    first = await (await _token(sandbox, session)).json()
    second = await (await _token(sandbox, session)).json()
    validate_token_response(first)
    assert first["expires_in"] == 60
    assert (first["token_type"], first["scope"]) == ("Bearer", "api1")
    assert first["access_token"].count(".") == 2
    assert first["access_token"] != second["access_token"]
    assert sandbox.stats.tokens_issued == 2


async def test_json_token_request_is_a_server_error(
    sandbox: RunningSandbox, session: aiohttp.ClientSession
) -> None:
    """Sending the token request as JSON instead of a form answers 500, like the real API."""
    async with session.post(f"{sandbox.base_url}/connect/token", json=TOKEN_FORM) as response:
        assert response.status == 500
    assert sandbox.stats.tokens_issued == 0


@pytest.mark.parametrize(
    ("form", "error"),
    [
        ({"client_secret": "wrong"}, "invalid_client"),
        ({"client_id": "someone-else"}, "invalid_client"),
        ({"grant_type": "password"}, "unsupported_grant_type"),
        ({"scope": "api2"}, "invalid_scope"),
    ],
)
async def test_bad_token_forms_get_oauth_errors(
    sandbox: RunningSandbox, session: aiohttp.ClientSession, form: dict[str, str], error: str
) -> None:
    """Wrong credentials, grant type or scope answer 400 with the OAuth2 error code."""
    response = await _token(sandbox, session, **form)
    assert response.status == 400
    assert await response.json() == {"error": error}


async def test_token_expires_on_the_server_clock(
    sandbox: RunningSandbox, session: aiohttp.ClientSession, clock: FakeClock
) -> None:
    """A token works until expires_in seconds have passed on the injected clock, then gets 401."""
    sandbox.faults.token_lifetime_s = 60
    token = (await (await _token(sandbox, session)).json())["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    clock.now += 59
    assert await _search(sandbox, session, headers) == 200
    clock.now += 1
    async with session.post(
        f"{sandbox.base_url}{SEARCH_PATH}", json=search_body(), headers=headers
    ) as response:
        assert response.status == 401
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
        assert await response.read() == b""


@pytest.mark.parametrize(
    "headers", [{}, {"Authorization": "Bearer not-a-token"}, {"Authorization": "Basic abc"}]
)
async def test_missing_or_unknown_bearer_is_unauthorized(
    sandbox: RunningSandbox, session: aiohttp.ClientSession, headers: dict[str, str]
) -> None:
    """Without a token this sandbox issued, /api answers 401 with WWW-Authenticate: Bearer."""
    async with session.post(
        f"{sandbox.base_url}{SEARCH_PATH}", json=search_body(), headers=headers
    ) as response:
        assert response.status == 401
        assert response.headers["WWW-Authenticate"] == "Bearer"


async def test_every_issued_token_is_recorded(
    sandbox: RunningSandbox, session: aiohttp.ClientSession
) -> None:
    """stats.issued_tokens keeps each access token handed out, even after the server forgets them."""
    first = await (await _token(sandbox, session)).json()
    second = await (await _token(sandbox, session)).json()
    sandbox.state.tokens.clear()
    assert sandbox.stats.issued_tokens == [first["access_token"], second["access_token"]]

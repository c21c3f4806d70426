"""Export tokens: signed, short-lived, tamper-evident."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta

import pytest
from structlog.testing import capture_logs

from bot.config import load_settings
from bot.teams.links import EXPORT_LINK_TTL, ExportLinks
from tests.teams._harness import Clock

SECRET = b"k" * 32


def _links(clock: Clock, secret: bytes = SECRET) -> ExportLinks:
    return ExportLinks(secret, base_url="https://bot.example.com/", clock=clock)


def _token(url: str) -> str:
    return url.rsplit("/", 1)[1]


class TestMintAndVerify:
    """A minted link verifies to what it was minted for, until it expires."""

    def test_round_trip(self) -> None:
        """The token carries kind, query and tenant, and expires ten minutes after minting."""
        clock = Clock()
        link = _links(clock).mint("Excel", query="acme ltd", tenant="t-1")
        assert link.url.startswith("https://bot.example.com/exports/")
        assert link.expires_at == clock.now + EXPORT_LINK_TTL
        claims = _links(clock).verify(_token(link.url))
        assert claims is not None
        assert (claims.kind, claims.query, claims.tenant) == ("Excel", "acme ltd", "t-1")

    def test_every_link_is_different(self) -> None:
        """Two links for the same export differ (a nonce), so one leaked link says nothing of another."""
        links = _links(Clock())
        assert links.mint("CSV", query="", tenant="t").url != links.mint("CSV", query="", tenant="t").url

    def test_expired_link_is_refused(self) -> None:
        """Past its expiry the token no longer verifies."""
        clock = Clock()
        links = _links(clock)
        token = _token(links.mint("CSV", query="", tenant="t").url)
        clock.advance(minutes=9, seconds=59)
        assert links.verify(token) is not None
        clock.advance(seconds=1)
        assert links.verify(token) is None

    def test_link_from_the_future_is_refused(self) -> None:
        """A token whose expiry lies further ahead than the lifetime allows is refused."""
        clock = Clock()
        token = _token(_links(clock).mint("CSV", query="", tenant="t").url)
        clock.advance(minutes=-30)
        assert _links(clock).verify(token) is None


class TestTampering:
    """Anything but the exact minted token is refused."""

    def test_changed_payload_is_refused(self) -> None:
        """Re-encoding the payload with another query breaks the signature."""
        links = _links(Clock())
        body, signature = _token(links.mint("CSV", query="acme", tenant="t").url).split(".")
        payload = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
        payload["query"] = ""
        forged = base64.urlsafe_b64encode(json.dumps(payload).encode()).rstrip(b"=").decode()
        assert links.verify(f"{forged}.{signature}") is None

    def test_other_secret_is_refused(self) -> None:
        """A token signed with another key does not verify."""
        clock = Clock()
        token = _token(_links(clock, b"x" * 32).mint("CSV", query="", tenant="t").url)
        assert _links(clock).verify(token) is None

    @pytest.mark.parametrize("token", ["", ".", "abc", "a.b.c", "é.é", "x" * 5000, "e30.AAAA"])
    def test_garbage_is_refused(self, token: str) -> None:
        """Malformed tokens give None, never an exception."""
        assert _links(Clock()).verify(token) is None


class TestConfiguration:
    """Secret and lifetime rules."""

    def test_short_secret_or_long_ttl_is_rejected(self) -> None:
        """Keys under 32 bytes and lifetimes over ten minutes are refused."""
        with pytest.raises(ValueError, match="32 bytes"):
            ExportLinks(b"short", base_url="https://x", clock=Clock())
        with pytest.raises(ValueError, match="ten minutes"):
            ExportLinks(SECRET, base_url="https://x", clock=Clock(), ttl=timedelta(minutes=11))

    def test_missing_secret_warns_that_links_die_on_restart(self) -> None:
        """Without EXPORT_LINK_SECRET a random key is used and a warning says links die on restart."""
        settings = load_settings()
        with capture_logs() as logs:
            first = ExportLinks.from_settings(settings, base_url="https://x", clock=Clock())
            second = ExportLinks.from_settings(settings, base_url="https://x", clock=Clock())
        warnings = [entry for entry in logs if entry["event"] == "export_link_secret_random"]
        assert len(warnings) == 2
        assert "restart" in warnings[0]["detail"]
        token = _token(first.mint("CSV", query="", tenant="t").url)
        assert second.verify(token) is None

    def test_configured_secret_survives_restart(self) -> None:
        """With EXPORT_LINK_SECRET set, a new instance (a restart) verifies old links."""
        settings = load_settings(export_link_secret="s" * 40)
        clock = Clock(now=datetime(2026, 1, 1, tzinfo=UTC))
        token = _token(
            ExportLinks.from_settings(settings, base_url="https://x", clock=clock)
            .mint("CSV", query="", tenant="t")
            .url
        )
        assert (
            ExportLinks.from_settings(settings, base_url="https://x", clock=clock).verify(token) is not None
        )


class TestRotation:
    """EXPORT_LINK_SECRET=new,old: the first secret signs, every one verifies."""

    def test_links_signed_with_the_old_secret_still_work_after_rotation(self) -> None:
        """Old links verify under new,old; new links are signed with the new secret; dropping old ends it."""
        clock = Clock()
        old, new = "o" * 40, "n" * 40
        before = ExportLinks.from_settings(
            load_settings(export_link_secret=old), base_url="https://x", clock=clock
        )
        old_token = _token(before.mint("CSV", query="acme", tenant="t").url)
        rotated = ExportLinks.from_settings(
            load_settings(export_link_secret=f" {new} , {old} "), base_url="https://x", clock=clock
        )
        claims = rotated.verify(old_token)
        assert claims is not None
        assert claims.query == "acme"
        new_token = _token(rotated.mint("Excel", query="", tenant="t").url)
        assert before.verify(new_token) is None  # signed with the new secret, not the old one
        only_new = ExportLinks.from_settings(
            load_settings(export_link_secret=new), base_url="https://x", clock=clock
        )
        assert only_new.verify(new_token) is not None
        assert only_new.verify(old_token) is None

    def test_every_listed_secret_must_be_long_enough(self) -> None:
        """A short secret anywhere in the list is refused at start-up."""
        from bot.config import ConfigError

        with pytest.raises(ConfigError, match=r"EXPORT_LINK_SECRET.*32 bytes"):
            load_settings(export_link_secret=f"{'n' * 40},short")

    def test_tokens_are_bound_to_this_purpose(self) -> None:
        """A token itsdangerous signed with the same secret for another purpose (salt) is refused."""
        from itsdangerous import URLSafeSerializer

        payload = {"kind": "CSV", "query": "", "tenant": "t", "exp": 2_000_000_000, "nonce": "x"}
        token = URLSafeSerializer(SECRET).dumps(payload)
        assert _links(Clock()).verify(token) is None


def test_every_token_has_one_shape() -> None:
    """Whatever the query, a token is ``<payload>.<signature>``: never compressed behind a leading dot."""
    links = _links(Clock())
    for query in ["", "a" * 200, "acme " * 40, "x"]:
        token = _token(links.mint("CSV", query=query, tenant="t").url)
        body, signature = token.split(".")
        assert body
        assert signature
        assert links.verify(token) is not None

"""The access rule both edges use: trimmed, case ignored, empty lists allow everyone, both lists must match."""

from __future__ import annotations

from bot.access import is_allowed
from bot.config import load_settings


def test_empty_lists_allow_everyone() -> None:
    """No allow list: anybody, anywhere (even without ids)."""
    assert is_allowed(load_settings(), user_ids=[None], channel_id=None)


def test_users_and_channels_both_must_match_ignoring_case_and_whitespace() -> None:
    """Either id of the asker may match; case and stray whitespace never matter."""
    settings = load_settings(
        overage_allowed_users="U0ALICE,9f1c2d3e-aaaa-bbbb-cccc-0123456789ab",
        overage_allowed_channels="C0REPORTS,19:Abc@thread.tacv2",
    )
    assert is_allowed(settings, user_ids=["u0alice "], channel_id=" C0REPORTS")
    assert is_allowed(
        settings, user_ids=[None, "9F1C2D3E-AAAA-BBBB-CCCC-0123456789AB"], channel_id="19:abc@thread.tacv2"
    )
    assert not is_allowed(settings, user_ids=["U0BOB"], channel_id="C0REPORTS")
    assert not is_allowed(settings, user_ids=["U0ALICE"], channel_id="C0OTHER")
    assert not is_allowed(settings, user_ids=[None], channel_id=None)

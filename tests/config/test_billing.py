"""Billing settings: OVERAGE_BILLING_CYCLE, OVERAGE_APPROVERS, OVERAGE_POST_WHEN."""

from __future__ import annotations

import pytest

from bot.config import ConfigError, load_settings


def test_defaults() -> None:
    """Monthly cycle, no approvers (everyone allowed), post every week."""
    settings = load_settings()
    assert (settings.overage_billing_cycle, settings.overage_approvers, settings.overage_post_when) == (
        "monthly",
        (),
        "always",
    )


def test_values_are_read_leniently() -> None:
    """Case, spaces and an underscore for the hyphen are accepted; ids are split on commas."""
    settings = load_settings(
        overage_billing_cycle=" Quarterly ",
        overage_approvers=" U0AAA, 6b9c3e1d-0000-4000-8000-00000000a11c ,, ",
        overage_post_when="NEEDS_ACTION",
    )
    assert settings.overage_billing_cycle == "quarterly"
    assert settings.overage_approvers == ("U0AAA", "6b9c3e1d-0000-4000-8000-00000000a11c")
    assert settings.overage_post_when == "needs-action"
    assert load_settings(overage_billing_cycle="").overage_billing_cycle == "monthly"


@pytest.mark.parametrize(
    ("field", "value", "said"),
    [
        ("overage_billing_cycle", "weekly", "OVERAGE_BILLING_CYCLE"),
        ("overage_post_when", "sometimes", "OVERAGE_POST_WHEN"),
        ("overage_approvers", "@ada", "not an id"),
        ("overage_approvers", "Ada Lovelace", "not an id"),
    ],
)
def test_bad_values_name_the_variable(field: str, value: str, said: str) -> None:
    """A bad value stops the bot with a line naming the variable (or saying what is wrong)."""
    with pytest.raises(ConfigError) as error:
        load_settings(**{field: value})
    assert said in str(error.value)

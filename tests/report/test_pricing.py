"""Prices per license type, trials, Babel money in two locales, and the settings that feed them."""

from __future__ import annotations

import pytest

from bot.cli import main
from bot.config import ConfigError, load_settings
from bot.report.pricing import Pricing, format_money, true_up


def test_money_in_two_locales() -> None:
    """en_US and de_DE format the same amount their own way."""
    assert format_money(12040, "USD", "en_US") == "$12,040.00"
    assert format_money(12040, "EUR", "de_DE") == "12.040,00\xa0€"


def test_prices_per_type_case_insensitive_and_default() -> None:
    """A type's own price wins; other types use the default; unpriced gives no amount."""
    pricing = Pricing(default_price=3.0, prices={"custom": 2.5})
    assert pricing.price_for("CUSTOM") == 2.5
    assert pricing.price_for("Basic") == 3.0
    assert pricing.price_for(None) == 3.0
    assert Pricing().price_for("Custom") is None


def test_true_up_leaves_out_trials_and_ignored() -> None:
    """Trials and ignored customers count in neither the excess nor the amount."""
    pricing = Pricing(default_price=2.0, trial_types=frozenset({"trial"}))
    total = true_up(
        [("Trial", 100, False), ("Custom", 10, False), ("Custom", 7, True), (None, None, False)], pricing
    )
    assert (total.amount, total.excess, total.trials, total.ignored) == (20.0, 10, 1, 1)
    assert total.excluded_note() == "(trials and ignored customers excluded)"
    assert true_up([("Custom", 5, False)], Pricing()).amount is None


def test_settings_build_the_pricing() -> None:
    """OVERAGE_SEAT_PRICES, OVERAGE_PRICE_PERIOD, OVERAGE_LOCALE and trial types reach the rule."""
    settings = load_settings(
        overage_seat_prices="Custom=2.50, Enterprise=2.00,Trial=0",
        overage_price_period="Year",
        overage_locale="de_DE",
        overage_currency="eur",
        overage_trial_license_types="Trial, Eval",
    )
    pricing = settings.pricing
    assert pricing.prices == {"custom": 2.5, "enterprise": 2.0, "trial": 0.0}
    assert (pricing.period, pricing.locale, pricing.currency) == ("year", "de_DE", "EUR")
    assert pricing.is_trial("EVAL")


@pytest.mark.parametrize(
    ("name", "value", "words"),
    [
        ("OVERAGE_SEAT_PRICES", "Custom", "is not Type=price"),
        ("OVERAGE_SEAT_PRICES", "Custom=cheap", "is not a number"),
        ("OVERAGE_SEAT_PRICES", "Custom=-1", "≥ 0"),
        ("OVERAGE_SEAT_PRICES", "Custom=1,custom=2", "given twice"),
        ("OVERAGE_CURRENCY", "XYZ", "ISO 4217"),
        ("OVERAGE_CURRENCY", "dollars", "ISO 4217"),
        ("OVERAGE_LOCALE", "xx_YY", "unknown locale"),
        ("OVERAGE_PRICE_PERIOD", "week", "OVERAGE_PRICE_PERIOD"),
    ],
)
def test_bad_pricing_settings_exit_2(
    name: str, value: str, words: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A malformed price, currency, locale or period is one line naming the variable, exit 2."""
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError):
        load_settings()
    assert main(["preview"]) == 2
    err = capsys.readouterr().err
    assert name in err
    assert words in err
    assert "Traceback" not in err

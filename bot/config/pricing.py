"""Prices and money: ``OVERAGE_SEAT_PRICE``, ``OVERAGE_SEAT_PRICES``, ``OVERAGE_PRICE_PERIOD``,
``OVERAGE_CURRENCY``, ``OVERAGE_LOCALE`` and ``OVERAGE_TRIAL_LICENSE_TYPES``.

``OVERAGE_SEAT_PRICES`` maps Keepnet license types to the price of one excess user
(``Custom=2.50,Enterprise=2.00,Trial=0``, type names case-insensitive); types it does not name use
``OVERAGE_SEAT_PRICE``. Trial license types are never billed.
"""

from __future__ import annotations

import math
from typing import Annotated, Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode

from bot.report.pricing import Pricing, check_currency, check_locale

__all__ = ["PricingSettings", "parse_seat_prices"]

_EXAMPLE = "e.g. OVERAGE_SEAT_PRICES=Custom=2.50,Enterprise=2.00,Trial=0"


def parse_seat_prices(value: object) -> dict[str, float]:
    """``"Custom=2.50,Enterprise=2"`` → ``{"custom": 2.5, "enterprise": 2.0}`` (names case-folded).

    Raises:
        ValueError: an entry without ``=``, an empty name, a price that is not a number ≥ 0, or a
            name given twice.
    """
    if isinstance(value, dict):
        items = [f"{k}={v}" for k, v in value.items()]
    elif isinstance(value, str):
        items = [part for part in value.replace(";", ",").split(",") if part.strip()]
    elif value is None:
        return {}
    else:
        raise ValueError(f"expected 'Type=price,…' ({_EXAMPLE})")
    prices: dict[str, float] = {}
    for item in items:
        name, sep, price_text = item.partition("=")
        name = name.strip()
        if not sep or not name:
            raise ValueError(f"{item.strip()!r} is not Type=price ({_EXAMPLE})")
        try:
            price = float(price_text.strip())
        except ValueError:
            raise ValueError(
                f"the price of {name!r} is not a number: {price_text.strip()!r} ({_EXAMPLE})"
            ) from None
        if not math.isfinite(price) or price < 0:
            raise ValueError(f"the price of {name!r} must be a number ≥ 0 ({_EXAMPLE})")
        key = name.casefold()
        if key in prices:
            raise ValueError(f"{name!r} is given twice ({_EXAMPLE})")
        prices[key] = price
    return prices


class PricingSettings(BaseSettings):
    """The pricing settings (a mixin of :class:`bot.config.Settings`).

    Validator names start with ``_pricing_``: a method of the same name in ``Settings`` would
    silently replace the validator.
    """

    overage_seat_price: float | None = Field(default=None, ge=0, allow_inf_nan=False)
    overage_seat_prices: Annotated[dict[str, float], NoDecode] = Field(default_factory=dict)
    overage_price_period: Literal["month", "year"] = "month"
    overage_currency: str = "USD"
    overage_locale: str = "en_US"
    overage_trial_license_types: Annotated[tuple[str, ...], NoDecode] = ("Trial",)

    @field_validator("overage_seat_prices", mode="before")
    @classmethod
    def _pricing_seat_prices(cls, value: object) -> object:
        return parse_seat_prices(value)

    @field_validator("overage_price_period", mode="before")
    @classmethod
    def _pricing_period(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("overage_currency")
    @classmethod
    def _pricing_currency(cls, value: str) -> str:
        return check_currency(value)

    @field_validator("overage_locale")
    @classmethod
    def _pricing_locale(cls, value: str) -> str:
        return check_locale(value.strip())

    @field_validator("overage_trial_license_types", mode="before")
    @classmethod
    def _pricing_trial_types(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(part.strip() for part in value.split(",") if part.strip())
        return value

    @property
    def pricing(self) -> Pricing:
        """The pricing rule for reports and statements."""
        return Pricing(
            default_price=self.overage_seat_price,
            prices=dict(self.overage_seat_prices),
            period=self.overage_price_period,
            currency=self.overage_currency,
            locale=self.overage_locale,
            trial_types=frozenset(t.casefold() for t in self.overage_trial_license_types),
        )

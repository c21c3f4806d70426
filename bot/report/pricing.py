"""Seat prices, trials and money: the one rule behind the statement's Total and the summary's true-up. Pure.

A customer's excess is billed at the price of its license type (``OVERAGE_SEAT_PRICES``), else at
the default price (``OVERAGE_SEAT_PRICE``). Trial licenses (``OVERAGE_TRIAL_LICENSE_TYPES``) and
ignored customers stay in every list but count in no total. Amounts are formatted with Babel in
the reseller's locale (``≈ $12,040.00``, ``≈ 12.040,00 €`` in ``de_DE``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal

from babel.core import Locale, UnknownLocaleError
from babel.numbers import format_currency, get_currency_name

__all__ = [
    "PricePeriod",
    "Pricing",
    "TrueUp",
    "check_currency",
    "check_locale",
    "format_money",
    "true_up",
]

PricePeriod = Literal["month", "year"]


def check_locale(name: str) -> str:
    """``name`` when Babel knows the locale (``en_US``, ``de_DE``…).

    Raises:
        ValueError: an unknown or malformed locale.
    """
    try:
        Locale.parse(name.replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError) as exc:
        raise ValueError(f"unknown locale {name!r}; use a name such as en_US or de_DE") from exc
    return name.replace("-", "_")


def check_currency(code: str) -> str:
    """``code`` upper-cased when it is an ISO 4217 currency Babel knows.

    Raises:
        ValueError: anything else (with an example of a valid code).
    """
    upper = code.strip().upper()
    if len(upper) != 3 or not upper.isalpha() or get_currency_name(upper, locale="en") == upper:
        raise ValueError(f"{code!r} is not an ISO 4217 currency code Babel knows; use e.g. USD, EUR or GBP")
    return upper


def format_money(amount: float, currency: str, locale: str = "en_US") -> str:
    """An amount in the reseller's locale: ``$12,040.00`` (en_US), ``12.040,00 €`` (de_DE)."""
    if not math.isfinite(amount):
        return f"{currency} ?"
    return str(format_currency(amount, currency, locale=locale))


@dataclass(frozen=True)
class Pricing:
    """How excess users are priced.

    Attributes:
        default_price: the price of one excess user when its license type has none (None: unpriced).
        prices: license type (case-folded) → price of one excess user.
        period: what a price covers (``month`` or ``year``), printed next to totals.
        currency: the ISO 4217 code.
        locale: the Babel locale used to format money.
        trial_types: license types (case-folded) that are trials: never billed.
    """

    default_price: float | None = None
    prices: Mapping[str, float] = field(default_factory=dict)
    period: PricePeriod = "month"
    currency: str = "USD"
    locale: str = "en_US"
    trial_types: frozenset[str] = frozenset({"trial"})

    @property
    def priced(self) -> bool:
        """True when any price is configured (else no amount is shown anywhere)."""
        return self.default_price is not None or bool(self.prices)

    def is_trial(self, license_type: str | None) -> bool:
        """True for a trial license type (matched case-insensitively)."""
        return bool(license_type) and (license_type or "").strip().casefold() in self.trial_types

    def price_for(self, license_type: str | None) -> float | None:
        """The price of one excess user of this license type, or None when unpriced."""
        if license_type:
            price = self.prices.get(license_type.strip().casefold())
            if price is not None:
                return price
        return self.default_price

    def money(self, amount: float) -> str:
        """``amount`` formatted in the currency and locale."""
        return format_money(amount, self.currency, self.locale)


@dataclass(frozen=True)
class TrueUp:
    """The billable total of a list of over-limit customers.

    Attributes:
        amount: the sum of excess × price over billable customers (None when nothing is priced).
        excess: the billable excess users.
        trials: how many customers were left out as trials.
        ignored: how many were left out as ignored.
    """

    amount: float | None
    excess: int
    trials: int
    ignored: int

    def excluded_note(self) -> str:
        """``(trials excluded)``, ``(trials and ignored customers excluded)``."""
        return "(trials and ignored customers excluded)" if self.ignored else "(trials excluded)"


def true_up(
    rows: Iterable[tuple[str | None, int | None, bool]],
    pricing: Pricing,
) -> TrueUp:
    """Sum the billable excess and amount.

    Args:
        rows: per customer, its license type, its excess (None when unknown) and whether it is ignored.
        pricing: the prices and trial types.

    Returns:
        The totals; trials and ignored customers count in neither, unknown excesses count as 0.
    """
    amount: float | None = None
    excess = trials = ignored = 0
    for license_type, row_excess, is_ignored in rows:
        if pricing.is_trial(license_type):
            trials += 1
            continue
        if is_ignored:
            ignored += 1
            continue
        users = max(0, row_excess or 0)
        excess += users
        price = pricing.price_for(license_type)
        if price is not None:
            amount = (amount or 0.0) + users * price
    if amount is None and pricing.priced:
        amount = 0.0
    return TrueUp(amount=amount, excess=excess, trials=trials, ignored=ignored)

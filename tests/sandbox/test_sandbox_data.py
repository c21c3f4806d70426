"""Seeded sandbox data: deterministic, about 10 % over, with the promised awkward rows."""

from __future__ import annotations

import re
from collections import Counter

from bot.sandbox import SPECIAL_NAMES, is_over_limit, over_limit_companies, seed_companies
from bot.sandbox.data import LONG_NAME
from tests.keepnet.openapi_contract import validate_search_response

_PROMISED = (
    "Müller GmbH", "東京商事", "Café ☕ Ltd 🚀", 'Smith, Jones & "Partners"', '=HYPERLINK("http://x")',
    "+1 Telecom", "-Minus Corp", "@Home Services", "<!channel> Corp",
)  # fmt: skip


def _by_name(rows: list[dict[str, object]]) -> dict[str, dict[str, object]]:
    return {str(row["companyName"]): row for row in rows}


def test_seed_is_deterministic() -> None:
    """The same seed builds the same rows; another seed builds different ones."""
    assert seed_companies() == seed_companies()
    assert seed_companies(seed=8) != seed_companies()


def test_about_ten_percent_are_over() -> None:
    """1,000 seeded companies hold 100 over-limit ones; 5,000 hold 500."""
    assert sum(map(is_over_limit, seed_companies())) == 100
    assert sum(map(is_over_limit, seed_companies(total=5000, seed=3))) == 500


def test_special_names_are_present_and_over() -> None:
    """The promised Unicode, quoting, formula and mention names exist and are over their limit."""
    rows = _by_name(seed_companies())
    assert set(_PROMISED) <= set(SPECIAL_NAMES) <= set(rows)
    assert all(is_over_limit(rows[name]) for name in _PROMISED)
    assert len(LONG_NAME) == 120
    assert is_over_limit(rows[LONG_NAME])


def test_edge_licences_follow_the_strict_rule() -> None:
    """Unlimited above 9999, exactly-at-limit and unparseable limits are not over; a limit of 0 is."""
    rows = _by_name(seed_companies())
    unlimited = rows["Unlimited Mega Corp"]
    assert (unlimited["isNumberOfUsersLimited"], unlimited["numberOfUsers"]) == (False, "9999")
    assert int(str(unlimited["targetUserCount"])) > 9999
    assert rows["Exact Fit Ltd"]["targetUserCount"] == int(str(rows["Exact Fit Ltd"]["numberOfUsers"]))
    for name in (
        "Unlimited Mega Corp",
        "Exact Fit Ltd",
        "Mystery Limits Inc",
        "Blank Limit LLC",
        "Null Limit Co",
    ):
        assert not is_over_limit(rows[name]), name
    assert rows["Zero Seat Trial"]["numberOfUsers"] == "0"
    assert is_over_limit(rows["Zero Seat Trial"])


def test_rows_have_wire_shapes() -> None:
    """Ids are unique 12-char alphanumerics, limits are strings, times have no Z, some times repeat."""
    rows = seed_companies()
    ids = [row["companyResourceId"] for row in rows]
    assert len(set(ids)) == len(ids)
    assert all(re.fullmatch(r"[A-Za-z0-9]{12}", str(value)) for value in ids)
    assert all(row["numberOfUsers"] is None or isinstance(row["numberOfUsers"], str) for row in rows)
    times = Counter(row["createTime"] for row in rows)
    assert max(times.values()) >= 2
    assert not any(str(value).endswith("Z") for value in times)
    envelope = {"data": {"results": rows}, "status": "SUCCESS", "message": None, "validationMessages": None}
    validate_search_response(envelope)


def test_over_limit_companies_are_exactly_count() -> None:
    """over_limit_companies(n) builds n rows, all over, unique ids; small lists have plain names."""
    rows = over_limit_companies(10_000)
    assert len(rows) == 10_000
    assert all(map(is_over_limit, rows))
    assert len({row["companyResourceId"] for row in rows}) == 10_000
    small = over_limit_companies(5)
    assert len(small) == 5
    assert all(is_over_limit(row) and row["companyName"] not in SPECIAL_NAMES for row in small)

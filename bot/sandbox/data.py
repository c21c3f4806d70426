"""Deterministic fake customer companies for the sandbox, as camelCase ``SearchCompanyDto`` dicts.

Every row carries all the fields of the OpenAPI subset (and nothing else). The data set is built
from ``random.Random(seed)`` only, so the same arguments always give the same rows. It contains the
cases that break naive bots: Unicode and emoji names, commas and quotes, names that start with a
spreadsheet formula character, a Slack ``<!channel>`` mention, a 120-character name, unlimited
licences holding ``"9999"`` (one with more target users than that), a company exactly at its
limit, limits of ``"0"``, limits that cannot be parsed (``"n/a"``, ``""``, null), two companies
with the same name, and several companies sharing one ``createTime``.
"""

from __future__ import annotations

import random
import string
from datetime import datetime, timedelta
from typing import Any

__all__ = ["LONG_NAME", "SPECIAL_NAMES", "is_over_limit", "over_limit_companies", "seed_companies"]

LONG_NAME = (
    "Consolidated Northern Logistics, Warehousing and Maritime Freight Forwarding "
    "International Holdings Group Public Co. Ltd"
)
_SHARED_CREATE_TIME = "2024-10-01T08:15:42.117"
_OVER_RATIO = 0.10

# (name, isNumberOfUsersLimited, numberOfUsers, targetUserCount, createTime or None for random)
_Special = tuple[str, bool, str | None, int, str | None]
_OVER_SPECIALS: tuple[_Special, ...] = (
    ("Müller GmbH", True, "120", 131, _SHARED_CREATE_TIME),
    ("東京商事", True, "500", 642, _SHARED_CREATE_TIME),
    ("Café ☕ Ltd 🚀", True, "50", 51, _SHARED_CREATE_TIME),
    ('Smith, Jones & "Partners"', True, "75", 90, None),
    ('=HYPERLINK("http://x")', True, "10", 12, None),
    ("+1 Telecom", True, "300", 333, None),
    ("-Minus Corp", True, "40", 41, None),
    ("@Home Services", True, "60", 88, None),
    ("<!channel> Corp", True, "25", 30, None),
    (LONG_NAME, True, "200", 260, None),
    ("Zero Seat Trial", True, "0", 5, None),
    ("Duplicate Name Ltd", True, "100", 110, "2023-02-14T11:02:09.5"),
    ("Duplicate Name Ltd", True, "80", 95, "2023-02-14T11:02:09.5"),
)
_OTHER_SPECIALS: tuple[_Special, ...] = (
    ("Unlimited Mega Corp", False, "9999", 12500, None),
    ("Exact Fit Ltd", True, "250", 250, None),
    ("Mystery Limits Inc", True, "n/a", 500, None),
    ("Blank Limit LLC", True, "", 75, None),
    ("Null Limit Co", True, None, 40, None),
)
SPECIAL_NAMES: tuple[str, ...] = tuple(dict.fromkeys(s[0] for s in _OVER_SPECIALS + _OTHER_SPECIALS))

_ALNUM = string.ascii_letters + string.digits
_PREFIXES = (
    "Northwind", "Contoso", "Fabrikam", "Adatum", "Tailspin", "Litware", "Proseware", "Woodgrove",
    "Wingtip", "Alpine", "Blue Yonder", "Coho", "Fourth Coffee", "Lucerne", "Margie's", "Trey",
    "Wide World", "Humongous", "Graphic", "Southridge",
)  # fmt: skip
_NOUNS = (
    "Freight", "Legal", "Health", "Energy", "Foods", "Retail", "Software", "Logistics", "Media",
    "Capital", "Textiles", "Pharma", "Motors", "Insurance", "Telecom", "Studios", "Labs", "Bank",
)  # fmt: skip
_SUFFIXES = ("Ltd", "LLC", "Inc", "GmbH", "LLP", "S.A.", "B.V.", "Group")
_INDUSTRIES = (
    ("Transportation", "Qm3Lp8Vt2RsA"), ("Legal", "Zp2Kc6Jv9HtU"), ("Healthcare", "Hc4Wq7Zr1MnB"),
    ("Finance", "Fn8Xt3Lp6QaD"), ("Retail", "Rt5Yb2Nc9KsE"), ("Technology", "Tc1Vm6Qd4GhJ"),
    ("Education", "Ed7Ks3Wp8ZuL"), ("Manufacturing", "Mf2Jr9Tb5XcN"),
)  # fmt: skip
_LICENSE_TYPES = (
    ("Custom", "Hk7Dw1Ny5BcE"), ("Enterprise", "En3Gx8Rw2LpQ"), ("Standard", "St6Pz4Mk9VyT"),
    ("Trial", "Tr9Bn5Hs1WqF"),
)  # fmt: skip
_RESELLERS = ("Example MSP", "Example MSP EMEA")
_TAGS = ("EMEA", "APAC", "NA", "Gold", "Pilot", "Education")
_LIMITS = (10, 25, 50, 75, 100, 150, 250, 500, 1000, 2500)
_EPOCH = datetime(2019, 1, 1)
_EXPIRY_REFERENCE = datetime(2025, 7, 1)


def is_over_limit(row: dict[str, Any]) -> bool:
    """The server's strict overage rule: limited, a parseable limit, and more target users than it.

    Args:
        row: a ``SearchCompanyDto`` dict.

    Returns:
        True when ``isNumberOfUsersLimited`` and ``targetUserCount > int(numberOfUsers)``; a limit
        that is null, empty or not an integer never counts as over.
    """
    if not row.get("isNumberOfUsersLimited"):
        return False
    limit = row.get("numberOfUsers")
    try:
        parsed = int(str(limit).strip()) if limit is not None else None
    except ValueError:
        return False
    return parsed is not None and int(row.get("targetUserCount") or 0) > parsed


def seed_companies(*, total: int = 1000, seed: int = 7) -> list[dict[str, Any]]:
    """Build ``total`` companies of which about 10 % are over their licence limit.

    The special rows (see the module docstring) are spread over the list when ``total`` leaves
    room for them; for a tiny ``total`` only the first few specials are used.

    Args:
        total: number of companies.
        seed: seed of the random generator.

    Returns:
        Wire dicts in "database" order (the order used to break ties when sorting).
    """
    rng = random.Random(seed)
    specials = (_OVER_SPECIALS + _OTHER_SPECIALS)[:total]
    special_at = dict(zip(sorted(rng.sample(range(total), len(specials))), specials, strict=True))
    over_target = round(total * _OVER_RATIO)
    specials_over = sum(1 for s in specials if s in _OVER_SPECIALS)
    generic = [i for i in range(total) if i not in special_at]
    extra_over = set(rng.sample(generic, min(len(generic), max(0, over_target - specials_over))))
    builder = _Builder(rng)
    rows: list[dict[str, Any]] = []
    for index in range(total):
        special = special_at.get(index)
        if special is not None:
            rows.append(builder.special(special))
        else:
            rows.append(builder.generic(over=index in extra_over))
    return rows


def over_limit_companies(count: int, *, seed: int = 7) -> list[dict[str, Any]]:
    """Build exactly ``count`` companies, every one of them over its limit (for paging tests).

    From 100 rows up, the over-limit special names (Unicode, formulas, ``<!channel>``…) are mixed
    in; smaller lists hold plain generated names only. Several rows share a ``createTime``.

    Args:
        count: number of companies.
        seed: seed of the random generator.

    Returns:
        Wire dicts, all satisfying :func:`is_over_limit`.
    """
    rng = random.Random(seed)
    specials = _OVER_SPECIALS if count >= 100 else ()
    special_at = dict(zip(sorted(rng.sample(range(count), len(specials))), specials, strict=True))
    builder = _Builder(rng)
    return [
        builder.special(special_at[i]) if i in special_at else builder.generic(over=True)
        for i in range(count)
    ]


class _Builder:
    """Makes rows with unique resource ids and occasionally repeated create times."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._ids: set[str] = set()
        self._times: list[str] = []

    def special(self, special: _Special) -> dict[str, Any]:
        name, limited, limit_text, target, create_time = special
        return self._row(
            name=name, limited=limited, limit_text=limit_text, target=target, created=create_time
        )

    def generic(self, *, over: bool) -> dict[str, Any]:
        rng = self._rng
        name = f"{rng.choice(_PREFIXES)} {rng.choice(_NOUNS)} {rng.choice(_SUFFIXES)}"
        if over:
            limit = rng.choice(_LIMITS)
            target = limit + rng.randint(1, max(1, limit // 3))
            return self._row(name=name, limited=True, limit_text=str(limit), target=target)
        if rng.random() < 0.06:
            return self._row(name=name, limited=False, limit_text="9999", target=rng.randint(0, 5000))
        limit = rng.choice(_LIMITS)
        return self._row(name=name, limited=True, limit_text=str(limit), target=rng.randint(0, limit))

    def _resource_id(self) -> str:
        while True:
            candidate = "".join(self._rng.choices(_ALNUM, k=12))
            if candidate not in self._ids:
                self._ids.add(candidate)
                return candidate

    def _create_time(self) -> str:
        rng = self._rng
        if self._times and rng.random() < 0.08:
            return rng.choice(self._times)
        moment = _EPOCH + timedelta(seconds=rng.randint(0, 6 * 365 * 86400))
        millis = rng.randint(0, 999)
        text = moment.strftime("%Y-%m-%dT%H:%M:%S")
        if millis:  # .NET trims trailing zeros of the fraction and drops an empty one
            text += "." + f"{millis:03d}".rstrip("0")
        self._times.append(text)
        return text

    def _row(
        self, *, name: str, limited: bool, limit_text: str | None, target: int, created: str | None = None
    ) -> dict[str, Any]:
        rng = self._rng
        industry, industry_id = rng.choice(_INDUSTRIES)
        license_type, license_type_id = rng.choice(_LICENSE_TYPES)
        end: datetime | None = None
        if rng.random() >= 0.05:
            end = datetime(2024, 1, 1) + timedelta(days=rng.randint(0, 5 * 365))
        return {
            "companyName": name,
            "companyResourceId": self._resource_id(),
            "resellerName": _RESELLERS[0] if rng.random() < 0.85 else _RESELLERS[1],
            "industryName": industry,
            "industryResourceId": industry_id,
            "licenseTypeName": license_type,
            "licenseTypeResourceId": license_type_id,
            "isNumberOfUsersLimited": limited,
            "numberOfUsers": limit_text,
            "privacyDurationId": 0 if rng.random() < 0.05 else 1,
            "licenceExpired": end is not None and end < _EXPIRY_REFERENCE,
            "licenseEndDate": end.strftime("%Y-%m-%dT%H:%M:%S") if end else None,
            "createTime": created if created is not None else self._create_time(),
            "targetUserCount": target,
            "children": None,
            "tags": rng.sample(_TAGS, rng.randint(0, 2)),
            "deletedTargetUserCount": rng.randint(0, max(1, target // 10)),
            "inactiveTargetUserCount": rng.randint(0, max(1, target // 20)),
            "monthlyActiveUserCount": rng.randint(0, max(1, target // 8)),
        }

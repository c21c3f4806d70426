"""Standard five-field cron expressions, translated for APScheduler 3.

Cron numbers weekdays 0-7 with 0 and 7 = Sunday and 1 = Monday; APScheduler's ``CronTrigger``
numbers them 0-6 from Monday. We expand the weekday field into day *names*, which mean the same to
both, so ``0 9 * * 1`` fires on Mondays as any crontab user expects.
"""

from __future__ import annotations

from datetime import tzinfo

from apscheduler.triggers.cron import CronTrigger

from bot.clock import utc_now

__all__ = ["CronError", "build_trigger", "parse_cron"]

_DAY_NAMES = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")
_FULL_DAY_NAMES = ("sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday")
_MACROS = {
    "@weekly": "0 0 * * 0",
    "@daily": "0 0 * * *",
    "@midnight": "0 0 * * *",
    "@hourly": "0 * * * *",
    "@monthly": "0 0 1 * *",
}
_FIELDS = ("minute", "hour", "day", "month", "day_of_week")
#: The numeric fields' names as a person reads them, and their ranges.
_RANGES = {
    "minute": ("minute", 0, 59),
    "hour": ("hour", 0, 23),
    "day": ("day of the month", 1, 31),
    "month": ("month", 1, 12),
}
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


class CronError(ValueError):
    """The cron expression cannot be understood; the message says which part and why."""


def _day_number(token: str, expr: str) -> int:
    token = token.strip().lower()
    for names in (_DAY_NAMES, _FULL_DAY_NAMES):
        if token in names:
            return names.index(token)
    if token.isdigit() and 0 <= int(token) <= 7:
        return int(token) % 7
    raise CronError(
        f"OVERAGE_SCHEDULE {expr!r}: weekday {token!r} must be 0-7 (0 and 7 = Sunday) or MON..SUN"
    )


def _expand_weekdays(field: str, expr: str) -> str:
    """Translate a cron weekday field into APScheduler's comma-separated day names."""
    if field == "*":
        return "*"
    days: set[int] = set()
    for part in field.split(","):
        if not part:
            raise CronError(f"OVERAGE_SCHEDULE {expr!r}: empty item in the weekday field")
        step = 1
        if "/" in part:
            part, step_text = part.split("/", 1)
            if not step_text.isdigit() or int(step_text) < 1:
                raise CronError(f"OVERAGE_SCHEDULE {expr!r}: bad step {step_text!r} in the weekday field")
            step = int(step_text)
        if part == "*":
            start, end = 0, 6
        elif "-" in part:
            low, high = part.split("-", 1)
            start, end = _day_number(low, expr), _day_number(high, expr)
            if high.strip() == "7":
                end = 7
            if end < start:
                raise CronError(f"OVERAGE_SCHEDULE {expr!r}: weekday range {part!r} runs backwards")
        else:
            start = end = _day_number(part, expr)
        days.update(day % 7 for day in range(start, end + 1, step))
    # APScheduler wants its own order (Monday first); names avoid any numbering confusion.
    ordered = sorted(days, key=lambda day: (day + 6) % 7)
    return ",".join(_DAY_NAMES[day] for day in ordered)


def _check_range(field: str, text: str, expr: str) -> None:
    """Refuse a number outside its field's range, naming the field: "minute 61 is outside 0–59"."""
    label, low, high = _RANGES[field]
    for item in text.split(","):
        values, _, step = item.partition("/")
        if step and (not step.isdigit() or int(step) < 1):
            raise CronError(
                f"OVERAGE_SCHEDULE: {label} step {step!r} must be a whole number ≥ 1 (in {expr!r})"
            )
        for value in values.split("-") if values != "*" else ():
            value = value.strip().lower()
            if field == "month" and value in _MONTHS:
                continue
            if not value.isdigit():
                raise CronError(
                    f"OVERAGE_SCHEDULE: {label} {value!r} is not a number from {low}–{high} (in {expr!r})"
                )
            if not low <= int(value) <= high:
                raise CronError(
                    f"OVERAGE_SCHEDULE: {label} {int(value)} is outside {low}–{high} (in {expr!r})"
                )


def parse_cron(expr: str) -> dict[str, str]:
    """Split and check a five-field cron expression.

    Args:
        expr: e.g. ``"0 9 * * MON"`` or ``"0 9 * * 1"``; ``@weekly`` and friends are accepted.

    Returns:
        The APScheduler ``CronTrigger`` fields (``minute``, ``hour``, ``day``, ``month``, ``day_of_week``).

    Raises:
        CronError: the expression is not valid cron.
    """
    text = _MACROS.get(expr.strip().lower(), expr.strip())
    parts = text.split()
    if len(parts) != 5:
        raise CronError(
            f"OVERAGE_SCHEDULE {expr!r} must have five fields: minute hour day-of-month month weekday, "
            "e.g. '0 9 * * MON'"
        )
    fields = dict(zip(_FIELDS, parts, strict=True))
    if fields["day"] != "*" and fields["day_of_week"] != "*":
        raise CronError(
            f"OVERAGE_SCHEDULE {expr!r}: restrict either the day of the month or the weekday, not both"
        )
    for field in _RANGES:
        _check_range(field, fields[field], expr)
    fields["day_of_week"] = _expand_weekdays(fields["day_of_week"], expr)
    fields["month"] = fields["month"].lower()
    try:
        trigger = CronTrigger(**fields, timezone="UTC")
    except ValueError as exc:
        raise CronError(f"OVERAGE_SCHEDULE {expr!r}: {exc}") from exc
    if trigger.get_next_fire_time(None, utc_now()) is None:
        raise CronError(f"OVERAGE_SCHEDULE {expr!r} never fires (no such date); e.g. '0 9 * * MON'")
    return fields


def build_trigger(expr: str, timezone: tzinfo) -> CronTrigger:
    """Build the APScheduler trigger for a cron expression in the reseller's time zone.

    Args:
        expr: a five-field cron expression (see :func:`parse_cron`).
        timezone: the zone whose wall clock the expression follows.

    Returns:
        A ``CronTrigger`` firing at the same moments a crontab line would.
    """
    return CronTrigger(**parse_cron(expr), timezone=timezone)

"""Cron expressions mean what a crontab user expects once translated for APScheduler."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest

from bot.config import ConfigError, load_settings
from bot.weekly.trigger import CronError, build_trigger, parse_cron

WEDNESDAY = datetime(2025, 3, 5, 12, 0, tzinfo=UTC)  # a Wednesday


def _next_fires(expr: str, count: int = 7, *, after: datetime = WEDNESDAY) -> list[datetime]:
    trigger = build_trigger(expr, UTC)
    fires: list[datetime] = []
    fire = trigger.get_next_fire_time(None, after)
    while fire is not None and len(fires) < count:
        fires.append(fire)
        fire = trigger.get_next_fire_time(fire, fire)
    return fires


def _weekdays(expr: str, count: int = 7) -> list[str]:
    return [fire.strftime("%a") for fire in _next_fires(expr, count)]


class TestWeekdays:
    """Cron numbers weekdays 0-7 from Sunday; APScheduler from Monday. The translation must hide that."""

    def test_one_is_monday_at_nine(self) -> None:
        """``0 9 * * 1`` fires next on Monday 09:00, not on Tuesday."""
        fire = _next_fires("0 9 * * 1", 1)[0]
        assert fire == datetime(2025, 3, 10, 9, 0, tzinfo=UTC)
        assert fire.strftime("%A") == "Monday"

    @pytest.mark.parametrize("expr", ["0 9 * * 0", "0 9 * * 7", "0 9 * * SUN", "0 9 * * sunday"])
    def test_zero_and_seven_are_sunday(self, expr: str) -> None:
        """0, 7 and SUN all mean Sunday."""
        assert _weekdays(expr, 3) == ["Sun", "Sun", "Sun"]

    def test_mon_fri_range_skips_the_weekend(self) -> None:
        """``MON-FRI`` fires on the five working days only."""
        assert _weekdays("30 8 * * MON-FRI") == ["Thu", "Fri", "Mon", "Tue", "Wed", "Thu", "Fri"]

    def test_numeric_range_matches_the_named_range(self) -> None:
        """``1-5`` is the same as ``MON-FRI``."""
        assert _next_fires("30 8 * * 1-5") == _next_fires("30 8 * * MON-FRI")

    def test_range_ending_on_seven_includes_sunday(self) -> None:
        """``5-7`` is Friday, Saturday and Sunday."""
        assert _weekdays("0 9 * * 5-7", 3) == ["Fri", "Sat", "Sun"]

    def test_lists_and_names(self) -> None:
        """``mon,wed`` and ``1,3`` both mean Monday and Wednesday."""
        assert _weekdays("0 9 * * mon,wed", 4) == ["Mon", "Wed", "Mon", "Wed"]
        assert _next_fires("0 9 * * 1,3") == _next_fires("0 9 * * mon,wed")

    def test_step(self) -> None:
        """``*/2`` in the weekday field means Sunday, Tuesday, Thursday, Saturday."""
        assert _weekdays("0 9 * * */2", 4) == ["Thu", "Sat", "Sun", "Tue"]

    def test_weekly_macro_is_sunday_midnight(self) -> None:
        """``@weekly`` fires at 00:00 on Sundays."""
        assert _next_fires("@weekly", 1)[0] == datetime(2025, 3, 9, 0, 0, tzinfo=UTC)

    def test_star_fires_every_day(self) -> None:
        """A ``*`` weekday fires daily."""
        fires = _next_fires("0 9 * * *", 3)
        assert [b - a for a, b in itertools.pairwise(fires)] == [timedelta(days=1)] * 2


class TestErrors:
    """A bad expression is reported clearly, naming the setting."""

    @pytest.mark.parametrize(
        ("expr", "fragment"),
        [
            ("0 9 * *", "must have five fields"),
            ("0 9 * * 1 2025", "must have five fields"),
            ("0 9 * * 8", "weekday '8' must be 0-7"),
            ("0 9 * * FUNDAY", "weekday 'funday' must be 0-7"),
            ("0 9 * * MONKEY", "weekday 'monkey' must be 0-7"),
            ("0 9 * * FRI-MON", "runs backwards"),
            ("0 9 * * 1,,3", "empty item"),
            ("0 9 * * */0", "bad step"),
            ("0 9 1 * MON", "either the day of the month or the weekday"),
            ("61 9 * * 1", "OVERAGE_SCHEDULE: minute 61 is outside 0–59"),
            ("0 25 * * 1", "OVERAGE_SCHEDULE: hour 25 is outside 0–23"),
            ("0 9 32 * *", "OVERAGE_SCHEDULE: day of the month 32 is outside 1–31"),
            ("0 9 * 13 *", "OVERAGE_SCHEDULE: month 13 is outside 1–12"),
            ("0-60 9 * * 1", "OVERAGE_SCHEDULE: minute 60 is outside 0–59"),
            ("x 9 * * 1", "OVERAGE_SCHEDULE: minute 'x' is not a number"),
        ],
    )
    def test_bad_expression(self, expr: str, fragment: str) -> None:
        """Each malformed expression raises CronError mentioning OVERAGE_SCHEDULE and the cause."""
        with pytest.raises(CronError) as caught:
            parse_cron(expr)
        assert fragment in str(caught.value)
        assert "OVERAGE_SCHEDULE" in str(caught.value)

    def test_settings_name_the_field_once(self) -> None:
        """The configuration error names the variable once, then the field and its range."""
        with pytest.raises(ConfigError) as caught:
            load_settings(overage_schedule="61 9 * * MON")
        assert "OVERAGE_SCHEDULE: minute 61 is outside 0–59" in str(caught.value)
        assert str(caught.value).count("OVERAGE_SCHEDULE") == 1

    def test_settings_reject_a_bad_schedule(self) -> None:
        """Loading settings with a bad schedule fails with the variable named."""
        with pytest.raises(ConfigError, match="OVERAGE_SCHEDULE"):
            load_settings(overage_schedule="0 9 * * 9")

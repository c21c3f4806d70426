"""`overage-bot check`: one line per item with the fix, exit 0 only when everything passes."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.cli.check import run_checks
from bot.config import Settings, load_settings
from bot.sandbox import SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET, RunningSandbox, run_sandbox, seed_companies
from tests.cli.process import free_port, run_cli
from tests.fakes.slack_api import FakeSlack
from tests.scenario.harness import BOT_TOKEN, SIGNING_SECRET


@pytest.fixture(name="sandbox")
async def _sandbox() -> AsyncIterator[RunningSandbox]:
    async with run_sandbox(companies=seed_companies(total=30)) as sandbox:
        yield sandbox


def check_env(sandbox: RunningSandbox, slack: FakeSlack, tmp_path: Path) -> dict[str, str]:
    """A complete Slack + weekly-post configuration."""
    return {
        "KEEPNET_BASE_URL": sandbox.base_url,
        "KEEPNET_CLIENT_ID": SANDBOX_CLIENT_ID,
        "KEEPNET_CLIENT_SECRET": SANDBOX_CLIENT_SECRET,
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": slack.api_url,
        "OVERAGE_CHANNEL": "C0WEEKLY",
        "OVERAGE_SCHEDULE": "0 9 * * 1",
        "OVERAGE_TIMEZONE": "America/New_York",
        "OVERAGE_DB_URL": f"sqlite+aiosqlite:///{tmp_path / 'state.db'}",
    }


def settings_from(env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Settings as the CLI would read them from this environment."""
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return load_settings()


NEW_YORK = ZoneInfo("America/New_York")


def next_new_york_mondays(n: int, *, after: datetime) -> list[date]:
    """The dates of the next ``n`` Mondays 09:00 in New York after ``after`` (13:00/14:00 UTC)."""
    zone = NEW_YORK
    now = after.astimezone(zone)
    day = now.date()
    found: list[date] = []
    while len(found) < n:
        if day.weekday() == 0 and datetime(day.year, day.month, day.day, 9, tzinfo=zone) > now:
            found.append(day)
        day += timedelta(days=1)
    return found


async def test_all_good_exits_zero(sandbox: RunningSandbox, slack: FakeSlack, tmp_path: Path) -> None:
    """A correct setup prints a ✓ line per item, the next three Monday runs, and exits 0."""
    started = datetime.now(NEW_YORK)
    assert (await run_cli("db", "upgrade", env=check_env(sandbox, slack, tmp_path), cwd=tmp_path))[0] == 0
    code, out, err = await run_cli("check", env=check_env(sandbox, slack, tmp_path), cwd=tmp_path)
    finished = datetime.now(NEW_YORK)
    assert code == 0, out + err
    lines = out.splitlines()
    warnings = [line for line in lines if line.startswith("⚠")]
    assert all(line.startswith("✓") for line in lines[:-1] if line not in warnings), out
    assert [w.split(":")[0] for w in warnings] == ["⚠ Weekly duplicate guard", "⚠ Billing decisions"]
    assert "OVERAGE_APPROVERS" in warnings[1]
    assert lines[-1] == "All checks passed. (2 warning(s) above.)"
    schedule = next(line for line in lines if "Schedule" in line)
    assert "America/New_York" in schedule
    shown = re.findall(r"(\w{3}) (\d{4}-\d{2}-\d{2}) (\d{2}:\d{2})", schedule)
    assert [(day, time) for day, _, time in shown] == [("Mon", "09:00")] * 3, schedule
    # The CLI read its clock somewhere in between: a Monday 09:00 may have passed meanwhile.
    expected = [next_new_york_mondays(3, after=started), next_new_york_mondays(3, after=finished)]
    assert [date.fromisoformat(day) for _, day, _ in shown] in expected, schedule
    assert slack.scheduled == {}  # the membership probe leaves nothing behind


async def test_problems_are_named_with_their_fix(
    sandbox: RunningSandbox, slack: FakeSlack, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not a Reseller, a missing scope and a channel without the bot each get a ✗ line with the fix."""
    sandbox.state.faults.role = "CompanyAdmin"
    slack.scopes = "commands,chat:write"
    slack.channel_errors["C0WEEKLY"] = "not_in_channel"
    lines = {
        line.item: line
        for line in await run_checks(settings_from(check_env(sandbox, slack, tmp_path), monkeypatch))
    }
    assert not lines["Keepnet"].ok
    assert "Client Role = Reseller" in lines["Keepnet"].render()
    assert not lines["Slack token"].ok
    assert "files:write" in lines["Slack token"].detail
    assert not lines["Weekly channel"].ok
    assert "/invite @overage-bot" in lines["Weekly channel"].render()
    assert lines["Database"].ok


async def test_bad_database_url_fails_the_check(
    sandbox: RunningSandbox, slack: FakeSlack, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An unusable OVERAGE_DB_URL is reported with a fix naming the variable."""
    env = {
        **check_env(sandbox, slack, tmp_path),
        "OVERAGE_DB_URL": "sqlite+aiosqlite:////no/such/folder/x.db",
    }
    lines = {line.item: line for line in await run_checks(settings_from(env, monkeypatch))}
    assert not lines["Database"].ok
    assert "folder '/no/such/folder' does not exist" in lines["Database"].detail
    assert "OVERAGE_DB_URL" in lines["Database"].fix
    assert "OVERAGE_DB_URL" in lines["Database"].render()


async def test_weekly_destination_without_its_chat_edge_fails(
    sandbox: RunningSandbox, slack: FakeSlack, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """OVERAGE_CHANNEL without SLACK_BOT_TOKEN, or TEAMS_CHANNEL without Teams: ✗ with the fix."""
    env = {**check_env(sandbox, slack, tmp_path), "TEAMS_CHANNEL": "19:abc@thread.tacv2"}
    del env["SLACK_BOT_TOKEN"]
    lines = {line.item: line for line in await run_checks(settings_from(env, monkeypatch))}
    weekly, teams = lines["Weekly channel"], lines["Teams channel"]
    assert not weekly.ok
    assert "the weekly Slack post will not happen" in weekly.detail
    assert "set SLACK_BOT_TOKEN" in weekly.fix
    assert not teams.ok
    assert "the weekly Teams post will not happen" in teams.detail
    assert "TEAMS_CLIENT_ID" in teams.fix


async def test_failed_check_exits_one(sandbox: RunningSandbox, slack: FakeSlack, tmp_path: Path) -> None:
    """Any failed item makes the exit code 1."""
    slack.scopes = "commands,chat:write"
    code, out, _ = await run_cli("check", env=check_env(sandbox, slack, tmp_path), cwd=tmp_path)
    assert code == 1
    assert "✗ Slack token" in out
    assert out.splitlines()[-1].endswith("check(s) failed.")


async def test_token_of_the_wrong_kind_exits_two(tmp_path: Path) -> None:
    """A user token (xoxp-) in SLACK_BOT_TOKEN stops at start: one line naming the variable, exit 2."""
    code, _, err = await run_cli("check", env={"SLACK_BOT_TOKEN": "xoxp-not-a-bot-token"}, cwd=tmp_path)
    assert code == 2
    assert len(err.strip().splitlines()) == 1, err
    assert "SLACK_BOT_TOKEN" in err
    assert "xoxb-" in err
    assert "Traceback" not in err


async def test_slack_unreachable_is_a_failed_line_not_a_crash(
    sandbox: RunningSandbox, slack: FakeSlack, tmp_path: Path
) -> None:
    """Slack's API address not answering gives a ✗ line with the fix and exit 1, no traceback."""
    env = {**check_env(sandbox, slack, tmp_path), "SLACK_API_URL": f"http://127.0.0.1:{free_port()}/api/"}
    code, out, err = await run_cli("check", env=env, cwd=tmp_path)
    assert code == 1
    assert "✗ Slack token: Slack unreachable" in out
    assert "HTTPS_PROXY" in out
    assert "Traceback" not in err


async def test_decisions_open_to_everyone_is_a_warning(
    sandbox: RunningSandbox, slack: FakeSlack, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No OVERAGE_APPROVERS and no allow list: warned; approvers or an allow list: a ✓ line."""
    env = check_env(sandbox, slack, tmp_path)
    open_line = {line.item: line for line in await run_checks(settings_from(env, monkeypatch))}
    assert open_line["Billing decisions"].warning
    assert "open to everyone" in open_line["Billing decisions"].render()
    approvers = {**env, "OVERAGE_APPROVERS": "U0BILLING1,U0BILLING2"}
    closed = {line.item: line for line in await run_checks(settings_from(approvers, monkeypatch))}
    assert closed["Billing decisions"].render() == "✓ Billing decisions: 2 approver(s) (OVERAGE_APPROVERS)"

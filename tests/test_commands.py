"""The /overage command parser shared by Slack and Teams."""

from __future__ import annotations

import pytest

from bot.commands import Command, parse_command


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", Command(kind="report")),
        ("   \n ", Command(kind="report")),
        ("help", Command(kind="help")),
        ("HELP", Command(kind="help")),
        ("top 25", Command(kind="report", top_n=25)),
        ("  TOP\n 1 ", Command(kind="report", top_n=1)),
        ("Top 50", Command(kind="report", top_n=50)),
        ("find acme", Command(kind="report", query="acme")),
        ("FIND   Acme   Corp  ", Command(kind="report", query="Acme Corp")),
        ("find\nacme", Command(kind="report", query="acme")),
        ('find "Acme Corp"', Command(kind="report", query="Acme Corp")),
        ("find Smith&amp;Sons", Command(kind="report", query="Smith&Sons")),
        ("find&nbsp;acme", Command(kind="report", query="acme")),
        ("top&nbsp;10", Command(kind="report", top_n=10)),
        ("find &lt;script&gt;", Command(kind="report", query="<script>")),
    ],
)
def test_valid_commands(text: str, expected: Command) -> None:
    """Keywords are case-insensitive, whitespace and HTML entities are tolerated."""
    assert parse_command(text) == expected


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("top 0", "1 to 50"),
        ("top 51", "1 to 50"),
        ("top -3", "not a number"),
        ("top ten", "not a number"),
        ("top 2.5", "not a number"),
        ("top", "needs a number"),
        ("top 5 6", "one number"),
        ("find", "needs some text"),
        ("find   ", "needs some text"),
        ('find ""', "needs some text"),
        ("find " + "x" * 201, "too long"),
        ("frobnicate", "Unknown command"),
        ("report now", "Unknown command"),
    ],
)
def test_usage_errors(text: str, fragment: str) -> None:
    """Anything else is a usage error with a clear explanation."""
    command = parse_command(text)
    assert command.kind == "usage_error"
    assert fragment in command.error
    assert command.top_n is None
    assert command.query == ""


def test_teams_text_with_keyword() -> None:
    """Teams text after mention stripping may still start with 'overage'."""
    assert parse_command("overage top 25\n") == Command(kind="report", top_n=25)
    assert parse_command("Overage") == Command(kind="report")
    assert parse_command("/overage find acme") == Command(kind="report", query="acme")


def test_find_keeps_keyword_words_in_query() -> None:
    """Only the first word is a keyword: 'find top 5' searches for 'top 5'."""
    assert parse_command("find top 5") == Command(kind="report", query="top 5")


def test_error_quotes_are_short() -> None:
    """A huge unknown word is shortened in the error text."""
    command = parse_command("x" * 5000)
    assert command.kind == "usage_error"
    assert len(command.error) < 100

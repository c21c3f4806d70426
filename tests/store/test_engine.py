"""SQLite setup: two replicas opening one new database file wait for each other instead of failing."""

from __future__ import annotations

import sqlite3

import pytest

from bot.store.engine import _switch_to_wal


class Cursor:
    """A cursor whose WAL switch is refused as locked a given number of times."""

    def __init__(self, locked: int, error: str = "database is locked") -> None:
        self.locked = locked
        self.error = error
        self.calls = 0

    def execute(self, sql: str) -> None:
        """Fail like SQLite while another connection holds the lock."""
        self.calls += 1
        if self.calls <= self.locked:
            raise sqlite3.OperationalError(self.error)


def test_locked_wal_switch_is_retried() -> None:
    """ "database is locked" while switching to WAL is retried until it goes through."""
    cursor = Cursor(locked=3)
    _switch_to_wal(cursor)
    assert cursor.calls == 4


def test_other_errors_are_not_retried() -> None:
    """Any other SQLite error surfaces at once."""
    cursor = Cursor(locked=1, error="disk I/O error")
    with pytest.raises(sqlite3.OperationalError, match="disk I/O error"):
        _switch_to_wal(cursor)
    assert cursor.calls == 1

"""The pure, chat-neutral report: model, build and ranking, number/date formatting, terminal text."""

from bot.report.model import OverageReport, Snapshot, SnapshotRow, WeekChange, build_report

__all__ = ["OverageReport", "Snapshot", "SnapshotRow", "WeekChange", "build_report"]

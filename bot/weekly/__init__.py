"""The weekly post: the schedule (cron → APScheduler trigger), the exactly-once job and its types."""

from bot.weekly.job import Destination, PostOutcome, WeeklyJob, WeeklySchedule

__all__ = ["Destination", "PostOutcome", "WeeklyJob", "WeeklySchedule"]

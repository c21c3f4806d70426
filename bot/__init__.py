"""overage-bot: Keepnet license-overage reports for Slack and Microsoft Teams."""

__all__: list[str] = []

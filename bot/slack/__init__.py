"""Slack edge: Block Kit rendering, texts, and (elsewhere) the Bolt app and listeners."""

__all__: list[str] = []

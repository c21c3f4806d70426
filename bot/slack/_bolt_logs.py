"""Bolt's own log lines, made useful: one misleading warning dropped, one failure made diagnosable.

- "As you gave client as well, token will be unused." Bolt reads ``SLACK_BOT_TOKEN`` from the
  environment whenever no ``token`` is passed, then warns that the ``client`` we pass wins. That is
  exactly what the bot wants, so the line is dropped.
- "Invalid request signature detected (signature: …, body: …)" at INFO carries the raw request
  body (the redaction in :mod:`bot.logging` removes its secrets) but not the likely cause. It
  becomes a WARNING naming ``SLACK_SIGNING_SECRET`` and where to copy it from, without the body.

The filter sits on the app's base logger; Bolt copies a base logger's filters to the loggers of
its middleware (request verification included) when the app is built.
"""

from __future__ import annotations

import logging

from slack_bolt.logger.messages import warning_client_prioritized_and_token_skipped

__all__ = ["BAD_SIGNATURE_HINT", "install_bolt_log_filter"]

BAD_SIGNATURE_HINT = (
    "Rejected a Slack request with an invalid signature (401). If every /overage and button click "
    "fails this way, SLACK_SIGNING_SECRET is wrong: copy the Signing Secret again from the Slack app's "
    "Basic Information → App Credentials (not the Client Secret or Verification Token). Otherwise "
    "check that this server's clock is right, or someone other than Slack is calling /slack/events."
)
_SIGNATURE_PREFIX = "Invalid request signature detected"


class _BoltLogFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if message == warning_client_prioritized_and_token_skipped():
            return False
        if message.startswith(_SIGNATURE_PREFIX):
            record.msg, record.args = BAD_SIGNATURE_HINT, ()
            record.levelno, record.levelname = logging.WARNING, logging.getLevelName(logging.WARNING)
        return True


_FILTER = _BoltLogFilter()


def install_bolt_log_filter(logger: logging.Logger) -> None:
    """Attach the filter to the logger handed to ``AsyncApp(logger=...)`` (before the app is built).

    Args:
        logger: the app's base logger.
    """
    if _FILTER not in logger.filters:
        logger.addFilter(_FILTER)

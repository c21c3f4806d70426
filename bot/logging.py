"""structlog setup: JSON lines in production, a readable console in a terminal, secrets redacted.

:func:`configure_logging` is called once by the CLI. Every log line passes through
:func:`redact_secrets`, which removes known secret values (registered with :func:`register_secret`,
e.g. the Keepnet client secret and each access token as it is issued), bearer tokens, and the
values of keys that name a secret (``authorization``, ``client_secret``, ``token``…). Inside text
it also removes ``token=…`` form fields and JSON ``"token"`` values, Slack ``response_url`` values
and any ``https://hooks.slack.com/…`` URL (capability URLs), plain, percent- or JSON-encoded: Bolt
logs the raw body of a request whose signature did not match.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import MutableMapping
from typing import Any, Literal

import structlog

from bot.metrics import observe_log_event

__all__ = [
    "configure_logging",
    "redact_secrets",
    "register_secret",
    "registered_secret_count",
    "unregister_secret",
]

_REDACTED = "[redacted]"
_SECRET_KEYS = re.compile(
    r"(authorization|client_secret|secret|password|access_token|token|signing|api_key|cookie)", re.I
)
_BEARER = re.compile(r"(?i)\b(bearer)\s+[A-Za-z0-9\-._~+/]+=*")
_SLACK_TOKEN = re.compile(r"\bxox[abposr]-[A-Za-z0-9-]+|\bxapp-[A-Za-z0-9-]+")
_EXPORT_LINK = re.compile(r"(/exports/)[A-Za-z0-9_\-.=~]+")
# A value inside form-encoded or JSON text, percent-encoded or not: ``token=…``, ``"token":"…"``,
# ``%22token%22%3A%22…%22`` (a Slack interactivity ``payload=``). ``%22``/``%26`` end a value.
_VALUE = r"(?:(?!%22|%26)[^\s&\"',;<>])+"
_FIELDS = r"\w*token|response_url"
_FORM_FIELD = re.compile(rf"(?i)(\b(?:{_FIELDS})=){_VALUE}")
_JSON_FIELD = re.compile(rf'(?i)("(?:{_FIELDS})"\s*:\s*")[^"]*')
_ENCODED_JSON_FIELD = re.compile(rf"(?i)(%22(?:{_FIELDS})%22%3A(?:\+|%20)*%22){_VALUE}")
_SLACK_HOOK = re.compile(r"(?i)https?(?::|%3A)(?:\\?/|%2F|%5C%2F){2}hooks\.slack\.com" + rf"(?:{_VALUE})?")
_secrets: set[str] = set()


def register_secret(value: str | None) -> None:
    """Remember a secret value so that it never appears in a log line.

    Args:
        value: the secret (short values under 6 characters are ignored to avoid mangling logs).
    """
    if value and len(value) >= 6:
        _secrets.add(value)


def unregister_secret(value: str | None) -> None:
    """Forget a secret registered with :func:`register_secret` (e.g. a Keepnet token long replaced).

    Args:
        value: the secret; unknown values are ignored.
    """
    if value:
        _secrets.discard(value)


def registered_secret_count() -> int:
    """How many secret values are registered (for tests)."""
    return len(_secrets)


def _scrub(text: str) -> str:
    for secret in _secrets:
        if secret in text:
            text = text.replace(secret, _REDACTED)
    text = _BEARER.sub(r"\1 " + _REDACTED, text)
    text = _SLACK_TOKEN.sub(_REDACTED, text)
    text = _SLACK_HOOK.sub(_REDACTED, text)
    for field in (_FORM_FIELD, _JSON_FIELD, _ENCODED_JSON_FIELD):
        text = field.sub(r"\1" + _REDACTED, text)
    return _EXPORT_LINK.sub(r"\1" + _REDACTED, text)


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return _scrub(value)
    if isinstance(value, dict):
        return {k: (_REDACTED if _SECRET_KEYS.search(str(k)) else _clean(v)) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_clean(v) for v in value)
    if isinstance(value, BaseException):
        return _scrub(repr(value))
    return value


def redact_secrets(_: Any, __: str, event_dict: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    """structlog processor removing secrets from every field of a log line."""
    for key in list(event_dict):
        value = event_dict[key]
        if _SECRET_KEYS.search(key) and key not in ("event",) and value is not None:
            event_dict[key] = _REDACTED
        else:
            event_dict[key] = _clean(value)
    return event_dict


def _redact_rendered(_: Any, __: str, event_dict: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    # exc_info is rendered into "exception" text by format_exc_info; scrub it after that.
    if isinstance(event_dict.get("exception"), str):
        event_dict["exception"] = _scrub(event_dict["exception"])
    return event_dict


def configure_logging(
    *, level: str = "INFO", fmt: Literal["json", "console"] | None = None, stream: Any = None
) -> None:
    """Configure structlog and the standard library's logging (aiohttp, slack_sdk, apscheduler).

    Args:
        level: the minimum level name.
        fmt: ``json`` or ``console``; None picks console for a terminal and JSON otherwise.
        stream: where to write (default standard error).
    """
    out = stream or sys.stderr
    if fmt is None:
        fmt = "console" if getattr(out, "isatty", lambda: False)() else "json"
    renderer: Any = (
        structlog.dev.ConsoleRenderer(colors=False)
        if fmt == "console"
        else structlog.processors.JSONRenderer(sort_keys=False)
    )
    # Run for structlog and standard-library records alike; redaction comes after the traceback
    # has been rendered into text, so secrets inside exception messages are caught too.
    common: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    tail: list[Any] = [structlog.processors.format_exc_info, redact_secrets, _redact_rendered]
    structlog.configure(
        processors=[
            observe_log_event,
            *common,
            *tail,
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=False,
    )
    foreign_pre_chain = [*common, structlog.stdlib.ExtraAdder(), *tail]
    handler = logging.StreamHandler(out)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=foreign_pre_chain,
            processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, renderer],
        )
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # aiohttp's access log and APScheduler's "Adding job tentatively…"/"Added job…" lines are noise
    # at INFO; their warnings and errors still show.
    for noisy in ("aiohttp.access", "apscheduler"):
        logging.getLogger(noisy).setLevel(logging.WARNING)

"""Typed Keepnet errors, each carrying a remediation text a reseller can act on.

Kept in their own module to avoid import loops. The tree::

    KeepnetError                      root: .status, .remediation, str() = short summary
    ├── KeepnetConfigError            no credential configured
    ├── KeepnetInvalidClientError     token 400 invalid_client: wrong client id / secret
    ├── KeepnetCredentialsRejected    401 even with a fresh token
    ├── KeepnetNotResellerError       403: the credential's Client Role is not Reseller
    ├── KeepnetRequestError           400 on an /api call: the server's validation message
    ├── KeepnetUnavailableError       5xx, 429, timeouts, connection errors after all retries,
    │   │                             or a Retry-After longer than the bot waits
    │   └── KeepnetTLSError           the server's certificate is not trusted (never retried)
    ├── KeepnetIncompleteError        paging could not produce the complete list
    ├── KeepnetResponseError          a body that is not what the API documents
    ├── KeepnetLimitError             pages, size or time beyond the bot's bounds (never retried)
    ├── ExportDiskFullError           no space left on this server for the export's file
    └── KeepnetFilterIgnoredError     a name search answered with names that do not match
"""

from __future__ import annotations

from bot.errors import ActionableError

__all__ = [
    "ExportDiskFullError",
    "KeepnetConfigError",
    "KeepnetCredentialsRejected",
    "KeepnetError",
    "KeepnetFilterIgnoredError",
    "KeepnetIncompleteError",
    "KeepnetInvalidClientError",
    "KeepnetLimitError",
    "KeepnetNotResellerError",
    "KeepnetRequestError",
    "KeepnetResponseError",
    "KeepnetTLSError",
    "KeepnetUnavailableError",
]


class KeepnetError(ActionableError):
    """Root of every Keepnet failure.

    Args:
        message: what went wrong, in one sentence.
        remediation: what the reseller should do about it.
        status: the HTTP status, when there was one.
    """


class KeepnetConfigError(KeepnetError):
    """No Keepnet credential is configured."""

    default_remediation = (
        "Set KEEPNET_CLIENT_ID and KEEPNET_CLIENT_SECRET (Company → Company Settings → REST API)."
    )


class KeepnetInvalidClientError(KeepnetError):
    """The token endpoint answered 400 ``invalid_client``: wrong client id or secret."""

    default_remediation = (
        "Check KEEPNET_CLIENT_ID and KEEPNET_CLIENT_SECRET: copy them from Company → Company Settings → "
        "REST API (the secret is shown only once; create a new client if it is lost)."
    )


class KeepnetCredentialsRejected(KeepnetError):
    """An /api call answered 401 even with a freshly issued token."""

    default_remediation = (
        "Keepnet rejected the credential. Check that the REST API client still exists and is enabled in "
        "Company → Company Settings → REST API, then update KEEPNET_CLIENT_ID and KEEPNET_CLIENT_SECRET."
    )


class KeepnetNotResellerError(KeepnetError):
    """403: the credential may not list customer companies."""

    default_remediation = (
        "The Keepnet API credential is not a Reseller credential: set Client Role = Reseller in "
        "Company → Company Settings → REST API, or use a Reseller's client id and secret."
    )


class KeepnetRequestError(KeepnetError):
    """400 on an /api call; the message is the server's own validation message."""

    default_remediation = (
        "Check the search text; if the request itself is wrong, report it to the bot's maintainers."
    )

    def __init__(
        self,
        message: str,
        *,
        validation_messages: tuple[str, ...] = (),
        remediation: str | None = None,
        status: int | None = 400,
    ) -> None:
        super().__init__(message, remediation=remediation, status=status)
        self.validation_messages = validation_messages


class KeepnetUnavailableError(KeepnetError):
    """Keepnet could not be reached or kept failing after all retries."""

    default_remediation = "Keepnet is unavailable right now; try again in a few minutes."

    def __init__(
        self, message: str, *, remediation: str | None = None, status: int | None = None, tries: int = 0
    ) -> None:
        super().__init__(message, remediation=remediation, status=status)
        self.tries = tries


class KeepnetTLSError(KeepnetUnavailableError):
    """The TLS certificate presented for Keepnet could not be verified (retrying cannot help)."""

    default_remediation = (
        "If your network inspects HTTPS through a proxy, set CA_BUNDLE (alias KEEPNET_CA_BUNDLE) to your proxy's CA "
        "(PEM file); it is trusted in addition to the system's CAs. Otherwise check KEEPNET_BASE_URL."
    )


class KeepnetIncompleteError(KeepnetError):
    """Paging returned fewer (or more) companies than the server's total: no partial list is shown."""

    default_remediation = "The company list changed while it was being read; try again in a minute."


class KeepnetResponseError(KeepnetError):
    """The response was not in the documented shape (e.g. a JSON body where a file was expected)."""

    default_remediation = "Keepnet sent an unexpected response; try again, and report it if it persists."


class KeepnetLimitError(KeepnetError):
    """An answer Keepnet sent is beyond the bot's bounds (pages, size, time): refused, never retried."""

    default_remediation = (
        "Try again later; if it persists, report it to Keepnet. The bounds are KEEPNET_MAX_PAGES, "
        "KEEPNET_MAX_RESPONSE_MB, KEEPNET_MAX_EXPORT_MB and KEEPNET_EXPORT_TIMEOUT_S."
    )


class ExportDiskFullError(KeepnetError):
    """The server's disk filled up while the export was being written (the partial file is removed)."""

    default_remediation = (
        "Free space in the bot's temporary folder (TMPDIR), or give the server or container more disk, "
        "then try again."
    )

    def __init__(self) -> None:
        super().__init__("There is no space left for the export on this server.")


class KeepnetFilterIgnoredError(KeepnetError):
    """A ``find`` came back with companies whose names do not contain the text: the filter was ignored."""

    default_remediation = (
        "Use /overage without find (the attached file has every customer), and report it to the bot's "
        "maintainers with the log line keepnet_name_filter_ignored."
    )

    def __init__(self) -> None:
        super().__init__(
            "Keepnet did not apply the name filter; `find` is unavailable with this Keepnet API."
        )

"""Keepnet REST API client: typed errors, wire models and the async client."""

from __future__ import annotations

from bot.keepnet.client import KeepnetClient
from bot.keepnet.errors import (
    KeepnetConfigError,
    KeepnetCredentialsRejected,
    KeepnetError,
    KeepnetFilterIgnoredError,
    KeepnetIncompleteError,
    KeepnetInvalidClientError,
    KeepnetLimitError,
    KeepnetNotResellerError,
    KeepnetRequestError,
    KeepnetResponseError,
    KeepnetTLSError,
    KeepnetUnavailableError,
)
from bot.keepnet.models import Company, CompanyPage, ExportFile, ExportKind, OverLimitCompanies, TokenResponse

__all__ = [
    "Company",
    "CompanyPage",
    "ExportFile",
    "ExportKind",
    "KeepnetClient",
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
    "OverLimitCompanies",
    "TokenResponse",
]

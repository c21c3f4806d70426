"""Pure wire rules: request bodies, status → typed error, Retry-After, token answers."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Any

import pytest

from bot.keepnet import _wire
from bot.keepnet._search_page import decode_page
from bot.keepnet.errors import (
    KeepnetCredentialsRejected,
    KeepnetInvalidClientError,
    KeepnetNotResellerError,
    KeepnetRequestError,
    KeepnetResponseError,
)

NOW = datetime(2026, 11, 26, 9, 0, 0, tzinfo=UTC)
JSON = {"Content-Type": "application/json; charset=utf-8"}


def _body(data: Any) -> bytes:
    return json.dumps(data).encode()


def _envelope(data: Any = None, *, status: str = "SUCCESS", **extra: Any) -> bytes:
    return _body({"data": data, "status": status, "message": None, "validationMessages": None, **extra})


class TestRequestBodies:
    """Search, export and token requests are exactly the documented bodies."""

    def test_search_body_is_exactly_the_documented_overage_request(self) -> None:
        """The search body has every required field, the overage flag and a non-null filter."""
        assert _wire.search_body(page_number=3, page_size=50) == {
            "pageNumber": 3,
            "pageSize": 50,
            "orderBy": "CreateTime",
            "ascending": False,
            "isTargetUserCountExceededLimit": True,
            "filter": {"Condition": "AND", "SearchInputTextValue": ""},
        }

    def test_search_body_never_holds_a_null(self) -> None:
        """Free text given as "" stays "" and the count search turns the overage filter off."""
        body = _wire.search_body(page_number=1, page_size=1, text="", over_limit=False)
        assert body["isTargetUserCountExceededLimit"] is False
        assert None not in body.values()
        assert None not in body["filter"].values()

    def test_export_body_adds_type_and_all_pages(self) -> None:
        """The export body is the search body plus exportType and reportAllPages."""
        body = _wire.export_body("Excel", page_size=100, text="acme")
        assert body["exportType"] == "Excel"
        assert body["reportAllPages"] is True
        assert body["filter"] == {
            "Condition": "AND",
            "SearchInputTextValue": "acme",
            "FilterGroups": [
                {"Condition": "AND", "FilterItems": [], "FilterGroups": []},
                {
                    "Condition": "OR",
                    "FilterItems": [{"FieldName": "CompanyName", "Operator": "Contains", "Value": "acme"}],
                    "FilterGroups": [],
                },
            ],
        }
        assert body["isTargetUserCountExceededLimit"] is True

    def test_token_form_is_client_credentials_with_scope_api1(self) -> None:
        """The token request carries the four documented form fields."""
        assert _wire.token_form("id", "secret") == {
            "grant_type": "client_credentials",
            "client_id": "id",
            "client_secret": "secret",
            "scope": "api1",
        }


class TestRetryAfter:
    """Retry-After is read in its seconds and HTTP-date forms."""

    @pytest.mark.parametrize(
        ("value", "expected"), [("7", 7.0), (" 0 ", 0.0), (None, None), ("", None), ("soon", None)]
    )
    def test_seconds_form(self, value: str | None, expected: float | None) -> None:
        """Delta-seconds are read as they are; a missing or unreadable header gives None."""
        assert _wire.parse_retry_after(value, now=NOW) == expected

    def test_http_date_form(self) -> None:
        """An HTTP date becomes the seconds between now and that date."""
        when = format_datetime(datetime(2026, 11, 26, 9, 0, 42, tzinfo=UTC), usegmt=True)
        assert _wire.parse_retry_after(when, now=NOW) == 42.0

    def test_http_date_in_the_past_means_no_wait(self) -> None:
        """A date already gone is a wait of zero, never negative."""
        assert _wire.parse_retry_after("Thu, 01 Jan 2026 00:00:00 GMT", now=NOW) == 0.0


class TestDecodeResponse:
    """Each status and envelope maps to the data or to the right typed error."""

    def test_success_returns_data(self) -> None:
        """A SUCCESS envelope yields its data object."""
        data = _wire.decode_response(200, JSON, _envelope({"pageSize": 5}), now=NOW)
        assert data == {"pageSize": 5}

    def test_403_is_not_reseller_with_remediation(self) -> None:
        """403 names the fix: Client Role = Reseller in the REST API settings."""
        body = _envelope(status="FAILED", message="Only for Reseller accounts.")
        with pytest.raises(KeepnetNotResellerError) as info:
            _wire.decode_response(403, JSON, body, now=NOW)
        assert "Client Role = Reseller" in str(info.value)
        assert "Company → Company Settings → REST API" in str(info.value)
        assert "Only for Reseller accounts." in str(info.value)

    def test_401_is_credentials_rejected(self) -> None:
        """401 maps to KeepnetCredentialsRejected (the client retries once with a fresh token first)."""
        with pytest.raises(KeepnetCredentialsRejected):
            _wire.decode_response(401, {"WWW-Authenticate": "Bearer"}, b"", now=NOW)

    def test_400_carries_the_validation_messages(self) -> None:
        """400 shows the server's first validation messages, then its message."""
        body = _body(
            {
                "status": "INPUT_ERROR",
                "message": "One or more validation errors occurred.",
                "validationMessages": ["The Filter field is required.", "The OrderBy field is required."],
            }
        )
        with pytest.raises(KeepnetRequestError) as info:
            _wire.decode_response(400, JSON, body, now=NOW)
        assert info.value.validation_messages[:2] == (
            "The Filter field is required.",
            "The OrderBy field is required.",
        )
        assert "The Filter field is required." in str(info.value)

    def test_400_pascal_case_message(self) -> None:
        """A PascalCase ``Message`` is read too."""
        with pytest.raises(KeepnetRequestError, match="Bad page size"):
            _wire.decode_response(
                400, JSON, _body({"Status": "INPUT_ERROR", "Message": "Bad page size"}), now=NOW
            )

    def test_400_problem_details(self) -> None:
        """ASP.NET ProblemDetails: field errors first, then the title."""
        body = _body(
            {
                "title": "One or more validation errors occurred.",
                "status": 400,
                "errors": {"PageSize": ["Must be positive."]},
            }
        )
        with pytest.raises(KeepnetRequestError) as info:
            _wire.decode_response(400, {"Content-Type": "application/problem+json"}, body, now=NOW)
        assert info.value.validation_messages[0] == "PageSize: Must be positive."
        assert "One or more validation errors occurred." in str(info.value)

    def test_429_is_retryable_with_retry_after(self) -> None:
        """429 is retryable and carries Retry-After in seconds."""
        with pytest.raises(_wire.RetryableError) as info:
            _wire.decode_response(429, {"Retry-After": "3"}, b"", now=NOW)
        assert info.value.retry_after == 3.0
        assert info.value.status == 429

    @pytest.mark.parametrize("status", [500, 502, 503, 504])
    def test_5xx_is_retryable(self, status: int) -> None:
        """Server errors are retryable and back off on their own without Retry-After."""
        with pytest.raises(_wire.RetryableError) as info:
            _wire.decode_response(status, JSON, _envelope(status="INTERNAL_SERVER_ERROR"), now=NOW)
        assert info.value.retry_after is None

    def test_200_with_error_status_is_typed(self) -> None:
        """A 200 whose envelope says INPUT_ERROR is a request error, not data."""
        body = _envelope(status="INPUT_ERROR", validationMessages=["Text too long."])
        with pytest.raises(KeepnetRequestError, match="Text too long"):
            _wire.decode_response(200, JSON, body, now=NOW)

    def test_200_internal_error_envelope_is_retryable(self) -> None:
        """A 200 carrying INTERNAL_SERVER_ERROR is retried like a 5xx."""
        with pytest.raises(_wire.RetryableError):
            _wire.decode_response(200, JSON, _envelope(status="INTERNAL_SERVER_ERROR"), now=NOW)

    def test_200_privacy_error_is_access_error(self) -> None:
        """PRIVACY_ERROR / IP_RESTRICTED are access problems."""
        with pytest.raises(KeepnetNotResellerError, match="IP_RESTRICTED"):
            _wire.decode_response(200, JSON, _envelope(status="IP_RESTRICTED"), now=NOW)

    @pytest.mark.parametrize("body", [b"<html>oops</html>", b"", b"[1, 2]"])
    def test_200_without_envelope_is_response_error(self, body: bytes) -> None:
        """HTML, an empty body or a bare list on 200 is not the documented envelope."""
        with pytest.raises(KeepnetResponseError):
            _wire.decode_response(200, JSON, body, now=NOW)

    def test_404_points_at_the_base_url(self) -> None:
        """An unexpected status (e.g. 404 from a wrong base URL) says to check KEEPNET_BASE_URL."""
        with pytest.raises(KeepnetResponseError, match="KEEPNET_BASE_URL"):
            _wire.decode_response(404, {}, b"Not Found", now=NOW)

    def test_page_decodes_companies(self) -> None:
        """A search page's data decodes into companies with the server's paging echo."""
        page = decode_page(
            {
                "results": [{"companyResourceId": "a1", "numberOfUsers": 5}],
                "pageSize": 1,
                "totalNumberOfRecords": 1,
            }
        )
        assert page.results is not None
        assert page.results[0].license_limit == 5
        assert page.page_size == 1

    def test_page_in_wrong_shape_is_response_error(self) -> None:
        """Rows that are not objects are a response error, not a crash."""
        with pytest.raises(KeepnetResponseError):
            decode_page({"results": ["not a company"]})

    def test_row_without_id_is_kept(self) -> None:
        """The spec allows a null companyResourceId: the row is kept, its id None."""
        page = decode_page({"results": [{"companyName": "no id", "companyResourceId": None}]})
        assert page.results is not None
        assert page.results[0].company_resource_id is None


class TestDecodeToken:
    """Token responses decode to a token or to a typed error naming the fix."""

    def test_success(self) -> None:
        """A 200 token answer yields the token and its lifetime."""
        body = _body(
            {"access_token": "abc.def.ghi", "expires_in": 3600, "token_type": "Bearer", "scope": "api1"}
        )
        token = _wire.decode_token(200, JSON, body, now=NOW)
        assert (token.access_token, token.expires_in) == ("abc.def.ghi", 3600)

    def test_invalid_client_names_the_settings(self) -> None:
        """400 invalid_client tells the reseller to check the client id and secret."""
        with pytest.raises(KeepnetInvalidClientError) as info:
            _wire.decode_token(400, JSON, _body({"error": "invalid_client"}), now=NOW)
        assert "KEEPNET_CLIENT_ID" in str(info.value)
        assert "KEEPNET_CLIENT_SECRET" in str(info.value)

    def test_invalid_scope_is_request_error(self) -> None:
        """Another OAuth2 error is a request error naming the error code."""
        with pytest.raises(KeepnetRequestError, match="invalid_scope"):
            _wire.decode_token(400, JSON, _body({"error": "invalid_scope"}), now=NOW)

    def test_token_5xx_is_retryable(self) -> None:
        """A token endpoint outage is retried."""
        with pytest.raises(_wire.RetryableError):
            _wire.decode_token(503, {}, b"", now=NOW)

    def test_200_without_token_is_response_error(self) -> None:
        """A 200 with no access_token is a response error."""
        with pytest.raises(KeepnetResponseError):
            _wire.decode_token(200, JSON, _body({"expires_in": 3600}), now=NOW)


class TestExportError:
    """A JSON answer to an export is mapped to a typed error."""

    def test_json_error_envelope_is_mapped(self) -> None:
        """A JSON 400 on export becomes the request error with the server's text."""
        body = _body({"status": "INPUT_ERROR", "validationMessages": ["ExportType is invalid."]})
        error = _wire.decode_export_error(400, JSON, body, now=NOW)
        assert isinstance(error, KeepnetRequestError)
        assert "ExportType is invalid." in str(error)

    def test_successful_json_instead_of_file_is_response_error(self) -> None:
        """A 200 SUCCESS JSON where a file was expected is a response error."""
        error = _wire.decode_export_error(200, JSON, _envelope({"url": "x"}), now=NOW)
        assert isinstance(error, KeepnetResponseError)

"""A full run (token, paging, a 401 renewal, export) never writes the secret or a token to the logs."""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import aiohttp
import pytest
import structlog

from bot.keepnet.client import KeepnetClient
from bot.logging import configure_logging
from bot.sandbox import SANDBOX_CLIENT_ID, Faults, over_limit_companies, run_sandbox

from .support import SleepRecorder

SECRET = "s3cr3t-only-for-this-log-test-7f9a"
_UNREDACTED_BEARER = re.compile(r"(?i)bearer\s+(?!\[redacted\])\S")


def _careless_logging() -> aiohttp.TraceConfig:
    """Log every outgoing request's headers, as a careless future debug call might (structlog and stdlib)."""

    async def on_start(_: object, __: object, params: aiohttp.TraceRequestStartParams) -> None:
        headers = dict(params.headers)
        structlog.get_logger("careless").debug("outgoing_request", url=str(params.url), headers=headers)
        logging.getLogger("careless.stdlib").debug(
            "outgoing %s %s headers=%s", params.method, params.url, headers
        )

    trace = aiohttp.TraceConfig()
    trace.on_request_start.append(on_start)
    return trace


@pytest.fixture(name="log_stream")
def _log_stream() -> Iterator[io.StringIO]:
    stream = io.StringIO()
    root = logging.getLogger()
    saved = (root.handlers[:], root.level)
    configure_logging(level="DEBUG", fmt="json", stream=stream)
    yield stream
    root.handlers[:], root.level = saved[0], saved[1]


async def test_no_secret_and_no_token_in_logs(log_stream: io.StringIO, tmp_path: Path) -> None:
    """Search with a forced token renewal, then CSV and Excel exports: logs hold neither secret nor token.

    Every request's headers (the live ``Authorization: Bearer …`` included) are logged on purpose, so
    the redaction has something to remove.
    """
    faults = Faults(fail_429=1, fail_5xx=1)
    async with (
        run_sandbox(companies=over_limit_companies(150), faults=faults, client_secret=SECRET) as sandbox,
        aiohttp.ClientSession(trace_configs=[_careless_logging()]) as session,
    ):
        client = KeepnetClient(
            base_url=sandbox.base_url,
            client_id=SANDBOX_CLIENT_ID,
            client_secret=SECRET,
            page_size=50,
            sleep=SleepRecorder(),
            session=session,
        )
        async with client:
            await client.fetch_over_limit()
            sandbox.state.tokens.clear()  # the server forgets the token: next call gets 401 and renews
            csv_file = await client.export("CSV", filename="a.csv", directory=tmp_path)
            xlsx_file = await client.export("Excel", filename="a.xlsx", directory=tmp_path)
        issued = list(sandbox.stats.issued_tokens)  # every token handed out, the search one included
        assert sandbox.stats.tokens_issued == 2
    assert csv_file.size > 0
    assert xlsx_file.size > 0
    output = log_stream.getvalue()
    lines = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    assert sum(1 for line in lines if line.get("event") == "keepnet_request") >= 8  # the run was logged
    assert SECRET not in output
    assert len(issued) == 2
    for token in issued:
        assert token not in output
        assert token.split(".")[2] not in output  # not even the signature part
    careless = [SimpleNamespace(**line) for line in lines if line.get("event") == "outgoing_request"]
    with_bearer = [line for line in careless if "Authorization" in line.headers]
    assert len(with_bearer) >= 8  # the header was logged on every API request...
    assert {line.headers["Authorization"] for line in with_bearer} == {"[redacted]"}  # ...and hidden
    texts = [line["event"] for line in lines if line.get("logger") == "careless.stdlib"]
    assert sum("'Authorization': 'Bearer [redacted]'" in text for text in texts) >= 8
    assert not _UNREDACTED_BEARER.search(output)

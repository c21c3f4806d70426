"""Every bad command-line input is one line on stderr and exit code 2, never a traceback."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from tests.cli.process import run_cli


def _assert_one_line(code: int, err: str, *fragments: str) -> None:
    assert code == 2, err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1, err
    for fragment in fragments:
        assert fragment in err, err


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (("--port", "70000"), ("--port", "70000 is outside 0–65535")),
        (("--port", "-1"), ("--port", "outside 0–65535")),
        (("--port", "http"), ("--port", "'http' is not a whole number")),
        (("--companies", "-5"), ("--companies", "-5 is outside")),
        (("--latency-ms", "-1"), ("--latency-ms", "outside")),
        (("--latency-ms", "nan"), ("--latency-ms", "outside")),
        (("--fail-429", "-2"), ("--fail-429", "outside")),
        (("--fail-5xx", "-2"), ("--fail-5xx", "outside")),
        (("--token-lifetime", "-60"), ("--token-lifetime", "outside")),
        (("--token-lifetime", "0"), ("--token-lifetime", "outside")),
    ],
)
async def test_sandbox_flags_out_of_range(
    args: tuple[str, ...], fragments: tuple[str, ...], tmp_path: Path
) -> None:
    """A negative count or an impossible port is refused before anything starts."""
    code, out, err = await run_cli("sandbox", *args, env={}, cwd=tmp_path)
    _assert_one_line(code, err, *fragments)
    assert out == ""


async def test_sandbox_on_a_busy_port(tmp_path: Path) -> None:
    """A port another process listens on: one line naming host:port and what to do."""
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        code, _, err = await run_cli("sandbox", "--port", str(port), env={}, cwd=tmp_path)
    _assert_one_line(code, err, f"127.0.0.1:{port}", "--port")


async def test_sandbox_with_a_bad_host(tmp_path: Path) -> None:
    """A host that is not an address of this machine: one line, exit 2."""
    code, _, err = await run_cli(
        "sandbox", "--host", "no-such-host.invalid", "--port", "0", env={}, cwd=tmp_path
    )
    _assert_one_line(code, err, "no-such-host.invalid", "--host")


async def test_unknown_command_and_option(tmp_path: Path) -> None:
    """argparse's own errors are one line too (no usage block)."""
    code, _, err = await run_cli("sandbox", "--no-such-flag", env={}, cwd=tmp_path)
    _assert_one_line(code, err, "--no-such-flag")
    code, _, err = await run_cli("nonsense", env={}, cwd=tmp_path)
    _assert_one_line(code, err, "nonsense")

"""The ready-made deployments are checked against the code: variables, commands, flags, ports, probes."""

from __future__ import annotations

import configparser
import re
import shlex
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.cli import build_parser
from bot.config import Settings

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
SETTINGS = {name.upper() for name in Settings.model_fields}
SAMPLE_WEEK = "2026-W49"


def _yaml(path: Path) -> list[dict[str, Any]]:
    return [doc for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")) if doc]


def _argv(words: list[str]) -> list[str]:
    """A command line as the CLI parser sees it (shell substitutions replaced by a sample value)."""
    text = " ".join(words)
    if text.startswith("/bin/sh -c") or text.startswith("exec "):
        text = text.removeprefix("/bin/sh -c").strip().strip("'")
    text = re.sub(r"\$\(date[^)]*\)", SAMPLE_WEEK, text)
    argv = shlex.split(text.replace("%%", "%"))
    if argv and argv[0] == "exec":
        argv = argv[1:]
    while argv and not argv[0].endswith("overage-bot"):
        argv = argv[1:]
    return argv[1:]


def _parses(argv: list[str]) -> None:
    assert argv, "no overage-bot command found"
    build_parser().parse_args(argv)  # SystemExit on an unknown command or flag


def _env_names(mapping: Any) -> set[str]:
    return {str(name) for name in mapping}


def test_env_example_names_real_settings() -> None:
    """Every variable in .env.example is a setting the bot reads."""
    names = {
        line.split("=", 1)[0]
        for line in (ROOT / ".env.example").read_text().splitlines()
        if "=" in line and not line.startswith("#")
    }
    assert names
    assert names <= SETTINGS


def test_dockerfile() -> None:
    """Two slim Python stages; the wheel only; non-root; /data; port 3000; health check; overage-bot run."""
    text = (ROOT / "Dockerfile").read_text()
    assert len(re.findall(r"^FROM python:[\d.]+-slim", text, re.M)) == 2
    assert re.search(r"^USER 10001$", text, re.M)
    assert re.search(r"^VOLUME /data$", text, re.M)
    assert re.search(r"^EXPOSE 3000$", text, re.M)
    assert "HEALTHCHECK" in text
    assert "/healthz" in text
    assert '\nENTRYPOINT ["overage-bot"]\n' in text
    assert '\nCMD ["run"]\n' in text
    assert "[dev]" not in text
    assert "OVERAGE_DATA_DIR=/data" in text
    assert Settings().port == 3000


def test_compose() -> None:
    """PostgreSQL 16, the bot on 3000 with real settings, a demo profile with the sandbox."""
    [compose] = _yaml(ROOT / "docker-compose.yml")
    services = compose["services"]
    assert services["postgres"]["image"] == "postgres:16"
    for name, service in services.items():
        if name == "postgres":
            continue
        _parses(service["command"])
        assert _env_names(service.get("environment", {})) <= SETTINGS
    assert services["bot"]["ports"] == ["3000:3000"]
    assert services["bot"]["env_file"] == ".env"
    assert services["sandbox"]["profiles"] == ["demo"]
    demo = services["bot-demo"]["environment"]
    assert demo["KEEPNET_BASE_URL"] == "http://sandbox:8080"
    assert (demo["OVERAGE_CHANNEL"], demo["TEAMS_CHANNEL"]) == ("", ""), (
        "demo data must not reach real channels"
    )
    assert services["bot-demo"]["ports"] == ["3001:3000"]  # beside `bot`, not on its port
    assert services["sandbox"]["healthcheck"] == {"disable": True}
    assert services["sandbox"]["command"][-2:] == ["--port", "8080"]


def test_kubernetes() -> None:
    """2 replicas, probes /healthz and /readyz on the container port, non-root, real settings and commands."""
    docs = [doc for path in sorted((DEPLOY / "kubernetes").glob("*.yaml")) for doc in _yaml(path)]
    kinds = {doc["kind"]: doc for doc in docs}
    assert set(kinds) == {"Deployment", "Service", "Secret", "CronJob"}
    deployment = kinds["Deployment"]["spec"]
    assert deployment["replicas"] == 2
    pod = deployment["template"]["spec"]
    assert pod["securityContext"]["runAsNonRoot"] is True
    [container] = pod["containers"]
    _parses(container["args"])
    assert container["ports"][0]["containerPort"] == 3000
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert container["securityContext"]["allowPrivilegeEscalation"] is False
    assert {"requests", "limits"} <= set(container["resources"])
    assert _env_names(e["name"] for e in container["env"]) <= SETTINGS
    assert _env_names(kinds["Secret"]["stringData"]) <= SETTINGS
    assert kinds["Service"]["spec"]["ports"][0]["targetPort"] == 3000
    cron = kinds["CronJob"]["spec"]
    assert cron["timeZone"]
    [job] = cron["jobTemplate"]["spec"]["template"]["spec"]["containers"]
    argv = _argv([*job["command"], *job["args"]])
    assert argv[:2] == ["post", "--key"]
    _parses(argv)


def _unit(name: str) -> configparser.RawConfigParser:
    parser = configparser.RawConfigParser(strict=False)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(DEPLOY / "systemd" / name)
    return parser


@pytest.mark.parametrize("name", ["overage-bot.service", "overage-bot-post.service"])
def test_systemd_units(name: str) -> None:
    """Dynamic user, state directory, environment file, hardening; real settings and commands."""
    service = _unit(name)["Service"]
    assert service["DynamicUser"] == "yes"
    assert service["StateDirectory"] == "overage-bot"
    assert service["EnvironmentFile"].startswith("/etc/overage-bot/")
    assert service["NoNewPrivileges"] == "yes"
    assert service["ProtectSystem"] == "strict"
    for line in (DEPLOY / "systemd" / name).read_text().splitlines():
        if line.startswith("Environment="):
            assert line.split("=", 2)[1] in SETTINGS
    _parses(_argv(shlex.split(service["ExecStart"], posix=False)))
    if name == "overage-bot.service":
        assert service["Restart"] == "on-failure"


def test_systemd_timer() -> None:
    """The timer starts the post unit every Monday and catches up after downtime."""
    timer = _unit("overage-bot-post.timer")["Timer"]
    assert timer["OnCalendar"].startswith("Mon")
    assert timer["Persistent"] == "true"


@pytest.mark.timeout(900)
def test_image_builds_and_serves_healthz(tmp_path: Path) -> None:
    """With a working container engine: build the image, run it against its own sandbox, /healthz answers."""
    import shutil
    import subprocess
    import time
    import urllib.request

    engine = shutil.which("docker") or shutil.which("podman")
    if engine is None:
        pytest.skip(
            "no container engine (docker or podman) on this machine; test_install replays the image's steps"
        )
    info = subprocess.run([engine, "info"], capture_output=True, text=True, timeout=30, check=False)
    if info.returncode != 0:
        pytest.skip(f"{engine} is installed but its daemon does not run here: {info.stderr.strip()[:200]}")
    build = subprocess.run(
        [engine, "build", "-t", "overage-bot:test", str(ROOT)],
        capture_output=True,
        text=True,
        timeout=800,
        check=False,
    )
    if build.returncode != 0 and ("pull" in build.stderr.lower() or "registry" in build.stderr.lower()):
        pytest.skip(f"the base image cannot be pulled here: {build.stderr.strip().splitlines()[-1][:200]}")
    assert build.returncode == 0, build.stderr[-2000:]
    run = subprocess.run(
        [engine, "run", "-d", "-p", "127.0.0.1:38081:3000", "-e", "SLACK_BOT_TOKEN=xoxb-test", "-e",
         "SLACK_SIGNING_SECRET=test-secret", "overage-bot:test"],
        capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    container = run.stdout.strip()
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen("http://127.0.0.1:38081/healthz", timeout=2) as answer:
                    assert answer.status == 200
                    break
            except OSError:
                assert time.monotonic() < deadline, "the container never answered /healthz"
                time.sleep(1)
    finally:
        subprocess.run([engine, "rm", "-f", container], capture_output=True, timeout=60, check=False)

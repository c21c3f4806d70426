"""Every package says what it exports, and every exported name exists."""

from __future__ import annotations

import importlib
import pkgutil
import subprocess
import sys

import pytest

import bot


def _packages() -> list[str]:
    names = ["bot"]
    for info in pkgutil.walk_packages(bot.__path__, prefix="bot."):
        if info.ispkg:
            names.append(info.name)
    return names


@pytest.mark.parametrize("name", _packages())
def test_package_all_is_declared_and_resolves(name: str) -> None:
    """Each package __init__ sets __all__, and each listed name can be imported from it."""
    module = importlib.import_module(name)
    exported = getattr(module, "__all__", None)
    assert isinstance(exported, list | tuple), f"{name} has no __all__"
    missing = [item for item in exported if not hasattr(module, item)]
    assert missing == []
    assert len(set(exported)) == len(exported)


def test_core_knows_nothing_of_chat() -> None:
    """Dependencies point inward: the Keepnet client, the report and the service never import chat code."""
    probe = (
        "import sys, bot.keepnet.client, bot.report.model, bot.service, bot.exports.neutralize, bot.weekly.job, bot.store.database; "
        "print([m for m in sys.modules if m.startswith(('bot.slack', 'bot.teams', 'slack_bolt', 'slack_sdk', "
        "'microsoft_agents'))])"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "[]"

"""Every listener in COMMANDS / ACTIONS receives all it names from Bolt and the dependency middleware."""

from __future__ import annotations

import inspect

import pytest

from bot.slack.listeners import CONTEXT_KEYS
from bot.slack.listeners.actions import ACTIONS
from bot.slack.listeners.commands import COMMANDS

#: The Bolt arguments our listeners may name (bolt-python's kwargs injection).
BOLT_ARGS = {"ack", "body", "action", "command", "respond", "client", "context", "logger", "say"}


@pytest.mark.parametrize("handler", [*COMMANDS.values(), *ACTIONS.values()], ids=lambda h: h.__name__)
def test_listener_arguments_are_ones_bolt_can_pass(handler: object) -> None:
    """No keyword-only parameter (Bolt would not pass it: the request would fail with a 500), and
    every name is a Bolt argument or a context key the middleware sets."""
    spec = inspect.getfullargspec(handler)
    assert spec.kwonlyargs == []
    assert set(spec.args) <= BOLT_ARGS | set(CONTEXT_KEYS)


def test_registered_commands_and_actions() -> None:
    """/overage, the two report buttons, the decision menu and the review list's buttons are wired."""
    assert set(COMMANDS) == {"/overage"}
    assert set(ACTIONS) == {
        "overage_export_excel",
        "overage_refresh",
        "overage_decide",
        "overage_review",
        "overage_review_next",
        "overage_statement",
    }

"""Assertions about what a person would see in Slack."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from slack_sdk.models.blocks import Block

__all__ = [
    "assert_valid_message",
    "blocks_of",
    "csv_rows",
    "message_text",
    "slack_length",
    "visible_texts",
]

MAX_BLOCKS = 50


def assert_valid_message(message: dict[str, Any]) -> None:
    """The posted message has a fallback text and blocks within Block Kit's limits."""
    assert message.get("text"), "a top-level text fallback is required (mobile notifications)"
    blocks = message["blocks"]
    if isinstance(blocks, str):
        blocks = json.loads(blocks)
    assert 0 < len(blocks) <= MAX_BLOCKS
    assert sum(1 for b in blocks if b["type"] == "table") <= 1, "Slack allows one table per message"
    for raw in blocks:
        block = Block.parse(raw)
        assert block is not None, f"unknown block type {raw.get('type')}"
        block.validate_json()
        for element in raw.get("elements", []) if raw["type"] == "actions" else []:
            assert len(element.get("value", "")) <= 2000
        if raw["type"] == "table":
            assert len(raw["rows"]) <= 100


def blocks_of(message: dict[str, Any]) -> list[dict[str, Any]]:
    """The message's blocks (the Web API client may have sent them as a JSON string)."""
    blocks = message["blocks"]
    parsed: list[dict[str, Any]] = json.loads(blocks) if isinstance(blocks, str) else blocks
    return parsed


def visible_texts(value: Any) -> list[str]:
    """Every text a person can see in blocks: text objects and table cells."""
    if isinstance(value, dict):
        own = [value["text"]] if isinstance(value.get("text"), str) else []
        nested = [v for k, v in value.items() if k != "text" or not isinstance(v, str)]
        return own + [text for item in nested for text in visible_texts(item)]
    if isinstance(value, list):
        return [text for item in value for text in visible_texts(item)]
    return []


def slack_length(text: str) -> int:
    """Length as Slack counts it (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


def message_text(message: dict[str, Any]) -> str:
    """Every piece of text in a message (fallback and blocks), as one string."""
    return str(message.get("text", "")) + json.dumps(message.get("blocks", []), ensure_ascii=False)


def csv_rows(data: bytes) -> list[dict[str, str]]:
    """The data rows of an uploaded CSV, keyed by the header."""
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))

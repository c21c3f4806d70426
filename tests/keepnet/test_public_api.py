"""The package's public surface is exactly what ``__all__`` promises."""

from __future__ import annotations

import bot.keepnet


def test_all_names_exist_and_nothing_private_is_exported() -> None:
    """Every name in ``bot.keepnet.__all__`` resolves, none is private, and the client is among them."""
    exported = set(bot.keepnet.__all__)
    assert all(hasattr(bot.keepnet, name) for name in exported)
    assert not any(name.startswith("_") for name in exported)
    assert {"KeepnetClient", "KeepnetError", "OverLimitCompanies", "ExportFile"} <= exported
    assert sorted(bot.keepnet.__all__) == list(bot.keepnet.__all__)

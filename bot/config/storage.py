"""Where the state lives: ``OVERAGE_DATA_DIR`` and the default ``OVERAGE_DB_URL`` inside it.

Without ``OVERAGE_DB_URL`` the SQLite file is ``overage-bot.db`` at an absolute, conventional place —
``$OVERAGE_DATA_DIR`` when set (``/data`` in the container image), else the user data folder that
:mod:`platformdirs` names (``~/.local/share/overage-bot`` on Linux) — never the folder the process
happens to start in.
"""

from __future__ import annotations

from pathlib import Path

import platformdirs
from pydantic import model_validator
from pydantic_settings import BaseSettings

__all__ = ["DB_FILE_NAME", "StorageSettings", "default_data_dir"]

DB_FILE_NAME = "overage-bot.db"


def default_data_dir() -> Path:
    """The user data folder for overage-bot (``~/.local/share/overage-bot`` on Linux)."""
    return Path(platformdirs.user_data_dir("overage-bot", appauthor=False))


class StorageSettings(BaseSettings):
    """The storage settings (a mixin of :class:`bot.config.Settings`)."""

    overage_data_dir: Path | None = None
    overage_db_url: str = ""

    @property
    def data_dir(self) -> Path:
        """``OVERAGE_DATA_DIR`` made absolute, else the platform's user data folder."""
        return (self.overage_data_dir or default_data_dir()).expanduser().absolute()

    @property
    def uses_default_db(self) -> bool:
        """True when ``OVERAGE_DB_URL`` was not set (the SQLite file in :attr:`data_dir`)."""
        return self.overage_db_url == self._default_db_url()

    def _default_db_url(self) -> str:
        return f"sqlite+aiosqlite:///{self.data_dir / DB_FILE_NAME}"

    @model_validator(mode="after")
    def _storage_default_db(self) -> StorageSettings:
        if not self.overage_db_url.strip():
            object.__setattr__(self, "overage_db_url", self._default_db_url())  # frozen: set once here
        return self

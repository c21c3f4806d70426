"""Temporary export folders left behind by a process that crashed, removed at the next start.

Each process names its folders ``overage-export-<pid>-…``; a folder is removed only when no process
with that pid is alive, so a ``post`` started beside a running ``run`` never deletes files in use.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path

import structlog

__all__ = ["EXPORT_FOLDER_PREFIX", "folder_prefix", "remove_stale_export_folders"]

EXPORT_FOLDER_PREFIX = "overage-export-"
_OWNED = re.compile(re.escape(EXPORT_FOLDER_PREFIX) + r"(\d+)-")

log = structlog.get_logger(__name__)


def folder_prefix() -> str:
    """This process's prefix for its export folders, e.g. ``overage-export-4242-``."""
    return f"{EXPORT_FOLDER_PREFIX}{os.getpid()}-"


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # it exists, owned by someone else
        return True
    except OSError:
        return True  # when in doubt, keep the folder
    return True


def remove_stale_export_folders(directory: Path | None = None) -> int:
    """Remove the export folders of processes that are gone; returns how many were removed."""
    root = directory or Path(tempfile.gettempdir())
    removed = 0
    try:
        entries = list(root.iterdir())
    except OSError:
        return 0
    for entry in entries:
        match = _OWNED.match(entry.name)
        if match is None or not entry.is_dir() or _alive(int(match.group(1))):
            continue
        shutil.rmtree(entry, ignore_errors=True)
        removed += 1
    if removed:
        log.info("stale_export_folders_removed", count=removed, directory=str(root))
    return removed

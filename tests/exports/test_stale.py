"""Export folders of a crashed process are removed at the next start; a live process's are kept."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from bot.exports.cache import ExportCache
from bot.exports.stale import EXPORT_FOLDER_PREFIX, folder_prefix, remove_stale_export_folders


def _dead_pid() -> int:
    child = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True, check=True
    )
    return int(child.stdout)


def test_only_folders_of_gone_processes_are_removed(tmp_path: Path) -> None:
    """A dead pid's folder goes (with its files); this process's, a live parent's and others' stay."""
    dead = tmp_path / f"{EXPORT_FOLDER_PREFIX}{_dead_pid()}-abc"
    dead.mkdir()
    (dead / "keepnet-export-1.csv").write_text("half a file")
    mine = tmp_path / f"{folder_prefix()}xyz"
    mine.mkdir()
    live = tmp_path / f"{EXPORT_FOLDER_PREFIX}{os.getppid()}-def"  # e.g. a `run` beside this `post`
    live.mkdir()
    other = tmp_path / "someone-elses-folder"
    other.mkdir()
    assert remove_stale_export_folders(tmp_path) == 1
    assert not dead.exists()
    assert mine.exists()
    assert live.exists()
    assert other.exists()


def test_a_new_export_cache_cleans_up_and_names_its_folders_by_pid(tmp_path: Path) -> None:
    """Starting (an ExportCache) removes a crashed process's folder; new folders carry this pid."""
    dead = tmp_path / f"{EXPORT_FOLDER_PREFIX}{_dead_pid()}-old"
    dead.mkdir()
    ExportCache(cache_s=60, monotonic=lambda: 0.0, directory=tmp_path)
    assert not dead.exists()
    assert folder_prefix() == f"{EXPORT_FOLDER_PREFIX}{os.getpid()}-"

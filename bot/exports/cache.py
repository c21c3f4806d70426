"""One Keepnet export shared by everyone who asks for the same file at about the same time.

Used by :meth:`bot.service.ReportService.export_file`. Keepnet is asked once per key (the export
kind and the search text):

- concurrent callers share the export in flight (single-flight);
- a finished export younger than ``cache_s`` is reused, unless the caller wants a fresh one or the
  report data it belongs to (its ``basis``) has been fetched again since;
- each caller gets its own hard link (or copy) of the shared file in its own temporary folder, so
  a caller may keep using its file after the shared one is gone, and nobody deletes another's file;
- shared files no longer reusable are deleted as soon as nobody is linking them: on the next
  export, when a caller's block exits, and by a timer ``cache_s`` after each export.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from pathlib import Path

import structlog

from bot.exports.stale import folder_prefix, remove_stale_export_folders
from bot.keepnet.models import ExportFile, ExportKind
from bot.singleflight import SingleFlight

__all__ = ["ExportCache", "ExportKey", "ExportLoader"]

log = structlog.get_logger(__name__)

ExportKey = tuple[ExportKind, str]
"""The export kind and the search text."""

ExportLoader = Callable[[Path], Awaitable[ExportFile]]
"""Fetches the export into the given empty folder (which it may fill as it likes)."""


@dataclass(eq=False)
class _Entry:
    key: ExportKey
    basis: object
    started: float
    task: asyncio.Task[ExportFile] | None = None
    folder: Path | None = None
    users: int = 0
    timer: asyncio.TimerHandle | None = None

    def loaded(self) -> ExportFile | None:
        if self.task is None or not self.task.done() or self.task.cancelled():
            return None
        if self.task.exception() is not None:
            return None
        return self.task.result()


def _link_or_copy(src: Path, dst: Path) -> None:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copyfile(src, dst)


class ExportCache:
    """Shared Keepnet exports with a bounded life on disk.

    Args:
        cache_s: how long a finished export may be reused.
        monotonic: a monotonic clock (seconds).
        directory: where the temporary folders go (default: the system temp folder).
    """

    def __init__(
        self, *, cache_s: float, monotonic: Callable[[], float], directory: Path | None = None
    ) -> None:
        self._cache_s = cache_s
        self._monotonic = monotonic
        self._directory = directory
        remove_stale_export_folders(directory)  # a crashed process's leftovers, never a live one's
        self._current: dict[ExportKey, _Entry] = {}
        self._entries: set[_Entry] = set()
        self._sweeps: set[asyncio.Task[int]] = set()
        self._loads: SingleFlight[_Entry, ExportFile] = SingleFlight(name="keepnet-export")
        self.loads = 0

    @asynccontextmanager
    async def use(
        self,
        key: ExportKey,
        *,
        basis: object,
        fresh: bool,
        filename: str,
        load: ExportLoader,
    ) -> AsyncIterator[ExportFile]:
        """The export for ``key`` as this caller's own file, deleted when the block exits.

        Args:
            key: the export kind and search text.
            basis: the report data the export must match (reused only while it is the same object).
            fresh: do not reuse a finished export (one in flight is still shared).
            filename: the name to give this caller's file.
            load: fetches the export when a new one is needed.

        Yields:
            The caller's copy, named ``filename``.

        Raises:
            KeepnetError: the shared export failed (every caller sharing it gets the error).
        """
        await self.discard_expired()
        entry = self._entry(key, basis=basis, fresh=fresh, load=load)
        entry.users += 1
        try:
            assert entry.task is not None
            shared = await asyncio.shield(entry.task)
            folder = Path(
                await asyncio.to_thread(tempfile.mkdtemp, prefix=folder_prefix(), dir=self._directory)
            )
            path = folder / filename
            try:
                await asyncio.to_thread(_link_or_copy, shared.path, path)
            except BaseException:
                await asyncio.to_thread(shutil.rmtree, folder, ignore_errors=True)
                raise
        finally:
            entry.users -= 1
        try:
            yield replace(shared, path=path, filename=filename)
        finally:
            await asyncio.to_thread(shutil.rmtree, folder, ignore_errors=True)
            await self.discard_expired()

    def _entry(self, key: ExportKey, *, basis: object, fresh: bool, load: ExportLoader) -> _Entry:
        entry = self._current.get(key)
        if entry is not None and self._reusable(entry, basis=basis, fresh=fresh):
            return entry
        entry = _Entry(key=key, basis=basis, started=self._monotonic())
        entry.task = self._loads.start(entry, lambda: self._load(entry, load))
        entry.task.add_done_callback(self._loaded(entry))
        self._current[key] = entry
        self._entries.add(entry)
        self.loads += 1
        return entry

    def _reusable(self, entry: _Entry, *, basis: object, fresh: bool) -> bool:
        if entry.basis is not basis or entry.task is None:
            return False
        if not entry.task.done():
            return True
        return not fresh and entry.loaded() is not None and not self._too_old(entry)

    def _too_old(self, entry: _Entry) -> bool:
        return self._monotonic() - entry.started >= self._cache_s

    async def _load(self, entry: _Entry, load: ExportLoader) -> ExportFile:
        folder = Path(await asyncio.to_thread(tempfile.mkdtemp, prefix=folder_prefix(), dir=self._directory))
        entry.folder = folder
        try:
            return await load(folder)
        except BaseException:
            await asyncio.to_thread(shutil.rmtree, folder, ignore_errors=True)
            entry.folder = None
            raise

    def _loaded(self, entry: _Entry) -> Callable[[asyncio.Task[ExportFile]], None]:
        def done(task: asyncio.Task[ExportFile]) -> None:
            if task.cancelled() or task.exception() is not None:  # retrieved: every sharer got it
                if self._current.get(entry.key) is entry:
                    del self._current[entry.key]
                self._entries.discard(entry)
                return
            entry.timer = task.get_loop().call_later(max(self._cache_s, 0.0), self._sweep_now)

        return done

    def _sweep_now(self) -> None:
        sweep = asyncio.get_running_loop().create_task(self.discard_expired())
        self._sweeps.add(sweep)
        sweep.add_done_callback(self._sweeps.discard)

    def _expired(self, entry: _Entry) -> bool:
        if entry.users or entry.task is None or not entry.task.done():
            return False
        return self._current.get(entry.key) is not entry or self._too_old(entry)

    async def discard_expired(self) -> int:
        """Delete the shared files nobody may reuse any more and nobody is linking right now.

        Returns:
            How many shared exports were deleted.
        """
        doomed = [entry for entry in self._entries if self._expired(entry)]
        for entry in doomed:
            if entry.timer is not None:
                entry.timer.cancel()
            self._entries.discard(entry)
            if self._current.get(entry.key) is entry:
                del self._current[entry.key]
        for entry in doomed:
            if entry.folder is not None:
                await asyncio.to_thread(shutil.rmtree, entry.folder, ignore_errors=True)
        if doomed:
            log.debug("exports_discarded", count=len(doomed))
        return len(doomed)

    async def close(self) -> None:
        """Forget every shared export and delete its file (on shutdown; callers' own copies stay)."""
        entries = list(self._entries)
        self._entries.clear()
        self._current.clear()
        for entry in entries:
            if entry.timer is not None:
                entry.timer.cancel()
            if entry.task is not None and not entry.task.done():
                entry.task.cancel()
                await asyncio.wait([entry.task])
            if entry.folder is not None:
                await asyncio.to_thread(shutil.rmtree, entry.folder, ignore_errors=True)

"""Replace several files so that either all of them change or none does, even across a crash.

``os.replace`` makes one file change atomically, but a change to the package touches several files
(a claim and its status row, a seed and its source). So a write here:

1. records a journal in the package root holding the original bytes of every file it will replace
   and the list of files it will create (the journal appears atomically, by ``os.link``, and its
   existence also stops a second writer from starting);
2. writes each new file to a temporary name beside its target (same directory, so the rename
   cannot cross file systems) and fsyncs it;
3. moves every temporary file into place with ``os.replace``;
4. deletes the journal: that deletion is the commit.

If anything fails before step 4, the journal is used to put every file back as it was: at once when
the failure is an exception, or by :func:`recover` after a real crash (curation commands call it,
under the package lock, before each write). Data files are small, so keeping their original bytes
in the journal is cheaper and simpler than backup files that could themselves be left behind.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import secrets
import tempfile
from collections.abc import Mapping
from pathlib import Path

JOURNAL_NAME = ".commitments-journal.json"
JOURNAL_VERSION = 1


class InterruptedWriteError(Exception):
    """A journal from an earlier write is present: that write was interrupted or is still running."""


def journal_path(root: Path) -> Path:
    return Path(root) / JOURNAL_NAME


def write_files(root: Path, files: Mapping[Path, bytes]) -> None:
    """Give each path its new bytes, all or nothing. Paths must lie inside ``root``."""
    root = Path(root)
    journal = journal_path(root)
    if journal.exists():
        raise InterruptedWriteError(
            f"{journal} exists: an earlier write was interrupted (or another one is running); "
            "run any curation command to roll it back, or commitment_tracker.atomic.recover(root)"
        )
    token = f"{os.getpid()}-{secrets.token_hex(4)}"
    entries = []
    for target in files:
        target = Path(target)
        rel = _relative(root, target)
        temp = target.with_name(f".{target.name}.{token}.tmp")
        original = target.read_bytes() if target.exists() else None
        entries.append(
            {
                "path": rel,
                "temp": _relative(root, temp),
                "original": None if original is None else base64.b64encode(original).decode("ascii"),
            }
        )
    _create_journal(root, journal, {"journal_version": JOURNAL_VERSION, "files": entries})
    try:
        for entry, data in zip(entries, files.values(), strict=True):
            temp = root / entry["temp"]
            temp.parent.mkdir(parents=True, exist_ok=True)
            _write_synced(temp, data)
        for entry in entries:
            os.replace(root / entry["temp"], root / entry["path"])
        _sync_dirs(root, entries)
    except BaseException:
        # Roll back now; if that fails too, the journal stays for recover() to finish the job.
        _roll_back(root, journal, entries)
        raise
    journal.unlink()
    _sync_dir(root)


def recover(root: Path) -> list[str]:
    """Undo a write that was interrupted by a crash; returns the package paths put back.

    Call it only while holding the package lock: a journal also exists while a write is running.
    """
    root = Path(root)
    journal = journal_path(root)
    for stray in root.glob(f"{JOURNAL_NAME}.*.tmp"):  # a journal that was never published
        stray.unlink(missing_ok=True)
    if not journal.exists():
        return []
    try:
        data = json.loads(journal.read_text(encoding="utf-8"))
        entries = data["files"]
    except (ValueError, KeyError, TypeError) as exc:
        raise InterruptedWriteError(
            f"{journal} is unreadable ({exc}); inspect it and the files it names by hand"
        ) from None
    return _roll_back(root, journal, entries)


def _roll_back(root: Path, journal: Path, entries: list[dict]) -> list[str]:
    restored = []
    for entry in entries:
        (root / entry["temp"]).unlink(missing_ok=True)
        target = root / entry["path"]
        if entry["original"] is None:
            if target.exists():
                target.unlink()
                restored.append(entry["path"])
            continue
        original = base64.b64decode(entry["original"])
        if not target.exists() or target.read_bytes() != original:
            temp = target.with_name(f".{target.name}.restore-{secrets.token_hex(4)}.tmp")
            try:
                _write_synced(temp, original)
                os.replace(temp, target)
            finally:
                temp.unlink(missing_ok=True)
            restored.append(entry["path"])
    _sync_dirs(root, entries)
    journal.unlink(missing_ok=True)
    _sync_dir(root)
    return restored


def _create_journal(root: Path, journal: Path, content: dict) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f"{JOURNAL_NAME}.", suffix=".tmp", dir=root)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(json.dumps(content).encode("utf-8"))
            fh.flush()
            os.fsync(fh.fileno())
        try:
            os.link(tmp, journal)  # atomic, and fails if another writer published one first
        except FileExistsError:
            raise InterruptedWriteError(f"{journal} appeared meanwhile: another write is running") from None
        _sync_dir(root)
    finally:
        Path(tmp).unlink(missing_ok=True)


def _write_synced(path: Path, data: bytes) -> None:
    with open(path, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())


def _relative(root: Path, path: Path) -> str:
    try:
        return Path(os.path.abspath(path)).relative_to(os.path.abspath(root)).as_posix()
    except ValueError:
        raise ValueError(f"{path} is not inside the package root {root}") from None


def _sync_dirs(root: Path, entries: list[dict]) -> None:
    for folder in sorted({(root / e["path"]).parent for e in entries}):
        _sync_dir(folder)


def _sync_dir(folder: Path) -> None:
    """Make renames in ``folder`` durable (a no-op where directories cannot be opened)."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)

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

A journal is input like any other file of a package (a pull request can plant one), so it is only
trusted for files the package owns (:func:`owned_paths`): the descriptor, the tables it lists, the
seeds, and the files ``release`` writes, each reached without a symbolic link and without leaving the
package. :func:`read_journal` refuses anything else, and a malformed journal, before touching a file.
``write_files`` applies the same rule to what it is asked to write, so every journal it leaves behind
is one that recovery accepts.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import json
import os
import posixpath
import re
import secrets
import stat
import tempfile
from collections.abc import Collection, Mapping
from pathlib import Path

from commitment_tracker.datapackage import paths
from commitment_tracker.errors import TrackerError

JOURNAL_NAME = ".commitments-journal.json"
JOURNAL_VERSION = 1
# Files a write may touch besides the descriptor and the tables and seeds it lists: `release`
# writes these two.
RELEASE_FILES = ("CHANGELOG.md", "CITATION.cff", ".zenodo.json")
# The name add-source gives a new seed (seeds/NNN_<16 hex digits of its SHA-256>.txt): a crash can
# leave one that the descriptor on disk does not list yet.
NEW_SEED = re.compile(rf"{paths.SEEDS_DIRNAME}/\d{{3,}}_[0-9a-f]{{16}}\.txt")
_TOKEN = r"\d+-[0-9a-f]{8}"
# A journal holds the original bytes of the files it replaces, in base64 (4/3 of their size): one
# much larger than every file it could restore was not written by this module.
JOURNAL_SLACK_BYTES = 1 << 20
# Read no more of a descriptor than this when listing the files a package owns (the real one is
# about 50 KB); a larger one is treated as unreadable.
DESCRIPTOR_READ_LIMIT = 64 << 20
_ENTRY_KEYS = {"path", "temp", "original"}


class WriteError(TrackerError):
    """A package write cannot be made, or an earlier one cannot be undone; nothing was changed."""


class InterruptedWriteError(WriteError):
    """A journal from an earlier write is present: that write was interrupted or is still running."""


class JournalError(InterruptedWriteError):
    """The journal is malformed or names a file the package does not own: recovery refuses it."""


class OutsidePackageError(WriteError):
    """A path leaves the package: through '..', as an absolute path, or through a symbolic link."""


def journal_path(root: Path) -> Path:
    return Path(root) / JOURNAL_NAME


def inside(root: Path, relative: str) -> Path:
    """``root / relative``, provided it stays in the package with no symbolic link on the way.

    Judged on the real path, not only on the text. Any symlink is refused, even one pointing
    elsewhere in the package: this tool never creates one, and following one is how a package
    makes a command read or write a file that is not part of it.
    """
    problem = _path_problem(root, relative)
    if problem:
        raise OutsidePackageError(f"{relative}: {problem}")
    return Path(root) / relative


def owned_paths(root: Path) -> frozenset[str]:
    """Package-relative paths a write may touch: the descriptor, the files it lists, RELEASE_FILES.

    New seeds (:data:`NEW_SEED`) are owned too; :func:`is_owned` says so. The descriptor is read
    leniently: when it cannot be read, only the fixed names are owned.
    """
    owned = {paths.DESCRIPTOR_NAME, *RELEASE_FILES}
    try:
        descriptor = json.loads(_read_regular(inside(root, paths.DESCRIPTOR_NAME), DESCRIPTOR_READ_LIMIT))
    except (OSError, ValueError, RecursionError, WriteError):
        return frozenset(owned)
    if not isinstance(descriptor, dict):
        return frozenset(owned)
    for key in ("resources", "sources"):  # the tables, and the seeds the descriptor lists
        items = descriptor.get(key)
        for item in items if isinstance(items, list) else []:
            if isinstance(item, dict) and isinstance(item.get("path"), str):
                owned.add(item["path"])
    return frozenset(owned)


def is_owned(relative: str, owned: Collection[str]) -> bool:
    return relative in owned or NEW_SEED.fullmatch(relative) is not None


def write_files(root: Path, files: Mapping[Path, bytes]) -> None:
    """Give each path its new bytes, all or nothing.

    Each path must be a file the package owns (:func:`owned_paths`), reached without leaving the
    package or passing a symbolic link; anything else is refused before a byte is written.
    """
    root = Path(root)
    journal = journal_path(root)
    if os.path.lexists(journal):
        raise InterruptedWriteError(
            f"{journal} exists: an earlier write was interrupted (or another one is running); "
            "run any curation command without --dry-run to roll it back"
        )
    owned = owned_paths(root)
    token = f"{os.getpid()}-{secrets.token_hex(4)}"
    entries = []
    for target in files:
        target = Path(target)
        rel = _relative(root, target)
        problem = _target_problem(root, rel, owned)
        if problem:
            raise OutsidePackageError(f"refusing to write {rel}: it {problem}; nothing was written")
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


def read_journal(root: Path) -> list[dict] | None:
    """The entries of the package's journal, None when there is none; JournalError if untrusted.

    Nothing is written or deleted here: a journal is refused whole, before recovery touches a file,
    when it is not a regular file, is larger than the files it could restore, is not the JSON this
    module writes, or names a file that is not the package's own (see the module docstring).
    """
    journal = journal_path(root)
    try:
        st = os.lstat(journal)
    except FileNotFoundError:
        return None
    remedy = (
        "recovery refused it and changed nothing. If no curation command was interrupted, the journal "
        f"was not written by this tool: delete {JOURNAL_NAME} and run `commitments validate`"
    )
    if not stat.S_ISREG(st.st_mode):
        raise JournalError(f"{journal} is not a regular file (a link, folder or device); {remedy}")
    owned = owned_paths(root)
    limit = _journal_limit(root, owned)
    if st.st_size > limit:
        raise JournalError(
            f"{journal} has {st.st_size} bytes, more than a journal of this package can hold "
            f"({limit}); {remedy}"
        )
    try:
        content = json.loads(_read_regular(journal, limit).decode("utf-8"))
    except (OSError, ValueError, RecursionError) as exc:
        reason = "nested too deeply" if isinstance(exc, RecursionError) else str(exc)
        raise JournalError(f"{journal} is not valid JSON ({reason}); {remedy}") from None
    if (
        not isinstance(content, dict)
        or content.get("journal_version") != JOURNAL_VERSION
        or not isinstance(content.get("files"), list)
    ):
        raise JournalError(
            f"{journal} is not a version-{JOURNAL_VERSION} journal (an object with "
            f'"journal_version": {JOURNAL_VERSION} and a "files" list); {remedy}'
        )
    entries = content["files"]
    seen: set[str] = set()
    for number, entry in enumerate(entries, start=1):
        problem = _entry_problem(root, entry, owned)
        if problem is None and entry["path"] in seen:
            problem = "names a file that an earlier entry names too"
        if problem:
            if isinstance(entry, dict) and isinstance(entry.get("original"), str):
                entry = {**entry, "original": "…"}  # the bytes it holds say nothing useful here
            shown = json.dumps(entry, ensure_ascii=False)
            shown = shown if len(shown) <= 200 else shown[:199] + "…"
            raise JournalError(f"{journal}: entry {number} of files, {shown}: {problem}; {remedy}")
        seen.add(entry["path"])
    return entries


def recover(root: Path) -> list[str]:
    """Undo a write that was interrupted by a crash; returns the package paths put back.

    Call it only while holding the package lock: a journal also exists while a write is running.
    The journal is checked whole first (:func:`read_journal`); an untrusted one changes nothing.
    """
    root = Path(root)
    entries = read_journal(root)
    for stray in root.glob(f"{JOURNAL_NAME}.*.tmp"):  # a journal that was never published
        if not stray.is_dir():  # is_dir follows a link, but unlink removes only the link itself
            stray.unlink(missing_ok=True)
    if entries is None:
        return []
    return _roll_back(root, journal_path(root), entries)


def _path_problem(root: Path, relative: object) -> str | None:
    """Why ``relative`` is not a plain path inside the package reached without a link, or None."""
    if not isinstance(relative, str) or not relative:
        return "is not a path (expected a non-empty string)"
    if relative.startswith("/"):
        return "is an absolute path; package paths are relative to the package root"
    parts = relative.split("/")
    if any(part in ("", ".", "..") for part in parts) or "\x00" in relative:
        return "is not a plain relative path (no '..', '.', empty parts or NUL)"
    real_root = os.path.realpath(root)
    lexical = os.path.join(real_root, *parts)
    real = os.path.realpath(lexical)
    if real != lexical:
        outside = os.path.commonpath([real, real_root]) != real_root
        where = "outside the package" if outside else "elsewhere in the package"
        return f"passes through a symbolic link (it leads to {real}, {where})"
    return None


def _target_problem(root: Path, relative: str, owned: Collection[str]) -> str | None:
    """Why a write (or a rollback) may not replace ``relative``, or None."""
    problem = _path_problem(root, relative)
    if problem:
        return problem
    if relative not in RELEASE_FILES and any(part.startswith(".") for part in relative.split("/")):
        return "is a hidden file, which no write of this tool touches"
    if not is_owned(relative, owned):
        return (
            "is not a file the package owns (datapackage.json, the tables and seeds it lists, a new "
            f"seed, {', '.join(RELEASE_FILES)})"
        )
    return _not_regular(Path(root) / relative)


def _entry_problem(root: Path, entry: object, owned: Collection[str]) -> str | None:
    """Why one journal entry is not one write_files could have made, or None."""
    if not isinstance(entry, dict) or set(entry) != _ENTRY_KEYS:
        return 'it is not an object with exactly "path", "temp" and "original"'
    path, temp, original = entry["path"], entry["temp"], entry["original"]
    if not isinstance(path, str) or not isinstance(temp, str):
        return '"path" and "temp" must be strings'
    if original is not None:
        if not isinstance(original, str):
            return '"original" must be base64 text or null'
        try:
            base64.b64decode(original, validate=True)
        except (binascii.Error, ValueError):
            return '"original" is not valid base64'
    problem = _target_problem(root, path, owned)
    if problem:
        return f'"path" {problem}'
    folder, name = posixpath.split(path)
    temp_folder, temp_name = posixpath.split(temp)
    if temp_folder != folder or not re.fullmatch(rf"\.{re.escape(name)}\.{_TOKEN}\.tmp", temp_name):
        return f'"temp" is not the temporary name beside its file (.{name}.<pid>-<8 hex>.tmp)'
    problem = _path_problem(root, temp) or _not_regular(Path(root) / temp)
    return f'"temp" {problem}' if problem else None


def _not_regular(path: Path) -> str | None:
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return None
    return None if stat.S_ISREG(mode) else "is not a regular file"


def _journal_limit(root: Path, owned: Collection[str]) -> int:
    total = 0
    for relative in owned:
        if _path_problem(root, relative) is None:
            with contextlib.suppress(OSError):
                st = os.lstat(Path(root) / relative)
                total += st.st_size if stat.S_ISREG(st.st_mode) else 0
    return 2 * total + JOURNAL_SLACK_BYTES


def _read_regular(path: Path, limit: int) -> bytes:
    """At most ``limit`` + 1 bytes of a regular file, never through a link (it may be swapped)."""
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    with os.fdopen(fd, "rb") as fh:
        if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
            raise OSError(f"{path} is not a regular file")
        return fh.read(limit + 1)


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
    # "x": a new file only, never through a link or over a file planted at that name.
    with open(path, "xb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())


def _relative(root: Path, path: Path) -> str:
    try:
        return Path(os.path.abspath(path)).relative_to(os.path.abspath(root)).as_posix()
    except ValueError:
        raise OutsidePackageError(f"{path} is not inside the package root {root}") from None


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

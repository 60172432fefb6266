"""One writer at a time: an exclusive lock on a file in the package root.

Curation reads the tables, validates a changed copy and writes back; two writers interleaving those
steps would lose one another's rows. ``flock`` locks are released by the kernel when the holder
exits, even on a crash, so a lock can never be left stale. The lock file itself stays (removing it
would let two processes lock two different files) and is ignored by git. POSIX only; on network
file systems flock may not be honoured.

The lock file is opened without following a link and must be a regular file with one name: the
holder's pid is written into it, and a planted link would send that write outside the package.
"""

from __future__ import annotations

import fcntl
import os
import stat
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from commitment_tracker.errors import TrackerError

LOCK_NAME = ".commitments.lock"
DEFAULT_TIMEOUT = 120.0  # seconds; a write (with full validation) takes a few seconds
POLL_INTERVAL = 0.05


class LockError(TrackerError):
    """The package lock cannot be taken; the message says why."""


class LockTimeout(LockError):
    """Another process held the package lock for longer than the timeout."""


class LockFileError(LockError):
    """The lock file is not a plain file of the package (a link, a folder, a device, a hard link)."""


def lock_path(root: Path) -> Path:
    return Path(root) / LOCK_NAME


@contextmanager
def package_lock(root: Path, timeout: float = DEFAULT_TIMEOUT) -> Iterator[Path]:
    """Hold the package's write lock for the duration of the ``with`` block."""
    path = lock_path(root)
    fd = _open_lock_file(path)
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = path.read_text(encoding="utf-8", errors="replace").strip() or "unknown"
                    raise LockTimeout(
                        f"another command (pid {holder}) has been writing to the package for over "
                        f"{timeout:.0f} s ({path}); wait for it to finish and retry"
                    ) from None
                time.sleep(POLL_INTERVAL)
        # Who holds the lock, for the message above; informative only.
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield path
    finally:
        os.close(fd)  # closing the descriptor releases the lock


def _open_lock_file(path: Path) -> int:
    refused = f"{path} is not a plain file (a symbolic link, folder, device or hard link); remove it"
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC, 0o644)
    except OSError as exc:  # ELOOP for a link, EISDIR for a folder, ENXIO for a socket
        raise LockFileError(f"{refused} ({exc.strerror})") from None
    st = os.fstat(fd)
    if not stat.S_ISREG(st.st_mode) or st.st_nlink != 1:
        os.close(fd)
        raise LockFileError(refused)
    return fd

"""One writer at a time: an exclusive lock on a file in the package root, taken with ``filelock``.

Curation reads the tables, validates a changed copy and writes back; two writers interleaving those
steps would lose one another's rows. ``filelock.FileLock`` on POSIX is an ``flock``, which the kernel
releases when the holder exits, even on a crash, so a lock can never be left stale. The lock file
itself stays (removing it would let two processes lock two different files) and is ignored by git.
On a file system without ``flock`` the lock fails instead of falling back to a marker file
(``fallback_to_soft=False``): a marker left by a killed process would block every later write.

The lock file is a plain file of the package, never a way out of it. filelock opens it with
``O_NOFOLLOW`` (a planted symbolic link is refused, even one pointing inside), ``O_NONBLOCK`` (a
FIFO cannot block the open) and without ``O_TRUNC``; a folder fails to open. Once the lock is held,
``_claim`` checks the open descriptor itself (a regular file with one name, so not a FIFO, a
device or a hard link to a file elsewhere) before writing the holder's pid into it.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

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
    held = FileLock(
        path,
        timeout=timeout,
        poll_interval=POLL_INTERVAL,
        fallback_to_soft=False,
        on_acquired=lambda fd: _claim(path, fd),
    )
    try:
        held.acquire()
    except Timeout:  # a TimeoutError, so an OSError: caught first
        raise LockTimeout(
            f"another command (pid {_holder(path)}) has been writing to the package for over "
            f"{timeout:.0f} s ({path}); wait for it to finish and retry"
        ) from None
    except OSError as exc:  # ELOOP for a link, EISDIR for a folder, ENXIO for a socket
        raise LockFileError(f"{_refused(path)} ({exc.strerror or exc})") from None
    try:
        yield path
    finally:
        held.release()


def _refused(path: Path) -> str:
    return f"{path} is not a plain file (a symbolic link, folder, device or hard link); remove it"


def _claim(path: Path, fd: int) -> None:
    """Runs with the lock held, on filelock's descriptor: refuse an odd file, then record our pid.

    Raising here makes filelock release the lock and re-raise, so nothing is written.
    """
    st = os.fstat(fd)
    if not stat.S_ISREG(st.st_mode) or st.st_nlink != 1:
        raise LockFileError(_refused(path))
    # Who holds the lock, for the timeout message; informative only.
    os.ftruncate(fd, 0)
    os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)


def _holder(path: Path) -> str:
    """The pid the holder wrote, read without following a link or blocking on a FIFO."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return "unknown"
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return "unknown"
        return os.read(fd, 32).decode("utf-8", errors="replace").strip() or "unknown"
    finally:
        os.close(fd)

"""How long and how much a query may take, and how it is stopped (``cli.py query`` and ``sql``).

A query runs on a locked DuckDB connection (see ``database.py``). The lock (``lock_configuration``)
also makes DuckDB ignore SIGINT, so Ctrl-C alone would not stop a runaway statement such as a
recursive CTE without an end. What does stop it is ``interrupt()`` called from another thread or
from a Python signal handler: a ``threading.Timer`` does that at the timeout, and the SIGINT handler
installed by :class:`Stopper` does it at Ctrl-C. DuckDB then raises ``InterruptException``, which
the stopper turns into :class:`QueryTimeout` or :class:`QueryInterrupted`, saying which one it was.

The memory limit is a DuckDB setting given when the connection opens (before the lock); on a query
connection nothing spills to disk, so a statement that needs more memory fails instead of writing
temporary files. What Python holds is bounded separately: rows are read and written in batches,
and at most ``max_rows`` rows are printed to standard output.

This module imports neither duckdb nor anything heavy: ``cli.py`` reads its defaults at start-up.
"""

from __future__ import annotations

import re
import resource
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType, TracebackType
from typing import Any

from commitment_tracker.errors import TrackerError

DEFAULT_TIMEOUT = 30.0  # seconds for one statement, reading and writing its rows included
DEFAULT_MEMORY_LIMIT = "1GB"  # DuckDB's memory_limit: 1 GB = 10^9 bytes (953.6 MiB)
DEFAULT_MAX_ROWS = 1000  # rows printed to standard output; --output FILE takes every row
# Rows read from DuckDB at a time: one DuckDB chunk, whose size DuckDB's memory limit bounds, so
# Python holds about that much. Rows with lists, structs or maps (each up to 1 MB as text, more as
# Python objects) are read a few at a time.
BATCH_ROWS = 2048
NESTED_BATCH_ROWS = 16

# What DuckDB's memory_limit accepts, restricted to plain sizes (no percentages, no "-1").
_MEMORY_LIMIT = re.compile(r"^\s*\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KIB|MIB|GIB|TIB)\s*$", re.IGNORECASE)

# 128 + SIGINT, what a shell reports for a command stopped by Ctrl-C.
INTERRUPTED_EXIT_CODE = 130


class QueryStopped(TrackerError):
    """A query stopped before its end by the timeout or by Ctrl-C; the message says which."""


class QueryTimeout(QueryStopped):
    pass


class QueryInterrupted(QueryStopped):
    exit_code = INTERRUPTED_EXIT_CODE


_UNITS = {"B": 1, "KB": 10**3, "MB": 10**6, "GB": 10**9, "TB": 10**12}
_UNITS |= {"KIB": 2**10, "MIB": 2**20, "GIB": 2**30, "TIB": 2**40}


def memory_bytes(text: str) -> int:
    """Bytes in a size as DuckDB reads it (1GB = 10^9 bytes, 1GiB = 2^30)."""
    match = re.match(r"^\s*(\d+(?:\.\d+)?)\s*([a-z]+)\s*$", text, re.IGNORECASE)
    if not match or match.group(2).upper() not in _UNITS:
        raise ValueError(f"{text!r} is not a memory size")
    return int(float(match.group(1)) * _UNITS[match.group(2).upper()])


@contextmanager
def process_memory_cap(memory_limit: str) -> Iterator[None]:
    """Let this process grow by at most twice ``memory_limit`` plus 1 GiB of address space.

    DuckDB's memory_limit covers its buffers, not everything it allocates: ``SELECT
    len(range(100000000))`` builds one 800 MB list in 7 GB, and turning a large list into Python
    objects costs 40 bytes or so per element. Capping the address space (RLIMIT_AS, on Linux) makes
    such an allocation fail, which DuckDB reports as "Out of Memory" and Python as MemoryError,
    instead of taking the machine. The previous limit is restored on the way out. Where the
    operating system offers no such limit, nothing is capped but DuckDB's own buffers.
    """
    status = Path("/proc/self/status")
    if not hasattr(resource, "RLIMIT_AS") or not status.is_file():
        yield
        return
    fields = dict(line.split(":", 1) for line in status.read_text().splitlines() if ":" in line)
    in_use = int(fields["VmSize"].split()[0]) * 1024
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    cap = in_use + 2 * memory_bytes(memory_limit) + 2**30
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    if soft != resource.RLIM_INFINITY and soft <= cap:
        yield  # already capped tighter
        return
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def check_memory_limit(text: str) -> str:
    """The size as DuckDB's ``memory_limit`` reads it (``500MB``, ``2GB``…); ValueError otherwise."""
    if not _MEMORY_LIMIT.match(text) or float(re.sub(r"[^\d.]", "", text)) <= 0:
        raise ValueError(f"{text!r} is not a memory size: write a number and a unit, e.g. 500MB or 2GB")
    return text.strip().replace(" ", "")


class Stopper:
    """Stops whatever runs on the watched DuckDB connection at ``timeout`` seconds or at Ctrl-C.

    Used as a context manager around loading the tables and running the statement. Before
    :meth:`watch` is called (while the tables load, on a connection not yet locked), Ctrl-C raises
    KeyboardInterrupt as usual; after it, Ctrl-C and the timer call ``interrupt()`` on the watched
    connection, and :meth:`check` raises between batches for the moments Python, not DuckDB, is
    working. Leaving the block after a Ctrl-C, whatever the exception in flight, raises
    QueryInterrupted; the handler Python had before is put back.
    """

    def __init__(self, timeout: float | None = DEFAULT_TIMEOUT) -> None:
        self.timeout = timeout or None  # 0 means no limit
        self.reason: str | None = None  # "timeout" or "interrupt" once stopped
        self._watched: Any = None
        self._timer: threading.Timer | None = None
        self._counted = 0.0  # seconds of the timeout used before the timer now running started
        self._timer_started = 0.0  # time.monotonic() when it started
        self._previous: Any = None
        self._installed = False

    def __enter__(self) -> Stopper:
        # Signal handlers can only be set from the main thread; elsewhere Ctrl-C is not ours to catch.
        if threading.current_thread() is threading.main_thread():
            self._previous = signal.signal(signal.SIGINT, self._on_sigint)
            self._installed = True
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.release()
        # A Ctrl-C may surface as any error of the step it stopped (a failed load, a DuckDB error).
        stopped_by_user = self.reason == "interrupt" or isinstance(exc, KeyboardInterrupt)
        if exc is not None and not isinstance(exc, QueryStopped) and stopped_by_user:
            raise self.error("interrupt") from None

    def watch(self, connection: Any) -> None:
        """From now on the timeout counts, and Ctrl-C interrupts ``connection`` (a DuckDB cursor)."""
        self._watched = connection
        if self.timeout and self._timer is None:
            self._start_timer(self.timeout)

    @contextmanager
    def paused(self) -> Iterator[None]:
        """Within the block the query is waiting, not running: its time does not count towards the
        timeout, and Ctrl-C raises KeyboardInterrupt at once, as before :meth:`watch` (the statement
        is not running, so there is nothing of DuckDB's to interrupt). Used while ``query
        --from-build`` waits for the hashes of the CSV files (``QueryRun``)."""
        watched, timer = self._watched, self._timer
        if timer is not None:
            self._cancel_timer()
            self._counted += time.monotonic() - self._timer_started
        self._watched = None
        try:
            yield
        finally:
            self._watched = watched
            if timer is not None and self.reason is None and self.timeout:
                self._start_timer(max(0.0, self.timeout - self._counted))

    def release(self) -> None:
        """Stop the timer and give Ctrl-C back to Python (idempotent)."""
        self._cancel_timer()
        self._watched = None
        if self._installed:
            signal.signal(signal.SIGINT, self._previous)
            self._installed = False

    def _start_timer(self, seconds: float) -> None:
        self._timer = threading.Timer(seconds, self._stop, ("timeout",))
        self._timer.daemon = True
        self._timer_started = time.monotonic()
        self._timer.start()

    def _cancel_timer(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer.join()  # no thread left holding the connection when Python exits
            self._timer = None

    def check(self) -> None:
        """Raise QueryStopped if the timer or Ctrl-C has stopped the query."""
        if self.reason is not None:
            raise self.error()

    def error(self, reason: str | None = None) -> QueryStopped:
        reason = reason or self.reason
        if reason == "timeout":
            return QueryTimeout(
                f"the query ran longer than the {_seconds(self.timeout)} timeout and was stopped; "
                "give it more time with --timeout SECONDS (0 for no limit) or make it do less"
            )
        return QueryInterrupted("interrupted (Ctrl-C): the query was stopped")

    def _stop(self, reason: str) -> None:
        if self.reason is None:
            self.reason = reason
        watched = self._watched
        if watched is not None:
            watched.interrupt()

    def _on_sigint(self, signum: int, frame: FrameType | None) -> None:
        if self._watched is None:
            self.reason = "interrupt"
            raise KeyboardInterrupt
        self._stop("interrupt")


def _seconds(value: float | None) -> str:
    if value is None:
        return "no"
    return f"{value:g} s"

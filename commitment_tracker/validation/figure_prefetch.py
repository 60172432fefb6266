"""Figure verdicts read ahead, in a worker process, while the layers before the rules run.

On a large package the figure grammar is the largest piece of ``validate`` (at 10^6 claims,
371,716 quotes read by ``states_figure``, about 19 s of CPU), and it used to start only when the
content layer ran the rule value-stated-in-quote. Until then the structure layer and the Great
Expectations suites (single-threaded Python, about 8 s at 10^6) often leave a core idle. So as
soon as the structure layer has parsed claims.csv (``ValidationContext.keep_text``), a
``Prefetch`` hands the arguments the figure rules pass (``READINGS``) to a ``figure_worker``
process, in chunks of ``CHUNK_ROWS`` rows, and keeps its verdicts. When the rule runs,
``FigureJudge`` asks the prefetch first (``answer``) and reads only what it misses as before: a
verdict a worker is
computing is waited for (and from then on one worker per core reads the chunks left), a chunk not
yet sent is taken back and read by the judge, so no row is read twice.

A verdict is a pure function of its arguments, and the prefetch answers a row only when the
arguments DuckDB hands the function are exactly those it computed on: each argument row is found
by a 64-bit hash of its values, then compared value by value (text exactly, numbers bit for bit)
with the prefetched row. A hash shared by two rows, or arguments the rules pass from other columns
than ``READINGS`` names, are misses, computed as without a prefetch: the report cannot change.
Memory is about 17 bytes a prefetched row (indexes, hashes, verdicts): the text stays the run's
own text frame.

The first worker runs at the lowest priority (``BACKGROUND_NICENESS``): it reads on what CPU this
process and the machine leave idle, and slows the layers it runs beside by little. From the rule's
first wait, the workers added run at normal priority.

Small packages do not pay: nothing starts below ``PREFETCH_AFTER_ROWS`` rows to read, nor on
one core, nor when no rule calls the function. A worker that cannot start or stops leaves its
rows to be read when the rule runs; ``close`` (``validate`` calls it on return, Ctrl-C included)
kills the workers at once.
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from commitment_tracker.validation.figure_functions import (
    PARALLEL_AFTER_ROWS,
    WORKER_FUNCTIONS,
    Worker,
    available_cores,
)
from commitment_tracker.validation.workers import WorkerError

if TYPE_CHECKING:
    import numpy as np
    import polars as pl

# Below this many rows to read, the rule's own judge reads them sooner than a worker can start.
PREFETCH_AFTER_ROWS = PARALLEL_AFTER_ROWS
# Rows per request to a worker: about 1 s of states_figure, so a stopped run waits for little.
CHUNK_ROWS = 16_384
HASH_SLICE_ROWS = 1 << 20
# The first worker's niceness: it reads on the CPU this process leaves idle (the suites) and
# yields to the structure layer's DuckDB and polars threads, which use both cores, and to anything
# else running (measured: bench/results.md, round 7).
BACKGROUND_NICENESS = 19
_PENDING, _UNKNOWN = -1, -2  # verdict codes besides 0 (False) and 1 (True)


@dataclasses.dataclass(frozen=True)
class Reading:
    """A figure function and the columns of ``table`` its rule passes it, in argument order;
    ``number`` columns arrive as DOUBLE; rows with a value in one of ``blank`` are not passed."""

    function: str
    table: str
    columns: tuple[str, ...]
    number: tuple[str, ...] = ("value",)
    blank: tuple[str, ...] = ()


# What validators/rules/ pass today (value-stated-in-quote, value-not-in-quote, whose CASE passes
# value only without value_stated). Another rule's arguments are misses, never wrong verdicts.
READINGS = (
    Reading("states_figure", "claims", ("quote", "value_stated", "value", "unit_id", "qualifier")),
    Reading("states_value", "claims", ("quote", "value", "unit_id", "qualifier"), blank=("value_stated",)),
)


class _Verdicts:
    """One reading's prefetched rows: where they are in the text frame, their hashes (sorted), and
    a verdict code each (``_PENDING`` until the worker answered)."""

    def __init__(self, reading: Reading, text: pl.DataFrame) -> None:
        import numpy as np
        import polars as pl

        self.reading = reading
        self.text = text  # the run's text frame: the prefetched rows' values are read from it
        needed = WORKER_FUNCTIONS[reading.function].needed
        keep = pl.all_horizontal(
            *(_typed(reading, reading.columns[k]).is_not_null() for k in needed),
            *(pl.col(c).is_null() for c in reading.blank),
        )
        self.rows = text.select(keep.arg_true().cast(pl.UInt32)).to_series().to_numpy()
        # Hashed a slice at a time: the arguments of every row at once would be a frame of about
        # 70 bytes a row (string views), 0.26 GB at 10^7 claims, while the structure layer runs.
        hashes = np.concatenate(
            [
                self.arguments(self.rows[i : i + HASH_SLICE_ROWS]).hash_rows().to_numpy()
                for i in range(0, len(self.rows), HASH_SLICE_ROWS)
            ]
            or [np.zeros(0, dtype=np.uint64)]
        )
        self.order = np.argsort(hashes, kind="stable").astype(np.uint32)
        self.hashes = hashes[self.order]
        self.codes = np.full(len(self.rows), _PENDING, dtype=np.int8)
        self.chunk_rows = CHUNK_ROWS  # rows per request, the rows from a multiple of it

    def arguments(self, positions: np.ndarray) -> pl.DataFrame:
        """The function's arguments at these text-frame rows, typed as DuckDB hands them over."""
        import polars as pl

        reading = self.reading
        picked = self.text.select(reading.columns)[pl.Series(positions, dtype=pl.UInt32)]
        return picked.select(_typed(reading, c) for c in reading.columns)

    def find(self, arguments: pl.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        """(which argument rows were prefetched, their index here): same hash, then same values."""
        import numpy as np

        hashes = arguments.hash_rows().to_numpy()
        if not len(self.hashes):
            return np.zeros(len(hashes), dtype=bool), np.zeros(len(hashes), dtype=np.uint32)
        at = np.minimum(np.searchsorted(self.hashes, hashes), len(self.hashes) - 1)
        found = self.hashes[at] == hashes
        index = self.order[at]
        if found.any():
            same = _same_rows(arguments.filter(found), self.arguments(self.rows[index[found]]))
            found[np.flatnonzero(found)[~same]] = False
        return found, index


def _typed(reading: Reading, column: str) -> pl.Expr:
    import polars as pl

    col = pl.col(column)
    return col.cast(pl.Float64, strict=False) if column in reading.number else col


def _same_rows(a: pl.DataFrame, b: pl.DataFrame) -> np.ndarray:
    """Row by row, whether every value is the same: text exactly, numbers bit for bit (0.0 and
    -0.0 differ), null equal to null only."""
    import numpy as np
    import polars as pl

    same = np.ones(a.height, dtype=bool)
    for x, y in zip(a.iter_columns(), b.iter_columns(), strict=True):
        if x.dtype == pl.Float64:
            bits = x.fill_null(0.0).to_numpy().view(np.uint64) == y.fill_null(0.0).to_numpy().view(np.uint64)
            same &= bits & (x.is_null() == y.is_null()).to_numpy()
        else:
            same &= x.eq_missing(y).to_numpy()
    return same


class Prefetch:
    """Reads the ``READINGS`` of a large claims table ahead in worker processes. ``offer`` it each
    text frame as it is read; ``answer`` DuckDB's argument batches; ``close`` when done."""

    def __init__(self, root: Path, after_rows: int | None = None, cores: int | None = None) -> None:
        self.root = root
        self.after_rows = PREFETCH_AFTER_ROWS if after_rows is None else after_rows
        self.cores = available_cores() if cores is None else cores
        self.readings: dict[str, _Verdicts] = {}
        self.error: BaseException | None = None  # why a worker gave up, if one did
        self.rows_answered = 0
        self._chunks: list[tuple[_Verdicts, int, int]] = []
        self._workers: list[Worker] = []
        self._changed = threading.Condition()
        self._closed = False

    def offer(self, name: str, text: pl.DataFrame) -> None:
        """Start reading ahead if ``text`` is a table the figure rules read and it is large."""
        wanted = [
            r for r in READINGS if r.table == name and set(r.columns) | set(r.blank) <= set(text.columns)
        ]
        if self.cores < 2 or not wanted or text.height <= self.after_rows:
            return
        called = _functions_called(self.root)
        wanted = [r for r in wanted if r.function in called]
        if wanted:
            threading.Thread(
                target=self._prepare, args=(wanted, text), name="figure-prefetch", daemon=True
            ).start()

    def _prepare(self, wanted: list[Reading], text: pl.DataFrame) -> None:
        """Index the rows to read (in this thread: polars works without the GIL), then start the
        worker: one, beside this process's own work (the structure layer, the suites)."""
        try:
            for reading in wanted:
                verdicts = _Verdicts(reading, text)
                if len(verdicts.rows) <= self.after_rows:
                    continue
                size = verdicts.chunk_rows
                with self._changed:
                    self.readings[reading.function] = verdicts
                    self._chunks.extend(
                        (verdicts, i, min(i + size, len(verdicts.rows)))
                        for i in range(0, len(verdicts.rows), size)
                    )
            if self._chunks:
                self._start_worker()
        except Exception as exc:  # a frame this cannot index: the rule reads every row itself
            self._give_up(exc)

    def _start_worker(self) -> None:
        with self._changed:
            if self._closed or not self._chunks:
                return
            try:
                worker = Worker()
            except OSError as exc:
                self.error = exc
                return
            if not self._workers:  # the one beside this process's work: idle CPU only
                with contextlib.suppress(OSError, AttributeError):  # AttributeError: not POSIX
                    os.setpriority(os.PRIO_PROCESS, worker.process.pid, BACKGROUND_NICENESS)
            self._workers.append(worker)
        threading.Thread(target=self._feed, args=(worker,), name="figure-prefetch", daemon=True).start()

    def _feed(self, worker: Worker) -> None:
        """Send chunks to ``worker`` and keep its verdicts, until none is left or the run ends."""
        import numpy as np

        try:
            while True:
                with self._changed:
                    if self._closed or not self._chunks:
                        break
                    verdicts, start, end = self._chunks.pop(0)
                rows = verdicts.arguments(verdicts.rows[start:end])
                sink = io.BytesIO()
                rows.write_ipc(sink)
                worker.send(verdicts.reading.function, sink.getvalue())
                answers = worker.receive()
                codes = np.array([_UNKNOWN if a is None else int(a) for a in answers], dtype=np.int8)
                with self._changed:
                    verdicts.codes[start:end] = codes
                    self._changed.notify_all()
            worker.stop()
        except (OSError, ValueError, WorkerError) as exc:  # the rule reads the rest itself
            worker.kill()
            if not self._closed:  # else killed by close(): no failure
                self._give_up(exc)

    def _give_up(self, exc: BaseException) -> None:
        with self._changed:
            self.error = exc
            self._chunks.clear()
            self._changed.notify_all()

    def _hurry(self) -> None:
        """The rule is waiting: one worker per core from now on (this process only waits)."""
        while len(self._workers) < self.cores and self._chunks and not self._closed and self.error is None:
            count = len(self._workers)
            self._start_worker()
            if len(self._workers) == count:  # none could start
                break

    def answer(
        self, function: str, columns: Sequence[Any]
    ) -> tuple[list[Any], list[int], pl.DataFrame] | None:
        """Verdicts for a batch of DuckDB's argument columns: (verdicts, the rows not answered,
        the arguments as a frame), None when nothing of ``function`` was read ahead."""
        import numpy as np
        import polars as pl

        verdicts = self.readings.get(function)
        if verdicts is None:
            return None
        names = verdicts.reading.columns
        arguments = pl.DataFrame([pl.from_arrow(c).alias(n) for c, n in zip(columns, names, strict=True)])
        found, index = verdicts.find(arguments)
        codes = self._codes(verdicts, index[found])
        known = np.zeros(len(found), dtype=bool)
        known[found] = codes >= 0
        out: list[Any] = [None] * len(found)
        hits = np.flatnonzero(known)
        for i, code in zip(hits.tolist(), codes[codes >= 0].tolist(), strict=True):
            out[i] = bool(code)
        with self._changed:
            self.rows_answered += len(hits)
        return out, np.flatnonzero(~known).tolist(), arguments

    def _codes(self, verdicts: _Verdicts, index: np.ndarray) -> np.ndarray:
        """The verdict codes at ``index``: a chunk not yet sent to a worker is taken back (its
        rows become misses, read by the judge now, so no row is read twice); a chunk a worker is
        reading is waited for, about a second at most, so Ctrl-C is never held up long. From the
        first wait on, one worker per core reads the chunks left."""
        import numpy as np

        with self._changed:
            pending = index[verdicts.codes[index] == _PENDING]
            if len(pending):
                self._hurry()
                starts = set((pending - pending % verdicts.chunk_rows).tolist())
                taken = [c for c in self._chunks if c[0] is verdicts and c[1] in starts]
                for chunk in taken:
                    self._chunks.remove(chunk)
                    verdicts.codes[chunk[1] : chunk[2]] = _UNKNOWN
            while (codes := verdicts.codes[index]).min(initial=0) == _PENDING and self._working():
                self._changed.wait(timeout=0.2)
        return np.where(codes == _PENDING, _UNKNOWN, codes)

    def _working(self) -> bool:
        return (
            not self._closed and self.error is None and any(w.process.poll() is None for w in self._workers)
        )

    def close(self) -> None:
        """Stop reading ahead: workers killed at once (the run is over, or was stopped)."""
        with self._changed:
            self._closed = True
            self._chunks.clear()
            workers, self._workers = self._workers, []
            self._changed.notify_all()
        for worker in workers:
            worker.kill()


def _functions_called(root: Path) -> set[str]:
    """The figure functions named in the package's rule files (read as text: a rule that cannot
    be read is reported by the content layer, and then nothing is read ahead for it)."""
    from commitment_tracker.validation import rules

    called = set()
    for path in rules.rule_files(root):
        try:
            sql = rules.parse_rule(path).sql  # inside the package, a regular file, UTF-8
        except rules.RuleError:
            continue
        called.update(name for name in WORKER_FUNCTIONS if f"{name}(" in sql)
    return called

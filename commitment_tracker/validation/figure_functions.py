"""The figure grammar as SQL functions for the rules, run in worker processes on large packages.

``states_value``, ``states_figure`` and ``figures_stated`` (see ``rules.py``) read quotes with the
figure grammar (``figures.py``), pure Python: about 50 µs per claim for ``states_figure`` (most
figures read alone) and 200 µs or more for a whole quote; at 10^6 claims that is still the largest
piece of ``validate``. DuckDB hands each function a batch of rows (Arrow arrays, about 2,048 rows),
and a ``FigureJudge`` answers the batch. The first ``PARALLEL_AFTER_ROWS`` rows are read in this
process (a small package never pays for starting workers); after that each batch is split across
one worker process per available core, while this process waits. The verdicts are the same either
way (tests/test_figure_functions.py), only the wall time changes; CPU time grows by the workers'
start-up (a few tenths of a second each).

On a large package most verdicts are ready before the rule runs: ``figure_prefetch`` has a worker
read the claims' figures while the structure layer and the suites run, and the judge asks it first
(``ahead``), reading here or in workers only the rows it misses.

A worker is ``python -m commitment_tracker.validation.figure_worker`` (see ``workers.py``): a new
interpreter that imports only this module and the grammar, reads pickled batches on its standard
input and writes the answers on its standard output.
"""

from __future__ import annotations

import functools
import itertools
import os
import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from commitment_tracker.validation.workers import PipeWorker, WorkerError

if TYPE_CHECKING:
    import pyarrow as pa

# Rows a judge reads in-process before it starts workers: about 1 s of states_figure (4 s of whole
# quotes), against about 0.3 s to start a worker (a new interpreter that imports the grammar).
PARALLEL_AFTER_ROWS = 20_000


def _null_without(*needed: int) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """NULL whenever an argument at one of the ``needed`` positions is NULL; the positions are kept
    on the function (``needed``) so the judge ships only the rows worth reading."""

    def wrap(function: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(function)
        def checked(*args: Any) -> Any:
            return None if any(args[k] is None for k in needed) else function(*args)

        checked.needed = needed  # type: ignore[attr-defined]
        return checked

    return wrap


@_null_without(0, 1)
def states_value(quote: str, value: float, unit_id: str | None, qualifier: str | None) -> bool:
    from commitment_tracker import figures

    return figures.states_value(quote, value, unit_id, qualifier)


@_null_without(0, 1, 2)
def states_figure(quote: str, stated: str, value: float, unit_id: str | None, qualifier: str | None) -> bool:
    from commitment_tracker import figures

    return figures.states_figure(quote, stated, value, unit_id, qualifier)


@_null_without(0)
def figures_stated(quote: str) -> str:
    from commitment_tracker import figures

    return figures.describe(figures.find_figures(quote))


def apply_rows(function: Callable[..., Any], rows: Sequence[tuple[Any, ...]]) -> list[Any]:
    """``function(*row)`` for each row: what a worker runs on its share of a batch."""
    return [function(*row) for row in rows]


def available_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not Linux
        return os.cpu_count() or 1


# The functions a worker may be asked to run, by name. Only rows with every argument a function
# needs (its ``needed`` positions) are worth reading: DuckDB may call states_value on every claim
# with a value although the rule passes it NULL for most.
WORKER_FUNCTIONS = {f.__name__: f for f in (states_value, states_figure, figures_stated)}


class Worker(PipeWorker):
    """One ``figure_worker`` process: sends ``(function name, rows)``, receives the verdicts."""

    def __init__(self) -> None:
        super().__init__("commitment_tracker.validation.figure_worker")

    def send(self, name: str, rows: Sequence[tuple[Any, ...]] | bytes) -> None:  # type: ignore[override]
        """``rows``: argument tuples, or a polars frame of them as Arrow IPC bytes (figure_prefetch)."""
        super().send((name, rows if isinstance(rows, bytes) else list(rows)))

    def receive(self) -> list[Any]:
        answer = super().receive()
        if not isinstance(answer, list):
            raise WorkerError(f"a figure worker failed: {answer}")
        return answer


class FigureJudge:
    """Answers batches of rows with one of the functions above, in worker processes once the rows
    seen pass ``parallel_after``. Use as a context manager: leaving it stops the workers."""

    def __init__(
        self, workers: int | None = None, parallel_after: int = PARALLEL_AFTER_ROWS, ahead: Any = None
    ) -> None:
        self.workers = available_cores() if workers is None else workers
        # Verdicts read ahead while earlier layers ran (figure_prefetch.Prefetch), asked first.
        self.ahead = ahead
        self.parallel_after = parallel_after
        self.rows_seen = 0
        self.rows_in_workers = 0
        self.error: BaseException | None = None  # why workers were given up, if they were
        self._running: list[Worker] = []
        self._lock = threading.Lock()  # DuckDB may call from several of its threads

    def __enter__(self) -> FigureJudge:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        with self._lock:
            running, self._running = self._running, []
        for worker in running:
            worker.stop()

    def map(self, function: Callable[..., Any], rows: Sequence[tuple[Any, ...]]) -> list[Any]:
        needed = function.needed if WORKER_FUNCTIONS.get(function.__name__) is function else None
        with self._lock:
            if needed is None:  # not one of this module's functions: workers do not know it
                return apply_rows(function, rows)
            read = [i for i, row in enumerate(rows) if all(row[k] is not None for k in needed)]
            self.rows_seen += len(read)
            if self.workers < 2 or self.rows_seen <= self.parallel_after or len(read) < 2 * self.workers:
                return apply_rows(function, rows)
            try:
                answers = self._in_workers(function.__name__, [rows[i] for i in read])
            except (OSError, WorkerError) as exc:  # no worker could start, or one stopped
                self._give_up(exc)
                return apply_rows(function, rows)
            self.rows_in_workers += len(read)
            out: list[Any] = [None] * len(rows)
            for i, answer in zip(read, answers, strict=True):
                out[i] = answer
            return out

    def _in_workers(self, name: str, rows: Sequence[tuple[Any, ...]]) -> list[Any]:
        while len(self._running) < self.workers:
            self._running.append(Worker())
        parts = _split(rows, len(self._running))
        for worker, part in zip(self._running, parts, strict=False):
            worker.send(name, part)
        return list(
            itertools.chain.from_iterable(w.receive() for w, _ in zip(self._running, parts, strict=False))
        )

    def _give_up(self, exc: BaseException) -> None:
        """Read the rest in this process: the verdicts do not depend on where they are computed."""
        running, self._running = self._running, []
        for worker in running:
            worker.kill()
        self.workers = 1
        self.error = exc

    def function(self, function: Callable[..., Any], returns: pa.DataType) -> Callable[..., pa.Array]:
        """A DuckDB vectorized (Arrow) function answering each batch with ``function``."""
        import inspect

        import polars as pl

        def batch(*columns):  # annotations left out: DuckDB evaluates them
            known = self.ahead.answer(function.__name__, columns) if self.ahead is not None else None
            if known is None:
                rows = list(zip(*(column.to_pylist() for column in columns), strict=True))
                answers = self.map(function, rows)
            else:  # only the rows not read ahead are read now
                answers, missing, arguments = known
                if missing:
                    read = self.map(function, arguments[missing].rows())
                    for i, answer in zip(missing, read, strict=True):
                        answers[i] = answer
            # Built by polars, not ``pa.array``: pyarrow imports pandas (0.5 s) to build an array
            # from a list, and a validation has no other use for pandas in this process.
            return pl.Series(answers).to_arrow().cast(returns)

        # DuckDB counts the parameters from the signature: give it the function's, unannotated.
        names = inspect.signature(function).parameters
        batch.__signature__ = inspect.Signature(
            [inspect.Parameter(n, inspect.Parameter.POSITIONAL_ONLY) for n in names]
        )
        return batch


def _split(rows: Sequence[tuple[Any, ...]], parts: int) -> list[Sequence[tuple[Any, ...]]]:
    size = -(-len(rows) // parts)
    return [rows[i : i + size] for i in range(0, len(rows), size)]

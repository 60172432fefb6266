"""A worker process of ``figure_functions.FigureJudge``: reads batches, answers each.

Standard input carries pickled ``(function name, rows)`` pairs from the judge that started this
process (nothing else writes to it): rows as argument tuples, or as a polars frame in Arrow IPC
bytes (``figure_prefetch``, whose process thus leaves the conversion to this one); each answer
goes to standard output as ``("ok", verdicts)`` or ``("error", message)``. End of input ends the process.
"""

from __future__ import annotations

from typing import Any

from commitment_tracker.validation import figure_functions
from commitment_tracker.validation.workers import answer_requests


def answer(request: tuple[str, list[tuple[Any, ...]] | bytes]) -> list[Any]:
    name, rows = request
    if name not in figure_functions.WORKER_FUNCTIONS:
        raise ValueError(f"unknown function {name!r}")
    if isinstance(rows, bytes):
        import io

        import polars as pl

        rows = pl.read_ipc(io.BytesIO(rows)).rows()
    return figure_functions.apply_rows(figure_functions.WORKER_FUNCTIONS[name], rows)


if __name__ == "__main__":
    answer_requests(answer)

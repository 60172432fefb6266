"""A worker process of ``figure_functions.FigureJudge``: reads batches, answers each.

Standard input carries pickled ``(function name, rows)`` pairs from the judge that started this
process (nothing else writes to it); each answer goes to standard output as ``("ok", verdicts)``
or ``("error", message)``. End of input ends the process.
"""

from __future__ import annotations

import os
import pickle
import sys

from commitment_tracker.validation import figure_functions


def main() -> None:
    source, sink = sys.stdin.buffer, sys.stdout.buffer
    while True:
        try:
            name, rows = pickle.load(source)
        except EOFError:
            break
        try:
            if name not in figure_functions.WORKER_FUNCTIONS:
                raise ValueError(f"unknown function {name!r}")
            answer = ("ok", figure_functions.apply_rows(figure_functions.WORKER_FUNCTIONS[name], rows))
        except Exception as exc:  # reported to the judge, which redoes the batch in its own process
            answer = ("error", f"{type(exc).__name__}: {exc}")
        pickle.dump(answer, sink, protocol=pickle.HIGHEST_PROTOCOL)
        sink.flush()
    os._exit(0)  # nothing to tear down


if __name__ == "__main__":
    main()

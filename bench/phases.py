"""When each phase of one `validate` starts and ends, in seconds from the start (round 7).

    python bench/phases.py /tmp/benchpk/pkg-1000000

Prints the layers, the content layer's suites and rules, and, when the code has
``figure_prefetch`` (round 7), when the rule first asked it, when every verdict read ahead was
computed and how many rows it answered. Run it from the tree whose code is measured (its root on
PYTHONPATH) so that old and new code can be compared in turns.
"""

from __future__ import annotations

import datetime as dt
import sys
import threading
import time
from pathlib import Path

T0 = time.time()

from commitment_tracker.validation import content, validate  # noqa: E402

try:
    from commitment_tracker.validation import figure_prefetch
except ImportError:  # code before round 7
    figure_prefetch = None

log: list[tuple[float, str]] = []


def mark(what: str) -> None:
    log.append((round(time.time() - T0, 2), what))


def timed(name: str, function):
    def run(*args, **kwargs):
        mark(f"{name} start")
        try:
            return function(*args, **kwargs)
        finally:
            mark(f"{name} end")

    return run


made = []
if figure_prefetch is not None:
    Prefetch = figure_prefetch.Prefetch

    class Watched(Prefetch):
        asked = False

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            made.append(self)

        def answer(self, *args):
            if not self.asked:
                self.asked = True
                mark("the rule first asks the prefetch")
            return super().answer(*args)

    figure_prefetch.Prefetch = Watched

    def watch() -> None:
        while True:
            time.sleep(0.25)
            verdicts = made[0].readings.get("states_figure") if made else None
            if verdicts is not None and (verdicts.codes >= 0).all():
                mark("every verdict read ahead computed")
                return

    threading.Thread(target=watch, daemon=True).start()

content.evaluate_rules = timed("content: rules", content.evaluate_rules)
content._judge_suites = timed("content: suites", content._judge_suites)
layers = tuple((name, timed(f"layer {name}", run)) for name, run in validate.LAYERS)
content.run = layers[1][1]  # validate() starts the workers when the content layer is among the layers
validate.validate(Path(sys.argv[1]), layers=layers, today=dt.date(2026, 1, 1))
mark("done")
for seconds, what in log:
    print(f"{seconds:8.2f}  {what}")
if made:
    print(f"rows answered by the prefetch: {made[0].rows_answered}; error: {made[0].error}")

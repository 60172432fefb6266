"""CPU time of the figure grammar: ``states_figure`` per claim and ``find_figures`` per seed text.

    python bench/figures_speed.py [--package /tmp/bench6] [--claims 20000] [--reference OLD_FIGURES.py]

``states_figure`` is what the rule value-stated-in-quote calls on each claim with a value; it is
timed on the first ``--claims`` claims of a bench package (bench/generate.py) that give
``value_stated``. With ``--reference`` (an earlier commitment_tracker/figures.py, e.g. ``git show
669eced:commitment_tracker/figures.py > /tmp/figures_orig.py``) both grammars run in turns in the
same process, in turns (2,000 claims each), so that both see the same load; the best of ``--rounds``
rounds is kept, CPU and wall.
Run from the worktree root.
"""

from __future__ import annotations

import argparse
import glob
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from figures_corpus import ROOT, load

from commitment_tracker import figures


def claims(package: str, n: int) -> list[tuple]:
    import polars as pl

    df = pl.read_csv(f"{package}/data/claims.csv", n_rows=10 * n, infer_schema_length=0)
    df = df.filter(pl.col("value_stated").is_not_null()).head(n)
    return list(
        zip(
            df["quote"],
            df["value_stated"],
            df["value"].cast(pl.Float64),
            df["unit_id"],
            df["qualifier"],
            strict=True,
        )
    )


def best(function, rounds: int) -> float:
    """The least CPU time of ``rounds`` calls of ``function``."""
    times = []
    for _ in range(rounds):
        start = time.process_time()
        function()
        times.append(time.process_time() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--package", default="/tmp/bench6")
    parser.add_argument("--claims", type=int, default=20000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--reference")
    args = parser.parse_args()
    grammars = {"this": figures}
    if args.reference:
        grammars = {"reference": load(args.reference), **grammars}
    rows = claims(args.package, args.claims)
    verdicts = {name: [] for name in grammars}
    seconds = {name: float("inf") for name in grammars}
    walls = dict(seconds)
    for _ in range(args.rounds):
        cpu, wall = dict.fromkeys(grammars, 0.0), dict.fromkeys(grammars, 0.0)
        # In turns, a slice of claims each, so that both see the same load.
        for i in range(0, len(rows), 2000):
            for name, grammar in grammars.items():
                start, clock = time.process_time(), time.perf_counter()
                verdicts[name] += [grammar.states_figure(*row) for row in rows[i : i + 2000]]
                cpu[name] += time.process_time() - start
                wall[name] += time.perf_counter() - clock
        for name in grammars:
            seconds[name], walls[name] = min(seconds[name], cpu[name]), min(walls[name], wall[name])
    print(f"load average {os.getloadavg()[0]:.2f}")
    for name in grammars:
        print(
            f"{name}: states_figure {seconds[name] / len(rows) * 1e6:.1f} µs per claim",
            f"({len(rows)} claims: {seconds[name]:.1f} s CPU, {walls[name]:.1f} s wall)",
        )
    if args.reference:
        print("same verdicts:", verdicts["reference"] == verdicts["this"])
        ratios = seconds["reference"] / seconds["this"], walls["reference"] / walls["this"]
        print(f"ratio {ratios[0]:.2f} CPU, {ratios[1]:.2f} wall")
    for path in sorted(glob.glob(str(ROOT / "seeds" / "*.txt"))):
        text = Path(path).read_text(encoding="utf-8")
        line = f"{Path(path).name}: {len(text)} characters"
        for name, grammar in grammars.items():
            seconds = (
                best(
                    lambda grammar=grammar, text=text: [grammar.find_figures(text) for _ in range(10)],
                    args.rounds,
                )
                / 10
            )
            line += f", {name} find_figures {seconds * 1e3:.2f} ms"
        print(line)


if __name__ == "__main__":
    main()

"""Cold `validate` of the real package, two or more checkouts side by side, runs interleaved.

Each run is a fresh `python CLI validate --root REPO` process; the checkouts take turns (A, B, A,
B, …) so that a neighbour's load falls on both alike. Printed per checkout: the median wall time,
the median CPU time (user + system of the process and every child it waited for, worker processes
included, from ``resource.getrusage(RUSAGE_CHILDREN)``) and the 1-minute load average at the start
of each run.

    python bench/validate_cold.py --cli /tmp/base/cli.py --cli cli.py --runs 5

Nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def timed(argv: list[str]) -> tuple[float, float, float]:
    """(wall s, CPU s, load average at start) of one cold process; exits if it fails."""
    load = os.getloadavg()[0]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{argv} failed ({done.returncode}): {done.stdout[-500:]!r}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, load


def print_table(label: str, runs: dict[str, list[tuple[float, float, float]]]) -> None:
    """A Markdown row per key: median wall and CPU, load range at the starts, each run."""
    print(f"| {label} | median wall s | median CPU s | load at start | runs (wall/CPU) |")
    print("|---|---:|---:|---|---|")
    for key, timings in runs.items():
        walls, cpus, loads = zip(*timings, strict=True)
        each = ", ".join(f"{w:.2f}/{c:.2f}" for w, c, _ in timings)
        print(
            f"| {key} | {statistics.median(walls):.2f} | {statistics.median(cpus):.2f} | "
            f"{min(loads):.1f}-{max(loads):.1f} | {each} |"
        )


def one_run(cli: str, root: Path) -> tuple[float, float, float]:
    """(wall s, CPU s, load average at start) of one cold `validate`."""
    return timed([sys.executable, cli, "validate", "--root", str(root)])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cli", action="append", required=True, help="a cli.py to time (repeatable)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--root", type=Path, default=REPO, help="the package to validate")
    args = parser.parse_args()
    runs: dict[str, list[tuple[float, float, float]]] = {cli: [] for cli in args.cli}
    for cli in args.cli:  # one untimed run each: the files are in the page cache for all alike
        one_run(cli, args.root)
    for _ in range(args.runs):
        for cli in args.cli:
            runs[cli].append(one_run(cli, args.root))
    print_table("cli.py", runs)


if __name__ == "__main__":
    main()

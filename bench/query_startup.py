"""Cold start of `cli.py query` on the real package, next to the floor of importing duckdb.

Each command runs as a fresh process several times; the median wall time is printed, with the
slowest imports of one `query` run (from ``python -X importtime``) so a regression is easy to place.

    python bench/query_startup.py              # 9 runs each
    python bench/query_startup.py --runs 21 --query evidence-trail --param commitment=digital-jobs-2030

Nothing here asserts a time: it prints numbers for people (and bench/run.py's budgets) to judge.
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
CLI = str(REPO / "cli.py")


def timed(argv: list[str], runs: int) -> tuple[list[float], list[float]]:
    """Wall and CPU (user + system) seconds of each of ``runs`` cold runs of ``argv``."""
    times, cpu = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        done = subprocess.run(argv, cwd=REPO, capture_output=True, text=True)
        times.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
        if done.returncode != 0:
            raise SystemExit(f"{' '.join(argv)} failed ({done.returncode}):\n{done.stderr or done.stdout}")
    return times, cpu


def slowest_imports(argv: list[str], top: int) -> list[tuple[float, str]]:
    done = subprocess.run([argv[0], "-X", "importtime", *argv[1:]], cwd=REPO, capture_output=True, text=True)
    rows = []
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "|" not in line or "cumulative" in line:
            continue
        _, cumulative, name = (part.strip() for part in line.split(":", 1)[1].split("|"))
        if not name.startswith(" ") and "." not in name.strip():  # top-level packages only
            rows.append((int(cumulative) / 1e6, name.strip()))
    return sorted(rows, reverse=True)[:top]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9, help="runs per command (default 9)")
    parser.add_argument("--query", default="due-by", help="named query to run (default due-by)")
    parser.add_argument("--param", action="append", default=[], help="NAME=VALUE for the query")
    args = parser.parse_args()

    python = sys.executable
    query = [python, CLI, "query", args.query, "--format", "csv"]
    for p in args.param:
        query += ["--param", p]
    commands = [
        ("python -c pass", [python, "-c", "pass"]),
        ("python -c 'import duckdb'   (floor)", [python, "-c", "import duckdb"]),
        ("cli.py --version", [python, CLI, "--version"]),
        (f"cli.py query {args.query} --format csv", query),
        ("cli.py sql 'SELECT count(*) FROM claims'", [python, CLI, "sql", "SELECT count(*) FROM claims"]),
    ]
    print(f"{args.runs} cold runs each, {sys.version.split()[0]}, package at {REPO}")
    print(f"load average (1 min) at the start {os.getloadavg()[0]:.2f}\n")
    print(f"{'command':<48} {'median':>8} {'min':>8} {'max':>8} {'CPU med':>8} {'CPU min':>8}")
    medians = {}
    for label, argv in commands:
        times, cpu = timed(argv, args.runs)
        medians[label] = statistics.median(times)
        print(
            f"{label:<48} {medians[label]:>7.3f}s {min(times):>7.3f}s {max(times):>7.3f}s "
            f"{statistics.median(cpu):>7.3f}s {min(cpu):>7.3f}s"
        )
    floor = medians["python -c 'import duckdb'   (floor)"]
    q = medians[f"cli.py query {args.query} --format csv"]
    print(f"\nquery minus floor: {q - floor:.3f}s (loading the tables it reads, click, query, output)")
    print("\nslowest top-level imports of one query run (cumulative):")
    for seconds, name in slowest_imports(query, 8):
        print(f"  {seconds:6.3f}s  {name}")


if __name__ == "__main__":
    main()

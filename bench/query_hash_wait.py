"""How long `query --from-build` waits for the hashes of the CSV files, in two code trees.

Each run is a fresh process that calls the CLI in-process (``cli([...])``) in one code tree and
prints its wall and CPU seconds (Python's start and the CLI module's import not counted) and the
time its main thread spent blocked in ``Future.result``: waiting for the hashing threads. The
trees alternate in each round; the table gives the medians.

    COMMITMENTS_TODAY=2026-01-01 python bench/query_hash_wait.py --root /tmp/fb-pkg \\
        --tree old=/tmp/qold --tree new=. --rounds 3

A wait near 0 means the hashing ran entirely beside the statement (round 7); before, the main
thread waited for it once the build was attached (docs/scaling.md, "Round 7").
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
from pathlib import Path

from query_columns import BENCH_PARAMS

# Run inside the child: sys.argv = [tree, root, query, *cli args]. Prints "wall cpu waited".
CHILD = """
import contextlib, io, resource, sys, threading, time
from concurrent.futures import Future
tree, root, name, *extra = sys.argv[1:]
sys.path.insert(0, tree)
waited = [0.0]
result = Future.result
def timed_result(self, timeout=None):
    if threading.current_thread() is not threading.main_thread():
        return result(self, timeout)
    start = time.perf_counter()
    try:
        return result(self, timeout)
    finally:
        waited[0] += time.perf_counter() - start
Future.result = timed_result
from commitment_tracker.cli import cli
start, usage = time.perf_counter(), resource.getrusage(resource.RUSAGE_SELF)
with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
    cli(["query", name, "--root", root, "--from-build", *extra], standalone_mode=False)
after = resource.getrusage(resource.RUSAGE_SELF)
cpu = after.ru_utime + after.ru_stime - usage.ru_utime - usage.ru_stime
print(f"{time.perf_counter() - start} {cpu} {waited[0]}")
"""


def run_once(tree: Path, root: Path, name: str) -> tuple[float, float, float]:
    extra = [arg for param in BENCH_PARAMS.get(name, []) for arg in ("--param", param)]
    argv = [sys.executable, "-c", CHILD, str(tree.resolve()), str(root), name, *extra]
    done = subprocess.run(argv, cwd=tree, capture_output=True, text=True, check=True)
    wall, cpu, waited = map(float, done.stdout.split())
    return wall, cpu, waited


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, required=True)
    parser.add_argument("--tree", action="append", required=True, help="LABEL=PATH of a code tree")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--query", action="append", help="only these queries (default: all)")
    args = parser.parse_args()
    trees = {label: Path(path) for label, _, path in (t.partition("=") for t in args.tree)}
    names = args.query or sorted(p.stem for p in (args.root / "queries").glob("*.sql"))
    load_at_start = os.getloadavg()[0]
    runs: dict[tuple[str, str], list[tuple[float, float, float]]] = {}
    for _ in range(args.rounds):
        for name in names:
            for label, tree in trees.items():
                runs.setdefault((name, label), []).append(run_once(tree, args.root, name))
    header = " | ".join(f"{label} wall s | {label} CPU s | {label} waited s" for label in trees)
    print(f"| query | {header} |")
    print("|---|" + "---:|" * 3 * len(trees))
    for name in names:
        cells = []
        for label in trees:
            measured = runs[(name, label)]
            cells += [f"{statistics.median(m[i] for m in measured):.{3 if i == 2 else 2}f}" for i in range(3)]
        print(f"| `{name}` | " + " | ".join(cells) + " |")
    print(
        f"\nmedian of {args.rounds}, load average (1 min) at the start {load_at_start:.2f}, "
        f"at the end {os.getloadavg()[0]:.2f}"
    )


if __name__ == "__main__":
    main()

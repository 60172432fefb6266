"""Every named query as a cold process, from the CSV files and with ``--from-build``: wall, CPU,
peak memory, and what hashing the CSV files costs, sequentially and in threads.

The package must hold a build in ROOT/dist (``commitments build --root ROOT --out ROOT/dist``).
Each round runs every query once each way, alternating, so both see the same machine load; the
table gives the median of the rounds, and the load average (1 min) before and after. Output goes
to /dev/null (standard output: at most 1000 rows are printed, as a user's terminal gets them).

    COMMITMENTS_TODAY=2026-01-01 python bench/query_from_build.py --root /tmp/pkg --rounds 3
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from query_columns import BENCH_PARAMS, run_once

from commitment_tracker.datapackage import schema
from commitment_tracker.publish import buildrecord

TREE = Path(__file__).resolve().parent.parent
WAYS = {"csv": (), "from-build": ("--from-build",)}


def hashing(root: Path, rounds: int) -> list[str]:
    """Lines on hashing every CSV file of the package (warm page cache): sequential, then threaded."""
    package = schema.load_package(root)
    files = {r.name: r.file(root) for r in package.resources}
    size = sum(p.stat().st_size for p in files.values())
    lines = []
    for label, hash_all in (
        ("sequential", lambda: {n: buildrecord.sha256_of(p) for n, p in files.items()}),
        (f"threads ({buildrecord.HASH_THREADS})", lambda: buildrecord.hash_files(files)),
    ):
        walls, cpus = [], []
        for _ in range(rounds):
            usage = resource.getrusage(resource.RUSAGE_SELF)
            start = time.perf_counter()
            hash_all()
            walls.append(time.perf_counter() - start)
            after = resource.getrusage(resource.RUSAGE_SELF)
            cpus.append(after.ru_utime + after.ru_stime - usage.ru_utime - usage.ru_stime)
        lines.append(
            f"hashing all {len(files)} CSV files ({size / 1e6:.0f} MB), {label}: "
            f"wall {statistics.median(walls):.3f} s, CPU {statistics.median(cpus):.3f} s (median of {rounds})"
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, required=True)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--query", action="append", help="only these queries (default: all)")
    args = parser.parse_args()
    names = args.query or sorted(p.stem for p in (args.root / "queries").glob("*.sql"))
    load_at_start = os.getloadavg()[0]
    runs: dict[tuple[str, str], list[tuple[float, float, int]]] = {}
    for _ in range(args.rounds):
        for name in names:
            for way, options in WAYS.items():
                measured = run_once(TREE, args.root, name, BENCH_PARAMS.get(name, []), options)
                runs.setdefault((name, way), []).append(measured)
    load = os.getloadavg()[0]
    header = " | ".join(f"{way} wall s | {way} CPU s | {way} MiB" for way in WAYS)
    print(f"| query | {header} |")
    print("|---|" + "---:|" * (3 * len(WAYS)))
    for name in names:
        cells = []
        for way in WAYS:
            measured = runs[(name, way)]
            cells += [
                f"{statistics.median(m[0] for m in measured):.2f}",
                f"{statistics.median(m[1] for m in measured):.2f}",
                f"{statistics.median(m[2] for m in measured):,}",
            ]
        print(f"| `{name}` | " + " | ".join(cells) + " |")
    print(
        f"\nmedian of {args.rounds} cold runs each, load average (1 min) at the start {load_at_start:.2f}, "
        f"at the end {load:.2f}"
    )
    for line in hashing(args.root, args.rounds):
        print(line)
    print(f"load average (1 min) after hashing {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()

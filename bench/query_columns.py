"""Every named query as a cold process, two code trees side by side: wall, CPU and peak memory.

Measures what loading only the columns a statement reads (``database.columns_read_by``) changes.
Each round runs every query once per tree, trees alternating, so both see the same machine load;
the table gives the median of the rounds. Output goes to /dev/null (standard output: at most
1000 rows are printed, as a user's terminal gets them).

    git archive BASE | tar -x -C /tmp/before
    COMMITMENTS_TODAY=2026-01-01 python bench/query_columns.py --root /tmp/bench6 \\
        --tree before=/tmp/before --tree after=.,/tmp/bench6-new-queries --rounds 3

A tree may name its own package root after a comma: a package's queries/ travel with its data, so
a copy of the package with the tree's queries/ measures a changed query file.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

# Parameters that select rows in a package written by bench/generate.py (and in the real one).
BENCH_PARAMS: dict[str, list[str]] = {
    "actor-names": ["actor=actor-00001"],
    "by-actor": ["actor=actor-000012"],
    "due-by": ["year=2030"],
    "evidence-trail": ["commitment=cm-0000000"],
    "search-quotes": ["text=emploi"],
    "stale": ["days=90", "today=2025-12-31"],
    "status-as-of": ["as_of=2026-01-01"],
    "sub-commitments": ["commitment=cm-0000000"],
}


def run_once(
    tree: Path, root: Path, name: str, params: list[str], options: tuple[str, ...] = ()
) -> tuple[float, float, int]:
    """(wall s, CPU s, peak MiB) of one cold `cli.py query` in ``tree`` (with ``options``);
    raises when it fails."""
    with tempfile.NamedTemporaryFile("r") as timing:
        command = ["/usr/bin/time", "-o", timing.name, "-f", "%e %U %S %M", sys.executable, "cli.py"]
        command += ["query", name, "--root", str(root), *options]
        for param in params:
            command += ["--param", param]
        done = subprocess.run(command, cwd=tree, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        if done.returncode:
            raise SystemExit(f"{tree}: query {name} failed: {done.stderr.decode()[-500:]}")
        wall, user, system, peak_kib = timing.read().split()[-4:]
    return float(wall), float(user) + float(system), int(peak_kib) // 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, required=True)
    parser.add_argument("--tree", action="append", required=True, help="LABEL=PATH[,ROOT] of a code tree")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--query", action="append", help="only these queries (default: all)")
    args = parser.parse_args()
    trees = {}
    for tree in args.tree:
        label, _, where = tree.partition("=")
        path, _, root = where.partition(",")
        trees[label] = (Path(path), Path(root) if root else args.root)
    names = args.query or sorted(p.stem for p in (args.root / "queries").glob("*.sql"))
    runs: dict[tuple[str, str], list[tuple[float, float, int]]] = {}
    load_at_start = os.getloadavg()[0]
    for _ in range(args.rounds):
        for name in names:
            for label, (tree, root) in trees.items():
                measured = run_once(tree, root, name, BENCH_PARAMS.get(name, []))
                runs.setdefault((name, label), []).append(measured)
    print_table(names, list(trees), runs, args.rounds, load_at_start)


def print_table(
    names: list[str],
    labels: list[str],
    runs: dict[tuple[str, str], list[tuple[float, float, int]]],
    rounds: int,
    load_at_start: float,
) -> None:
    """The Markdown table of medians, query by query and label by label, and the load average."""
    load = os.getloadavg()[0]
    header = " | ".join(f"{label} wall s | {label} CPU s | {label} MiB" for label in labels)
    print(f"| query | {header} |")
    print("|---|" + "---:|" * (3 * len(labels)))
    for name in names:
        cells = []
        for label in labels:
            measured = runs[(name, label)]
            cells += [
                f"{statistics.median(m[0] for m in measured):.2f}",
                f"{statistics.median(m[1] for m in measured):.2f}",
                f"{statistics.median(m[2] for m in measured):,}",
            ]
        print(f"| `{name}` | " + " | ".join(cells) + " |")
    print(
        f"\nmedian of {rounds} cold runs each, load average (1 min) at the start {load_at_start:.2f}, "
        f"at the end {load:.2f}"
    )


if __name__ == "__main__":
    main()

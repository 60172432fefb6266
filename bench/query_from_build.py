"""Every named query as a cold process, from the CSV files and with ``--from-build``: wall, CPU,
peak memory, and what hashing the CSV files costs, sequentially and in threads.

The package must hold a build in ROOT/dist (``commitments build --root ROOT --out ROOT/dist``).
Each round runs every query once each way, alternating, so both see the same machine load; the
table gives the median of the rounds, and the load average (1 min) before and after. Output goes
to /dev/null (standard output: at most 1000 rows are printed, as a user's terminal gets them).

    COMMITMENTS_TODAY=2026-01-01 python bench/query_from_build.py --root /tmp/pkg --rounds 3

With ``--compare LABEL=TREE`` it runs every query ``--from-build`` only, in that code tree and in
this one, alternating (two versions of the code side by side; each tree's ``cli.py``).
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

from query_columns import BENCH_PARAMS, print_table, run_once

from commitment_tracker import database
from commitment_tracker.datapackage import schema
from commitment_tracker.publish import buildrecord
from commitment_tracker.query import from_build, named

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


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def in_place_or_copied(root: Path, name: str, copy: bool) -> tuple[float, float]:
    """(wall s, CPU s) from attaching the build to the last of at most 1000 rows of query ``name``:
    its tables read in place (the views ``from_build`` makes) or copied into memory first (only the
    columns the statement reads, as the CSV path loads them). No hashing: the same in both."""
    package = schema.load_package(root)
    query = named.get(name, named.queries_dir(root))
    params = query.bind(dict(p.split("=", 1) for p in BENCH_PARAMS.get(name, [])))
    con = database.open_connection(":memory:", {"memory_limit": "1GB"})
    wanted = database.tables_read_by(con, query.sql, package) or list(package.resource_names)
    start, cpu = time.perf_counter(), cpu_seconds()
    attached = root / from_build.BUILD_FILE
    con.execute(f"ATTACH {database.quote_literal(str(attached))} AS {from_build.CATALOG} (READ_ONLY)")
    if copy:  # as the CSV path loads: empty tables, planned on, filled with the columns read
        resources = [package.resource(r) for r in wanted]
        for resource in resources:
            database.create_empty_table(con, resource)
        database.create_views(con, wanted)
        columns = database.columns_read_by(con, query.sql, package, wanted, params)
        for resource in resources:
            table, listed = (
                database.quote_ident(resource.name),
                ", ".join(map(database.quote_ident, columns[resource.name])),
            )
            con.execute(f"DROP TABLE {table}")
            database.create_empty_table(con, resource, columns[resource.name])
            source = from_build.source_select(resource)
            con.execute(f"INSERT INTO {table} ({listed}) SELECT {listed} FROM ({source})")
    else:
        for resource_name in wanted:
            from_build.create_view(con, package.resource(resource_name))
        database.create_views(con, wanted)
    database.lock(con)
    with named.QueryRun(con, query.sql, params) as run:
        for _batch in run.result(1000).batches:
            pass
    con.close()
    return time.perf_counter() - start, cpu_seconds() - cpu


def loading(root: Path, names: list[str], rounds: int) -> list[str]:
    """A Markdown table: each query from the build read in place and copied, median of ``rounds``."""
    lines = [
        "| query | in place wall s | in place CPU s | copied wall s | copied CPU s |",
        "|---|---:|---:|---:|---:|",
    ]
    for name in names:
        cells = []
        for copy in (False, True):
            measured = [in_place_or_copied(root, name, copy) for _ in range(rounds)]
            cells += [
                f"{statistics.median(m[0] for m in measured):.2f}",
                f"{statistics.median(m[1] for m in measured):.2f}",
            ]
        lines.append(f"| `{name}` | " + " | ".join(cells) + " |")
    return lines


def compare(root: Path, names: list[str] | None, rounds: int, trees: dict[str, Path]) -> None:
    """The Markdown table of each query ``--from-build`` in each code tree, median of ``rounds``."""
    names = names or sorted(p.stem for p in (root / "queries").glob("*.sql"))
    load_at_start = os.getloadavg()[0]
    runs: dict[tuple[str, str], list[tuple[float, float, int]]] = {}
    for _ in range(rounds):
        for name in names:
            for label, tree in trees.items():
                measured = run_once(tree, root, name, BENCH_PARAMS.get(name, []), ("--from-build",))
                runs.setdefault((name, label), []).append(measured)
    print_table(names, list(trees), runs, rounds, load_at_start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, required=True)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--query", action="append", help="only these queries (default: all)")
    parser.add_argument(
        "--loading", action="store_true", help="only compare reading the build in place with copying it"
    )
    parser.add_argument("--compare", metavar="LABEL=TREE", help="--from-build in TREE and in this tree")
    args = parser.parse_args()
    if args.compare:
        label, _, other = args.compare.partition("=")
        compare(args.root, args.query, args.rounds, {label: Path(other), "this tree": TREE})
        return
    if args.loading:
        names = args.query or sorted(p.stem for p in (args.root / "queries").glob("*.sql"))
        load_at_start = os.getloadavg()[0]
        print("\n".join(loading(args.root, names, args.rounds)))
        print(f"\nload average (1 min) at the start {load_at_start:.2f}, at the end {os.getloadavg()[0]:.2f}")
        return
    names = args.query or sorted(p.stem for p in (args.root / "queries").glob("*.sql"))
    load_at_start = os.getloadavg()[0]
    runs: dict[tuple[str, str], list[tuple[float, float, int]]] = {}
    for _ in range(args.rounds):
        for name in names:
            for way, options in WAYS.items():
                measured = run_once(TREE, args.root, name, BENCH_PARAMS.get(name, []), options)
                runs.setdefault((name, way), []).append(measured)
    print_table(names, list(WAYS), runs, args.rounds, load_at_start)
    for line in hashing(args.root, args.rounds):
        print(line)
    print(f"load average (1 min) after hashing {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()

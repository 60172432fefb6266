"""The pieces bench/run.py times in their own cold process: the read floor and one validation layer.

    python bench/probe.py floor ROOT                 # DuckDB typed read_csv of every resource
    python bench/probe.py layer ROOT NAME            # one layer of `cli.py validate` alone
    python bench/probe.py layer ROOT NAME --profile FILE   # same, under pyinstrument

Both reuse the package's own code (load.py's typed reader, validate.py's layers), so what is timed
is what the commands run. Exit status 1 when the layer reports a problem: a benchmark of an invalid
package measures the wrong thing.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from commitment_tracker.datapackage.schema import load_package


def floor(root: Path) -> int:
    """Read every resource with DuckDB's typed read_csv into in-memory tables; print the row count."""
    import duckdb

    from commitment_tracker.database import load_into, quote_ident

    con = duckdb.connect()
    package = load_into(con, root)
    rows = sum(
        con.execute(f"SELECT count(*) FROM {quote_ident(r.name)}").fetchone()[0] for r in package.resources
    )
    print(rows)
    return 0


def layer(root: Path, name: str, profile: Path | None) -> int:
    from commitment_tracker.validation.context import ValidationContext, today_from_env
    from commitment_tracker.validation.validate import LAYERS

    layers = dict(LAYERS)
    if name not in layers:
        print(f"unknown layer {name!r}; validate.LAYERS has {sorted(layers)}", file=sys.stderr)
        return 2
    ctx = ValidationContext(root=root, package=load_package(root), today=today_from_env())
    if profile is None:
        checks = layers[name](ctx)
    else:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.005)
        with profiler:
            checks = layers[name](ctx)
        profile.write_text(profiler.output_text(unicode=True, color=False, show_all=False), encoding="utf-8")
    failed = [c for c in checks if c.status != "passed"]
    for c in failed:
        print(f"{c.layer}/{c.check}: {c.status} ({len(c.problems)} problems)", file=sys.stderr)
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="what", required=True)
    p_floor = sub.add_parser("floor", help="DuckDB typed read of every resource")
    p_floor.add_argument("root", type=Path)
    p_layer = sub.add_parser("layer", help="one validation layer")
    p_layer.add_argument("root", type=Path)
    p_layer.add_argument("name")
    p_layer.add_argument("--profile", type=Path, help="write a pyinstrument text profile here")
    args = parser.parse_args(argv)
    if args.what == "floor":
        return floor(args.root.resolve())
    return layer(args.root.resolve(), args.name, args.profile)


if __name__ == "__main__":
    sys.exit(main())

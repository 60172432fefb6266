"""``build --partition-by COLUMN``: hive-partitioned Parquet, for engines that read a folder of files.

Beside the one-file-per-resource Parquet of ``build``, each resource that has the column is written
as ``partitioned/<resource>/<column>=<value>/data_0.parquet`` (zstd): the layout Hive made usual and
DuckDB (``read_parquet('…/**/*.parquet', hive_partitioning = true)``), Spark, Trino and Polars read
unchanged, and the one object stores and table formats (Iceberg, DuckLake) start from. A reader
that filters on the column opens only the matching folders. A missing value goes to
``<column>=NULL`` (DuckDB's spelling, which its reader turns back into NULL).

The files are written from the built, constraint-checked database, then read back through
DuckDB's hive reader and compared with the table row for row before the build is moved into place.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from commitment_tracker.database import quote_ident, quote_literal
from commitment_tracker.datapackage.schema import Package
from commitment_tracker.errors import TrackerError
from commitment_tracker.text import closest

PARTITIONED_DIRNAME = "partitioned"


class PartitionError(TrackerError):
    """The column to partition by is unknown, or a partitioned file failed its check."""


def partitioned_resources(package: Package, column: str) -> list[str]:
    """The resources holding ``column``; PartitionError naming the columns there are otherwise."""
    names = [r.name for r in package.resources if column in r.field_names]
    if not names:
        columns = sorted({f for r in package.resources for f in r.field_names})
        close = closest(column, columns)
        hint = f' Did you mean "{close[0]}"?' if close else ""
        raise PartitionError(f"--partition-by {column}: no resource has that column.{hint}")
    return names


def glob(out: Path, resource: str) -> str:
    """What a reader passes to ``read_parquet`` (with ``hive_partitioning = true``) for one resource."""
    return str(Path(out) / PARTITIONED_DIRNAME / resource / "**" / "*.parquet")


def write(database: Path, package: Package, column: str, staging: Path) -> dict[str, int]:
    """Write and check the partitioned files of every resource holding ``column``; rows per resource."""
    names = partitioned_resources(package, column)
    con = duckdb.connect(str(database), read_only=True)
    written = {}
    try:
        for name in names:
            table, folder = quote_ident(name), staging / PARTITIONED_DIRNAME / name
            folder.parent.mkdir(exist_ok=True)
            ((rows,),) = con.execute(f"SELECT count(*) FROM {table}").fetchall()
            if not rows:
                written[name] = 0  # no row, no partition: nothing to write
                continue
            con.execute(
                f"COPY {table} TO {quote_literal(str(folder))} "
                f"(FORMAT parquet, COMPRESSION zstd, PARTITION_BY ({quote_ident(column)}))"
            )
            written[name] = _check(con, name, column, glob(staging, name))
    finally:
        con.close()
    return written


def _check(con: duckdb.DuckDBPyConnection, name: str, column: str, files: str) -> int:
    """The hive reader gives back exactly the table's rows (the partition value cast to its type)."""
    table = quote_ident(name)
    types = dict(con.execute(f"SELECT column_name, column_type FROM (DESCRIBE {table})").fetchall())
    columns = [quote_ident(c) for c in types]
    col = quote_ident(column)
    read = (
        f"SELECT {', '.join(c if c != col else f'CAST({c} AS {types[column]}) AS {c}' for c in columns)} "
        f"FROM read_parquet({quote_literal(files)}, hive_partitioning = true)"
    )
    ordered = f"SELECT {', '.join(columns)} FROM {table}"
    ((differing,),) = con.execute(
        f"SELECT count(*) FROM (({ordered} EXCEPT ALL {read}) UNION ALL ({read} EXCEPT ALL {ordered}))"
    ).fetchall()
    if differing:
        raise PartitionError(f"{PARTITIONED_DIRNAME}/{name}: {differing} rows differ from the table")
    ((rows,),) = con.execute(f"SELECT count(*) FROM read_parquet({quote_literal(files)})").fetchall()
    return rows

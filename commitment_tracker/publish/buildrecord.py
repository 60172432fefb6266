"""What a build loaded, recorded inside its own DuckDB file, so a query can trust its tables.

``build`` writes, in the schema ``build_record`` of ``commitments.duckdb``:

* ``csv_files``: one row per resource: its path, size and SHA-256 as loaded (hashed before and
  after loading: a file changed meanwhile refuses the build), and ``reader``, the ``read_csv(...)``
  call that read it (``database.read_csv_sql``: column types, missing values, dialect), so a
  descriptor that would now read the same bytes otherwise is seen too;
* ``<resource>_in_csv_order``, for a resource whose foreign key references itself: its rows
  again, in the CSV file's order, without constraints. The constrained table is inserted parents
  first (DuckDB checks a self-reference against the rows already in the table, one statement at a
  time), so its stored order is not the file's; ``query --from-build`` reads this copy instead,
  so that every table lists its rows in the order the CSV path does.

The record lives in the database file itself, so the one rename that replaces the tables replaces
their hashes with them: no reader ever sees tables from one build with the hashes of another.
This module imports no more than hashlib and duckdb: the query path uses it.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import duckdb

from commitment_tracker.database import quote_ident, quote_literal, read_csv_sql
from commitment_tracker.datapackage.schema import Resource

SCHEMA = "build_record"
FILES_TABLE = "csv_files"
FILES_COLUMNS = ("resource", "path", "bytes", "sha256", "reader")
CSV_ORDER_SUFFIX = "_in_csv_order"
# hashlib releases the GIL while it digests a buffer larger than 2 KiB: with 1 MiB reads, files
# hashed in threads use every core (measured in docs/scaling.md, "queries").
CHUNK_BYTES = 1 << 20
HASH_THREADS = max(1, min(4, os.cpu_count() or 1))


@dataclass(frozen=True)
class CsvFile:
    """One loaded CSV file as the build saw it."""

    resource: str
    path: str  # as the descriptor names it
    bytes: int
    sha256: str
    reader: str


def sha256_of(path: Path) -> tuple[int, str]:
    """(size in bytes, hex SHA-256) of a file, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK_BYTES):
            digest.update(chunk)
            size += len(chunk)
    return size, digest.hexdigest()


def hash_files(paths: Mapping[str, Path]) -> dict[str, tuple[int, str]]:
    """``sha256_of`` each of ``{name: path}``, several files at once (one thread per file).

    The caller has checked each path (inside the package, a regular file). The largest files are
    started first so that the threads finish together.
    """
    ordered = sorted(paths, key=lambda name: -_size(paths[name]))
    if len(ordered) <= 1:
        return {name: sha256_of(paths[name]) for name in ordered}
    with ThreadPoolExecutor(max_workers=min(HASH_THREADS, len(ordered))) as pool:
        futures = {name: pool.submit(sha256_of, paths[name]) for name in ordered}
        return {name: futures[name].result() for name in paths}


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def csv_files(resources: Iterable[Resource], files: Mapping[str, Path]) -> dict[str, CsvFile]:
    """Each resource's file as it is now: hashed, with the reader that reads it."""
    resources = list(resources)
    hashes = hash_files({r.name: files[r.name] for r in resources})
    return {r.name: CsvFile(r.name, r.path, *hashes[r.name], read_csv_sql(r)) for r in resources}


def self_referencing(resource: Resource) -> bool:
    return any(fk.resource == resource.name for fk in resource.foreign_keys)


def csv_order_table(resource: Resource, catalog: str | None = None) -> str:
    """The qualified name of the resource's copy in CSV order (in ``catalog`` when attached)."""
    name = f"{quote_ident(SCHEMA)}.{quote_ident(resource.name + CSV_ORDER_SUFFIX)}"
    return f"{quote_ident(catalog)}.{name}" if catalog else name


def write(con: duckdb.DuckDBPyConnection, files: Iterable[CsvFile]) -> None:
    """The ``csv_files`` table on the build's connection (its schema created if need be)."""
    con.execute(f"CREATE SCHEMA IF NOT EXISTS {quote_ident(SCHEMA)}")
    table = f"{quote_ident(SCHEMA)}.{quote_ident(FILES_TABLE)}"
    con.execute(
        f"CREATE TABLE {table} (resource VARCHAR, path VARCHAR, bytes BIGINT, sha256 VARCHAR, reader VARCHAR)"
    )
    con.executemany(
        f"INSERT INTO {table} VALUES (?, ?, ?, ?, ?)",
        [(f.resource, f.path, f.bytes, f.sha256, f.reader) for f in files],
    )
    con.execute(
        f"COMMENT ON TABLE {table} IS "
        + quote_literal(
            "The CSV files this database was built from, with their SHA-256: "
            "`commitments query --from-build` answers from these tables only while every file it "
            "reads still has this hash."
        )
    )


def write_csv_order_copy(con: duckdb.DuckDBPyConnection, resource: Resource, path: Path) -> int:
    """``<resource>_in_csv_order``: the resource's rows again, in the CSV file's order, without
    constraints; the number of rows in which it differs from the constrained table (0 expected).

    The constrained table is filled parents first, so its stored order is not the file's, and no
    order of inserts can make it so (DuckDB refuses a row whose parent comes later, even within one
    INSERT). Putting the rows back in order at query time costs a sort of the whole table on every
    read of it: 0.65 s of CPU in ``sub-commitments`` at 10^6 claims, whose recursive CTE reads it
    again at each step (measured, docs/scaling.md). A second copy costs the table's size in the
    file once. A table filled from read_csv keeps the file's order (DuckDB preserves insertion
    order).
    """
    con.execute(f"CREATE SCHEMA IF NOT EXISTS {quote_ident(SCHEMA)}")
    copy = csv_order_table(resource)
    con.execute(f"CREATE TABLE {copy} AS SELECT * FROM {read_csv_sql(resource)}", {"path": str(path)})
    table = quote_ident(resource.name)
    ((differing,),) = con.execute(
        f"SELECT count(*) FROM ((SELECT * FROM {table} EXCEPT ALL SELECT * FROM {copy}) "
        f"UNION ALL (SELECT * FROM {copy} EXCEPT ALL SELECT * FROM {table}))"
    ).fetchall()
    return int(differing)


def read(con: duckdb.DuckDBPyConnection, catalog: str) -> dict[str, CsvFile] | None:
    """The record of the database attached as ``catalog``; None when it has none (an older build).

    The table's columns are those of a statement reading none of its rows: asking
    ``duckdb_columns()`` lists every column of the attached file first, 40 ms of each
    ``query --from-build`` at 10^6 claims (docs/scaling.md, "queries").
    """
    table = f"{quote_ident(catalog)}.{quote_ident(SCHEMA)}.{quote_ident(FILES_TABLE)}"
    try:
        description = con.execute(f"SELECT * FROM {table} LIMIT 0").description
    except duckdb.CatalogException:  # no build_record schema, or no csv_files table in it
        return None
    if tuple(name for name, *_ in description) != FILES_COLUMNS:
        return None
    rows = con.execute(f"SELECT {', '.join(FILES_COLUMNS)} FROM {table}").fetchall()
    return {row[0]: CsvFile(*row) for row in rows}

"""What a build loaded, recorded inside its own DuckDB file, so a query can trust its tables.

``build`` writes, in the schema ``build_record`` of ``commitments.duckdb``:

* ``csv_files``: one row per resource: its path, size and SHA-256 as loaded (hashed before and
  after loading: a file changed meanwhile refuses the build), and ``reader``, the ``read_csv(...)``
  call that read it (``database.read_csv_sql``: column types, missing values, dialect), so a
  descriptor that would now read the same bytes otherwise is seen too;
* ``row_order_<resource>``, for a resource whose foreign key references itself: one row per row
  of its table, in the table's stored order, with ``csv_row``, the row's position in the CSV file,
  and its primary key. Such a table is inserted parents first
  (DuckDB checks a self-reference against the rows already in the table, one statement at a
  time), so its stored order is not the file's; ``query --from-build`` puts it back.

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
ORDER_PREFIX = "row_order_"
ORDER_COLUMN = "csv_row"
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


def order_table(resource: Resource, catalog: str | None = None) -> str:
    """The qualified name of the resource's ``row_order_`` table (in ``catalog`` when attached)."""
    name = f"{quote_ident(SCHEMA)}.{quote_ident(ORDER_PREFIX + resource.name)}"
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


def write_row_order(con: duckdb.DuckDBPyConnection, resource: Resource, path: Path) -> None:
    """``row_order_<resource>``: for each row of the built table, in the table's stored order, its
    position in the CSV file (``csv_row``) and its primary key.

    A reader puts the rows back in the file's order with ``POSITIONAL JOIN`` on this table and an
    ORDER BY on an integer: cheaper than joining on the key (measured in docs/scaling.md). The file
    is read again (its key columns only) into a table: a table filled from read_csv keeps the
    file's order (DuckDB preserves insertion order), so its rowid is the row's position.
    """
    con.execute(f"CREATE SCHEMA IF NOT EXISTS {quote_ident(SCHEMA)}")
    keys = [quote_ident(k) for k in resource.primary_key]
    stage = quote_ident(f"_order_{resource.name}")
    con.execute(
        f"CREATE TEMP TABLE {stage} AS SELECT {', '.join(keys)} FROM {read_csv_sql(resource)}",
        {"path": str(path)},
    )
    on = " AND ".join(f"t.{k} = s.{k}" for k in keys)
    try:
        con.execute(
            f"CREATE TABLE {order_table(resource)} AS "
            f"SELECT s.rowid AS {ORDER_COLUMN}, {', '.join(f's.{k}' for k in keys)} "
            f"FROM {quote_ident(resource.name)} AS t JOIN {stage} AS s ON {on} ORDER BY t.rowid"
        )
    finally:
        con.execute(f"DROP TABLE {stage}")


def row_order_misplaced(con: duckdb.DuckDBPyConnection, resource: Resource) -> int:
    """Rows of the built table whose key differs from the key of the same position in its
    ``row_order_`` table: 0 when a positional join puts every row back where the CSV had it."""
    keys = [quote_ident(k) for k in resource.primary_key]
    differs = " OR ".join(f"t.{k} IS DISTINCT FROM o.{k}" for k in keys)
    ((count,),) = con.execute(
        f"SELECT count(*) FROM {quote_ident(resource.name)} AS t "
        f"POSITIONAL JOIN {order_table(resource)} AS o WHERE {differs}"
    ).fetchall()
    return int(count)


def read(con: duckdb.DuckDBPyConnection, catalog: str) -> dict[str, CsvFile] | None:
    """The record of the database attached as ``catalog``; None when it has none (an older build)."""
    found = con.execute(
        "SELECT column_name FROM duckdb_columns() WHERE database_name = $c AND schema_name = $s "
        "AND table_name = $t ORDER BY column_index",
        {"c": catalog, "s": SCHEMA, "t": FILES_TABLE},
    ).fetchall()
    if tuple(name for (name,) in found) != FILES_COLUMNS:
        return None
    table = f"{quote_ident(catalog)}.{quote_ident(SCHEMA)}.{quote_ident(FILES_TABLE)}"
    rows = con.execute(f"SELECT {', '.join(FILES_COLUMNS)} FROM {table}").fetchall()
    return {row[0]: CsvFile(*row) for row in rows}

"""``query --from-build``: answer from the tables ``build`` wrote, while they are still the CSVs.

Reading the CSV files is most of what a query costs on a large package (tokenising claims.csv
alone is about a second of CPU at 10^6 claims). ``build`` has already read them into
``dist/commitments.duckdb``, with the SHA-256 of each file it loaded (``publish/buildrecord.py``).
With ``--from-build`` a query:

1. tells which resources its statement reads (``database.tables_read_by``; all of them when that
   cannot be told) and checks each one's CSV as the CSV path does (``database.check_header``:
   inside the package, a regular file, the header of the schema);
2. hashes those files (in threads) while it attaches the build file read-only and, with
   ``connect_hashing``, while the statement runs;
3. answers from the build's tables only when, for every one of those files, the build recorded
   the same SHA-256 and the same ``read_csv`` call (so the same descriptor types and missing
   values); otherwise it stops with :class:`BuildNotUsable`, naming the file and the fix
   (``commitments build``). Nothing falls back to the CSV files silently: the option asks for the
   build, and a user who wants the CSVs leaves it out. With ``connect_hashing`` the statement
   runs before the hashes are known, on the locked connection, and nothing of its answer (nor any
   other error) is shown until they are: ``confirm`` raises the same BuildNotUsable then
   (``named.QueryRun``). At 10^6 claims hashing is 0.1-0.2 s of CPU (the files a query reads),
   which no longer waits for the statement or the statement for it when a core is free.

The tables are read in place from the attached file (views over it: DuckDB reads only the
columns and row groups a statement needs), not copied into memory: measured faster at 10^6
claims (docs/scaling.md, "queries"). A resource whose foreign key references itself was stored
parents first; its view reads the build's copy of it in CSV order (``buildrecord``), so every
table lists its rows in the order the CSV path lists them. The derived views of
``database.VIEWS`` are created over these as over the CSV path's tables. The connection is then
locked as every query connection is (``database.lock``): the statement can read nothing else.

The build file is ``dist/commitments.duckdb`` of the package root (where ``site`` looks for
builds too), checked like every file the package names: a path or symbolic link leading outside
the package, or anything but a regular file, is refused before DuckDB opens it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import duckdb

from commitment_tracker import database
from commitment_tracker.database import LoadError, quote_ident, quote_literal
from commitment_tracker.datapackage import containment, schema_checks
from commitment_tracker.datapackage import schema as schema_mod
from commitment_tracker.datapackage.schema import Resource
from commitment_tracker.publish import buildrecord
from commitment_tracker.text import first_line

BUILD_FILE = "dist/commitments.duckdb"  # build's DATABASE_NAME in its default --out, under the root
CATALOG = "package_build"  # the name the build file is attached under


class BuildNotUsable(LoadError):
    """There is no build, or it is not of the CSV files as they are now; the message says which
    file and to run ``commitments build``."""


def connect(
    root: Path,
    sql: str,
    params: Mapping[str, object] | None = None,
    config: dict[str, str] | None = None,
) -> duckdb.DuckDBPyConnection:
    """A locked in-memory connection whose tables are views over the build's, for ``sql``, once
    every CSV file it reads has been hashed and found to be the one the build loaded.

    ``params`` is accepted for the same call as ``database.connect`` (the CSV path plans with
    them; reading in place needs no plan). Raises BuildNotUsable, LoadError or DescriptorError.
    """
    con, confirm = connect_hashing(root, sql, params, config)
    try:
        confirm()
    except BaseException:
        con.close()
        raise
    return con


def connect_hashing(
    root: Path,
    sql: str,
    params: Mapping[str, object] | None = None,
    config: dict[str, str] | None = None,
) -> tuple[duckdb.DuckDBPyConnection, Callable[[], None]]:
    """``connect``, returned while the CSV files are still being hashed, with ``confirm``: it waits
    for the hashes and raises BuildNotUsable unless every file is the one the build loaded. Until
    it has returned, nothing read from the connection may be shown: ``QueryRun(confirm=...)``.

    A build that cannot be read, or holds no record of its files, is refused before returning, as
    by ``connect``; an error making the views is raised after ``confirm``, so a stale file is
    always reported as such.
    """
    del params
    root = Path(root)
    con = database.open_connection(":memory:", config)
    try:
        with schema_checks.patterns_on(con):
            package = schema_mod.load_package(root)
        wanted = database.tables_read_by(con, sql, package)
        if wanted is None:  # cannot be told: every table, every file hashed
            wanted = list(package.resource_names)
        resources = [package.resource(name) for name in wanted]
        path = build_file(root)
        files = {r.name: database.check_header(root, r) for r in resources}
        # Hashing (mostly outside the GIL) runs while DuckDB attaches and reads the record, and
        # while the statement runs; the thread ends with it.
        pool = ThreadPoolExecutor(max_workers=1)
        hashing = pool.submit(buildrecord.csv_files, resources, files)
        pool.shutdown(wait=False)
        _attach(con, path, root)
        # Locked before anything in the build file is read: the file is a pull request's to
        # change like any other, and a view in it could otherwise read past the package.
        database.lock(con)
        record = _read_record(con, root)

        def confirm() -> None:
            now = _result(hashing)
            for resource in resources:
                _require_same(record, now[resource.name], root)

        try:
            for resource in resources:
                with _unreadable_build(root):  # a table the file holds as a view reading a file, say
                    create_view(con, resource)
            database.create_views(con, wanted)
        except Exception:
            confirm()
            raise
    except BaseException:
        con.close()
        raise
    return con, confirm


def _result(future: Future) -> Any:
    """``future.result()``, waking every tenth of a second: Python runs a signal handler (Ctrl-C)
    in the main thread only, which a blocked wait hides when the signal reaches another thread."""
    while True:
        try:
            return future.result(timeout=0.1)
        except TimeoutError:
            continue


def build_file(root: Path) -> Path:
    """The build's database file, checked: inside the package, a regular file."""
    try:
        path = containment.inside(root, BUILD_FILE)
        containment.require_regular(path, BUILD_FILE)
    except FileNotFoundError:
        raise BuildNotUsable(
            f"--from-build: there is no build of the package ({BUILD_FILE} does not exist)",
            hint=_fix(root, "first, or leave out --from-build to read the CSV files"),
        ) from None
    except containment.ContainmentError as exc:
        raise BuildNotUsable(f"--from-build: {exc}", hint=_fix(root, "to write it again")) from None
    return path


def _attach(con: duckdb.DuckDBPyConnection, path: Path, root: Path) -> None:
    with _unreadable_build(root):
        con.execute(f"ATTACH {quote_literal(str(path))} AS {quote_ident(CATALOG)} (READ_ONLY)")


def _read_record(con: duckdb.DuckDBPyConnection, root: Path) -> dict[str, buildrecord.CsvFile]:
    with _unreadable_build(root):
        record = buildrecord.read(con, CATALOG)
    if record is None:
        raise BuildNotUsable(
            f"--from-build: {BUILD_FILE} was written by an older version of the tools, which did not "
            "record the SHA-256 of the CSV files it loaded, so it cannot be checked against them",
            hint=_fix(root, "to write it again with the hashes"),
        )
    return record


@contextlib.contextmanager
def _unreadable_build(root: Path) -> Iterator[None]:
    """DuckDB's errors reading the build file, as the user's error they are."""
    try:
        yield
    except duckdb.OutOfMemoryException as exc:
        raise LoadError(
            f"--from-build: reading {BUILD_FILE} needs more memory than the memory limit: {first_line(exc)}",
            hint="raise it with --memory-limit (e.g. --memory-limit 4GB)",
        ) from None
    except duckdb.Error as exc:
        raise BuildNotUsable(
            f"--from-build: {BUILD_FILE} cannot be read as a DuckDB database: {first_line(exc)}",
            hint=_fix(root, "to write it again"),
        ) from None


def _require_same(record: Mapping[str, buildrecord.CsvFile], now: buildrecord.CsvFile, root: Path) -> None:
    built = record.get(now.resource)
    if built is None:
        why = f"the build has no table for {now.path} (resource {now.resource})"
    elif built.path != now.path:
        why = f"resource {now.resource} was built from {built.path}, the package now names {now.path}"
    elif (built.bytes, built.sha256) != (now.bytes, now.sha256):
        why = f"{now.path} has changed since the build (its SHA-256 differs from the one the build recorded)"
    elif built.reader != now.reader:
        why = (
            f"datapackage.json now reads {now.path} differently (column types, missing values or "
            "dialect) from when the build loaded it"
        )
    else:
        return
    raise BuildNotUsable(
        f"--from-build: {why}; the query was not answered from the stale tables",
        hint=_fix(root, "to rebuild them, or leave out --from-build to read the CSV files"),
    )


def create_view(con: duckdb.DuckDBPyConnection, resource: Resource) -> None:
    """The resource as a view over the attached table, its rows in the CSV file's order."""
    con.execute(f"CREATE VIEW {quote_ident(resource.name)} AS {source_select(resource)}")


def source_select(resource: Resource) -> str:
    """The SELECT of the resource's rows in the attached build, in the CSV file's order."""
    if buildrecord.self_referencing(resource):  # stored parents first: read the copy in CSV order
        table = buildrecord.csv_order_table(resource, CATALOG)
    else:
        table = f"{quote_ident(CATALOG)}.main.{quote_ident(resource.name)}"
    columns = ", ".join(quote_ident(f.name) for f in resource.fields)
    return f"SELECT {columns} FROM {table}"


def _fix(root: Path, purpose: str) -> str:
    return f"run `commitments build --root {root} --out {root / 'dist'}` {purpose}"

"""The package in DuckDB, typed from the Table Schema, and as polars DataFrames for Python users.

One table per resource, named after the resource, every column typed through ``schema.py``'s type
map (nothing here restates the schema). Two flavours share the same typed CSV reader:

* ``connect(root)`` — the query connection: plain typed tables in an in-memory database, then the
  connection is locked (no file access, no configuration change), so whatever SQL a user sends can
  only read the loaded tables. ``cli.py query`` and ``cli.py sql`` use it with ``sql=``: only the
  tables that statement reads are loaded (``tables_read_by``): reading the CSV files is most of
  what a query costs on a large package.
* ``connect(root, constraints=True, lock=False, database=path)`` — the build connection: real tables
  with PRIMARY KEY, FOREIGN KEY, NOT NULL, UNIQUE and CHECK derived from the schema, created and
  filled in dependency order, so the database refuses data that breaks the schema and a consumer's
  DuckDB keeps enforcing it.

``load(root)`` returns ``{resource: polars.DataFrame}`` (via Arrow) for notebooks::

    from commitment_tracker import load
    tables = load()
    tables["commitments"].filter(pl.col("deadline_year") <= 2030)

This module must stay free of frictionless and Great Expectations: the query path imports it and
has to start in well under a second. polars and pyarrow are imported only by ``load()``.
"""

from __future__ import annotations

import contextlib
import csv
import json
import re
from collections.abc import Collection, Iterable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from commitment_tracker.datapackage import containment, paths, schema_checks
from commitment_tracker.datapackage import schema as schema_mod
from commitment_tracker.datapackage.schema import DATE_FORMAT, Field, Package, Resource
from commitment_tracker.errors import TrackerError
from commitment_tracker.text import closest, first_line

if TYPE_CHECKING:
    import polars as pl

# Settings that make a connection read-only towards the outside world: after these, read_csv of
# any file, COPY … TO, ATTACH, INSTALL/LOAD and any further SET are refused by DuckDB itself.
_LOCK_STATEMENTS = ("SET enable_external_access = false", "SET lock_configuration = true")

# Settings a locked connection opens with. No temporary directory: DuckDB would spill what exceeds
# memory_limit to .tmp/ in the current folder; without one, such a query fails with an error
# instead. No extension is installed or loaded on demand (sqlite_scan, read_xlsx…): a file planted
# in ~/.duckdb/extensions is never loaded, and no download is tried. The extensions built into the
# duckdb wheel (icu, json, parquet) are there anyway.
QUERY_CONFIG = {
    "temp_directory": "",
    "autoload_known_extensions": "false",
    "autoinstall_known_extensions": "false",
}


# DuckDB's read_csv refuses lines over 2 MB by default; the package has no such rule (a field's
# length is a maxLength constraint), and a file the validator accepts must load. Raising it costs
# nothing measurable here: the buffer grows only for a line that needs it.
MAX_LINE_BYTES = 1024**3


class LoadError(TrackerError):
    """The package cannot be loaded into DuckDB; the message names the resource and the fix."""


class UnknownTableError(LoadError):
    """A statement reads a table that is neither a resource nor one of DuckDB's catalog views."""


def quote_ident(name: str) -> str:
    """A DuckDB identifier, double-quoted (resource and field names are snake_case, but be safe)."""
    return '"' + name.replace('"', '""') + '"'


def quote_literal(value: str) -> str:
    return "'" + str(value).replace("'", "''") + "'"


# --- typed reading -------------------------------------------------------------------------------


def read_csv_sql(resource: Resource) -> str:
    """``read_csv(...)`` of one resource, typed from the schema; the file path is the ``$path`` param.

    ``strict_mode`` makes a ragged row or a value of the wrong type an error instead of a null.
    """
    typed = resource.duckdb_columns().items()
    columns = ", ".join(f"{quote_literal(name)}: {quote_literal(type_)}" for name, type_ in typed)
    nullstr = ", ".join(quote_literal(v) for v in resource.missing_values) or "''"
    delimiter = quote_literal(resource.dialect.delimiter)
    quote = quote_literal(resource.dialect.quote_char)
    return (
        "read_csv($path, header=true, auto_detect=false, strict_mode=true, "
        f"max_line_size={MAX_LINE_BYTES}, "
        f"delim={delimiter}, quote={quote}, escape={quote}, "
        f"columns={{{columns}}}, nullstr=[{nullstr}], dateformat={quote_literal(DATE_FORMAT)})"
    )


@contextlib.contextmanager
def no_field_size_limit(file_size: int) -> Iterator[None]:
    """Let Python's csv module read any field of a file of ``file_size`` bytes within the block.

    Its default limit (131,072 characters) is not a rule of the package: a long note would be
    "not well-formed CSV". A field cannot be longer than its file, so the limit is raised to that;
    field lengths are judged by ``maxLength`` constraints, in the Table Schema.
    """
    previous = csv.field_size_limit()
    csv.field_size_limit(max(previous, file_size + 1))
    try:
        yield
    finally:
        csv.field_size_limit(previous)


def check_header(root: Path, resource: Resource) -> Path:
    """The resource's file, after checking that it exists and its header matches the schema.

    DuckDB's read_csv with ``columns=`` accepts a renamed header silently, so this is checked here.
    """
    try:
        path = resource.file(root)
    except ValueError as exc:
        raise LoadError(f"{resource.name}: {exc}") from None
    try:
        # DuckDB opens the path itself: refuse a FIFO or device before anything reads it.
        containment.require_regular(path, resource.path)
        with (
            open(path, encoding=resource.descriptor.get("encoding", "utf-8"), newline="") as fh,
            no_field_size_limit(path.stat().st_size),
        ):
            dialect = resource.dialect
            header = next(csv.reader(fh, delimiter=dialect.delimiter, quotechar=dialect.quote_char), None)
    except FileNotFoundError:
        raise LoadError(f"{resource.path} does not exist; run `commitments validate`") from None
    except containment.ContainmentError as exc:
        raise LoadError(f"{resource.name}: {exc}; run `commitments validate`") from None
    except (UnicodeDecodeError, csv.Error) as exc:
        raise LoadError(f"{resource.path} cannot be read: {exc}; run `commitments validate`") from None
    if header is None:
        raise LoadError(
            f"{resource.path} is empty: it needs at least the header row; run `commitments validate`"
        )
    if header != resource.field_names:
        raise LoadError(
            f"{resource.path}: header {header} does not match the schema's fields "
            f"{resource.field_names}; run `commitments validate`"
        )
    return path


# --- constraints ---------------------------------------------------------------------------------


def field_checks(f: Field) -> list[str]:
    """CHECK expressions for one field's Table Schema constraints (NULL passes, as in Table Schema)."""
    col = quote_ident(f.name)
    c = f.constraints
    checks = []
    if "enum" in c:
        values = ", ".join(quote_literal(v) if isinstance(v, str) else repr(v) for v in c["enum"])
        checks.append(f"{col} IN ({values})")
    if "pattern" in c:
        # Table Schema patterns are full matches; the package writes them anchored anyway.
        checks.append(f"regexp_full_match({col}, {quote_literal(c['pattern'])})")
    if "minimum" in c:
        checks.append(f"{col} >= {_bound(f, c['minimum'])}")
    if "maximum" in c:
        checks.append(f"{col} <= {_bound(f, c['maximum'])}")
    if "minLength" in c:
        checks.append(f"length({col}) >= {int(c['minLength'])}")
    if "maxLength" in c:
        checks.append(f"length({col}) <= {int(c['maxLength'])}")
    return checks


def _bound(f: Field, value: object) -> str:
    if f.type in ("date", "datetime"):
        return f"{quote_literal(str(value))}::{f.duckdb_type}"
    return repr(value) if isinstance(value, int | float) else quote_literal(str(value))


def create_table_sql(resource: Resource, package: Package) -> str:
    """``CREATE TABLE`` with every constraint the schema declares."""
    lines = []
    single_pk = resource.primary_key[0] if len(resource.primary_key) == 1 else None
    for f in resource.fields:
        parts = [quote_ident(f.name), f.duckdb_type]
        if f.required or f.name in resource.primary_key:
            parts.append("NOT NULL")
        if f.constraints.get("unique") and f.name != single_pk:
            parts.append("UNIQUE")
        parts.extend(f"CHECK ({expr})" for expr in field_checks(f))
        lines.append(" ".join(parts))
    if resource.primary_key:
        lines.append(f"PRIMARY KEY ({', '.join(map(quote_ident, resource.primary_key))})")
    for fk in resource.foreign_keys:
        target = package.resource(fk.resource)
        lines.append(
            f"FOREIGN KEY ({', '.join(map(quote_ident, fk.fields))}) "
            f"REFERENCES {quote_ident(target.name)} ({', '.join(map(quote_ident, fk.reference_fields))})"
        )
    body = ",\n    ".join(lines)
    return f"CREATE TABLE {quote_ident(resource.name)} (\n    {body}\n)"


def dependency_order(package: Package) -> list[Resource]:
    """Resources ordered so that every referenced table comes before the tables referencing it.

    Self-references (commitments.parent_commitment_id) are handled by the row order of the insert.
    Ties keep the descriptor's order, so the result is stable.
    """
    remaining = list(package.resources)
    done: set[str] = set()
    ordered: list[Resource] = []
    while remaining:
        ready = [
            r for r in remaining if all(fk.resource in done or fk.resource == r.name for fk in r.foreign_keys)
        ]
        if not ready:
            names = ", ".join(r.name for r in remaining)
            raise LoadError(f"foreign keys form a cycle between resources: {names}")
        for r in ready:
            ordered.append(r)
            done.add(r.name)
        remaining = [r for r in remaining if r.name not in done]
    return ordered


def _insert_self_referencing(con: duckdb.DuckDBPyConnection, resource: Resource, stage: str) -> None:
    """Insert parents before children: DuckDB checks a self-referencing key row by row."""
    table = quote_ident(resource.name)
    self_fks = [fk for fk in resource.foreign_keys if fk.resource == resource.name]
    pk = ", ".join(map(quote_ident, resource.primary_key))
    conditions = []
    for fk in self_fks:
        cols = ", ".join(f"s.{quote_ident(c)}" for c in fk.fields)
        refs = ", ".join(map(quote_ident, fk.reference_fields))
        any_null = " OR ".join(f"s.{quote_ident(c)} IS NULL" for c in fk.fields)
        conditions.append(f"({any_null} OR ({cols}) IN (SELECT ({refs}) FROM {table}))")
    keys = ", ".join(f"s.{quote_ident(c)}" for c in resource.primary_key)
    not_loaded = f"({keys}) NOT IN (SELECT ({pk}) FROM {table})"
    ready = " AND ".join([not_loaded, *conditions])
    while True:
        insert = f"INSERT INTO {table} SELECT s.* FROM {stage} AS s WHERE {ready}"
        ((inserted,),) = con.execute(insert).fetchall()
        if not inserted:
            break
    # Whatever is left references a missing parent (or a cycle): this insert raises the FK error.
    con.execute(f"INSERT INTO {table} SELECT s.* FROM {stage} AS s WHERE {not_loaded}")


def _load_resource(
    con: duckdb.DuckDBPyConnection, root: Path, resource: Resource, package: Package, constraints: bool
) -> None:
    path = check_header(root, resource)
    reader = read_csv_sql(resource)
    table = quote_ident(resource.name)
    with _load_errors(resource):
        if not constraints:
            con.execute(f"CREATE TABLE {table} AS SELECT * FROM {reader}", {"path": str(path)})
            return
        con.execute(create_table_sql(resource, package))
        if any(fk.resource == resource.name for fk in resource.foreign_keys):
            stage = quote_ident(f"_stage_{resource.name}")
            con.execute(f"CREATE TEMP TABLE {stage} AS SELECT * FROM {reader}", {"path": str(path)})
            try:
                _insert_self_referencing(con, resource, stage)
            finally:
                con.execute(f"DROP TABLE {stage}")
        else:
            con.execute(f"INSERT INTO {table} SELECT * FROM {reader}", {"path": str(path)})


@contextlib.contextmanager
def _load_errors(resource: Resource) -> Iterator[None]:
    try:
        yield
    except duckdb.Error as exc:
        raise LoadError(f"{resource.path}: {first_line(exc)}; run `commitments validate`") from None


def create_empty_table(
    con: duckdb.DuckDBPyConnection, resource: Resource, stored: Collection[str] | None = None
) -> None:
    """The resource's table with every column typed from the schema, no row and no constraint.

    A column outside ``stored`` (when given) is a virtual generated column that is always NULL: it
    is there for a statement to bind to, but costs nothing to fill or to hold.
    """
    columns = []
    for f in resource.fields:
        column = f"{quote_ident(f.name)} {f.duckdb_type}"
        if stored is not None and f.name not in stored:
            column += f" GENERATED ALWAYS AS (NULL::{f.duckdb_type}) VIRTUAL"
        columns.append(column)
    con.execute(f"CREATE TABLE {quote_ident(resource.name)} ({', '.join(columns)})")


def _fill_columns(con: duckdb.DuckDBPyConnection, root: Path, resource: Resource, columns: list[str]) -> None:
    """Fill the empty table of ``resource`` with ``columns`` of its file (its stored columns).

    read_csv then parses and converts only those columns (DuckDB pushes the projection into it),
    while the table keeps every column, so a statement binds to it exactly as to the full table.
    """
    path = check_header(root, resource)
    names = ", ".join(map(quote_ident, columns))
    table = quote_ident(resource.name)
    insert = f"INSERT INTO {table} ({names}) SELECT {names} FROM {read_csv_sql(resource)}"
    with _load_errors(resource):
        con.execute(insert, {"path": str(path)})


# --- derived views -------------------------------------------------------------------------------

# A figure in a view's text: whole numbers grouped by thousands (40,000), others as written (1.5).
# A whole number under 10^18 is formatted as a BIGINT, which holds it exactly: DuckDB 2.0 formats a
# HUGEINT about six times slower, and at 10^6 claims that was 0.7 s of `due-by`.
_FIGURE_SQL = (
    "CASE WHEN {v} = trunc({v}) AND abs({v}) < 1e18 THEN format('{{:,}}', {v}::BIGINT) "
    "WHEN {v} = trunc({v}) THEN format('{{:,}}', {v}::HUGEINT) ELSE format('{{:.15g}}', {v}) END"
)
_LOW, _HIGH = _FIGURE_SQL.format(v="target_low"), _FIGURE_SQL.format(v="target_high")

# Views a query may read beside the resources: SQL over the resources, never stored in data/.
# name -> (the resources it reads, its SELECT). A statement that reads a view loads those resources.
VIEWS: dict[str, tuple[tuple[str, ...], str]] = {
    # The target of each commitment as a range: its own target_value when the sources agree (low =
    # high), else the lowest and highest value its claims linked by a `value` discrepancy state,
    # so a blank, disputed target_value still shows both figures ("40,000 to 240,000 (sources
    # disagree)"). Qualifiers are those of the claims at each end.
    "commitment_targets": (
        ("commitments", "claims", "discrepancy_claims", "discrepancies"),
        f"""
        WITH stated AS (
            SELECT k.commitment_id,
                   min(k.value) AS low, max(k.value) AS high,
                   arg_min(k.qualifier, k.value) AS low_qualifier,
                   arg_max(k.qualifier, k.value) AS high_qualifier,
                   string_agg(DISTINCT d.discrepancy_id, '; ' ORDER BY d.discrepancy_id) AS discrepancy_id
            FROM claims AS k
            JOIN discrepancy_claims AS dc ON dc.claim_id = k.claim_id
            JOIN discrepancies AS d ON d.discrepancy_id = dc.discrepancy_id AND d.kind = 'value'
            WHERE k.commitment_id IS NOT NULL AND k.value IS NOT NULL
            GROUP BY k.commitment_id
        ), ranged AS (
            SELECT c.commitment_id,
                   coalesce(c.target_value, s.low) AS target_low,
                   coalesce(c.target_value, s.high) AS target_high,
                   CASE WHEN c.target_value IS NULL THEN s.low_qualifier ELSE c.target_qualifier END
                       AS low_qualifier,
                   CASE WHEN c.target_value IS NULL THEN s.high_qualifier ELSE c.target_qualifier END
                       AS high_qualifier,
                   c.unit_id,
                   c.target_value IS NULL AND s.commitment_id IS NOT NULL AS disputed,
                   s.discrepancy_id
            FROM commitments AS c
            LEFT JOIN stated AS s ON s.commitment_id = c.commitment_id
        )
        SELECT *,
               CASE WHEN disputed
                    THEN {_LOW} || ' to ' || {_HIGH} || ' (sources disagree)'
                    ELSE {_LOW} END AS target_text
        FROM ranged
        """,
    ),
}


def create_views(con: duckdb.DuckDBPyConnection, loaded: Iterable[str]) -> list[str]:
    """Create each view of ``VIEWS`` whose resources are all loaded; returns their names."""
    loaded = set(loaded)
    made = []
    for name, (needs, sql) in VIEWS.items():
        if loaded.issuperset(needs):
            con.execute(f"CREATE VIEW {quote_ident(name)} AS {sql}")
            made.append(name)
    return made


# --- which tables a statement reads --------------------------------------------------------------

# The namespace the resources live in on the query connection (an in-memory database is "memory").
_OWN_CATALOGS = ("", "memory")
_OWN_SCHEMAS = ("", "main")
_PLAIN_NAME = re.compile(r"[a-z_][a-z0-9_]*")


def tables_read_by(con: duckdb.DuckDBPyConnection, sql: str, package: Package) -> list[str] | None:
    """The resources ``sql`` reads, from DuckDB's own parse tree; None means "cannot tell: load all".

    ``duckdb.get_table_names`` is not usable here: in DuckDB 2.0 it binds the statement against
    placeholder tables and fails on ``JOIN … USING`` and on ``$name`` parameters, which every named
    query has. ``json_serialize_sql`` only parses. Its tree names every table reference (in CTEs,
    subqueries and joins alike); a CTE's own name is not a table. The answer is None (every resource
    is loaded) whenever the tree could hide a read of a resource or describes the
    catalog: a statement that is not a SELECT (EXPLAIN, PIVOT, COPY…: refused or rare), a table
    function (``query('…')`` runs SQL from a string), SHOW TABLES, or a catalog view such as
    ``information_schema.tables``. Raises UnknownTableError, listing the resources, for a plain
    name that is none of these, before anything is read.
    """
    try:
        (tree,) = con.execute("SELECT json_serialize_sql($sql)", {"sql": sql}).fetchone()
    except duckdb.Error:
        return None
    tree = json.loads(tree)
    if tree.get("error"):
        return None
    resources = {name.lower(): name for name in package.resource_names}
    ctes = {
        entry["key"].lower() for node in _nodes(tree) for entry in (node.get("cte_map") or {}).get("map", [])
    }
    wanted: set[str] = set()
    unknown: list[str] = []
    for node in _nodes(tree):
        kind = node.get("type")
        if kind == "TABLE_FUNCTION":
            return None
        if kind == "SHOW_REF" and node.get("table_name"):
            name = node["table_name"].lower()
            if name not in resources:  # SHOW TABLES and friends describe the whole catalog
                return None
            wanted.add(resources[name])
        if kind != "BASE_TABLE":
            continue
        name = node["table_name"].lower()
        own = node.get("catalog_name", "") in _OWN_CATALOGS and node.get("schema_name", "") in _OWN_SCHEMAS
        if own and name in resources:
            wanted.add(resources[name])  # also when a CTE shares the name: loading one more is harmless
        elif own and name in VIEWS:
            wanted.update(VIEWS[name][0])
        elif own and name in ctes:
            continue
        elif own and _PLAIN_NAME.fullmatch(name) and not node.get("schema_name"):
            if not _is_catalog_entry(con, name):
                unknown.append(node["table_name"])
                continue
            return None  # a catalog view: duckdb_tables, sqlite_master, pg_tables…
        else:
            # information_schema.…, another schema, or FROM 'file.csv' (which the lock refuses).
            return None
    if unknown:
        raise UnknownTableError(_unknown_table_message(unknown[0], package))
    return [name for name in package.resource_names if name in wanted]


def _nodes(tree: object) -> Iterator[dict]:
    """Every JSON object in the serialized parse tree, depth first."""
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            yield node
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)


# --- which columns a statement reads -------------------------------------------------------------

# The optimizers left on when planning a statement to see which columns it reads. Each of them
# rewrites a plan into one that holds for any rows in the tables; every other one is switched off,
# new ones included: the plan is made on empty tables, and from their statistics DuckDB would
# drop a filter, a CASE branch or a whole scan that real rows need. Table filters (filter_pushdown)
# are off too: the plan lists a filter's columns only as expression text.
_PLANNING_OPTIMIZERS = ("unused_columns", "column_lifetime", "cte_inlining")

# Operators of a plan that read no table themselves (they read what the operators below them give).
# A plan holding any operator outside these and SEQ_SCAN is one this module does not know: every
# column is loaded then.
_NON_READING_OPERATORS = frozenset({
    "PROJECTION", "FILTER", "HASH_JOIN", "NESTED_LOOP_JOIN", "PIECEWISE_MERGE_JOIN",
    "BLOCKWISE_NL_JOIN", "CROSS_PRODUCT", "POSITIONAL_JOIN", "IE_JOIN", "ASOF_JOIN",
    "LEFT_DELIM_JOIN", "RIGHT_DELIM_JOIN", "DELIM_JOIN", "DELIM_SCAN", "HASH_GROUP_BY",
    "PERFECT_HASH_GROUP_BY", "UNGROUPED_AGGREGATE", "ORDER_BY", "TOP_N", "LIMIT", "STREAMING_LIMIT",
    "LIMIT_PERCENT", "WINDOW", "STREAMING_WINDOW", "UNION", "CTE", "CTE_SCAN", "REC_CTE",
    "REC_CTE_SCAN", "RECURSIVE_CTE", "RECURSIVE_CTE_SCAN", "DUMMY_SCAN", "EMPTY_RESULT",
    "COLUMN_DATA_SCAN", "UNNEST", "STREAMING_SAMPLE", "RESERVOIR_SAMPLE",
})  # fmt: skip
# What the plan shows of a scan of a table: anything else (a pushed-down filter) means "cannot tell".
_SCAN_INFO = frozenset({"Table", "Type", "Projections", "Estimated Cardinality"})


def columns_read_by(
    con: duckdb.DuckDBPyConnection,
    sql: str,
    package: Package,
    tables: Iterable[str],
    params: Mapping[str, object] | None = None,
) -> dict[str, list[str]]:
    """For each of ``tables`` (resources ``sql`` reads), the fields its rows must hold for ``sql``.

    Told from DuckDB's own plan of the statement on ``con``, which holds those tables (empty ones
    will do: see ``create_empty_table``) and the views of VIEWS over them, planned with only the
    optimizers in _PLANNING_OPTIMIZERS: its scans name the columns they read. ``params`` are bound
    as the statement will be run. A table gets every field whenever that cannot be told: the
    statement is not one plain SELECT (DESCRIBE, SUMMARIZE, SHOW), does not plan (an unknown
    column: the query then fails as it always did), its plan holds an operator outside
    _NON_READING_OPERATORS, or a scan of the table shows anything but a list of its fields. The
    optimizer setting is restored before returning.
    """
    every = {name: package.resource(name).field_names for name in tables}
    if not every:
        return every
    try:
        statements = con.extract_statements(sql)
        if len(statements) != 1 or statements[0].type.name != "SELECT":
            return every
        optimizers = [name for (name,) in con.execute("SELECT name FROM duckdb_optimizers()").fetchall()]
        off = ",".join(name for name in optimizers if name not in _PLANNING_OPTIMIZERS)
        con.execute(f"SET disabled_optimizers = {quote_literal(off)}")
        try:
            explain = f"EXPLAIN (FORMAT json) {statements[0].query}"
            ((_, plan),) = con.execute(explain, dict(params or {})).fetchall()
        finally:
            con.execute("RESET disabled_optimizers")
        read = _columns_scanned(json.loads(plan), every)
    except (duckdb.Error, ValueError):
        return every
    if read is None:
        return every
    return {name: [f for f in fields if f in read.get(name, fields)] for name, fields in every.items()}


def _columns_scanned(plan: object, fields: Mapping[str, list[str]]) -> dict[str, set[str]] | None:
    """{table: columns its scans read} from a JSON plan; a table whose scans cannot be read is left
    out (all its fields are loaded). None when the plan holds an operator not known to read nothing."""
    read: dict[str, set[str]] = {}
    unknown: set[str] = set()
    for node in _nodes(plan):
        if "children" not in node:
            continue  # not an operator (its extra_info, say)
        name = str(node.get("name", "")).strip()
        if name != "SEQ_SCAN":
            if name not in _NON_READING_OPERATORS:
                return None
            continue
        info = node.get("extra_info")
        if not isinstance(info, dict):
            return None
        table = str(info.get("Table", "")).removeprefix("memory.main.")
        projections = info.get("Projections")
        if isinstance(projections, str):
            # One column is a string; "" is either none (count(*)) or all the columns the binder
            # named, which the plan does not show.
            projections = [projections] if projections else None
        known = table in fields and set(info) <= _SCAN_INFO and info.get("Type") == "Sequential Scan"
        if (
            not known
            or not isinstance(projections, list)
            or not projections  # a table is filled with one column at least
            or not set(map(str, projections)) <= set(fields[table])
        ):
            unknown.add(table)
            continue
        read.setdefault(table, set()).update(map(str, projections))
    return {table: columns for table, columns in read.items() if table not in unknown}


def _is_catalog_entry(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    """Whether DuckDB itself knows ``name`` on a fresh connection (sqlite_master, pg_tables…)."""
    found = con.execute(
        "SELECT count(*) FROM (SELECT view_name AS n FROM duckdb_views() "
        "UNION ALL SELECT table_name FROM duckdb_tables()) WHERE lower(n) = $name",
        {"name": name.lower()},
    ).fetchone()
    return bool(found and found[0])


def _unknown_table_message(name: str, package: Package) -> str:
    # Worded like DuckDB's own catalog error, which users of DuckDB know, plus the list of tables.
    close = closest(name.lower(), package.resource_names)
    hint = f' Did you mean "{close[0]}"?' if close else ""
    return (
        f"Table with name {name} does not exist!{hint} The tables are the package's resources: "
        f"{', '.join(package.resource_names)}, and the views {', '.join(VIEWS)} "
        f'(`commitments sql "DESCRIBE <table>"` lists its columns)'
    )


# --- public API ----------------------------------------------------------------------------------


def open_connection(
    database: str | Path = ":memory:", config: dict[str, str] | None = None, harden: bool = True
) -> duckdb.DuckDBPyConnection:
    """A new DuckDB connection; ``harden`` adds QUERY_CONFIG (no spill file, no extension loaded).

    Every connection that will run SQL a user or a rule file wrote is opened this way, then
    ``lock``-ed once its tables are in.
    """
    config = dict(config or {})
    if harden:
        config.update(QUERY_CONFIG)
    try:
        return duckdb.connect(str(database), config=config)
    except duckdb.Error as exc:
        raise LoadError(f"DuckDB refused the settings {config}: {first_line(exc)}") from None


def lock(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """Forbid file access and configuration changes on ``con`` for the rest of its life."""
    for statement in _LOCK_STATEMENTS:
        con.execute(statement)
    return con


def load_into(
    con: duckdb.DuckDBPyConnection,
    root: Path,
    package: Package | None = None,
    constraints: bool = False,
    resources: Iterable[str] | None = None,
) -> Package:
    """Create and fill one table per resource (all, or the named ones) on an open connection."""
    package = package or schema_mod.load_package(root)
    wanted = set(resources) if resources is not None else None
    for resource in dependency_order(package):
        if wanted is None or resource.name in wanted:
            _load_resource(con, Path(root), resource, package, constraints)
    return package


def connect(
    root: Path | None = None,
    *,
    constraints: bool = False,
    lock_connection: bool = True,
    database: str | Path = ":memory:",
    package: Package | None = None,
    config: dict[str, str] | None = None,
    sql: str | None = None,
    params: Mapping[str, object] | None = None,
) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection holding every resource as a typed table named after it.

    Locked by default (``lock_connection=True``): the tables exist, and nothing can read or write a
    file (not even a temporary one) or change a setting any more. ``config`` goes to
    ``duckdb.connect`` (e.g. a block size for a database file, or the query's ``memory_limit``).
    With ``sql``, only the resources that statement reads are loaded (all of them when that cannot
    be told, see ``tables_read_by``), so a broken or large file the statement does not touch is
    never read; and of those, only the columns it reads (``columns_read_by``, with ``params`` bound
    as the statement will be run): the other columns are there, all NULL. Raises LoadError
    (UnknownTableError for a table that does not exist) or schema.DescriptorError, with a hint.
    """
    root = Path(root) if root is not None else paths.default_root()
    if package is None and str(database) != ":memory:":
        package = schema_mod.load_package(root)  # a bad descriptor creates no database file
    con = open_connection(database, config, harden=lock_connection)
    try:
        if package is None:
            # The descriptor's patterns are judged in RE2 on this connection's database: opening
            # a second one for that alone cost about 40 ms of each query.
            with schema_checks.patterns_on(con):
                package = schema_mod.load_package(root)
        # Decided on the fresh connection, before any file is read and before the lock. A statement
        # reading anything but the resources and views (a file, a table function) gets None here,
        # so only a statement over the package's own tables is planned before the lock.
        wanted = tables_read_by(con, sql, package) if sql is not None else None
        if sql is not None and wanted is not None and not constraints:
            _load_for_statement(con, root, package, sql, params, wanted)
        else:
            load_into(con, root, package, constraints=constraints, resources=wanted)
            if not constraints:  # a build's database file holds the resources' tables only
                create_views(con, package.resource_names if wanted is None else wanted)
        if lock_connection:
            lock(con)
    except BaseException:
        con.close()
        raise
    return con


def _load_for_statement(
    con: duckdb.DuckDBPyConnection,
    root: Path,
    package: Package,
    sql: str,
    params: Mapping[str, object] | None,
    wanted: list[str],
) -> None:
    """The tables ``sql`` reads, created empty, planned on (with the views), then filled with only
    the columns the plan reads; the others are generated columns, always NULL."""
    resources = [r for r in dependency_order(package) if r.name in wanted]
    for resource in resources:
        create_empty_table(con, resource)
    create_views(con, wanted)
    columns = columns_read_by(con, sql, package, wanted, params)
    for resource in resources:
        if columns[resource.name] != resource.field_names:
            # The same table again, its unread columns NULL by definition (views bind by name).
            con.execute(f"DROP TABLE {quote_ident(resource.name)}")
            create_empty_table(con, resource, columns[resource.name])
        _fill_columns(con, root, resource, columns[resource.name])


def load(root: Path | str | None = None) -> dict[str, pl.DataFrame]:
    """Every resource as a typed polars DataFrame, by resource name (in descriptor order).

    Example:

        from commitment_tracker import load
        tables = load()
        tables["claims"].select("claim_id", "value", "unit_id")
    """
    import polars as pl

    root = Path(root) if root is not None else paths.default_root()
    package = schema_mod.load_package(root)
    con = connect(root, package=package)
    try:
        return {
            r.name: pl.from_arrow(con.table(quote_ident(r.name)).to_arrow_table()) for r in package.resources
        }
    finally:
        con.close()

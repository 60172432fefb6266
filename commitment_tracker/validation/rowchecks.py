"""The Table Schema's row checks, set-wise in DuckDB, judged and located as Frictionless does.

Frictionless checks every cell in Python (about 25k rows/s here, and never in parallel once a
package has foreign keys). This module does the same row work as SQL over each resource's all-text
frame (``ValidationContext.text_table``, read once per run and shared with the content layer) and
reports it with Frictionless's own rule names, notes and row numbers, so a report does not change
with the engine. Nothing is stored per row: each resource's typing and judging SELECT is a view
over its text, counted in one scan, and the key rules (unique, primary and foreign keys) read
only the typed key columns they compare, straight from the text; a located problem reads its
text back from the text view by row number (see ``_plan``):

- ``blank-row``: every cell missing (it then hides the row's cell errors, as in Frictionless);
- ``type-error``: a non-missing value its field's reader rejects: integers, numbers and default
  dates must be in the package's canonical form (``csvio.CANONICAL_FORMS``: no NaN, INF, ``1_03``,
  `` 103``, ``2025-7-3``, year 0…), which Frictionless is made to apply too
  (``structure.canonical_readers``);
- ``constraint-error``: required, enum, pattern (full match), minimum/maximum, minLength/maxLength,
  on typed values, only for cells without a type error; the expressions come from
  ``database.field_checks``, the same ones the build's CHECK constraints use;
- ``unique-error`` and ``primary-key`` (single or composite; a key of only missing cells is an
  error): every repeat after the first occurrence;
- ``foreign-key``: an anti-join against the referenced resource (another or the same table,
  single or composite); a key of only missing cells is not checked.

Fields whose type or format has no SQL form here (``uri``, ``email``, ``year``, a custom date
format, …) are judged by Frictionless's own cell reader on their distinct values, so those cases
stay exact too. Columns pair with fields by position, as Frictionless pairs them when a header is
wrong (header problems themselves are Frictionless's to report). As Frictionless does, at most
``LIMIT_ERRORS`` row problems are kept per resource, the first ones in row order.

Known differences, all in values no canonical file holds: numbers are compared with bounds as
doubles, not decimals (the canonical form keeps them to 15 digits each side of the point). Patterns
that RE2 (DuckDB) refuses are refused in the descriptor (``schema_checks``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

import duckdb
import polars as pl

from commitment_tracker.database import (
    DATE_FORMAT,
    LoadError,
    check_header,
    field_checks,
    quote_ident,
    quote_literal,
)
from commitment_tracker.datapackage import csvio
from commitment_tracker.datapackage.schema import Field, Resource
from commitment_tracker.validation.arrow_export import numbered_arrow
from commitment_tracker.validation.context import TableUnavailable, ValidationContext
from commitment_tracker.validation.report import CheckResult, Problem

LAYER = "structure"
CHECK = "rows"
DESCRIPTION = (
    "types, required, unique, enum, pattern, ranges, lengths, primary and foreign keys of every row "
    "(DuckDB, from the Table Schema; frictionless's rules and row numbers)"
)
LIMIT_ERRORS = 1000  # frictionless.settings.DEFAULT_LIMIT_ERRORS, per resource
# Tables from this many rows count their key, duplicate and reference rules one statement each
# (less memory at 10^6 claims); smaller ones in one statement (each statement costs ~5 ms).
COUNT_APART_ROWS = 100_000
ROW = "__row"


@dataclasses.dataclass
class _Table:
    resource: Resource
    present: list[Field]  # fields paired with a column of the file, in schema order
    rows: int
    fallback_notes: dict[str, list[tuple[str, str, str]]]  # field -> (value, rule, note)
    # field -> SQL of its typed value over the all-text view (NULL where the cell is missing or
    # refused); the key tables that foreign keys into this resource look up are built from it.
    typed: dict[str, str] = dataclasses.field(default_factory=dict)
    select: str = ""  # the SELECT typing and judging the all-text view (a view, never stored)

    @staticmethod
    def raw(name: str) -> str:
        """SQL for the cell's text as written, in a locating query (read back from the view)."""
        return quote_ident(name + ":raw")

    @property
    def view_name(self) -> str:
        """The registered all-text view (unquoted, as ``register`` takes it)."""
        return f"raw_{self.resource.name}"

    @property
    def view(self) -> str:
        return quote_ident(self.view_name)

    @property
    def sql_name(self) -> str:
        return quote_ident(f"typed_{self.resource.name}")

    def keyed(self, names: Iterable[str]) -> str:
        """A subquery of the row number and the typed values of fields ``names``, typed straight
        from the text view: a key rule computes these columns only, not the whole ``select``
        (DuckDB does not prune a view's unused columns here: through the view a foreign key
        count cost as much as the whole typing pass)."""
        cols = "".join(f", {self.typed[n]} AS {quote_ident(n)}" for n in dict.fromkeys(names))
        return f"(SELECT {ROW}{cols} FROM {self.view})"


def run(ctx: ValidationContext) -> CheckResult:
    """Check every row of every readable resource; one CheckResult with all row problems.

    No typed table is stored: a resource's typing SELECT is a temporary view, counted in one scan
    (round 6 stored it, one table at a time: 2.6 s of CPU for claims at 10^6, where the counting
    scan without storing takes under 1 s). Foreign keys look up key tables (the referenced columns
    only), each built from the text view before its first user is judged and dropped after its
    last; a table is judged before the tables referencing it, so that (at 10^7) the 10^7 claim
    ids are not held while ``claims`` is. Problems are reported in the resources' order all the
    same.
    """
    result = CheckResult(LAYER, CHECK, DESCRIPTION, unit="rows")
    con = duckdb.connect()
    try:
        tables: dict[str, _Table] = {}
        for resource in ctx.package.resources:
            table = _plan(con, ctx, resource)
            if table is not None:
                tables[resource.name] = table
                result.checked += table.rows
        order = _judging_order(tables)
        keys = _KeyTables(con, tables, order)
        found: dict[str, list[Problem]] = {}
        for at, table in enumerate(order):
            keys.build(at)
            con.execute(f"CREATE TEMP VIEW {table.sql_name} AS {table.select}")
            problems = sorted(_row_problems(con, table, keys.built), key=lambda p: p[0])
            con.execute(f"DROP VIEW {table.sql_name}")
            keys.release(at)
            found[table.resource.name] = [p for _, p in problems[:LIMIT_ERRORS]]
            found[table.resource.name] += _unchecked_references(ctx, table, tables)
        for name in tables:
            result.problems.extend(found[name])
    finally:
        con.close()
    return result


def _judging_order(tables: dict[str, _Table]) -> list[_Table]:
    """The tables, each before those whose foreign keys reference it, otherwise in the resources'
    order (in a cycle of references, the first resource of the cycle goes first)."""
    order: list[_Table] = []
    waiting = list(tables.values())
    while waiting:
        judged = {t.resource.name for t in order}
        table = next((t for t in waiting if _references_judged(t, judged, tables)), waiting[0])
        order.append(table)
        waiting.remove(table)
    return order


def _references_judged(table: _Table, judged: set[str], tables: dict[str, _Table]) -> bool:
    """Whether every table ``table`` references (itself aside) has been judged."""
    return all(
        fk.resource in judged or fk.resource == table.resource.name or fk.resource not in tables
        for fk in table.resource.foreign_keys
    )


# --- reading -------------------------------------------------------------------------------------


def _text_frame(ctx: ValidationContext, resource: Resource) -> pl.DataFrame | None:
    """The resource's all-text frame with columns named after the fields they pair with."""
    if resource.name in ctx.unreadable:
        return None
    try:
        check_header(ctx.root, resource)
    except LoadError:
        # A wrong header (frictionless reports it): pair columns with fields by position.
        try:
            frame = csvio.read_text_frame(resource.file(ctx.root))
        except (csvio.TableReadError, ValueError):
            return None
        names = resource.field_names[: frame.width]
        return frame.select(pl.col(c).alias(n) for c, n in zip(frame.columns, names, strict=False))
    try:
        return ctx.text_table(resource.name)
    except TableUnavailable:
        return None


def _plan(con: duckdb.DuckDBPyConnection, ctx: ValidationContext, resource: Resource) -> _Table | None:
    """Register the resource's text as a view and write the SELECT that types and judges it."""
    frame = _text_frame(ctx, resource)
    if frame is None:
        return None
    present = [f for f in resource.fields if f.name in frame.columns]
    table = _Table(resource, present, frame.height, {})
    view = table.view_name
    # String views over the frame's own chunks: DuckDB reads its buffers, no text is copied.
    con.register(view, numbered_arrow(frame, ROW, 2))
    # The inner SELECT types each cell; the outer one judges the constraints on typed values and
    # keeps only what the counts read: verdicts, and typed values where a key or a fallback rule
    # reads them. A locating query reads the text back from the view (_row_problems).
    inner, outer = [quote_ident(ROW)], [quote_ident(ROW)]
    keyed = _keyed_fields(resource)
    for f in resource.fields:
        col = quote_ident(f.name)
        if f not in present:
            table.typed[f.name] = f"NULL::{f.duckdb_type}"
            outer.append(f"NULL::{f.duckdb_type} AS {col}")
            continue
        missing = _missing(resource, col)
        valid, typed = _reader(f, col)
        if valid is None:  # no SQL form: frictionless's own reader, on distinct values
            table.fallback_notes[f.name] = _judge_distinct(con, view, resource, f)
            bad = [v for v, rule, _ in table.fallback_notes[f.name] if rule == "type-error"]
            valid = f"{col} NOT IN ({', '.join(map(quote_literal, bad))})" if bad else "true"
            typed = col
        ok = f"CASE WHEN {missing} THEN NULL ELSE ({valid}) END"
        table.typed[f.name] = f"CASE WHEN {ok} THEN {typed} END"
        ok_col = quote_ident(f.name + ":ok")
        inner += [f"{ok} AS {ok_col}", f"{table.typed[f.name]} AS {col}"]
        outer.append(ok_col)
        if f.name in keyed or f.name in table.fallback_notes:
            outer.append(col)
        if f.name in table.fallback_notes:
            continue
        for name, expr in _constraint_columns(f):
            outer.append(f"{expr} AS {quote_ident(name)}")
    blank = " AND ".join(_missing(resource, quote_ident(f.name)) for f in present) or "false"
    inner.append(f"({blank}) AS __blank")
    outer.append("__blank")
    table.select = f"SELECT {', '.join(outer)} FROM (SELECT {', '.join(inner)} FROM {table.view})"
    return table


def _keyed_fields(resource: Resource) -> set[str]:
    """Fields whose typed values a later statement reads: keys, unique fields, foreign keys."""
    keyed = set(resource.primary_key)
    keyed.update(f.name for f in resource.fields if f.constraints.get("unique"))
    for fk in resource.foreign_keys:
        keyed.update(fk.fields)
    return keyed


CONSTRAINTS = ("enum", "pattern", "minimum", "maximum", "minLength", "maxLength")


def _constraint_columns(f: Field) -> list[tuple[str, str]]:
    """(column, expression on the typed value) per declared constraint.

    Judged while the table is built, so a constraint costs no later pass and text no key reads
    need not be stored. The expressions come from ``database.field_checks``, as the build's CHECK
    constraints do.
    """
    columns = []
    for constraint in CONSTRAINTS:
        if constraint not in f.constraints:
            continue
        only = {constraint: f.constraints[constraint]}
        (expr,) = field_checks(dataclasses.replace(f, constraints=only))
        if constraint == "pattern":
            # Python's $ also matches before a final newline (frictionless compiles ^…$). Only a
            # value ending in one is chopped and matched again: a CASE evaluates its THEN for the
            # rows its WHEN selects (chopping every value cost 1 s for claims' ids at 10^6).
            col = quote_ident(f.name)
            chopped = f"regexp_full_match(left({col}, length({col}) - 1), {quote_literal(only['pattern'])})"
            expr = f"({expr} OR CASE WHEN ends_with({col}, chr(10)) THEN {chopped} ELSE false END)"
        columns.append((f"{f.name}:{constraint}", expr))
    return columns


class _KeyTables:
    """(resource, fields) -> a temp table of the typed values foreign keys look up there, alive
    from before its first user is judged to after its last (positions in the judging order).

    Built from the text view, so its resource's typed table need not exist; a view is unregistered
    once its own table is judged and every key table read from it is built. Only the referenced
    columns are kept (ids, a fraction of the bytes).
    """

    def __init__(
        self, con: duckdb.DuckDBPyConnection, tables: dict[str, _Table], order: list[_Table]
    ) -> None:
        self._con, self._tables = con, tables
        self.built: dict[tuple[str, tuple[str, ...]], str] = {}
        self._users: dict[tuple[str, tuple[str, ...]], list[int]] = {}
        for at, table in enumerate(order):
            for fk in table.resource.foreign_keys:
                if fk.resource in tables:
                    self._users.setdefault((fk.resource, tuple(fk.reference_fields)), []).append(at)
        # A view's last reader: its own table, or the first user of a key table built from it.
        self._view_done = {t.resource.name: at for at, t in enumerate(order)}
        for (target, _), users in self._users.items():
            self._view_done[target] = max(self._view_done[target], min(users))

    def build(self, at: int) -> None:
        """Build the key tables whose first user is judged at ``at``."""
        for number, (key, users) in enumerate(self._users.items()):
            if min(users) != at:
                continue
            target = self._tables[key[0]]
            name = quote_ident(f"keys_{number}_{target.resource.name}")
            cols = ", ".join(f"{target.typed[c]} AS {quote_ident(c)}" for c in key[1])
            self._con.execute(f"CREATE TEMP TABLE {name} AS SELECT {cols} FROM {target.view}")
            self.built[key] = name

    def release(self, at: int) -> None:
        """Drop the key tables whose last user was judged at ``at``, and the views done with."""
        for key, users in self._users.items():
            if max(users) == at:
                self._con.execute(f"DROP TABLE {self.built.pop(key)}")
        for name, done in self._view_done.items():
            if done == at:
                self._con.unregister(self._tables[name].view_name)


def _missing(resource: Resource, raw: str) -> str:
    values = [v for v in resource.missing_values if v != ""]
    listed = f" OR {raw} IN ({', '.join(map(quote_literal, values))})" if values else ""
    empty = f" OR {raw} = ''" if "" in resource.missing_values else ""
    return f"({raw} IS NULL{empty}{listed})"


def _reader(f: Field, raw: str) -> tuple[str | None, str | None]:
    """SQL (is the cell of this type, its typed value) for a non-missing cell; None: no SQL form."""
    if f.type == "string" and f.format in (None, "default"):
        return "true", raw
    form = csvio.canonical_form(f.type, f.format)
    if form is None:
        return None, None
    canonical = f"regexp_full_match({raw}, {quote_literal(f'(?:{form})')})"
    if f.type == "integer":
        return canonical, f"TRY_CAST({raw} AS HUGEINT)"
    if f.type == "number":
        return canonical, f"TRY_CAST({raw} AS DOUBLE)"
    # A date: canonical, and a day the calendar has (2025-02-30 matches the form).
    parsed = f"TRY_STRPTIME({raw}, {quote_literal(DATE_FORMAT)})"
    return f"({canonical} AND {parsed} IS NOT NULL)", f"{parsed}::DATE"


# A web address of plain ASCII URI characters, which frictionless's ``uri`` reader always accepts:
# it accepts a cell whose RFC 3986 parse (rfc3986's Appendix B regex, which matches any text)
# finds a scheme, and a scheme is found whenever the text starts with one and a colon. Such cells
# are not handed to the reader one by one (40 us each: 0.8 s for the 20,000 sources of 10^6
# claims); a test holds the reader to it.
PLAIN_WEB_URI = r"https?://[A-Za-z0-9._~:/?#\[\]@!$&'()*+,;=%-]*"


def _judge_distinct(
    con: duckdb.DuckDBPyConnection, view: str, resource: Resource, f: Field
) -> list[tuple[str, str, str]]:
    """(value, rule, note) for each distinct value frictionless's cell reader objects to."""
    import frictionless

    declared = next(x for x in resource.descriptor["schema"]["fields"] if x.get("name") == f.name)
    descriptor = {k: v for k, v in declared.items() if k not in ("description", "title")}
    # required is checked in SQL with every other field; the reader sees non-missing values only.
    descriptor["constraints"] = {k: v for k, v in f.constraints.items() if k != "required"}
    reader = frictionless.Field.from_descriptor(descriptor).create_cell_reader()
    col = quote_ident(f.name)
    where = f"NOT {_missing(resource, col)}"
    if f.type == "string" and f.format == "uri" and not descriptor["constraints"]:
        where += f" AND NOT regexp_full_match({col}, {quote_literal(PLAIN_WEB_URI)})"
    values = con.execute(f"SELECT DISTINCT {col} FROM {quote_ident(view)} WHERE {where}").fetchall()
    judged = []
    for (value,) in values:
        _, notes = reader(value)
        for name, note in (notes or {}).items():
            judged.append((value, "type-error" if name == "type" else "constraint-error", note))
    return judged


# --- checks --------------------------------------------------------------------------------------


def _row_problems(
    con: duckdb.DuckDBPyConnection,
    table: _Table,
    keys: dict[tuple[str, tuple[str, ...]], str],
) -> Iterable[tuple[tuple, Problem]]:
    """(sort key, problem) for every row problem of one resource, in any order."""
    resource = table.resource
    queries: list[tuple[str, str]] = []  # (query locating the rows, aggregate counting them)
    t = table.sql_name
    order = {f.name: i for i, f in enumerate(resource.fields)}
    # Located rows read their text as written back from the view (rows are located only for a
    # rule that fails, so a valid table never pays for this join).
    texts = "".join(f", {quote_ident(f.name)} AS {table.raw(f.name)}" for f in table.present)
    text = f"JOIN (SELECT {ROW} AS __text_row{texts} FROM {table.view}) AS __text ON __text_row = {ROW}"

    def add(
        rule: str,
        rank: int,
        column: str,
        value: str,
        note: str,
        where: str,
        source: str = t,
        count: str | None = None,
    ) -> None:
        """A rule: the query locating its rows, and how to count them (an aggregate over the
        typed view, or a scalar subquery; by default the rows of ``source`` meeting ``where``)."""
        located = (
            f"SELECT {quote_literal(rule)} AS rule, {rank} AS rank, {len(queries)} AS seq, "
            f"{ROW} AS row_number, {column} AS column_name, {value} AS value, {note} AS note "
            f"FROM {source} {text} WHERE {where}"
        )
        if count is None:
            count = f"count_if({where})" if source == t else f"(SELECT count(*) FROM {source} WHERE {where})"
        queries.append((located, count))

    add("blank-row", 0, "NULL", "NULL", "NULL", "__blank")
    for f in table.present:
        rank = 1 + order[f.name]
        ok, col = (quote_ident(f.name + s) for s in (":ok", ""))
        raw = table.raw(f.name)
        name = quote_literal(f.name)
        cell_where = f"NOT __blank AND {ok} IS NOT DISTINCT FROM"
        note = quote_literal(csvio.type_error_note(f.type, f.format))
        add("type-error", rank, name, raw, note, f"{cell_where} false")
        if f.required:
            note = quote_literal(_constraint_note("required", True))
            add("constraint-error", rank, name, raw, note, f"NOT __blank AND {ok} IS NULL")
        if f.name in table.fallback_notes:
            for value, rule, note in table.fallback_notes[f.name]:
                if rule == "constraint-error":
                    where = f"{cell_where} true AND {col} = {quote_literal(value)}"
                    add(rule, rank, name, raw, quote_literal(note), where)
            continue
        for constraint in CONSTRAINTS:
            if constraint in f.constraints:
                note = quote_literal(_constraint_note(constraint, f.constraints[constraint]))
                judged = quote_ident(f"{f.name}:{constraint}")  # judged when the table was built
                add("constraint-error", rank, name, raw, note, f"{cell_where} true AND NOT {judged}")
        if f.constraints.get("unique"):
            prev = f"lag({ROW}) OVER (PARTITION BY {col} ORDER BY {ROW})"
            keyed = table.keyed([f.name])
            source = f"(SELECT *, {prev} AS __prev FROM {keyed} WHERE {col} IS NOT NULL)"
            note = _SAME_AS
            repeats = f"(SELECT count({col}) - count(DISTINCT {col}) FROM {keyed})"
            add("unique-error", 100 + rank, name, raw, note, "__prev IS NOT NULL", source, repeats)
    present = {f.name for f in table.present}
    pk = list(resource.primary_key)
    if pk and set(pk) <= present:
        cols = ", ".join(quote_ident(c) for c in pk)
        all_null = " AND ".join(f"{quote_ident(c)} IS NULL" for c in pk)
        note = quote_literal('cells composing the primary keys are all "None"')
        add("primary-key", 200, "NULL", "NULL", note, all_null)
        prev = f"lag({ROW}) OVER (PARTITION BY {cols} ORDER BY {ROW})"
        keyed = table.keyed(pk)
        source = f"(SELECT *, {prev} AS __prev FROM {keyed} WHERE NOT ({all_null}))"
        groups = f"SELECT 1 FROM {keyed} WHERE NOT ({all_null}) GROUP BY {cols} HAVING count(*) > 1"
        repeated = f"(EXISTS ({groups}))::INT"
        if len(pk) == 1:
            # Counted as a unique field's repeats are: a key field declared unique too is counted once.
            repeated = f"(SELECT count({cols}) - count(DISTINCT {cols}) FROM {keyed})"
        add("primary-key", 200, "NULL", "NULL", _SAME_AS, "__prev IS NOT NULL", source, repeated)
    for i, fk in enumerate(resource.foreign_keys):
        lookup = keys.get((fk.resource, tuple(fk.reference_fields)))
        if lookup is None or not set(fk.fields) <= present:
            continue
        src = [f"s.{quote_ident(c)}" for c in fk.fields]
        ref = [f"r.{quote_ident(c)}" for c in fk.reference_fields]
        equal = " AND ".join(f"{a} IS NOT DISTINCT FROM {b}" for a, b in zip(src, ref, strict=True))
        if len(src) == 1:
            equal = f"{src[0]} = {ref[0]}"
        raw_cells = " || ', ' || ".join(f"coalesce({table.raw(c)}, '')" for c in fk.fields)
        note = (
            f'\'for "{", ".join(fk.fields)}": values "\' || {raw_cells} || '
            f'\'" not found in the lookup table "{fk.resource}" as "{", ".join(fk.reference_fields)}"\''
        )
        ref_not_null = " OR ".join(f"{c} IS NOT NULL" for c in ref)
        src_not_null = f"NOT ({' AND '.join(f'{c} IS NULL' for c in src)})"
        found = f"SELECT 1 FROM {lookup} AS r WHERE ({ref_not_null}) AND {equal}"
        where = f"{src_not_null} AND NOT EXISTS ({found})"
        source = f"{table.keyed(fk.fields)} AS s"
        # Counted as an anti-join on the lookup's usable keys: the same rows as ``where``, at
        # two thirds of the CPU of NOT EXISTS (0.24 s against 0.37 for claims at 10^6).
        usable = f"(SELECT * FROM {lookup} AS r WHERE {ref_not_null}) AS r"
        count = f"(SELECT count(*) FROM {source} ANTI JOIN {usable} ON {equal} WHERE {src_not_null})"
        column = quote_literal(", ".join(fk.fields))
        add("foreign-key", 300 + i, column, raw_cells, note, where, source, count)
    failing = _failing(con, t, queries, apart=table.rows >= COUNT_APART_ROWS)
    if not failing:
        return
    # Sorted by row, then rank; a cell breaking several constraints lists them in the order they
    # were added here (``seq``), not in whatever order UNION ALL's threads return them.
    for rule, rank, seq, row, column, value, note in con.execute(" UNION ALL ".join(failing)).fetchall():
        problem = Problem(
            layer=LAYER,
            check=CHECK,
            rule=rule,
            message=note or _MESSAGES[rule].format(row=row),
            resource=resource.name,
            row=row,
            column=column,
            value=value,
        )
        yield (row, rank, seq), problem


def _failing(
    con: duckdb.DuckDBPyConnection, table: str, queries: list[tuple[str, str]], apart: bool = False
) -> list[str]:
    """The locating queries of the rules some row breaks, found by counting first.

    Every rule is counted first, in one statement: the rules on its own cells in one scan
    (``count_if``), duplicates by distinct counts, foreign keys as anti-joins (scalar subqueries).
    With ``apart``, the duplicate and reference counts run one statement each instead, so their
    hash tables (about the size of the key columns each) never coexist in memory; each is
    selected alone, never ``FROM`` the table (that repeated the scalar on every row: 0.6 s of CPU
    for a foreign key of claims at 10^6 where the count takes 0.2). A valid table thus costs one
    pass and a few key scans, and no row is located unless a rule fails.
    """
    distinct = list(dict.fromkeys(count for _, count in queries))  # the same count is run once
    cheap = [count for count in distinct if count.startswith("count_if(") or not apart]
    found: dict[str, int] = {}
    if cheap:
        (counts,) = con.execute(f"SELECT {', '.join(cheap)} FROM {table}").fetchall()
        found.update(zip(cheap, counts, strict=True))
    for count in distinct:
        if count not in found:
            (found[count],) = con.execute(f"SELECT {count}").fetchone()
    return [located for located, count in queries if found[count]]


_SAME_AS = "'the same as in the row at position ' || __prev"
_MESSAGES = {"blank-row": 'Row at position "{row}" is completely blank'}


def _constraint_note(name: str, constraint: object) -> str:
    return f'constraint "{name}" is "{constraint}"'


def _unchecked_references(ctx: ValidationContext, table: _Table, tables: dict[str, _Table]) -> list[Problem]:
    """A foreign key into an unreadable resource cannot be checked: say so, once per target."""
    problems = []
    for target in dict.fromkeys(fk.resource for fk in table.resource.foreign_keys):
        if target in tables or target == table.resource.name:
            continue
        why = ctx.unreadable.get(target, "its file cannot be read")
        problems.append(
            Problem(
                layer=LAYER,
                check=CHECK,
                rule="not-validated",
                message=f"foreign keys into {target} were not checked: {target} is unreadable ({why}); "
                "fix the file problems above first",
                resource=table.resource.name,
            )
        )
    return problems

"""Named queries (``queries/*.sql``), their parameters, and the read-only way every query runs.

A named query is one SQL file whose name (without ``.sql``) is the query's name. It starts with a
comment block that the tools read::

    -- title: Commitments due by a given year
    -- description: Which commitments must be met by a given year? One row per commitment with
    --   its target, unit and latest reported status.
    -- param: year INTEGER = 2030 -- last deadline year included
    -- example: python cli.py query due-by --param year=2030

``title``, ``description`` and at least one ``example`` are required; a line indented after the
``--`` continues the previous key. Each ``param`` line reads ``NAME TYPE [= DEFAULT] -- help``;
without a default the parameter is required; ``-- param: none`` says there are none. A DATE default
of ``today`` means the date from $COMMITMENTS_TODAY (else the clock), the project's one "today".

Parameters are bound by DuckDB (``$year`` in the SQL), never formatted into the SQL text, and the
parameters a file declares must be exactly those its SQL uses.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from commitment_tracker import sqlheader
from commitment_tracker.database import quote_ident, quote_literal
from commitment_tracker.datapackage import containment, paths
from commitment_tracker.errors import TrackerError
from commitment_tracker.query.limits import (
    BATCH_ROWS,
    NESTED_BATCH_ROWS,
    QueryInterrupted,
    QueryTimeout,
    Stopper,
)
from commitment_tracker.text import did_you_mean

# Parameter types a query may declare -> (converter from command-line text, example shown in errors).
PARAM_TYPES: dict[str, tuple[Any, str]] = {
    "VARCHAR": (str, "any text"),
    "INTEGER": (int, "a whole number like 2030"),
    "DOUBLE": (float, "a number like 2.5"),
    "DATE": (dt.date.fromisoformat, "a date like 2025-07-01"),
    "BOOLEAN": (None, "true or false"),  # converted by _to_boolean
}
TODAY_DEFAULT = "today"

# Statement types the query path accepts: reading only. DESCRIBE, SHOW and SUMMARIZE parse as SELECT.
READ_ONLY_STATEMENTS = ("SELECT", "EXPLAIN")

_PARAM_LINE = re.compile(
    r"^(?P<name>[a-z_][a-z0-9_]*)\s+(?P<type>[A-Z]+)(?:\s*=\s*(?P<default>.*?))?\s+--\s+(?P<help>\S.*)$"
)
_KNOWN_KEYS = ("title", "description", "param", "example")

# Types converted to text in SQL before they reach Python or Parquet (see QueryRun._plan). For
# Parquet: pyarrow cannot write intervals or unions, DuckDB exports BIT and BIGNUM as opaque bytes,
# a UHUGEINT above 2^127 as a wrong decimal, and a TIME WITH TIME ZONE without its offset.
_AS_TEXT_FOR_PYTHON = re.compile(r"\b(INTERVAL|TIMESTAMP WITH TIME ZONE|TIMESTAMPTZ_NS)\b")
_WITH_TIME_ZONE = ("TIMESTAMP WITH TIME ZONE", "TIMESTAMPTZ_NS")
_NESTED = re.compile(r"\[|^(STRUCT|MAP|UNION)\(")
# A list, struct or map reaches Python whole; see QueryRun._plan.
MAX_NESTED_CHARS = 1_000_000
_AS_TEXT_FOR_PARQUET = re.compile(r"\b(INTERVAL|UNION|BIT|BIGNUM|VARINT|UHUGEINT|TIME WITH TIME ZONE)\b")


class QueryError(TrackerError):
    """A user's mistake (unknown query, bad parameter, refused SQL); the message says what is valid."""


class QueryDefinitionError(TrackerError):
    """A file in queries/ does not follow the header convention; the message names the file."""


@dataclass(frozen=True)
class Param:
    name: str
    type: str
    default: str | None  # as written in the header; None means required
    help: str

    @property
    def required(self) -> bool:
        return self.default is None

    def signature(self) -> str:
        text = f"{self.name} {self.type}"
        if self.required:
            return text
        default = self.default or "''"
        return f"{text} = {default}"

    def convert(self, text: str) -> Any:
        """The typed value DuckDB will bind; QueryError naming the expected form when it does not parse."""
        if self.type == "DATE" and text.strip().lower() == TODAY_DEFAULT:
            return _today()
        try:
            if self.type == "BOOLEAN":
                return _to_boolean(text)
            converter, _ = PARAM_TYPES[self.type]
            return converter(text.strip() if self.type != "VARCHAR" else text)
        except ValueError:
            expected = PARAM_TYPES[self.type][1]
            raise QueryError(
                f"parameter {self.name!r} must be {self.type} ({expected}), not {text!r}"
            ) from None


@dataclass(frozen=True)
class NamedQuery:
    name: str
    path: Path
    title: str
    description: str
    params: tuple[Param, ...]
    examples: tuple[str, ...]
    sql: str = field(repr=False)

    def bind(self, given: Mapping[str, str]) -> dict[str, Any]:
        """Typed values for every declared parameter (defaults filled in); QueryError on any mistake."""
        names = [p.name for p in self.params]
        for key in given:
            if key not in names:
                raise QueryError(
                    f"query {self.name!r} has no parameter {key!r}{did_you_mean(key, names)}. "
                    f"{self.params_sentence()}"
                )
        missing = [p for p in self.params if p.required and p.name not in given]
        if missing:
            listed = "; ".join(f"--param {p.name}=VALUE ({p.type}: {p.help})" for p in missing)
            others = f" {self.params_sentence()}" if len(missing) < len(self.params) else ""
            raise QueryError(f"query {self.name!r} needs {listed}.{others}")
        values = {}
        for p in self.params:
            text = given.get(p.name, p.default)
            values[p.name] = p.convert(text)  # type: ignore[arg-type]  # required ones are in given
        return values

    def params_sentence(self) -> str:
        if not self.params:
            return "It takes no parameters."
        return "Valid parameters: " + "; ".join(f"{p.signature()} ({p.help})" for p in self.params) + "."


# --- reading query files -------------------------------------------------------------------------


QUERIES_DIRNAME = "queries"


def queries_dir(root: Path) -> Path:
    """The named queries of the package at ``root``: its ``queries/`` folder.

    Read from the package root the command was given (``--root``), never from where the Python
    package is installed: a package copied elsewhere brings its own queries.
    """
    return Path(root) / QUERIES_DIRNAME


def parse_query_text(name: str, text: str, path: Path) -> NamedQuery:
    """Split a query file into its header (title, description, params, examples) and its SQL."""
    header = sqlheader.parse(text, _KNOWN_KEYS)
    for number, line in header.stray:
        raise QueryDefinitionError(
            f"{path.name}:{number}: header line {line!r} is not one of "
            f"{', '.join(k + ':' for k in _KNOWN_KEYS)} nor an indented continuation"
        )
    sql = header.sql
    values = {key: header.values(key) for key in _KNOWN_KEYS}
    for key in ("title", "description", "example"):
        if not any(v.strip() for v in values[key]):
            raise QueryDefinitionError(f"{path.name}: the header has no {key}: line (every query needs one)")
    if len(values["title"]) > 1 or len(values["description"]) > 1:
        raise QueryDefinitionError(f"{path.name}: the header has more than one title or description")
    params = _parse_params(path, values["param"])
    if not sql:
        raise QueryDefinitionError(f"{path.name}: no SQL after the header")
    return NamedQuery(
        name=name,
        path=path,
        title=values["title"][0],
        description=values["description"][0],
        params=params,
        examples=tuple(values["example"]),
        sql=sql,
    )


def _parse_params(path: Path, lines: list[str]) -> tuple[Param, ...]:
    if lines == ["none"]:
        return ()
    params = []
    for line in lines:
        match = _PARAM_LINE.match(line)
        if not match:
            raise QueryDefinitionError(
                f"{path.name}: param line {line!r} must read 'NAME TYPE [= DEFAULT] -- help', "
                "or 'none' when the query takes no parameters"
            )
        ptype = match.group("type")
        if ptype not in PARAM_TYPES:
            raise QueryDefinitionError(
                f"{path.name}: parameter {match.group('name')!r} has type {ptype}; "
                f"use one of {', '.join(PARAM_TYPES)}"
            )
        default = match.group("default")
        if default is not None:
            default = default.strip()
            if len(default) >= 2 and default[0] == default[-1] == "'":
                default = default[1:-1]
        param = Param(match.group("name"), ptype, default, match.group("help").strip())
        # `today` is resolved when the query runs (and only then imports context.py).
        if default is not None and not (ptype == "DATE" and default.lower() == TODAY_DEFAULT):
            try:
                param.convert(default)
            except QueryError as exc:
                raise QueryDefinitionError(f"{path.name}: the default of {exc}") from None
        params.append(param)
    names = [p.name for p in params]
    if len(set(names)) != len(names):
        raise QueryDefinitionError(f"{path.name}: a parameter is declared twice: {names}")
    return tuple(params)


def read_query(path: Path) -> NamedQuery:
    try:
        # A regular file inside the package: a FIFO would block, a link could read a file outside.
        text = containment.read_package_path(Path(path).parents[1], Path(path)).decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise QueryDefinitionError(f"{path} cannot be read: {exc}") from None
    return parse_query_text(Path(path).stem, text, Path(path))


def discover(directory: Path | None = None) -> dict[str, NamedQuery]:
    """Every named query in ``directory`` (default: queries/ of the repository the tools run from),
    sorted by name."""
    directory = Path(directory) if directory is not None else queries_dir(paths.default_root())
    return {q.name: q for q in (read_query(p) for p in sorted(directory.glob("*.sql")))}


def get(name: str, directory: Path | None = None) -> NamedQuery:
    """One named query; QueryError listing the valid names (with a did-you-mean) when unknown."""
    available = discover(directory)
    if name in available:
        return available[name]
    raise QueryError(
        f"no query named {name!r}{did_you_mean(name, list(available))}. "
        f"Named queries: {', '.join(available) or '(none)'}; `commitments queries` describes them"
    )


def parse_param_options(options: Iterable[str]) -> dict[str, str]:
    """``["year=2030", "actor=dco"]`` -> ``{"year": "2030", "actor": "dco"}`` (the last of a repeat wins)."""
    given: dict[str, str] = {}
    for option in options:
        key, sep, value = option.partition("=")
        if not sep or not key.strip():
            raise QueryError(f"--param {option!r} must look like NAME=VALUE, e.g. --param year=2030")
        given[key.strip()] = value
    return given


# --- running -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Result:
    """A result being read: its column names (made unique), DuckDB type names, and rows in batches."""

    columns: list[str]
    types: list[str]  # DuckDB type names, e.g. VARCHAR, DOUBLE, DATE
    batches: Iterator[list[tuple[Any, ...]]]

    def rows(self) -> Iterator[tuple[Any, ...]]:
        for batch in self.batches:
            yield from batch


def check_read_only(con: duckdb.DuckDBPyConnection, sql: str) -> str:
    """The single read-only statement in ``sql``; QueryError for anything else.

    The locked connection already refuses file access and settings; this check gives a clear
    message first and also keeps writes to the in-memory tables (INSERT, DROP…) out.
    """
    try:
        statements = con.extract_statements(sql)
    except duckdb.Error as exc:
        raise QueryError(f"the SQL does not parse: {_message(exc)}") from None
    if len(statements) != 1:
        raise QueryError(f"send exactly one SQL statement, not {len(statements)}")
    if statements[0].type.name not in READ_ONLY_STATEMENTS:
        words = statements[0].query.split()
        keyword = words[0].upper() if words else statements[0].type.name
        raise QueryError(
            f"{keyword} is refused: queries are read-only (one SELECT, WITH, DESCRIBE, SHOW, "
            "SUMMARIZE or EXPLAIN statement); they cannot write or read files, attach databases, "
            "install extensions, change settings or modify tables."
        )
    return statements[0].query


def used_parameters(con: duckdb.DuckDBPyConnection, sql: str) -> set[str]:
    return set(con.extract_statements(sql)[0].named_parameters)


@dataclass(frozen=True)
class _Plan:
    columns: list[str]  # unique
    types: list[str]
    sql: str
    utc: list[int]  # columns holding naive UTC times, to be marked as UTC
    batch_rows: int


class QueryRun:
    """One read-only statement on its own cursor of ``con``, read batch by batch, stoppable.

    The statement runs when :meth:`result` or :meth:`arrow` is called and streams: DuckDB produces
    rows as they are read, and at most ``max_rows`` are read (one more tells whether there were
    more: then ``truncated`` is True and :meth:`count` says how many). A timeout or Ctrl-C (the
    ``stopper``) interrupts it wherever it is. Every DuckDB error becomes QueryError, or
    QueryStopped for a timeout or Ctrl-C. Close it (or use it as a context manager) when done.

    ``confirm``, when given, is called once before any row or column name is handed out and before
    any error is raised (leaving the block with an error included), and may raise instead: the
    statement runs meanwhile. ``query --from-build`` confirms there that the build's tables are
    still those of the CSV files, hashed while the statement runs (``from_build.connect_hashing``).
    The wait for it does not count towards the timeout; Ctrl-C stops without it.
    """

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        sql: str,
        params: Mapping[str, Any] | None = None,
        stopper: Stopper | None = None,
        confirm: Callable[[], None] | None = None,
    ) -> None:
        self.stopper = stopper or Stopper(None)
        self._confirm = confirm
        try:
            # The statement alone, without a trailing ';', so that it can be read as a subquery.
            self.sql = check_read_only(con, sql).rstrip().rstrip(";")
        except Exception:
            self._confirmed()
            raise
        self.params = dict(params or {})
        self.truncated = False
        self._total: int | None = None  # the whole result's row count, when counted while reading
        self._con = con
        self._cursor = con.cursor()  # a result of its own, which count() can close
        self.stopper.watch(self._cursor)

    def __enter__(self) -> QueryRun:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
        self._confirmed()  # an error of the statement or of its writing is reported only after it

    def close(self) -> None:
        self._cursor.close()

    def result(self, max_rows: int | None = None) -> Result:
        """The rows as Python values (None for all rows), for the text formats.

        When at most ``max_rows`` are read of a statement that sorts its whole result (see
        ``sorts_whole_result``), the rows carry their total as one more column, ``count(*) OVER
        ()``, dropped before they are handed on: DuckDB has computed and sorted every row before
        the first one comes out anyway, so counting them there costs a second buffer of the
        result, where ``count`` would run the whole statement again (0.2 to 0.7 s of the named
        queries at 10^6 claims). A window with an empty OVER keeps the rows' order (DuckDB's
        documented order preservation). A statement that streams its rows is counted as before,
        and so is one whose second buffer does not fit in the memory limit: it runs alone then.
        """
        plan = self._plan(for_python=True)
        counted = bool(max_rows) and sorts_whole_result(self._con, self.sql)
        if counted:
            counting = f"SELECT *, count(*) OVER () FROM (\n{plan.sql}\n) AS result"
            counted = self._call(self._execute_within_memory, counting)
        if not counted:
            self._call(self._cursor.execute, plan.sql, self.params)
        return Result(plan.columns, plan.types, self._confirmed_first(self._batches(max_rows, plan, counted)))

    def _execute_within_memory(self, sql: str) -> bool:
        """Run ``sql`` on the cursor; False when it needs more memory than the limit."""
        try:
            self._cursor.execute(sql, self.params)
        except duckdb.Error as exc:
            if _message(exc).startswith("Out of Memory") or isinstance(exc, duckdb.OutOfMemoryException):
                return False
            raise
        return True

    def arrow(self, max_rows: int | None = None) -> tuple[Any, Iterator[Any]]:
        """The Arrow schema and record batches (for Parquet), at most ``max_rows`` rows."""
        plan = self._plan(for_python=False)
        relation = self._call(self._cursor.sql, plan.sql, params=self.params)
        reader = self._call(relation.to_arrow_reader, BATCH_ROWS)
        return reader.schema, self._confirmed_first(self._arrow_batches(reader, max_rows))

    def count(self) -> int | None:
        """How many rows the whole result has: counted while reading (see ``result``), else
        ``count(*)`` over the statement, run again.

        None when that cannot be told (EXPLAIN is no subquery) or takes past the timeout; Ctrl-C
        still stops it.
        """
        if self._total is not None:
            return self._total
        self._cursor.close()  # the streamed result, left unread
        self._cursor = self._con.cursor()
        self.stopper.watch(self._cursor)
        try:
            counting = f"SELECT count(*) FROM (\n{self.sql}\n)"
            (total,) = self._call(lambda: self._cursor.execute(counting, self.params).fetchone())
            return int(total)
        except QueryInterrupted:
            raise
        except (QueryError, QueryTimeout):
            return None

    # --- inside ---

    def _confirmed(self) -> None:
        """Wait for ``confirm`` (once; again only to raise what it raised), unless Ctrl-C stopped the
        query: the user asked to stop, not to wait."""
        if self._confirm is None or self.stopper.reason == "interrupt":
            return
        with self.stopper.paused():
            self._confirm()
        self._confirm = None

    def _confirmed_first(self, batches: Iterator[Any]) -> Iterator[Any]:
        """``batches`` with the first one read (the statement has run, or has started to stream)
        and ``confirm`` passed before the caller sees anything: column names included. An error
        reading it is raised where the caller would have met it, once confirmed."""
        if self._confirm is None:
            return batches
        try:
            first = next(batches, None)
        except Exception as exc:
            self._confirmed()
            return _raising(exc)
        self._confirmed()
        return batches if first is None else itertools.chain([first], batches)

    def _call(self, function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        try:
            value = function(*args, **kwargs)
        except (duckdb.Error, MemoryError) as exc:
            raise self._error(exc) from None
        self.stopper.check()
        return value

    def _error(self, exc: BaseException) -> Exception:
        if self.stopper.reason is not None or isinstance(exc, duckdb.InterruptException):
            return self.stopper.error()
        text = _message(exc)
        if isinstance(exc, duckdb.OutOfMemoryException | MemoryError) or text.startswith("Out of Memory"):
            return QueryError(_out_of_memory(self._con, text))
        return QueryError(_refusal(exc))

    def _plan(self, for_python: bool) -> _Plan:
        """Column names made unique, types, and the SQL to run for Python values or for Parquet.

        The statement is wrapped in ``SELECT … FROM (statement)`` only when a column must change:
        a second column with the same name is renamed ``name_2`` (JSON objects and Parquet need
        unique names), and types a target cannot take are converted in SQL. For Python, a
        TIMESTAMP WITH TIME ZONE becomes the UTC time (DuckDB's own conversion needs pytz), an
        INTERVAL its text (a timedelta would turn "1 month" into 30 days), and a nested value
        (list, struct, map) larger than MAX_NESTED_CHARS as text is an error: DuckDB turns it into
        Python objects in one uninterruptible step, 40 bytes or so per element, and
        ``SELECT range(100000000)`` would take minutes and gigabytes there. Columns are referred
        to by position (``#1``), which works whatever their names.
        """
        relation = self._call(self._cursor.sql, self.sql, params=self.params)
        original = list(relation.columns)
        types = [str(t) for t in relation.types]
        columns = unique_names(original)
        as_text = _AS_TEXT_FOR_PYTHON if for_python else _AS_TEXT_FOR_PARQUET
        expressions, utc, nested = [], [], False
        for index, (name, type_) in enumerate(zip(columns, types, strict=True)):
            ref = f"#{index + 1}"
            if for_python and type_ in _WITH_TIME_ZONE:
                expression = f"timezone('UTC', CAST({ref} AS TIMESTAMP WITH TIME ZONE))"
                utc.append(index)
            elif as_text.search(type_):
                expression = f"CAST({ref} AS VARCHAR)"
            elif for_python and _NESTED.search(type_):
                nested = True
                too_big = quote_literal(
                    f"a value of column {name} is longer than {MAX_NESTED_CHARS} characters as text; "
                    "text formats and JSON read a list, struct or map whole: unnest or aggregate it "
                    "in the SQL, or write Parquet (--format parquet --output FILE)"
                )
                expression = (
                    f"CASE WHEN strlen(CAST({ref} AS VARCHAR)) > {MAX_NESTED_CHARS} "
                    f"THEN error({too_big}) ELSE {ref} END"
                )
            else:
                expression = ref
            expressions.append(f"{expression} AS {quote_ident(name)}")
        sql = self.sql
        if columns != original or not all(e.startswith("#") for e in expressions):
            sql = f"SELECT {', '.join(expressions)} FROM (\n{self.sql}\n) AS result"
        return _Plan(columns, types, sql, utc, NESTED_BATCH_ROWS if nested else BATCH_ROWS)

    def _batches(
        self, max_rows: int | None, plan: _Plan, counted: bool = False
    ) -> Iterator[list[tuple[Any, ...]]]:
        left = max_rows or None  # 0 means every row
        utc = plan.utc
        while True:
            # One row past the limit tells whether the result had more.
            size = plan.batch_rows if left is None else min(plan.batch_rows, left + 1)
            rows = self._call(self._cursor.fetchmany, size)
            if not rows:
                return
            if counted:  # the total rides as the last column (see result)
                self._total = int(rows[0][-1])
                rows = [row[:-1] for row in rows]
            if left is not None and len(rows) > left:
                self.truncated = True
                rows = rows[:left]
            if utc:
                rows = [_as_utc(row, utc) for row in rows]
            if rows:
                yield rows
            if self.truncated:
                return
            if left is not None:
                left -= len(rows)

    def _arrow_batches(self, reader: Any, max_rows: int | None) -> Iterator[Any]:
        left = max_rows or None
        while True:
            try:
                batch = reader.read_next_batch()
            except StopIteration:
                return
            except Exception as exc:  # pyarrow reports DuckDB's error (an interrupt too) as its own
                raise self._error(exc) from None
            self.stopper.check()
            if left is not None and batch.num_rows > left:
                batch = batch.slice(0, left)
                self.truncated = True  # a further batch would only tell the same
            if batch.num_rows:
                yield batch
            if left is not None:
                left -= batch.num_rows
                if left <= 0:
                    self.truncated = self.truncated or self._has_more(reader)
                    return

    def _has_more(self, reader: Any) -> bool:
        try:
            while True:
                if reader.read_next_batch().num_rows:
                    return True
        except StopIteration:
            return False
        except Exception as exc:
            raise self._error(exc) from None


def _raising(exc: Exception) -> Iterator[Any]:
    raise exc
    yield  # a generator: raises when first read


def sorts_whole_result(con: duckdb.DuckDBPyConnection, sql: str) -> bool:
    """Whether ``sql``'s outermost query ends in ORDER BY (with or without LIMIT), from DuckDB's
    parse tree: then every row has been computed before the first one is returned. False when it
    cannot be told (EXPLAIN, a statement that does not parse)."""
    try:
        (tree,) = con.execute("SELECT json_serialize_sql($sql)", {"sql": sql}).fetchone()
    except duckdb.Error:
        return False
    statements = json.loads(tree).get("statements") or [{}]
    node = statements[0].get("node") or {}
    return any(m.get("type") == "ORDER_MODIFIER" for m in node.get("modifiers") or ())


def unique_names(columns: list[str]) -> list[str]:
    """Column names with repeats renamed: a, a → a, a_2 (a_3, … and skipping names already used)."""
    seen: set[str] = set()
    names = []
    for name in columns:
        candidate, n = name, 1
        while candidate in seen:
            n += 1
            candidate = f"{name}_{n}"
        seen.add(candidate)
        names.append(candidate)
    return names


def check_definition(con: duckdb.DuckDBPyConnection, query: NamedQuery) -> None:
    """A named query is one read-only statement using exactly the parameters it declares."""
    try:
        check_read_only(con, query.sql)
    except QueryError as exc:
        raise QueryDefinitionError(f"{query.path.name}: {exc}") from None
    declared = {p.name for p in query.params}
    used = used_parameters(con, query.sql)
    if declared != used:
        raise QueryDefinitionError(
            f"{query.path.name}: declares parameters {sorted(declared)} but its SQL uses {sorted(used)}"
        )


# --- helpers -------------------------------------------------------------------------------------


def _to_boolean(text: str) -> bool:
    lowered = text.strip().lower()
    if lowered in ("true", "yes", "1"):
        return True
    if lowered in ("false", "no", "0"):
        return False
    raise ValueError(text)


def _today() -> dt.date:
    # context.py holds the project's one "today" ($COMMITMENTS_TODAY); imported here only, because it
    # pulls in polars, which the other queries do not need.
    from commitment_tracker.validation.context import today_from_env

    try:
        return today_from_env()
    except ValueError as exc:
        raise QueryError(str(exc)) from None


def _message(exc: BaseException) -> str:
    return str(exc).strip() or type(exc).__name__


def _refusal(exc: duckdb.Error) -> str:
    text = _message(exc)
    if isinstance(exc, duckdb.PermissionException) or "disabled by configuration" in text:
        return (
            f"refused: {text.splitlines()[0]}. Queries only read the package's tables: file access, "
            "ATTACH, INSTALL and settings are locked."
        )
    if "but it exists in the" in text and "extension" in text:
        return (
            f"refused: {text.splitlines()[0]} Extensions are neither installed nor loaded on the "
            "query connection: only DuckDB's built-in functions are available."
        )
    if "configuration has been locked" in text:
        return f"refused: {text.splitlines()[0]}. Settings are locked on the query connection."
    return text


def describe(found: Mapping[str, NamedQuery], markdown: bool = False) -> str:
    """The list of named queries: for a terminal, or as the Markdown list kept in the README."""
    import textwrap

    out: list[str] = []
    for q in found.values():
        if markdown:
            params = "; ".join(f"`{p.signature()}` ({p.help})" for p in q.params) or "none"
            out.append(f"- **`{q.name}`** — {q.title}. {q.description} Parameters: {params}.")
            continue
        out.append(f"{q.name}: {q.title}")
        out += textwrap.wrap(q.description, width=96, initial_indent="    ", subsequent_indent="    ")
        for p in q.params or ():
            out.append(f"    --param {p.signature()}  ({'required' if p.required else 'optional'}) {p.help}")
        if not q.params:
            out.append("    (no parameters)")
        out.append(f"    e.g. {q.examples[0]}")
        out.append("")
    return "\n".join(out) + ("\n" if markdown else "")


def _out_of_memory(con: duckdb.DuckDBPyConnection, text: str) -> str:
    try:
        (limit,) = con.execute("SELECT current_setting('memory_limit')").fetchone()
    except duckdb.Error:
        limit = "its limit"
    return (
        f"the query needs more memory than the memory limit ({limit}) and was stopped; raise it with "
        f"--memory-limit (e.g. --memory-limit 4GB) or make the query do less ({text.splitlines()[0]})"
    )


def _as_utc(row: tuple[Any, ...], columns: list[int]) -> tuple[Any, ...]:
    # timezone('UTC', …) gave naive UTC times; out of Python's range DuckDB gives text, kept as is.
    cells = list(row)
    for i in columns:
        if isinstance(cells[i], dt.datetime):
            cells[i] = cells[i].replace(tzinfo=dt.UTC)
    return tuple(cells)

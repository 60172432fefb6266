"""Cross-resource rules: SQL files in ``validators/rules/`` whose result rows are the violations.

Each ``<rule-id>.sql`` starts with a comment header, then one DuckDB query::

    -- title: Every commitment has at least one claim
    -- why: A commitment that no claim quotes is not traced to any source text; add the claim
    --   that states it, or remove the commitment.
    -- checks: commitments
    SELECT 'commitments' AS resource, c._row AS row_number, 'commitment_id' AS column_name,
           NULL AS detail
    FROM commitments AS c
    WHERE NOT EXISTS (SELECT 1 FROM claims AS k WHERE k.commitment_id = c.commitment_id)

``title`` and ``why`` are required; ``checks`` names the resource whose rows the rule judges (the
report counts them). Each query returns one row per violation with the columns ``resource``,
``row_number`` and ``column_name`` (where to look, as ``resource:row:column``; several columns are
separated by ", ") and optionally ``detail`` (what is wrong with this row). The offending value is
taken from the CSV text at that location, so it is printed exactly as stored.

Every resource is a table named after it, typed from the Table Schema, with one extra column
``_row``: the row number in the CSV as the report counts it (header = 1, first record = 2). The
connection cannot read files or change settings, so a rule can only read the loaded tables.

Besides DuckDB's own functions a rule may call the functions in ``FUNCTIONS``, for what SQL cannot
say well: ``states_value(quote, value, unit_id, qualifier)`` (whether the quote states that figure
in that unit with that qualifier), ``states_figure(quote, stated, value, unit_id, qualifier)`` (the
same, written exactly as ``stated``) and ``figures_stated(quote)`` (the figures it states, for a
violation's detail), all from the figure grammar in ``figures.py``. A rule of meaning written in
Python is thus still a rule file here, run, located and reported like every other.

The content layer (``content.py``) runs each query and has Great Expectations judge the result, a
table that must be empty, so these rules report through the same layer as the suites.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from commitment_tracker import sqlheader
from commitment_tracker.datapackage import containment, paths
from commitment_tracker.errors import TrackerError
from commitment_tracker.text import first_line
from commitment_tracker.validation import figure_functions
from commitment_tracker.validation.arrow_export import numbered_arrow

if TYPE_CHECKING:
    import duckdb
    import polars as pl

ROW_COLUMN = "_row"
FIRST_RECORD_ROW = 2  # the header is row 1
REQUIRED_COLUMNS = ("resource", "row_number", "column_name")
HEADER_KEYS = ("title", "why", "checks")


class RuleError(TrackerError):
    """A rule file is malformed, or its query failed or returned the wrong columns."""


@dataclass(frozen=True)
class Rule:
    id: str
    path: Path
    title: str
    why: str
    checks: str | None
    sql: str


def parse_rule(path: Path) -> Rule:
    """Read one rule file; RuleError saying what to fix when its header is incomplete."""
    try:
        # Only a regular file: a FIFO committed as a rule would block validate forever.
        # And inside the package: a rule linked to a file outside is refused unread.
        text = containment.read_package_path(Path(path).parents[2], Path(path)).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise RuleError(f"{path.name} is not UTF-8 (byte {exc.start})") from None
    except containment.ContainmentError as exc:
        raise RuleError(str(exc)) from None
    header = sqlheader.parse(text, HEADER_KEYS)
    for number, line in header.stray:
        raise RuleError(
            f"{path.name}:{number}: header line {line!r} is not one of "
            f"{', '.join(k + ':' for k in HEADER_KEYS)} nor an indented continuation"
        )
    # A key given twice: the last one counts.
    values = {key: found[-1] for key in HEADER_KEYS if (found := header.values(key))}
    missing = [k for k in ("title", "why") if not values.get(k)]
    if missing:
        raise RuleError(
            f"{path.name} lacks a header line {' and '.join(f'`-- {k}: …`' for k in missing)} at its top"
        )
    sql = header.sql.rstrip(";").strip()
    if not sql:
        raise RuleError(f"{path.name} has no query after its header")
    return Rule(
        id=path.stem,
        path=path,
        title=values["title"],
        why=values["why"],
        checks=values.get("checks") or None,
        sql=sql,
    )


def rule_files(root: Path) -> list[Path]:
    folder = paths.rules_dir(root)
    return sorted(folder.glob("*.sql")) if folder.is_dir() else []


def referenced_tables(rule: Rule) -> set[str]:
    """Tables the query reads (CTE names excluded); empty when DuckDB cannot parse it.

    DuckDB resolves the functions a query calls while naming its tables, so the rule ``FUNCTIONS``
    are declared on the connection that reads it: a figure rule is then known to read ``claims``.
    """
    import duckdb

    con = duckdb.connect()
    try:
        for name, (function, arguments, returns) in FUNCTIONS.items():
            con.create_function(name, function, arguments, returns, null_handling="special")
        return set(con.get_table_names(rule.sql))
    except duckdb.Error:
        return set()  # the query itself will fail with DuckDB's message
    finally:
        con.close()


# name: (function, argument types, return type); NULL in, NULL out. The functions live in
# figure_functions.py, which runs them in worker processes on large packages.
FUNCTIONS = {
    "states_value": (figure_functions.states_value, ["VARCHAR", "DOUBLE", "VARCHAR", "VARCHAR"], "BOOLEAN"),
    "states_figure": (
        figure_functions.states_figure,
        ["VARCHAR", "VARCHAR", "DOUBLE", "VARCHAR", "VARCHAR"],
        "BOOLEAN",
    ),
    "figures_stated": (figure_functions.figures_stated, ["VARCHAR"], "VARCHAR"),
}


def connect(
    tables: Mapping[str, pl.DataFrame],
    judge: figure_functions.FigureJudge | None = None,
    reads: Sequence[Rule] | None = None,
) -> duckdb.DuckDBPyConnection:
    """In-memory DuckDB holding each frame (plus ``_row``) as a table and the rule ``FUNCTIONS``,
    then locked as a query connection is: a rule, like a query, only reads the loaded tables.

    The functions answer DuckDB's batches through ``judge`` (in worker processes once the rows are
    many); without one, in this process only. The caller closes the judge it passes. With
    ``reads``, only the columns those rules may read are handed to DuckDB (``columns_read``).
    """
    import polars as pl
    import pyarrow as pa

    from commitment_tracker import database

    con = database.open_connection()
    kept = columns_read(reads, tables) if reads is not None else None
    for name, frame in tables.items():
        if kept is not None:
            frame = frame.select(kept[name])
        # Arrow string views over the frame's own chunks: no text copied (arrow_export).
        con.register(name, numbered_arrow(frame, ROW_COLUMN, FIRST_RECORD_ROW, pl.Int64))
    judge = judge or figure_functions.FigureJudge(workers=1)
    arrow_types = {"BOOLEAN": pa.bool_(), "VARCHAR": pa.string()}
    for name, (function, arguments, returns) in FUNCTIONS.items():
        # "special" null handling: the function itself sees NULLs (a claim without unit_id)
        batch = judge.function(function, arrow_types[returns])
        con.create_function(name, batch, arguments, returns, type="arrow", null_handling="special")
    return database.lock(con)


def columns_read(rules: Sequence[Rule], tables: Mapping[str, pl.DataFrame]) -> dict[str, list[str]] | None:
    """The columns of each table that ``rules`` may read: those whose name is a word of a rule's
    text (comments included, so never fewer than the query names); None (every column) when a
    rule holds a ``*`` other than ``count(*)``, which reads columns without naming them."""
    import re

    text = "\n".join(rule.sql for rule in rules).lower()
    if "*" in re.sub(r"count\s*\(\s*\*\s*\)", "", text):
        return None
    words = set(re.findall(r"[a-z_][a-z0-9_]*", text))
    return {name: [c for c in frame.columns if c.lower() in words] for name, frame in tables.items()}


def run(con: duckdb.DuckDBPyConnection, rule: Rule) -> pl.DataFrame:
    """The rule's violations: columns resource, row_number, column_name, detail (one row each)."""
    import duckdb
    import polars as pl

    try:
        result = con.sql(rule.sql).pl()
    except duckdb.Error as exc:
        raise RuleError(f"the query in {rule.path.name} failed: {first_line(exc)}") from None
    missing = [c for c in REQUIRED_COLUMNS if c not in result.columns]
    if missing:
        raise RuleError(
            f"the query in {rule.path.name} must return the columns {', '.join(REQUIRED_COLUMNS)} "
            f"(missing {', '.join(missing)})"
        )
    if "detail" not in result.columns:
        result = result.with_columns(pl.lit(None, dtype=pl.String).alias("detail"))
    try:
        return result.select(
            pl.col("resource").cast(pl.String),
            pl.col("row_number").cast(pl.Int64),
            pl.col("column_name").cast(pl.String),
            pl.col("detail").cast(pl.String),
        )
    except pl.exceptions.PolarsError:
        raise RuleError(f"the query in {rule.path.name} returned a row_number that is not a number") from None

"""The query path fills only the columns a statement reads, and its answers are those of a full load.

``database.columns_read_by`` reads DuckDB's plan of the statement on empty tables; ``connect(sql=…)``
then reads those columns from each CSV and leaves the others NULL. Every named query, with each of
its parameter sets, on the real package and on a generated one, must give the rows of a connection
holding every column; so must statements of each shape that could hide a column (``*``, a view, a
subquery, a window, ``USING``, a column named only in WHERE, ORDER BY or GROUP BY).
"""

from __future__ import annotations

import csv
import shlex
from collections import Counter
from pathlib import Path
from typing import Any

import duckdb
import pytest
from conftest import REPO, generate_package, pin_today, run_cli, set_cell

from commitment_tracker.database import (
    _columns_scanned,
    columns_read_by,
    connect,
    create_empty_table,
    create_views,
    tables_read_by,
)
from commitment_tracker.datapackage import schema
from commitment_tracker.query import named as queries

pinned_today = pin_today("2026-01-01")

PACKAGE = schema.load_package(REPO)
NAMED = queries.discover()


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A package of 2,000 generated claims (bench/generate.py), shared by the module's tests."""
    return generate_package(tmp_path_factory.mktemp("generated") / "pkg", 2000)


def answer(root: Path, sql: str, params: dict[str, Any], pruned: bool) -> tuple[list, list]:
    """(column names and types, rows) of ``sql``: on the query path's connection, or on a full load."""
    con = connect(root, sql=sql, params=params) if pruned else connect(root)
    try:
        cursor = con.execute(sql, params)
        return [(d[0], str(d[1])) for d in cursor.description], cursor.fetchall()
    finally:
        con.close()


def busiest(root: Path, resource: str, column: str) -> str:
    """The value of ``column`` that most rows of ``resource`` hold (ties: the smallest)."""
    with open(root / PACKAGE.resource(resource).path, encoding="utf-8", newline="") as fh:
        counts = Counter(row[column] for row in csv.DictReader(fh) if row[column])
    return min(counts, key=lambda value: (-counts[value], value))


def example_params(query: queries.NamedQuery) -> dict[str, str]:
    """The --param values of the query's first documented example."""
    words = shlex.split(query.examples[0])
    options = [words[i + 1] for i, word in enumerate(words[:-1]) if word in ("--param", "-p")]
    return queries.parse_param_options(options)


def param_sets(query: queries.NamedQuery, root: Path) -> list[dict[str, str]]:
    """Parameters to run ``query`` with: its defaults, its documented example, and values that select
    rows in a generated package (its ids are not the real package's)."""
    sets = []
    if not any(p.required for p in query.params):
        sets.append({})
    sets.append(example_params(query))
    if root != REPO:
        picked = {
            "commitment": busiest(root, "claims", "commitment_id"),
            "actor": "el alaoui",
            "text": "rencontre",
        }
        if query.name == "sub-commitments":
            picked["commitment"] = busiest(root, "commitments", "parent_commitment_id")
        sets.append({p.name: picked[p.name] for p in query.params if p.name in picked})
    return [dict(s) for s in {tuple(sorted(s.items())) for s in sets}]


@pytest.mark.parametrize("name", sorted(NAMED))
@pytest.mark.parametrize("which", ["real", "generated"])
def test_named_query_reads_fewer_columns_and_answers_as_a_full_load(request, name, which):
    root = REPO if which == "real" else request.getfixturevalue("generated")
    query = queries.discover(root / "queries")[name]
    answered = 0
    for given in param_sets(query, root):
        params = query.bind(given)
        pruned = answer(root, query.sql, params, pruned=True)
        assert pruned == answer(root, query.sql, params, pruned=False), (name, given)
        answered += len(pruned[1])
    assert answered, f"{name} gives no row on the {which} package: the comparison would prove nothing"


def test_the_named_queries_leave_most_columns_unread():
    # Not vacuous: the plans name fewer columns than the tables hold, for every named query.
    for name, query in NAMED.items():
        wanted = tables_read_by(duckdb.connect(), query.sql, PACKAGE)
        columns = read(query.sql, *wanted, params=query.bind(example_params(query)))
        total = sum(len(PACKAGE.resource(t).fields) for t in wanted)
        assert sum(map(len, columns.values())) < total, name
    due = NAMED["due-by"]
    columns = read(due.sql, *tables_read_by(duckdb.connect(), due.sql, PACKAGE), params=due.bind({}))
    assert columns["claims"] == ["claim_id", "commitment_id", "value"]  # through the view commitment_targets


# --- statements of every shape -------------------------------------------------------------------

SHAPES = {
    "star": "SELECT * FROM sources ORDER BY source_id",
    "star of one side": "SELECT s.*, k.claim_id FROM claims k JOIN sources s USING (source_id) ORDER BY 2, 1",
    "star excluding": "SELECT * EXCLUDE (quote, notes) FROM claims ORDER BY claim_id",
    "star in a subquery, read by position": "SELECT #3, #1 FROM (SELECT * FROM claims) ORDER BY 2",
    "columns by pattern": "SELECT COLUMNS('.*_id') FROM claims ORDER BY claim_id",
    "the row as a struct": "SELECT s FROM sources s ORDER BY s.source_id",
    "view": "SELECT commitment_id, target_text, discrepancy_id FROM commitment_targets ORDER BY 1",
    "view star": "SELECT * FROM commitment_targets ORDER BY commitment_id",
    "subquery": "SELECT claim_id FROM claims WHERE source_id IN "
    "(SELECT source_id FROM sources WHERE genre = 'opinion') ORDER BY claim_id",
    "correlated subquery": "SELECT s.source_id, (SELECT max(k.quote_end) FROM claims k "
    "WHERE k.source_id = s.source_id AND k.value IS NOT NULL) AS last_end FROM sources s ORDER BY 1",
    "exists": "SELECT u.unit_id FROM units u WHERE EXISTS (SELECT 1 FROM claims k "
    "WHERE k.unit_id = u.unit_id AND k.qualifier IS NOT NULL) ORDER BY 1",
    "window": "SELECT claim_id, row_number() OVER (PARTITION BY source_id ORDER BY quote_start DESC, "
    "claim_id) AS n FROM claims QUALIFY n <= 2 ORDER BY claim_id",
    "join using": "SELECT claim_id, outlet FROM claims JOIN sources USING (source_id) ORDER BY claim_id",
    "natural join": "SELECT claim_id, discrepancy_id FROM claims NATURAL JOIN discrepancy_claims "
    "ORDER BY 1, 2",
    "only in WHERE": "SELECT claim_id FROM claims WHERE speaker_actor_id IS NOT NULL ORDER BY claim_id",
    "only in ORDER BY": "SELECT claim_id FROM claims ORDER BY quote_end DESC, claim_id",
    "only in GROUP BY": "SELECT count(*) AS n FROM claims GROUP BY qualifier ORDER BY n",
    "only in HAVING": "SELECT source_id FROM claims GROUP BY source_id HAVING max(value_stated) IS NOT NULL "
    "ORDER BY 1",
    "only in a join condition": "SELECT k.claim_id FROM claims k JOIN actors a ON a.actor_id = "
    "k.speaker_actor_id AND a.kind = 'person' ORDER BY 1",
    "only in CASE": "SELECT claim_id, CASE WHEN value IS NULL THEN notes ELSE value_stated END AS v "
    "FROM claims ORDER BY claim_id",
    "count star": "SELECT count(*) FROM claims",
    "rowid": "SELECT rowid, claim_id FROM claims ORDER BY rowid",
    "cte star": "WITH d AS (SELECT *, coalesce(effective_to, as_of) AS t FROM status_updates) "
    "SELECT commitment_id, t FROM d WHERE rationale IS NOT NULL ORDER BY 1, 2",
    "union": "SELECT source_id AS id FROM claims UNION SELECT source_id FROM status_updates ORDER BY 1",
    "parameter": "SELECT claim_id FROM claims WHERE value > $v ORDER BY claim_id",
    "describe": "DESCRIBE claims",
    "summarize": "SUMMARIZE units",
}


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_a_statement_of_each_shape_answers_as_a_full_load(generated, shape):
    sql = SHAPES[shape]
    params = {"v": 1000} if "$v" in sql else {}
    pruned = answer(generated, sql, params, pruned=True)
    assert pruned == answer(generated, sql, params, pruned=False)
    assert pruned[1], f"{shape}: no row, the comparison would prove nothing"


def read(sql: str, *tables: str, params: dict | None = None) -> dict[str, list[str]]:
    """columns_read_by on empty tables, as connect() plans a statement before filling them."""
    con = duckdb.connect()
    for name in tables:
        create_empty_table(con, PACKAGE.resource(name))
    create_views(con, tables)
    return columns_read_by(con, sql, PACKAGE, tables, params)


def test_a_column_named_only_in_where_order_by_or_group_by_is_read():
    assert read(SHAPES["only in WHERE"], "claims") == {"claims": ["claim_id", "speaker_actor_id"]}
    assert read(SHAPES["only in ORDER BY"], "claims") == {"claims": ["claim_id", "quote_end"]}
    assert read(SHAPES["only in GROUP BY"], "claims") == {"claims": ["qualifier"]}
    assert read(SHAPES["only in a join condition"], "claims", "actors") == {
        "claims": ["claim_id", "speaker_actor_id"],
        "actors": ["actor_id", "kind"],
    }
    case = {"claims": ["claim_id", "value", "value_stated", "notes"]}
    assert read(SHAPES["only in CASE"], "claims") == case


@pytest.mark.parametrize(
    "sql",
    [
        SHAPES["star"],
        SHAPES["the row as a struct"],
        SHAPES["count star"],  # the plan does not say that no column is read
        "DESCRIBE sources",
        "SUMMARIZE sources",
        "SELECT nothing_like_it FROM sources",  # does not plan: the run reports it
        "SELECT * FROM sources; SELECT 1",  # not one statement
        "SELECT source_id FROM sources WHERE outlet = $missing",  # a parameter not given
    ],
)
def test_every_column_is_read_when_the_plan_cannot_tell(sql):
    assert read(sql, "sources") == {"sources": PACKAGE.resource("sources").field_names}


def test_a_column_that_does_not_exist_gets_the_error_it_always_got(package):
    sql = "SELECT claim_id, qualifer FROM claims"
    full = connect(REPO)
    try:
        with pytest.raises(queries.QueryError) as expected:
            queries.QueryRun(full, sql).result()
    finally:
        full.close()
    result = run_cli("sql", sql, "--root", str(package))
    assert result.exit_code == 1
    assert result.output == f"Error: {expected.value}\n"
    assert 'Referenced column "qualifer" not found' in result.output


def test_the_cli_reads_only_the_columns_its_statement_reads(package):
    # A cell due-by never reads may even be broken: it is not converted, as a file no query reads is
    # not opened. A cell it reads is still checked, with the error it always had.
    set_cell(package, "claims", 2, "quote_end", "not a number")
    due = run_cli("query", "due-by", "--format", "json", "--root", str(package))
    assert due.exit_code == 0, due.output
    assert due.output == run_cli("query", "due-by", "--format", "json").output
    set_cell(package, "claims", 2, "value", "not a number")
    broken = run_cli("query", "due-by", "--root", str(package))
    assert broken.exit_code == 1
    assert broken.output.startswith("Error: data/claims.csv: Conversion Error"), broken.output
    assert "run `commitments validate`" in broken.output


# --- the figures of commitment_targets -------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("40000", "40,000"),
        ("-2500000", "-2,500,000"),
        ("1.5", "1.5"),
        ("0.000123", "0.000123"),
        ("999999999999999999", "1,000,000,000,000,000,000"),  # a double: the nearest is 10^18
        ("123456789012345678901", "123,456,789,012,345,683,968"),  # past BIGINT: as HUGEINT, exactly
        ("-1e19", "-10,000,000,000,000,000,000"),
    ],
)
def test_target_text_writes_every_whole_figure_in_full_with_thousands(package, value, text):
    set_cell(package, "commitments", 2, "target_value", value)
    commitment = set_cell(package, "commitments", 2, "commitment_id", lambda cid: cid)
    sql = f"SELECT target_text FROM commitment_targets WHERE commitment_id = '{commitment}'"
    con = connect(package, sql=sql)
    try:
        assert con.execute(sql).fetchall() == [(text,)]
    finally:
        con.close()


def test_a_plan_this_module_does_not_know_loads_every_column():
    # DuckDB may name a new operator or show a scan differently in a later version: then nothing is
    # pruned, instead of a column being missed.
    fields = {"claims": PACKAGE.resource("claims").field_names}

    def scan(**info):
        return {"name": "SEQ_SCAN", "children": [], "extra_info": {"Table": "memory.main.claims", **info}}

    plain = scan(Type="Sequential Scan", Projections=["claim_id", "value"])
    assert _columns_scanned([plain], fields) == {"claims": {"claim_id", "value"}}
    new_operator = {"name": "SOME_NEW_OPERATOR", "children": [plain], "extra_info": {}}
    assert _columns_scanned([new_operator], fields) is None
    filtered = scan(Type="Sequential Scan", Projections=["claim_id"], Filters=["value > 3"])
    assert _columns_scanned([{"name": "PROJECTION", "children": [plain, filtered]}], fields) == {}
    for odd in ([], "", ["claim_id", "no_such_column"]):
        assert _columns_scanned([scan(Type="Sequential Scan", Projections=odd)], fields) == {}
    assert _columns_scanned([scan(Type="Index Scan", Projections=["claim_id"])], fields) == {}

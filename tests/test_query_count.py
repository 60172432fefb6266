"""A query printing its first rows says how many there are, counted in the same pass when it sorts.

``QueryRun.result`` adds ``count(*) OVER ()`` to a statement whose outermost query ends in ORDER BY
(every named query does) instead of running it a second time as ``count(*)``; a statement that
streams its rows is still counted by a second run. Either way the rows printed must be the first
rows of the whole result, in its order, and the count the whole result's. And the descriptor's
patterns are still judged in RE2 when that check runs on the query's own DuckDB database.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from conftest import REPO, generate_package, pin_today, run_cli
from test_query_columns import param_sets

from commitment_tracker import database
from commitment_tracker.query import named as queries

pinned_today = pin_today("2026-01-01")

NAMED = queries.discover()
HINT = "; use --max-rows N (0 for all) or --output FILE\n"


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A package of 2,000 generated claims (bench/generate.py), shared by the module's tests."""
    return generate_package(tmp_path_factory.mktemp("generated") / "pkg", 2000)


def csv_rows(*args: str) -> tuple[list[list[str]], str]:
    """(rows without the header, standard error) of a command printing CSV."""
    result = run_cli(*args, "--format", "csv")
    assert result.exit_code == 0, result.output
    return list(csv.reader(io.StringIO(result.stdout)))[1:], result.stderr


@pytest.mark.parametrize("name", sorted(NAMED))
def test_a_named_query_shows_its_first_rows_and_the_whole_count(generated, name):
    query = queries.discover(generated / "queries")[name]
    shown_any = False
    sets = param_sets(query, generated)
    if any(p.name == "text" for p in query.params):
        sets.append({"text": "e"})  # a letter nearly every quote holds: many rows
    for given in sets:
        options = [w for key, value in given.items() for w in ("--param", f"{key}={value}")]
        base = ["query", name, *options, "--root", str(generated)]
        every, said = csv_rows(*base, "--max-rows", "0")
        assert said == ""
        if len(every) < 2:
            continue
        first = min(3, len(every) - 1)
        rows, said = csv_rows(*base, "--max-rows", str(first))
        assert rows == every[:first], (name, given)
        assert said == f"showing the first {first} of {len(every)} rows{HINT}", (name, given)
        shown_any = True
    assert shown_any, f"{name} never has more than one row here: the comparison would prove nothing"


# Sorted on a hash, so the order is neither the input's nor a simple one, over enough rows for
# DuckDB to sort and count on several threads.
SORTED = "SELECT x, hash(x) % 1000003 AS h FROM range(300000) t(x) ORDER BY h, x"


def test_a_large_sorted_result_keeps_its_order_and_its_count():
    every, _ = csv_rows("sql", SORTED, "--max-rows", "0")
    rows, said = csv_rows("sql", SORTED, "--max-rows", "2500")
    assert len(every) == 300000
    assert rows == every[:2500]
    assert said == f"showing the first 2500 of 300000 rows{HINT}"


def test_a_sorted_and_limited_result_is_counted_to_its_limit():
    rows, said = csv_rows("sql", f"{SORTED} LIMIT 50", "--max-rows", "10")
    assert rows == csv_rows("sql", SORTED, "--max-rows", "10")[0]
    assert said == f"showing the first 10 of 50 rows{HINT}"


@pytest.mark.parametrize("fmt", ["table", "json", "markdown"])
def test_the_count_never_shows_as_a_column(fmt):
    result = run_cli("sql", SORTED, "--max-rows", "3", "--format", fmt)
    assert result.exit_code == 0, result.output
    if fmt == "json":
        assert [sorted(r) for r in json.loads(result.stdout)] == [["h", "x"]] * 3
    else:
        header = result.stdout.splitlines()[0]
        assert header.replace("|", " ").split() == ["x", "h"]


def test_an_unsorted_result_is_still_counted():
    rows, said = csv_rows("sql", "SELECT x FROM range(12345) t(x) WHERE x % 5 = 0", "--max-rows", "4")
    assert rows == [["0"], ["5"], ["10"], ["15"]]
    assert said == f"showing the first 4 of 2469 rows{HINT}"


def test_a_pattern_re2_refuses_still_stops_a_query(package):
    # In a fresh process: the pattern is judged once per process, here on the query's database.
    descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    units = next(r for r in descriptor["resources"] if r["name"] == "units")
    field = next(f for f in units["schema"]["fields"] if f["name"] == "unit_id")
    field.setdefault("constraints", {})["pattern"] = "(?=[a-z])[a-z-]+"  # Python's re only
    (package / "datapackage.json").write_text(json.dumps(descriptor, indent=2), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(REPO / "cli.py"), "query", "due-by", "--root", str(package)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    assert done.stdout == ""
    assert "resources[units].schema.fields[unit_id].constraints.pattern" in done.stderr
    assert "is not a regular expression DuckDB (RE2) accepts" in done.stderr
    assert "Traceback" not in done.stderr


# Sorted on a hash of every row: DuckDB holds the whole result while it sorts.
HEAVY = "SELECT x, md5(x::VARCHAR) AS s FROM range(1500000) t(x) ORDER BY s"


def runs_alone(memory_mb: int) -> bool:
    """Whether HEAVY gives its first rows on a query connection limited to ``memory_mb`` MB, run as
    it is (no count): what the query path did before counting in the same pass."""
    con = database.open_connection(config={"memory_limit": f"{memory_mb}MB"})
    try:
        con.execute(HEAVY).fetchmany(3)
    except duckdb.OutOfMemoryException:
        return False
    finally:
        con.close()
    return True


def test_a_sorted_result_that_fits_alone_still_runs_when_its_count_would_not_fit():
    low, high = 20, 600  # MB: too little, and enough
    assert not runs_alone(low) and runs_alone(high)
    while high - low > 5:
        middle = (low + high) // 2
        low, high = (low, middle) if runs_alone(middle) else (middle, high)
    # At the least memory the statement needs alone, a second buffer for the count may not fit:
    # the query must still answer (then counting by a second run, which may not fit either).
    result = run_cli("sql", HEAVY, "--memory-limit", f"{high}MB", "--max-rows", "2", "--format", "csv")
    assert result.exit_code == 0, result.output
    assert result.stderr.startswith("showing the first 2 ")
    assert len(result.stdout.splitlines()) == 3

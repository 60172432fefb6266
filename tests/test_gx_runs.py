"""How the content layer hands tables to Great Expectations, and how the provenance layer reads offsets.

GX is given only the columns a suite reads, a cheap pass/fail run first and a detailed re-run of
the failing expectations only, and its import leaves scipy.stats and altair unexecuted. None of
this may change a verdict: a table-level expectation still sees the whole table, a failing suite
still reports every offending row, and both modules still work when something uses them.
"""

from __future__ import annotations

import json
import subprocess
import sys

import polars as pl
import pytest
from conftest import REPO, read_rows, set_cell

from commitment_tracker.datapackage import csvio, schema
from commitment_tracker.validation import content
from commitment_tracker.validation.validate import validate


def _add_expectations(root, resource, *expectations):
    path = root / "validators" / f"{resource}.json"
    suite = json.loads(path.read_text(encoding="utf-8"))
    suite["expectations"].extend(expectations)
    path.write_text(json.dumps(suite), encoding="utf-8")
    return suite


def _hand_written(type_, kwargs, rule):
    return {"type": type_, "kwargs": kwargs, "meta": {"origin": "hand-written", "rule": rule, "why": rule}}


def _check(report, name):
    (check,) = [c for c in report.checks if c.layer == "content" and c.check == name]
    return check


def test_table_level_expectations_see_every_column(package):
    header, _ = read_rows(package, "claims")
    suite = _add_expectations(
        package,
        "claims",
        _hand_written(
            "expect_table_columns_to_match_ordered_list", {"column_list": header}, "columns-in-order"
        ),
        _hand_written("expect_table_column_count_to_equal", {"value": len(header) + 1}, "one-column-too-few"),
    )
    assert content.suite_columns(suite) is None  # the whole table goes to GX
    check = _check(validate(package), "claims")
    # The ordered list passes only if GX saw every column, notes included; the count is reported
    # with the number of columns GX observed.
    assert [(p.rule, p.value) for p in check.problems] == [("one-column-too-few", str(len(header)))]
    assert check.checked == len(suite["expectations"])


def test_column_suites_hand_gx_only_the_columns_they_read():
    suite = json.loads((REPO / "validators" / "claims.json").read_text(encoding="utf-8"))
    columns = content.suite_columns(suite)
    header, _ = read_rows(REPO, "claims")
    assert columns is not None and "notes" not in columns
    assert columns < set(header)
    # a row_condition's column is handed over even when no expectation reads it directly
    conditioned = [e for e in suite["expectations"] if "row_condition" in e["kwargs"]]
    assert conditioned and all(e["kwargs"]["row_condition"]["column"]["name"] in columns for e in conditioned)


def test_a_text_row_condition_gets_the_whole_table():
    suite = {
        "expectations": [
            _hand_written(
                "expect_column_values_to_not_be_null",
                {"column": "unit_id", "row_condition": "value > 0"},
                "r",
            )
        ]
    }
    assert content.suite_columns(suite) is None


def test_a_failing_suite_reports_every_row_and_counts_every_expectation(package):
    for row in (3, 7):
        set_cell(package, "claims", row, "quote", lambda q: q + "\n\nA second paragraph.")
    set_cell(package, "claims", 5, "quote", lambda q: q + " ")
    report = validate(package)
    check = _check(report, "claims")
    suite = json.loads((package / "validators" / "claims.json").read_text(encoding="utf-8"))
    assert check.checked == len(suite["expectations"])
    located = {(p.rule, p.location()) for p in check.problems}
    assert located == {
        ("quote-one-paragraph", "claims:3:quote"),
        ("quote-one-paragraph", "claims:7:quote"),
        ("trimmed", "claims:5:quote"),
    }
    values = {p.location(): p.value for p in check.problems}
    assert values["claims:3:quote"].endswith("\n\nA second paragraph.")


@pytest.mark.subprocess
def test_gx_import_leaves_scipy_stats_and_altair_for_first_use():
    script = (
        "import importlib.util, sys\n"
        "from commitment_tracker.validation import gx_session\n"
        "from commitment_tracker.validation.validate import validate\n"
        # GX in this process, as for a large package (a small one imports it in a worker)
        "gx_session.WORKER_UP_TO_BYTES = -1\n"
        f"assert validate({str(REPO)!r}).valid\n"
        # still lazy: not executed by the import nor by the validation
        "lazy = importlib.util._LazyModule\n"
        "print(*(isinstance(sys.modules[m], lazy) for m in ('scipy.stats', 'altair')))\n"
        "from scipy import stats\n"
        "print(stats.entropy([0.5, 0.5], [0.5, 0.5]))\n"
        "import altair\n"
        "print(type(altair.Chart).__name__)\n"
        # GX's own module that uses both at call time sees the working modules
        "from great_expectations.expectations.core import expect_column_kl_divergence_to_be_less_than as kl\n"
        "print(kl.stats.entropy([1, 0], [0.5, 0.5]) > 0, kl.alt.Chart is altair.Chart)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, check=False, timeout=300
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True", "True", "0.0", "type", "True", "True"]


def test_offsets_are_read_as_the_schema_types_them():
    # The quote check reads offsets from the typed table: a cell that is not a canonical integer
    # (a type-error of the structure layer) is missing there, never read as int("1_0") == 10.
    claims = schema.load_package(REPO).resource("claims")
    cells = ["12", "+5", " 7", "1_0", "99999999999999999999", "x", "", None]
    empty = [None] * len(cells)
    frame = pl.DataFrame({n: cells if n == "quote_start" else empty for n in claims.field_names})
    typed = csvio.cast_to_schema(frame.cast(pl.String), claims, strict=False)
    assert typed["quote_start"].to_list() == [12, None, None, None, None, None, None, None]

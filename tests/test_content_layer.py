"""The content layer and the report around it: Data Docs, "today", skips, output formats, exit codes."""

from __future__ import annotations

import json

import jsonschema
from conftest import REPO, read_rows, run_cli, write_rows

from commitment_tracker.validation.validate import validate

REPORT_SCHEMA = json.loads(
    (REPO / "commitment_tracker" / "validation" / "report.schema.json").read_text(encoding="utf-8")
)


def test_data_docs_are_written_for_every_suite_and_rule(tmp_path):
    docs = tmp_path / "docs"
    result = run_cli("validate", "--root", str(REPO), "--data-docs", str(docs))
    assert result.exit_code == 0, result.output
    index = (docs / "index.html").read_text(encoding="utf-8")
    assert "claims" in index and "rules.figure-quoted" in index
    assert list((docs / "validations" / "claims").rglob("*.html"))
    assert "content/data-docs" in result.output


def test_data_docs_folder_that_cannot_be_created_is_a_usage_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    result = run_cli("validate", "--root", str(REPO), "--data-docs", str(blocker / "docs"))
    assert result.exit_code == 2
    assert "--data-docs" in result.output


def test_today_comes_from_the_environment(monkeypatch):
    # On 2 July 2025, the status rows dated 3 July (the opinion column's date) were in the future.
    monkeypatch.setenv("COMMITMENTS_TODAY", "2025-07-02")
    report = validate(REPO)
    future = {p.row for p in report.problems if p.rule == "not-in-future" and p.resource == "status_updates"}
    header, rows = read_rows(REPO, "status_updates")
    as_of = header.index("as_of")
    assert future == {n for n, r in enumerate(rows, start=2) if r[as_of] > "2025-07-02"} != set()


def test_malformed_today_is_a_usage_error(monkeypatch):
    monkeypatch.setenv("COMMITMENTS_TODAY", "next tuesday")
    result = run_cli("validate", "--root", str(REPO))
    assert result.exit_code == 2
    assert "COMMITMENTS_TODAY" in result.output


def test_unreadable_table_skips_the_checks_that_need_it_and_runs_the_rest(package):
    (package / "data" / "units.csv").unlink()
    report = validate(package)
    status = {(c.layer, c.check): c.status for c in report.checks}
    assert status[("content", "units")] == "skipped"
    assert status[("content", "rule:claim-unit-dimension")] == "skipped"
    assert status[("content", "claims")] == "passed"
    assert status[("content", "rule:commitment-has-claim")] == "passed"
    assert status[("provenance", "claim-quotes")] == "passed"


def test_an_unreadable_claims_file_skips_the_figure_rules_too(package):
    # They call the rule functions (states_figure, states_value): DuckDB must still see that they
    # read claims, or they would report a rule-error beside the structure layer's empty-file problem.
    (package / "data" / "claims.csv").write_bytes(b"")
    checks = {c.check: c for c in validate(package).checks if c.layer == "content"}
    for rule in ("rule:value-stated-in-quote", "rule:value-not-in-quote", "rule:figure-quoted"):
        assert checks[rule].status == "skipped", (rule, [p.message for p in checks[rule].problems])
    assert not any(p.rule == "rule-error" for c in checks.values() for p in c.problems)


def test_text_report_lines_are_grouped_and_capped(package):
    header, rows = read_rows(package, "units")
    column = header.index("label")
    for r in rows:
        r[column] = r[column].split(" (")[0]  # 'Moroccan dirham (MAD)' loses its symbol
    write_rows(package, "units", header, rows)
    result = run_cli("validate", "--root", str(package), "--limit", "2")
    assert result.exit_code == 1
    lines = result.output.splitlines()
    start = lines.index("✗ content/units:")
    block = lines[start + 1 : start + 4]
    suite = json.loads((package / "validators" / "units.json").read_text(encoding="utf-8"))
    why = next(e["meta"]["why"] for e in suite["expectations"] if e["meta"]["rule"] == "unit-symbol")
    assert block[0] == f"  units:2:label — unit-symbol ({why}) — {rows[0][column]!r}"
    assert block[1].startswith("  units:3:label — unit-symbol (")
    assert block[2] == f"  … and {len(rows) - 2} more unit-symbol (use --limit 0 or --format json to see all)"
    assert "Traceback" not in result.output


def test_json_reports_follow_the_documented_schema(package, real_package_run):
    valid = json.loads(real_package_run.output)
    jsonschema.validate(valid, REPORT_SCHEMA)
    (package / "data" / "units.csv").unlink()
    (package / "validators" / "claims.json").write_text("[]", encoding="utf-8")
    invalid = json.loads(run_cli("validate", "--root", str(package), "--format", "json").output)
    jsonschema.validate(invalid, REPORT_SCHEMA)
    assert invalid["valid"] is False and invalid["summary"]["skipped"] > 0
    assert list(invalid["problems"][0]) == list(REPORT_SCHEMA["properties"]["problems"]["items"]["required"])


def test_a_failing_expectation_is_told_apart_from_a_crash(package):
    path = package / "validators" / "events.json"
    suite = json.loads(path.read_text(encoding="utf-8"))
    suite["expectations"].append(
        {
            "type": "expect_column_values_to_be_between",
            "kwargs": {"column": "start_date", "max_value": 5},  # a number against dates: GX raises
            "meta": {"origin": "hand-written", "rule": "bad-bound", "why": "bound of the wrong type"},
        }
    )
    path.write_text(json.dumps(suite), encoding="utf-8")
    (problem,) = [p for p in validate(package).problems if p.check == "events"]
    assert problem.rule == "expectation-error"
    assert "bad-bound" in problem.message and "could not evaluate" in problem.message

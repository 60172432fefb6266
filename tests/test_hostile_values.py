"""Hostile descriptors and hostile values (issue 11, classes 2, 3 and 7): a report, never a traceback.

Each case breaks one thing in a copy of the real package and runs the command line once:

* a malformed datapackage.json is exit 1 with every descriptor problem located (resource, field and
  key path) in ``structure/descriptor``, each reported once, and every layer reported as skipped
  with the reason; ``summary``, ``query``, ``sql``, ``site`` and ``build`` fail with a clear error;
* a value that is not a value (NaN, INF, ``1_03``, `` 103``, ``1e400``, year 0, ``2025-7-3``…) is a
  ``type-error`` at ``file:row:column``, reported once: the content layer does not report the same
  cell again under another rule (``unit-needs-value``, ``qualifier-needs-value``);
* the JSON report is standard JSON (no bare NaN or Infinity);
* a field longer than Python's csv limit is judged by the schema, not called malformed CSV.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import read_rows, run_cli, write_rows
from test_broken_corpus import PINNED_TODAY, descriptor_edit, edit, field_of, row_of

from commitment_tracker.datapackage import schema
from commitment_tracker.datapackage.schema_checks import EXPECTED_RESOURCES
from commitment_tracker.validation.report import Problem, Report

LAYERS = ("structure", "content", "provenance")


def strict_json(text: str) -> dict:
    """Parse as a standard JSON parser would: NaN, Infinity and -Infinity are errors."""

    def refuse(constant: str) -> None:
        raise AssertionError(f"the report holds {constant}, which is not JSON")

    return json.loads(text, parse_constant=refuse)


def validate_json(root: Path, monkeypatch) -> tuple[int, dict]:
    monkeypatch.setenv("COMMITMENTS_TODAY", PINNED_TODAY)
    result = run_cli("validate", "--root", str(root), "--format", "json")  # asserts no traceback
    return result.exit_code, strict_json(result.output)


def located(report: dict) -> list[tuple[str, str, str]]:
    """(layer, rule, resource:row:column) of every problem, repeats kept (a repeat is a bug here)."""
    return [
        (p["layer"], p["rule"], Problem(**{k: p[k] for k in Problem.__dataclass_fields__}).location())
        for p in report["problems"]
    ]


def resource_of(data: dict, name: str) -> dict:
    return next(r for r in data["resources"] if r["name"] == name)


# --- class 2: a malformed descriptor ---------------------------------------------------------------

# name -> (break the descriptor, expected problems as (resource or None, field or None, key path))
DescriptorCase = tuple[Callable[[Path], None], set[tuple[str | None, str | None, str]]]


def _edit(change: Callable[[dict], None]) -> Callable[[Path], None]:
    return lambda root: descriptor_edit(root, change)


def _write(data: bytes) -> Callable[[Path], None]:
    return lambda root: (root / "datapackage.json").write_bytes(data)


def _huge(root: Path) -> None:
    path = root / "datapackage.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["keywords"] = ["x" * 1000] * (schema.MAX_DESCRIPTOR_BYTES // 1000 + 1)
    path.write_text(json.dumps(data), encoding="utf-8")


DESCRIPTOR_CASES: dict[str, DescriptorCase] = {
    "claims-removed": (
        _edit(lambda d: d["resources"].remove(resource_of(d, "claims"))),
        {("claims", None, "resources")},
    ),
    "path-is-a-list": (
        _edit(lambda d: resource_of(d, "units").update(path=["data/units.csv"])),
        {("units", None, "resources[units].path")},
    ),
    "two-resources-one-name": (
        # units renamed sectors: the repeat, and units (read by name) is then missing.
        _edit(lambda d: resource_of(d, "units").update(name="sectors")),
        {("sectors", None, "resources[5].name"), ("units", None, "resources")},
    ),
    "200000-nested-brackets": (_write(b"[" * 200_000), {(None, None, "nests")}),
    "field-type-foo": (
        _edit(lambda d: field_of(d, "units", "label").update(type="foo")),
        {("units", "label", "resources[units].schema.fields[label].type")},
    ),
    "pattern-not-a-regex": (
        _edit(lambda d: field_of(d, "units", "unit_id")["constraints"].update(pattern="^[a-z")),
        {("units", "unit_id", "resources[units].schema.fields[unit_id].constraints.pattern")},
    ),
    "pattern-python-only": (
        # Python's re compiles a lookahead, DuckDB's RE2 does not: the row checks would crash.
        _edit(lambda d: field_of(d, "units", "unit_id")["constraints"].update(pattern="(?=[a-z])[a-z-]+")),
        {("units", "unit_id", "resources[units].schema.fields[unit_id].constraints.pattern")},
    ),
    "primary-key-names-no-field": (
        _edit(lambda d: resource_of(d, "units")["schema"].update(primaryKey=["nope"])),
        {("units", "nope", "resources[units].schema.primaryKey")},
    ),
    "foreign-key-to-missing-resource": (
        _edit(
            lambda d: resource_of(d, "claims")["schema"]["foreignKeys"][0]["reference"].update(
                resource="nope"
            )
        ),
        {("claims", None, "resources[claims].schema.foreignKeys[0].reference.resource")},
    ),
    "foreign-key-to-missing-field": (
        _edit(
            lambda d: resource_of(d, "claims")["schema"]["foreignKeys"][0]["reference"].update(
                fields=["nope"]
            )
        ),
        {("claims", None, "resources[claims].schema.foreignKeys[0].reference.fields")},
    ),
    "foreign-key-from-missing-field": (
        _edit(lambda d: resource_of(d, "claims")["schema"]["foreignKeys"][0].update(fields="nope")),
        {("claims", "nope", "resources[claims].schema.foreignKeys[0].fields")},
    ),
    "fields-not-a-list": (
        _edit(lambda d: resource_of(d, "units")["schema"].update(fields={"unit_id": "string"})),
        {("units", None, "resources[units].schema.fields")},
    ),
    "schema-missing": (
        _edit(lambda d: resource_of(d, "units").pop("schema")),
        {("units", None, "resources[units].schema")},
    ),
    "missing-values-not-a-list": (
        _edit(lambda d: resource_of(d, "units")["schema"].update(missingValues="")),
        {("units", None, "resources[units].schema.missingValues")},
    ),
    "missing-values-not-strings": (
        _edit(lambda d: resource_of(d, "units")["schema"].update(missingValues=["", None, 0])),
        {("units", None, "resources[units].schema.missingValues")},
    ),
    "minimum-not-a-number": (
        _edit(lambda d: field_of(d, "claims", "value")["constraints"].update(minimum="x")),
        {("claims", "value", "resources[claims].schema.fields[value].constraints.minimum")},
    ),
    "max-length-not-a-number": (
        _edit(lambda d: field_of(d, "claims", "quote")["constraints"].update(maxLength="1500")),
        {("claims", "quote", "resources[claims].schema.fields[quote].constraints.maxLength")},
    ),
    "enum-not-a-list": (
        _edit(lambda d: field_of(d, "units", "dimension")["constraints"].update(enum="count")),
        {("units", "dimension", "resources[units].schema.fields[dimension].constraints.enum")},
    ),
    "date-bound-not-a-date": (
        _edit(lambda d: field_of(d, "status_updates", "as_of")["constraints"].update(minimum="1900-1-1")),
        {("status_updates", "as_of", "resources[status_updates].schema.fields[as_of].constraints.minimum")},
    ),
    "constraint-unknown": (
        _edit(lambda d: field_of(d, "claims", "value")["constraints"].update(exclusiveMinimum=0)),
        {("claims", "value", "resources[claims].schema.fields[value].constraints.exclusiveMinimum")},
    ),
    "field-named-twice": (
        _edit(
            lambda d: resource_of(d, "units")["schema"]["fields"].append({"name": "label", "type": "string"})
        ),
        {("units", "label", "resources[units].schema.fields[label].name")},
    ),
    "encoding-not-utf8": (
        _edit(lambda d: resource_of(d, "units").update(encoding="no-such-codec")),
        {("units", None, "resources[units].encoding")},
    ),
    "resources-not-a-list": (_edit(lambda d: d.update(resources={"units": {}})), {(None, None, "resources")}),
    "descriptor-not-utf8": (_write(b'{"name": "\xff"}'), {(None, None, "not UTF-8")}),
    "descriptor-empty": (_write(b""), {(None, None, "empty")}),
    "descriptor-a-list": (_write(b"[]"), {(None, None, "JSON object")}),
    "descriptor-huge": (_huge, {(None, None, "larger than")}),
}
for _name in EXPECTED_RESOURCES:
    DESCRIPTOR_CASES[f"{_name}-missing"] = (
        _edit(lambda d, n=_name: d["resources"].remove(resource_of(d, n))),
        {(_name, None, "resources")},
    )


@pytest.mark.parametrize("name", sorted(DESCRIPTOR_CASES))
def test_malformed_descriptor_is_a_located_report(package, monkeypatch, name):
    breakage, expected = DESCRIPTOR_CASES[name]
    breakage(package)
    code, report = validate_json(package, monkeypatch)
    assert code == 1
    assert report["valid"] is False
    problems = report["problems"]
    # Every problem is a descriptor problem, each expected one found exactly once, nothing else.
    assert {(p["layer"], p["check"], p["rule"]) for p in problems} == {
        ("structure", "descriptor", "descriptor")
    }
    found = []
    for resource, field, key in expected:
        matches = [
            p for p in problems if p["resource"] == resource and p["column"] == field and key in p["message"]
        ]
        assert len(matches) == 1, (resource, field, key, problems)
        found.extend(matches)
    assert len(found) == len(problems) == len(expected), problems
    # The rest is skipped, saying why, and nothing else ran.
    checks = report["checks"]
    assert [(c["layer"], c["status"]) for c in checks] == [
        ("structure", "failed"),
        *((layer, "skipped") for layer in LAYERS),
    ]
    for c in checks[1:]:
        assert "datapackage.json is unusable" in c["skipped_reason"]


# The common loader (schema.load_package) refuses the descriptor for every other command.
COMMANDS = {
    "summary": lambda root: ["summary", "--root", str(root)],
    "query": lambda root: ["query", "due-by", "--param", "year=2030", "--root", str(root)],
    "sql": lambda root: ["sql", "SELECT count(*) FROM claims", "--root", str(root)],
    "site": lambda root: ["site", "--root", str(root), "--out", str(root / "site")],
    "build": lambda root: ["build", "--root", str(root), "--out", str(root / "dist")],
}


@pytest.mark.parametrize("command", sorted(COMMANDS))
@pytest.mark.parametrize(
    ("name", "said"),
    [
        ("claims-removed", "resource 'claims' is missing"),
        ("field-type-foo", "resources[units].schema.fields[label].type"),
        ("200000-nested-brackets", "nests arrays or objects too deeply"),
        ("two-resources-one-name", "two resources are named 'sectors'"),
    ],
)
def test_other_commands_refuse_a_malformed_descriptor_clearly(package, command, name, said):
    DESCRIPTOR_CASES[name][0](package)
    result = run_cli(*COMMANDS[command](package))  # asserts no traceback
    assert result.exit_code == 1, result.output
    assert result.output.startswith("Error: "), result.output
    assert said in result.output
    assert not (package / "site").exists() and not (package / "dist" / "commitments.duckdb").exists()


# --- class 3 and 7: values that are not values -----------------------------------------------------

CLAIM = {"claim_id": "c001-internet-penetration"}  # value 103, unit percent, qualifier exactly
SOURCE = {"source_id": "seed-001-hespress-souverainete"}


def _figure_unquoted(root: Path) -> set[tuple[str, str, str]]:
    # The indicator's 103 was stated by that claim only: with the claim's value not a number, the
    # figure is no longer quoted by any claim (a true consequence, on another cell).
    row = row_of(root, "indicators", "indicator_id", "internet-penetration-rate")
    return {("content", "figure-quoted", f"indicators:{row}:value")}


def _claim_value(text: str) -> Callable[[Path], set]:
    def breakage(root: Path) -> set[tuple[str, str, str]]:
        row = edit(root, "claims", CLAIM, value=text)
        return {("structure", "type-error", f"claims:{row}:value")} | _figure_unquoted(root)

    return breakage


def _date(resource: str, key: dict[str, str], column: str, text: str, rule: str = "type-error"):
    def breakage(root: Path) -> set[tuple[str, str, str]]:
        row = edit(root, resource, key, **{column: text})
        return {("structure", rule, f"{resource}:{row}:{column}")}

    return breakage


def _claim_offset(root: Path) -> set[tuple[str, str, str]]:
    row = edit(root, "claims", CLAIM, quote_start="1_0")
    # Not read as int("1_0") == 10 by the quote check: no quote-offsets problem on top.
    return {("structure", "type-error", f"claims:{row}:quote_start")}


VALUE_CASES: dict[str, Callable[[Path], set[tuple[str, str, str]]]] = {
    "nan": _claim_value("NaN"),
    "inf": _claim_value("INF"),
    "minus-inf": _claim_value("-inf"),
    "infinity": _claim_value("Infinity"),
    "underscore": _claim_value("1_03"),
    "leading-space": _claim_value(" 103"),
    "overflowing": _claim_value("1e400"),
    "exponent": _claim_value("1.03e2"),
    "plus-sign": _claim_value("+103"),
    "integer-with-underscore": _claim_offset,
    "year-zero": _date("sources", SOURCE, "published_on", "0000-07-01"),
    "negative-year": _date("sources", SOURCE, "published_on", "-001-01-01"),
    "unpadded-date": _date("sources", SOURCE, "published_on", "2025-7-3"),
    "not-in-calendar": _date("sources", SOURCE, "published_on", "2025-02-30"),
    "status-year-zero": _date("status_updates", {"commitment_id": "accord-dco"}, "as_of", "0000-07-01"),
    "date-before-range": _date("sources", SOURCE, "published_on", "1899-12-31", "constraint-error"),
    "date-after-range": _date(
        "events", {"event_id": "assises-ia-2025"}, "end_date", "2101-01-01", "constraint-error"
    ),
}


@pytest.mark.parametrize("name", sorted(VALUE_CASES))
def test_a_value_that_is_not_a_value_is_one_located_type_error(package, monkeypatch, name):
    expected = VALUE_CASES[name](package)
    code, report = validate_json(package, monkeypatch)  # standard JSON, no traceback
    assert code == 1
    problems = located(report)
    assert sorted(problems) == sorted(expected), problems  # each once, nothing else
    (structure,) = [p for p in report["problems"] if p["layer"] == "structure"]
    assert structure["check"] == "rows"
    if structure["rule"] == "type-error":
        assert "expected " in structure["message"]  # says what the cell should look like


def test_values_are_judged_alike_by_frictionless(package, monkeypatch):
    # The same cells through --frictionless-rows (Frictionless with the package's canonical readers).
    expected = set()
    for name in ("nan", "underscore", "year-zero"):
        expected |= VALUE_CASES[name](package)
    monkeypatch.setenv("COMMITMENTS_TODAY", PINNED_TODAY)
    result = run_cli("validate", "--root", str(package), "--format", "json", "--frictionless-rows")
    assert result.exit_code == 1
    report = strict_json(result.output)
    structure = [p for p in located(report) if p[0] == "structure"]
    assert sorted(structure) == sorted(e for e in expected if e[0] == "structure")
    messages = {p["message"] for p in report["problems"] if p["rule"] == "type-error"}
    assert all("expected " in m for m in messages), messages


def test_json_report_is_standard_json_whatever_a_layer_hands_it():
    report = Report(package="p", package_version="1")
    from commitment_tracker.validation.report import CheckResult

    check = CheckResult("content", "x", "x")
    check.problem("r", "m", resource="claims", row=2, column="value", value=float("nan"))
    check.problem("r", "m", resource="claims", row=3, column="value", value=float("-inf"))
    report.checks.append(check)
    parsed = strict_json(report.to_json())
    assert [p["value"] for p in parsed["problems"]] == ["nan", "-inf"]


LONG = 131_073  # one more than Python's csv field size limit


def _long_note(root: Path, length: int) -> int:
    header, rows = read_rows(root, "claims")
    rows[0][header.index("notes")] = "x" * length
    write_rows(root, "claims", header, rows)
    return 2


def test_a_field_longer_than_the_csv_module_limit_is_judged_by_the_schema(package, monkeypatch):
    # notes has no maxLength: a long note is valid, not "not well-formed CSV"; and it loads.
    _long_note(package, LONG)
    code, report = validate_json(package, monkeypatch)
    assert (code, report["problems"]) == (0, [])
    result = run_cli(
        "sql", "SELECT max(length(notes)) AS n FROM claims", "--format", "csv", "--root", str(package)
    )
    assert result.exit_code == 0 and result.output.split() == ["n", str(LONG)]


def test_a_long_field_over_its_max_length_is_a_located_constraint_error(package, monkeypatch):
    descriptor_edit(package, lambda d: field_of(d, "claims", "notes").update(constraints={"maxLength": 2000}))
    row = _long_note(package, LONG)
    monkeypatch.setenv("COMMITMENTS_TODAY", PINNED_TODAY)
    result = run_cli("validate", "--root", str(package))
    assert result.exit_code == 1
    assert f'claims:{row}:notes — constraint-error (constraint "maxLength" is "2000")' in result.output
    assert "csv-syntax" not in result.output and "well-formed" not in result.output


def test_malformed_csv_names_its_row(package, monkeypatch):
    path = package / "data" / "units.csv"
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[3] = lines[3] + ',"unterminated'
    path.write_text("\n".join(lines), encoding="utf-8")
    code, report = validate_json(package, monkeypatch)
    assert code == 1
    (p,) = [p for p in report["problems"] if p["rule"] == "csv-syntax"]
    assert (p["resource"], p["row"]) == ("units", 4)
    assert "row starting at line 4" in p["message"]

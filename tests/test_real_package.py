"""The real package, as committed: it must be valid by our checks and by frictionless alone.

Our validation runs once per test session (conftest.real_package_run, one `validate --format json`
through the CLI); the tests here read its exit code, JSON and text report.
"""

from __future__ import annotations

import difflib
import json

import pytest
from conftest import REPO

from commitment_tracker.datapackage import containment, csvio, schema
from commitment_tracker.publish import buildrecord
from commitment_tracker.validation import provenance

PACKAGE = schema.load_package(REPO)


def test_real_package_validates_with_our_cli(real_package_run):
    assert real_package_run.exit_code == 0, real_package_run.text
    assert "VALID" in real_package_run.text


def test_every_check_ran_and_passed(real_package_run):
    report = real_package_run.report
    assert [(c.layer, c.check, c.status) for c in report.checks if c.status != "passed"] == []
    assert all(c.checked > 0 for c in report.checks), [(c.check, c.checked) for c in report.checks]


def test_frictionless_library_reports_valid():
    import frictionless

    report = frictionless.validate(str(REPO / "datapackage.json"))
    errors = report.flatten(["taskName", "rowNumber", "fieldName", "type", "note"])
    assert report.valid, errors


@pytest.mark.parametrize(("resource", "column"), [("claims", "quote"), ("actor_aliases", "alias")])
def test_every_quote_matches_its_offsets(resource, column):
    sources = csvio.read_table(REPO, PACKAGE.resource("sources"))
    seeds = {
        r["source_id"]: provenance.read_seed(REPO / r["seed_path"]) for r in sources.iter_rows(named=True)
    }
    table = csvio.read_table(REPO, PACKAGE.resource(resource))
    assert table.height > 0
    bad = [
        (r[column], r["quote_start"], r["quote_end"])
        for r in table.iter_rows(named=True)
        if seeds[r["source_id"]][int(r["quote_start"]) : int(r["quote_end"])] != r[column]
    ]
    assert bad == []


@pytest.mark.parametrize("resource", PACKAGE.resource_names)
def test_data_file_is_in_canonical_form(resource):
    res = PACKAGE.resource(resource)
    actual = res.file(REPO).read_bytes()
    expected = csvio.canonical_file_bytes(REPO, res)
    if actual != expected:
        diff = difflib.unified_diff(
            actual.decode("utf-8").splitlines(keepends=True),
            expected.decode("utf-8").splitlines(keepends=True),
            fromfile=f"{res.path} (on disk)",
            tofile=f"{res.path} (canonical)",
        )
        pytest.fail("".join(diff))


def test_every_seed_hash_recorded():
    sources = csvio.read_table(REPO, PACKAGE.resource("sources"))
    for r in sources.iter_rows(named=True):
        _, sha256 = buildrecord.sha256_of(containment.inside(REPO, r["seed_path"]))
        assert sha256 == r["seed_sha256"], r["source_id"]


def test_json_report_shape_is_stable(real_package_run):
    assert real_package_run.exit_code == 0, real_package_run.output
    data = json.loads(real_package_run.output)
    assert list(data) == [
        "report_version",
        "package",
        "package_version",
        "valid",
        "summary",
        "checks",
        "problems",
        "warnings",
    ]
    assert data["valid"] is True and data["problems"] == []
    assert set(data["checks"][0]) == {
        "layer",
        "check",
        "description",
        "status",
        "checked",
        "unit",
        "problem_count",
        "skipped_reason",
    }

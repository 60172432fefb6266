"""CLI surface, summary and the canonical writer."""

from __future__ import annotations

import pytest
from conftest import REPO, run_cli

from commitment_tracker import __version__
from commitment_tracker.cli import cli
from commitment_tracker.curation import atomic
from commitment_tracker.datapackage import csvio, schema
from commitment_tracker.publish import codebook, summary


def test_version():
    result = run_cli("--version")
    assert result.exit_code == 0 and __version__ in result.output


@pytest.mark.parametrize("name", sorted(cli.commands))
def test_every_command_has_help_with_example(name):
    command = cli.commands[name]
    assert command.help and "Example:" in command.help, name
    assert run_cli(name, "--help").exit_code == 0


def test_usage_error_exits_2():
    result = run_cli("validate", "--format", "xml", "--root", str(REPO))
    assert result.exit_code == 2


def test_root_without_descriptor_is_a_usage_error(tmp_path):
    result = run_cli("validate", "--root", str(tmp_path))
    assert result.exit_code == 2
    assert "no datapackage.json in" in result.output


def test_summary_on_real_package():
    result = run_cli("summary", "--root", str(REPO))
    assert result.exit_code == 0, result.output
    assert "Rows per resource:" in result.output
    assert "11 000 000 000 MAD" in result.output


def test_summary_on_broken_package_is_a_clear_error(package):
    (package / "data" / "units.csv").unlink()
    result = run_cli("summary", "--root", str(package))
    assert result.exit_code == 1
    assert "Error:" in result.output and "commitments validate" in result.output


@pytest.mark.subprocess
def test_cli_does_not_import_heavy_libraries_at_module_level():
    import subprocess
    import sys

    heavy = "('frictionless', 'great_expectations')"
    code = f"import sys, cli; print(sorted(m for m in {heavy} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_format_amount():
    assert summary.format_amount(11000000000.0) == "11 000 000 000"
    assert summary.format_amount(2.5, "about") == "~ 2.5"
    assert summary.format_amount(None) == ""


def test_every_field_type_has_polars_and_duckdb_types():
    package = schema.load_package(REPO)
    for resource in package.resources:
        for field in resource.fields:
            assert field.type in schema.POLARS_TYPES and field.type in schema.DUCKDB_TYPES, field


def test_self_reference_resolves_to_own_resource():
    commitments = schema.load_package(REPO).resource("commitments")
    parent = [fk for fk in commitments.foreign_keys if fk.fields == ("parent_commitment_id",)]
    assert parent and parent[0].resource == "commitments"


def test_write_tables_atomically_round_trip(package):
    package_desc = schema.load_package(package)
    tables = csvio.read_tables(package, package_desc, typed=True)
    before = {n: package_desc.resource(n).file(package).read_bytes() for n in tables}
    csvio.write_tables_atomically(package, tables, package_desc)
    after = {n: package_desc.resource(n).file(package).read_bytes() for n in tables}
    assert after == before


def test_write_tables_atomically_leaves_originals_on_failure(package):
    package_desc = schema.load_package(package)
    units = csvio.read_typed_table(package, package_desc.resource("units"))
    path = package_desc.resource("units").file(package)
    before = path.read_bytes()
    good = units.head(1)
    bad = units.drop("label")  # does not match the sectors schema, so cannot be rendered
    with pytest.raises(csvio.TableReadError):
        csvio.write_tables_atomically(package, {"units": good, "sectors": bad}, package_desc)
    assert path.read_bytes() == before
    assert not list((package / "data").glob(".*.tmp"))


def test_write_tables_atomically_removes_temps_when_a_write_fails(package, monkeypatch):
    package_desc = schema.load_package(package)
    tables = csvio.read_tables(package, package_desc, typed=True)
    before = {n: package_desc.resource(n).file(package).read_bytes() for n in tables}
    calls = []

    def failing_fsync(fd):
        calls.append(fd)
        if len(calls) == 3:
            raise OSError("disk full")

    monkeypatch.setattr(atomic.os, "fsync", failing_fsync)
    with pytest.raises(OSError, match="disk full"):
        csvio.write_tables_atomically(package, {n: t.head(1) for n, t in tables.items()}, package_desc)
    assert {n: package_desc.resource(n).file(package).read_bytes() for n in tables} == before
    assert not list((package / "data").glob(".*.tmp"))


def test_codebook_is_current():
    written = (REPO / codebook.DOC_PATH).read_text(encoding="utf-8")
    assert written == codebook.document_for(REPO), "run: .venv/bin/commitments codebook --write"


def test_codebook_write_refuses_a_docs_link_leading_out(package, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (package / "docs").symlink_to(outside)
    result = run_cli("codebook", "--write", "--root", str(package))
    assert result.exit_code == 1, result.output
    assert "docs" in result.output and "symbolic link" in result.output
    assert list(outside.iterdir()) == []


def test_codebook_write_creates_docs(package):
    result = run_cli("codebook", "--write", "--root", str(package))
    assert result.exit_code == 0, result.output
    assert (package / codebook.DOC_PATH).read_text(encoding="utf-8") == codebook.document_for(package)
    again = run_cli("codebook", "--write", "--root", str(package))
    assert again.output == f"{codebook.DOC_PATH} already up to date\n"

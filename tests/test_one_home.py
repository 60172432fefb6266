"""One home per definition: the CSV dialect, missing values, date format and id pattern come from
datapackage.json (through datapackage/schema.py), and every reader and writer takes them there."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
from conftest import REPO, read_rows

from commitment_tracker import database
from commitment_tracker.datapackage import csvio, schema
from commitment_tracker.publish.site import model


def _descriptor_edit(root: Path, resource: str, change) -> None:
    path = root / "datapackage.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    change(next(r for r in data["resources"] if r["name"] == resource))
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def _semicolons_and_na(package: Path) -> tuple[list[str], list[list[str]]]:
    """sectors.csv rewritten with ';', CRLF line ends and 'NA' for a blank cell, and declared so."""
    header, rows = read_rows(package, "sectors")
    lines = [";".join(header)] + [";".join(c if c else "NA" for c in r) for r in rows]
    (package / "data" / "sectors.csv").write_bytes(("\r\n".join(lines) + "\r\n").encode("utf-8"))

    def declare(resource: dict) -> None:
        resource["dialect"] = {**resource["dialect"], "delimiter": ";", "lineTerminator": "\r\n"}
        resource["schema"]["missingValues"] = ["NA", ""]

    _descriptor_edit(package, "sectors", declare)
    return header, rows


def test_the_declared_dialect_is_read_and_written_by_csvio_and_duckdb(package):
    before = csvio.read_table(REPO, schema.load_package(REPO).resource("sectors"))
    original = (package / "data" / "sectors.csv").read_bytes()
    _semicolons_and_na(package)
    sectors = schema.load_package(package).resource("sectors")
    assert sectors.dialect == schema.Dialect(delimiter=";", quote_char='"', line_terminator="\r\n")

    text = csvio.read_table(package, sectors)
    assert text.equals(before)  # same cells, 'NA' read as missing like an empty field
    # Written back in the declared dialect, byte for byte as the file now is.
    assert csvio.canonical_file_bytes(package, sectors) == (package / "data" / "sectors.csv").read_bytes()
    assert csvio.canonical_file_bytes(package, sectors) != original

    con = database.connect(package, sql="SELECT * FROM sectors")
    try:
        loaded = pl.from_arrow(con.sql("SELECT * FROM sectors ORDER BY sector_id").to_arrow_table())
    finally:
        con.close()
    assert loaded.equals(before.sort("sector_id"))


def test_the_default_dialect_is_the_specifications():
    assert schema.Dialect.of(None) == schema.Dialect(",", '"', "\r\n")
    assert schema.Dialect.of({"delimiter": "\t", "lineTerminator": 5}).line_terminator == "\r\n"


def test_one_date_format_for_every_reader_and_writer():
    assert csvio.DATE_FORMAT is schema.DATE_FORMAT
    assert database.DATE_FORMAT is schema.DATE_FORMAT
    assert not hasattr(csvio, "LINE_TERMINATOR")


def test_the_site_refuses_an_id_that_is_not_the_schemas_slug(package):
    header, rows = read_rows(package, "sectors")
    rows[0][header.index("sector_id")] = "Not A Slug"
    (package / "data" / "sectors.csv").write_text(
        "\n".join(",".join(r) for r in [header, *rows]) + "\n", encoding="utf-8"
    )
    package_ = schema.load_package(package)
    tables = csvio.read_tables(package, package_, typed=True)
    try:
        model._check_ids(package_, tables)
    except model.SiteDataError as exc:
        assert "sectors.sector_id 'Not A Slug' does not match the id pattern" in str(exc)
    else:
        raise AssertionError("an id outside the schema's pattern reached the site")

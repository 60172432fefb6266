"""Small breakages of a copy of the real package: each must be rejected at the right place.

Every test asserts exit code 1, the rule and the location (resource:row:column) of the problem,
and that no traceback is printed.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from conftest import REPO, read_rows, run_cli, set_cell, write_rows

from commitment_tracker.validate import validate


def problems(root):
    return [p for p in validate(root).problems]


def find(root, rule):
    found = [p for p in problems(root) if p.rule == rule]
    assert found, f"no {rule!r} problem; got {[(p.rule, p.location()) for p in problems(root)]}"
    return found


def assert_rejected(root, *fragments):
    result = run_cli("validate", "--root", str(root), "--limit", "0")
    assert result.exit_code == 1, result.output
    for fragment in fragments:
        assert fragment in result.output, f"{fragment!r} not in:\n{result.output}"
    return result


def test_wrong_seed_hash(package):
    set_cell(package, "sources", 2, "seed_sha256", "0" * 64)
    (p,) = find(package, "seed-sha256")
    assert (p.layer, p.location()) == ("provenance", "sources:2:seed_sha256")
    assert_rejected(package, "sources:2:seed_sha256 — seed-sha256 (", "— '" + "0" * 64 + "'")


def test_edited_seed_file(package):
    header, rows = read_rows(package, "sources")
    seed = package / rows[0][header.index("seed_path")]
    seed.write_bytes(seed.read_bytes() + b" ")
    (p,) = find(package, "seed-sha256")
    assert p.location() == "sources:2:seed_sha256"


def test_quote_off_by_one(package):
    set_cell(package, "claims", 2, "quote_start", lambda v: str(int(v) + 1))
    set_cell(package, "claims", 2, "quote_end", lambda v: str(int(v) + 1))
    (p,) = find(package, "quote-offsets")
    assert p.location() == "claims:2:quote"
    assert "offsets shifted by +1" in p.message
    assert_rejected(package, "claims:2:quote — quote-offsets (", "offsets shifted by +1")


def test_quote_with_one_character_changed(package):
    set_cell(package, "claims", 2, "quote", lambda v: v[:-1] + ("x" if v[-1] != "x" else "y"))
    (p,) = find(package, "quote-offsets")
    assert p.location() == "claims:2:quote"
    assert "nearest passage" in p.message


def test_alias_offsets_checked(package):
    set_cell(package, "actor_aliases", 2, "quote_end", lambda v: str(int(v) - 1))
    (p,) = find(package, "quote-offsets")
    assert p.location() == "actor_aliases:2:alias"


def test_unknown_foreign_key(package):
    set_cell(package, "claims", 2, "speaker_actor_id", "no-such-actor")
    (p,) = find(package, "foreign-key")
    assert p.location() == "claims:2:speaker_actor_id"
    assert p.value == "no-such-actor"
    assert_rejected(package, "claims:2:speaker_actor_id — foreign-key (", "— 'no-such-actor'")


def test_unknown_parent_commitment_self_reference(package):
    set_cell(package, "commitments", 2, "parent_commitment_id", "no-such-commitment")
    (p,) = find(package, "foreign-key")
    assert p.location() == "commitments:2:parent_commitment_id"


def test_duplicate_id(package):
    header, rows = read_rows(package, "commitments")
    rows.insert(1, list(rows[0]))
    write_rows(package, "commitments", header, rows)
    (p,) = find(package, "primary-key")
    assert p.location().startswith("commitments:3")
    assert_rejected(package, "commitments:3", "primary-key")


def test_bad_enum_value(package):
    set_cell(package, "commitments", 2, "kind", "budgett")
    (p,) = find(package, "constraint-error")
    assert (p.location(), p.value) == ("commitments:2:kind", "budgett")
    assert "enum" in p.message
    assert_rejected(package, "commitments:2:kind — constraint-error (", "— 'budgett'")


def test_bad_date_type(package):
    set_cell(package, "commitments", 2, "announced_on", "2025-24-10")
    (p,) = find(package, "type-error")
    assert p.location() == "commitments:2:announced_on"


def test_crlf_line_ends(package):
    path = package / "data" / "actors.csv"
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    (p,) = find(package, "line-ending")
    assert p.location() == "actors:1"
    assert_rejected(package, "actors:1 — line-ending (", "CRLF")


def test_bom(package):
    path = package / "data" / "actors.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    (p,) = find(package, "bom")
    assert p.location() == "actors:1"
    assert_rejected(package, "actors:1 — bom (")


def test_bad_utf8(package):
    path = package / "data" / "actors.csv"
    lines = path.read_bytes().split(b"\n")
    lines[2] = lines[2] + b"\xff"
    path.write_bytes(b"\n".join(lines))
    (p,) = find(package, "encoding")
    assert p.location() == "actors:3"
    # Everything that depends on actors could not be validated by frictionless, and says so.
    assert_rejected(package, "actors:3 — encoding (", "invalid UTF-8 byte ff")


def test_ragged_row(package):
    path = package / "data" / "sectors.csv"
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[1] += ",extra"
    path.write_text("\n".join(lines), encoding="utf-8", newline="")
    (p,) = find(package, "ragged-row")
    assert p.location() == "sectors:2"
    assert_rejected(package, "sectors:2 — ragged-row (", "the header has 3")


def test_missing_file(package):
    (package / "data" / "units.csv").unlink()
    (p,) = find(package, "file-missing")
    assert p.location() == "units"
    assert_rejected(package, "units — file-missing (", "— 'data/units.csv'")


def test_missing_seed_file(package):
    header, rows = read_rows(package, "sources")
    (package / rows[0][header.index("seed_path")]).unlink()
    (p,) = find(package, "seed-missing")
    assert p.location() == "sources:2:seed_path"


def test_invalid_json_descriptor(package):
    path = package / "datapackage.json"
    path.write_text(path.read_text(encoding="utf-8")[:-10], encoding="utf-8")
    (p,) = find(package, "descriptor")
    assert "not valid JSON" in p.message
    assert_rejected(package, "datapackage.json — descriptor (", "not valid JSON", "skipped")


def test_unreferenced_seed(package):
    (package / "seeds" / "999_extra.txt").write_text("nobody cites me\n", encoding="utf-8")
    (p,) = find(package, "seed-unreferenced")
    assert p.value == "seeds/999_extra.txt"
    assert_rejected(package, "seeds — seed-unreferenced (", "— 'seeds/999_extra.txt'")


def test_unsorted_rows(package):
    header, rows = read_rows(package, "sectors")
    write_rows(package, "sectors", header, list(reversed(rows)))
    (p,) = find(package, "sort-order")
    assert p.location() == "sectors"


def test_renamed_column(package):
    header, rows = read_rows(package, "units")
    header[1] = "Label"
    write_rows(package, "units", header, rows)
    labels = [p for p in problems(package) if p.resource == "units" and p.row == 1]
    assert labels, [(p.rule, p.location()) for p in problems(package)]


def test_every_problem_is_json_serialisable(package):
    (package / "data" / "units.csv").unlink()
    set_cell(package, "actors", 2, "kind", "persson")  # actors does not depend on units
    result = run_cli("validate", "--root", str(package), "--format", "json")
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert data["valid"] is False
    assert {"file-missing", "constraint-error"} <= {p["rule"] for p in data["problems"]}


@pytest.mark.parametrize("breakage", ["bad-utf8", "invalid-json"])
def test_real_process_reports_without_traceback(package, breakage):
    if breakage == "bad-utf8":
        path = package / "data" / "claims.csv"
        path.write_bytes(path.read_bytes() + b"\xc3\x28\n")
    else:
        (package / "datapackage.json").write_text("{not json", encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, str(REPO / "cli.py"), "validate", "--root", str(package)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr
    assert "INVALID" in proc.stdout

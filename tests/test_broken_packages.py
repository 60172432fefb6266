"""Small breakages of a copy of the real package: each must be rejected at the right place.

Every test validates its broken copy once, through the command line (`validate --format json`), and
asserts on that one run: exit code 1, no traceback, the rule and the location
(resource:row:column) of the problem in the JSON report, and the lines the text report prints.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys

import pytest
from conftest import REPO, ValidateRun, read_rows, run_cli, set_cell, validate_cli, write_rows


def rejected(root) -> ValidateRun:
    """Validate ``root`` once through the CLI; it must exit 1 and report the package invalid."""
    run = validate_cli(root)
    assert run.exit_code == 1, run.text
    assert run.data["valid"] is False
    return run


def find(run: ValidateRun, rule):
    found = [p for p in run.problems if p.rule == rule]
    assert found, f"no {rule!r} problem; got {[(p.rule, p.location()) for p in run.problems]}"
    return found


def assert_in_text(run: ValidateRun, *fragments):
    """Each fragment is in the text report (`validate --limit 0`) of the same run."""
    for fragment in fragments:
        assert fragment in run.text, f"{fragment!r} not in:\n{run.text}"


def test_wrong_seed_hash(package):
    set_cell(package, "sources", 2, "seed_sha256", "0" * 64)
    run = rejected(package)
    (p,) = find(run, "seed-sha256")
    assert (p.layer, p.location()) == ("provenance", "sources:2:seed_sha256")
    assert_in_text(run, "sources:2:seed_sha256 — seed-sha256 (", "— '" + "0" * 64 + "'")


def test_edited_seed_file(package):
    header, rows = read_rows(package, "sources")
    seed = package / rows[0][header.index("seed_path")]
    seed.write_bytes(seed.read_bytes() + b" ")
    run = rejected(package)
    (p,) = find(run, "seed-sha256")
    assert p.location() == "sources:2:seed_sha256"


def test_quote_off_by_one(package):
    set_cell(package, "claims", 2, "quote_start", lambda v: str(int(v) + 1))
    set_cell(package, "claims", 2, "quote_end", lambda v: str(int(v) + 1))
    run = rejected(package)
    (p,) = find(run, "quote-offsets")
    assert p.location() == "claims:2:quote"
    assert "offsets shifted by +1" in p.message
    assert_in_text(run, "claims:2:quote — quote-offsets (", "offsets shifted by +1")


def test_quote_with_one_character_changed(package):
    set_cell(package, "claims", 2, "quote", lambda v: v[:-1] + ("x" if v[-1] != "x" else "y"))
    run = rejected(package)
    (p,) = find(run, "quote-offsets")
    assert p.location() == "claims:2:quote"
    assert "nearest passage" in p.message


def test_alias_offsets_checked(package):
    set_cell(package, "actor_aliases", 2, "quote_end", lambda v: str(int(v) - 1))
    run = rejected(package)
    (p,) = find(run, "quote-offsets")
    assert p.location() == "actor_aliases:2:alias"


def test_unknown_foreign_key(package):
    set_cell(package, "claims", 2, "speaker_actor_id", "no-such-actor")
    run = rejected(package)
    (p,) = find(run, "foreign-key")
    assert p.location() == "claims:2:speaker_actor_id"
    assert p.value == "no-such-actor"
    assert_in_text(run, "claims:2:speaker_actor_id — foreign-key (", "— 'no-such-actor'")
    # The default engines (test_rowchecks_agree.py::test_cli_frictionless_rows_option runs the other):
    # Frictionless reads the headers, the DuckDB row checks the rows.
    structure_checks = {c["check"] for c in run.data["checks"] if c["layer"] == "structure"}
    assert structure_checks & {"frictionless", "rows"} == {"frictionless", "rows"}
    fk = [p for p in run.data["problems"] if p["rule"] == "foreign-key"]
    assert [(p["resource"], p["row"], p["column"], p["value"]) for p in fk] == [
        ("claims", 2, "speaker_actor_id", "no-such-actor")
    ]


def test_unknown_parent_commitment_self_reference(package):
    set_cell(package, "commitments", 2, "parent_commitment_id", "no-such-commitment")
    run = rejected(package)
    (p,) = find(run, "foreign-key")
    assert p.location() == "commitments:2:parent_commitment_id"


def test_duplicate_id(package):
    header, rows = read_rows(package, "commitments")
    rows.insert(1, list(rows[0]))
    write_rows(package, "commitments", header, rows)
    run = rejected(package)
    (p,) = find(run, "primary-key")
    assert p.location().startswith("commitments:3")
    assert_in_text(run, "commitments:3", "primary-key")


def test_bad_enum_value(package):
    set_cell(package, "commitments", 2, "kind", "budgett")
    run = rejected(package)
    (p,) = find(run, "constraint-error")
    assert (p.location(), p.value) == ("commitments:2:kind", "budgett")
    assert "enum" in p.message
    assert_in_text(run, "commitments:2:kind — constraint-error (", "— 'budgett'")


def test_bad_date_type(package):
    set_cell(package, "commitments", 2, "announced_on", "2025-24-10")
    run = rejected(package)
    (p,) = find(run, "type-error")
    assert p.location() == "commitments:2:announced_on"


def test_crlf_line_ends(package):
    path = package / "data" / "actors.csv"
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    run = rejected(package)
    (p,) = find(run, "line-ending")
    assert p.location() == "actors:1"
    assert_in_text(run, "actors:1 — line-ending (", "CRLF")


def test_bom(package):
    path = package / "data" / "actors.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    run = rejected(package)
    (p,) = find(run, "bom")
    assert p.location() == "actors:1"
    assert_in_text(run, "actors:1 — bom (")


def test_bad_utf8(package):
    path = package / "data" / "actors.csv"
    lines = path.read_bytes().split(b"\n")
    lines[2] = lines[2] + b"\xff"
    path.write_bytes(b"\n".join(lines))
    run = rejected(package)
    (p,) = find(run, "encoding")
    assert p.location() == "actors:3"
    # Everything that depends on actors could not be validated by frictionless, and says so.
    assert_in_text(run, "actors:3 — encoding (", "invalid UTF-8 byte ff")


def test_ragged_row(package):
    path = package / "data" / "sectors.csv"
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[1] += ",extra"
    path.write_text("\n".join(lines), encoding="utf-8", newline="")
    run = rejected(package)
    (p,) = find(run, "ragged-row")
    assert p.location() == "sectors:2"
    assert_in_text(run, "sectors:2 — ragged-row (", "the header has 3")


def test_missing_file(package):
    (package / "data" / "units.csv").unlink()
    run = rejected(package)
    (p,) = find(run, "file-missing")
    assert p.location() == "units"
    assert_in_text(run, "units — file-missing (", "— 'data/units.csv'")


def test_missing_seed_file(package):
    header, rows = read_rows(package, "sources")
    (package / rows[0][header.index("seed_path")]).unlink()
    run = rejected(package)
    (p,) = find(run, "seed-missing")
    assert p.location() == "sources:2:seed_path"


def _break_utf8(seed) -> int:
    """Put a byte that is never UTF-8 at the start of the seed's second line; return where."""
    data = seed.read_bytes()
    at = data.index(b"\n") + 1
    seed.write_bytes(data[:at] + b"\xff" + data[at:])
    return at


def test_seeds_not_utf8_reported_in_row_order_and_their_quotes_skipped(package):
    header, rows = read_rows(package, "sources")
    seed_path = [r[header.index("seed_path")] for r in rows]
    edited = _break_utf8(package / seed_path[0])  # and its seed_sha256 no longer matches
    (package / seed_path[1]).unlink()
    rehashed = _break_utf8(package / seed_path[3])
    set_cell(
        package,
        "sources",
        5,
        "seed_sha256",
        hashlib.sha256((package / seed_path[3]).read_bytes()).hexdigest(),
    )
    run = rejected(package)
    seed_files = [(p.rule, p.location(), p.message) for p in run.problems if p.check == "seed-files"]
    assert [(rule, where) for rule, where, _ in seed_files] == [
        ("seed-sha256", "sources:2:seed_sha256"),
        ("seed-encoding", "sources:2:seed_path"),
        ("seed-missing", "sources:3:seed_path"),
        ("seed-encoding", "sources:5:seed_path"),
    ]
    assert seed_files[1][2] == f"{seed_path[0]} is not UTF-8 (byte {edited}); quote offsets cannot be checked"
    assert (
        seed_files[3][2] == f"{seed_path[3]} is not UTF-8 (byte {rehashed}); quote offsets cannot be checked"
    )
    # A seed that cannot be read as text vouches for no quote, and is not reported against one.
    assert not [p for p in run.problems if p.rule == "quote-offsets"]
    assert_in_text(run, f"sources:5:seed_path — seed-encoding ({seed_path[3]} is not UTF-8")


def test_invalid_json_descriptor(package):
    path = package / "datapackage.json"
    path.write_text(path.read_text(encoding="utf-8")[:-10], encoding="utf-8")
    run = rejected(package)
    (p,) = find(run, "descriptor")
    assert "not valid JSON" in p.message
    assert_in_text(run, "datapackage.json — descriptor (", "not valid JSON", "skipped")


def test_unreferenced_seed(package):
    (package / "seeds" / "999_extra.txt").write_text("nobody cites me\n", encoding="utf-8")
    run = rejected(package)
    (p,) = find(run, "seed-unreferenced")
    assert p.value == "seeds/999_extra.txt"
    assert_in_text(run, "seeds — seed-unreferenced (", "— 'seeds/999_extra.txt'")


def test_unsorted_rows(package):
    header, rows = read_rows(package, "sectors")
    write_rows(package, "sectors", header, list(reversed(rows)))
    run = rejected(package)
    (p,) = find(run, "sort-order")
    assert p.location() == "sectors"


def test_renamed_column(package):
    header, rows = read_rows(package, "units")
    header[1] = "Label"
    write_rows(package, "units", header, rows)
    run = rejected(package)
    labels = [p for p in run.problems if p.resource == "units" and p.row == 1]
    assert labels, [(p.rule, p.location()) for p in run.problems]


def test_every_problem_is_json_serialisable(package):
    (package / "data" / "units.csv").unlink()
    set_cell(package, "actors", 2, "kind", "persson")  # actors does not depend on units
    result = run_cli("validate", "--root", str(package), "--format", "json")
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert data["valid"] is False
    assert {"file-missing", "constraint-error"} <= {p["rule"] for p in data["problems"]}


@pytest.mark.subprocess
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

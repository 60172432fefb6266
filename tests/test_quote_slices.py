"""The quote checks judge a table a slice of rows at a time (provenance.QUOTE_SLICE_ROWS, for memory
at 10^7 claims): problems, warnings, rows and counts are those of judging it whole."""

from __future__ import annotations

import datetime as dt
import hashlib

from conftest import read_rows, set_cell, write_rows

from commitment_tracker.datapackage import schema
from commitment_tracker.validation import provenance
from commitment_tracker.validation.context import ValidationContext


def _quote_checks(root):
    ctx = ValidationContext(root=root, package=schema.load_package(root), today=dt.date(2026, 1, 1))
    return [c for c in provenance.run(ctx) if c.check in ("claim-quotes", "alias-quotes")]


def _repeat_passage(root, claim_row: int) -> None:
    """Append the passage of the claim at ``claim_row`` to its seed, with 40 characters either side,
    so its quote is ambiguous (the seed's SHA-256 recorded anew)."""
    header_c, claims = read_rows(root, "claims")
    claim = claims[claim_row - 2]
    start, end = int(claim[header_c.index("quote_start")]), int(claim[header_c.index("quote_end")])
    header, sources = read_rows(root, "sources")
    source = next(r for r in sources if r[header.index("source_id")] == claim[header_c.index("source_id")])
    path = root / source[header.index("seed_path")]
    text = path.read_text(encoding="utf-8")
    text += "\n" + text[max(0, start - 40) : end + 40] + "\n"
    path.write_bytes(text.encode("utf-8"))
    source[header.index("seed_sha256")] = hashlib.sha256(text.encode("utf-8")).hexdigest()
    write_rows(root, "sources", header, sources)


def test_quotes_judged_in_slices_report_what_judging_them_whole_reports(package, monkeypatch):
    _, claims = read_rows(package, "claims")
    last = len(claims) + 1
    shifted = [2, 9, 10, last]  # a slice's first and last rows, and the table's last
    for row in shifted:
        set_cell(package, "claims", row, "quote_start", lambda s: str(int(s) + 1))
    set_cell(package, "claims", 5, "source_id", "src-unknown")  # not counted: reported elsewhere
    set_cell(package, "claims", 7, "quote_end", "")
    _repeat_passage(package, 13)

    whole = _quote_checks(package)
    monkeypatch.setattr(provenance, "QUOTE_SLICE_ROWS", 4)
    sliced = _quote_checks(package)

    claim_check = whole[0]
    assert [(p.rule, p.row) for p in claim_check.problems] == [("quote-offsets", row) for row in shifted]
    assert [(w.rule, w.row) for w in claim_check.warnings] == [(provenance.AMBIGUOUS, 13)]
    assert claim_check.checked == len(claims) - 2
    for one, other in zip(whole, sliced, strict=True):
        assert (one.checked, one.problems, one.warnings) == (other.checked, other.problems, other.warnings)

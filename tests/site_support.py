"""Helpers for the site tests: expected values read straight from the CSV files, and a hostile package.

The expectations are computed here with the csv module, independently of commitment_tracker, so
that a test compares the pages with the data rather than with the site code's own view of it.
"""

from __future__ import annotations

import csv
import hashlib
from collections import defaultdict
from pathlib import Path

from conftest import copy_package, read_rows, write_rows

HOSTILE_TITLE = '<script>alert("title")</script> & <b>bold</b> "quoted"'
HOSTILE_TITLE_EN = "<img src=x onerror=alert(1)> English"
HOSTILE_QUOTE = 'Il a promis <script>alert("quote")</script> & <i>plus</i> encore.'
HOSTILE_SOURCE_TITLE = '</title><script>alert("source")</script>'
HOSTILE_DESCRIPTION = '<script>alert("discrepancy")</script> versions differ'
HOSTILE_CLAIM_ID = "c999-hostile"


def rows(root: Path, resource: str) -> list[dict[str, str]]:
    with open(root / "data" / f"{resource}.csv", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def commitment_ids(root: Path) -> list[str]:
    return sorted(r["commitment_id"] for r in rows(root, "commitments"))


def latest_status(root: Path) -> dict[str, str]:
    """commitment_id -> status of its latest status_updates row (ISO dates sort as text)."""
    latest: dict[str, tuple[str, str]] = {}
    for r in rows(root, "status_updates"):
        if r["commitment_id"] not in latest or r["as_of"] > latest[r["commitment_id"]][0]:
            latest[r["commitment_id"]] = (r["as_of"], r["status"])
    return {cid: status for cid, (_, status) in latest.items()}


def disputed_commitments(root: Path) -> set[str]:
    """Commitments with at least one claim taking part in a discrepancy."""
    in_discrepancy = {r["claim_id"] for r in rows(root, "discrepancy_claims")}
    return {
        r["commitment_id"]
        for r in rows(root, "claims")
        if r["claim_id"] in in_discrepancy and r["commitment_id"]
    }


def claims_by_commitment(root: Path) -> dict[str, list[dict[str, str]]]:
    out: dict[str, list[dict[str, str]]] = defaultdict(list)
    for r in rows(root, "claims"):
        if r["commitment_id"]:
            out[r["commitment_id"]].append(r)
    return dict(out)


def status_rows(root: Path, commitment_id: str) -> list[dict[str, str]]:
    return sorted(
        (r for r in rows(root, "status_updates") if r["commitment_id"] == commitment_id),
        key=lambda r: r["as_of"],
    )


def _set(root: Path, resource: str, key: str, value: str, **changes: str) -> None:
    header, records = read_rows(root, resource)
    index = header.index(key)
    for record in records:
        if record[index] == value:
            for column, new in changes.items():
                record[header.index(column)] = new
    write_rows(root, resource, header, records)


def hostile_package(target: Path) -> tuple[Path, str]:
    """A copy of the real package whose texts carry markup: a title, a source title, a discrepancy
    description, and a new claim whose quote (appended to a seed, hash updated) holds a <script>.

    Returns the package root and the id of the commitment that carries the hostile title and claim.
    """
    root = copy_package(target)
    commitment_id = commitment_ids(root)[0]
    _set(
        root, "commitments", "commitment_id", commitment_id, title_fr=HOSTILE_TITLE, title_en=HOSTILE_TITLE_EN
    )

    source = rows(root, "sources")[0]
    seed = root / source["seed_path"]
    with open(seed, encoding="utf-8", newline="") as fh:
        text = fh.read()
    text += "\n" + HOSTILE_QUOTE + "\n"
    seed.write_bytes(text.encode("utf-8"))
    start = text.index(HOSTILE_QUOTE)
    _set(
        root,
        "sources",
        "source_id",
        source["source_id"],
        title=HOSTILE_SOURCE_TITLE,
        seed_sha256=hashlib.sha256(seed.read_bytes()).hexdigest(),
    )

    header, records = read_rows(root, "claims")
    record = dict.fromkeys(header, "")
    record.update(
        claim_id=HOSTILE_CLAIM_ID,
        source_id=source["source_id"],
        commitment_id=commitment_id,
        quote=HOSTILE_QUOTE,
        quote_start=str(start),
        quote_end=str(start + len(HOSTILE_QUOTE)),
    )
    records.append([record[h] for h in header])
    records.sort(key=lambda r: r[0])
    write_rows(root, "claims", header, records)

    header, records = read_rows(root, "discrepancies")
    first = records[0][0]
    _set(root, "discrepancies", "discrepancy_id", first, description=HOSTILE_DESCRIPTION)
    header, records = read_rows(root, "discrepancy_claims")
    records.append([first, HOSTILE_CLAIM_ID])
    records.sort()
    write_rows(root, "discrepancy_claims", header, records)
    return root, commitment_id

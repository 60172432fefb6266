"""Proposals for people (a text table), for tools (JSON) and for review (the changeset CSV).

The changeset's columns are the contract in ``curation/changeset.py``; it is written beside its
destination and renamed into place, so a failed write leaves nothing half-written. It never goes
into the package's own files (data/, seeds/, validators/, queries/, datapackage.json), never
through a symbolic link or over a folder, and never over an existing file without ``force``.
"""

from __future__ import annotations

import decimal
import json
import os
from collections import Counter
from pathlib import Path

from commitment_tracker.curation import changeset
from commitment_tracker.curation.proposing import ProposeError
from commitment_tracker.curation.proposing.proposals import Proposal, Proposed
from commitment_tracker.datapackage import paths
from commitment_tracker.staging import staged_file
from commitment_tracker.text import aligned, column_widths, rule, shorten

# What a changeset may never be written into: the package itself.
PACKAGE_PARTS = (paths.DESCRIPTOR_NAME, "data", paths.SEEDS_DIRNAME, paths.VALIDATORS_DIRNAME, "queries")
QUOTE_WIDTH = 70
STATED_WIDTH = 28


def number_text(value: float) -> str:
    """A figure as the package writes it: 11000000000, 0.125 (no exponent, no trailing zeros)."""
    exact = decimal.Decimal(f"{value:.15g}")
    if exact == exact.to_integral_value():
        return str(int(exact))
    return format(exact.normalize(), "f")


def _json_value(p: Proposal) -> float | int | str | None:
    if isinstance(p.value, float):
        return int(p.value) if p.value.is_integer() else float(number_text(p.value))
    return p.value


def proposal_ids(proposed: Proposed) -> list[str]:
    return [f"p{n:03d}" for n in range(1, len(proposed.proposals) + 1)]


def to_json(proposed: Proposed) -> str:
    """One array of objects, one per proposal, in text order; null where a field does not apply."""
    items = []
    for pid, p in zip(proposal_ids(proposed), proposed.proposals, strict=True):
        items.append(
            {
                "proposal_id": pid,
                "kind": p.kind,
                "source_id": p.source_id,
                "quote": p.quote,
                "quote_start": p.quote_start,
                "quote_end": p.quote_end,
                "stated": p.stated,
                "stated_start": p.stated_start,
                "stated_end": p.stated_end,
                "value": _json_value(p),
                "unit_id": p.unit_id,
                "qualifier": p.qualifier,
                "deadline_year": p.deadline_year,
                "claim_id": p.claim_id,
                "candidates": p.candidates,
                "speaker_actor_id": p.speaker_actor_id,
                "actor_id": p.actor_id,
                "status": p.status,
                "formality": p.formality,
                "as_of": p.as_of,
                "disputes": p.disputes,
                "reason": p.reason,
            }
        )
    return json.dumps(items, ensure_ascii=False, indent=2) + "\n"


def to_text(proposed: Proposed) -> str:
    """A table for a curator: what each proposal states, where, and where it most likely belongs."""
    counts = Counter(p.kind for p in proposed.proposals)
    summary = ", ".join(f"{n} {kind}" for kind, n in sorted(counts.items())) or "nothing found"
    lines = [f"{proposed.source_id} ({proposed.seed_path}): {len(proposed.proposals)} proposals ({summary})"]
    if not proposed.proposals:
        return "\n".join(lines) + "\n"
    header = [
        "id",
        "kind",
        "at",
        "stated",
        "value",
        "unit",
        "qualifier",
        "by",
        "claim",
        "best candidate",
        "quote",
    ]
    rows = [header]
    for pid, p in zip(proposal_ids(proposed), proposed.proposals, strict=True):
        value = (
            number_text(p.value) if isinstance(p.value, float) else (p.value or p.status or p.actor_id or "")
        )
        rows.append(
            [
                pid,
                p.kind,
                f"{p.quote_start}:{p.quote_end}",
                shorten(p.stated.replace("\n", " "), STATED_WIDTH),
                str(value),
                p.unit_id or "",
                p.qualifier or p.formality or "",
                str(p.deadline_year or ""),
                p.claim_id or "",
                (p.subject or "") + (" !disputes " + " ".join(p.disputes) if p.disputes else ""),
                shorten(p.quote.replace("\n", " "), QUOTE_WIDTH),
            ]
        )
    widths = column_widths(rows)
    right = [False, False, True, False, True, False, False, True, False, False, False]
    lines.append(aligned(header, widths))
    lines.append(rule(widths))
    lines.extend(aligned(row, widths, right) for row in rows[1:])
    return "\n".join(lines) + "\n"


def changeset_rows(proposed: Proposed) -> list[dict[str, object]]:
    """One changeset row per proposal; the best candidate pre-fills its subject's column."""
    rows = []
    for pid, p in zip(proposal_ids(proposed), proposed.proposals, strict=True):
        row: dict[str, object] = {
            "proposal_id": pid,
            "decision": "",
            "kind": p.kind,
            "source_id": p.source_id,
            "source_sha256": proposed.source_sha256,
            "quote": p.quote,
            "quote_start": p.quote_start,
            "quote_end": p.quote_end,
            "stated": p.stated,
            "claim_id": p.claim_id,
            "candidates": " ".join(p.candidates),
            "value": number_text(p.value) if isinstance(p.value, float) else None,
            "unit_id": p.unit_id,
            "qualifier": p.qualifier,
            "deadline_year": p.deadline_year,
            "speaker_actor_id": p.speaker_actor_id,
            "actor_id": p.actor_id,
            "status": p.status,
            "formality": p.formality,
            "as_of": p.as_of,
            "disputes": " ".join(p.disputes),
            "notes": None,
            "reason": p.reason,
        }
        if p.subject and p.kind in ("figure", "date", "status"):
            kind, subject_id = p.subject.split(":", 1)
            row[f"{kind}_id"] = subject_id
        rows.append(row)
    return rows


def check_out(root: Path, out: Path, force: bool) -> Path:
    """Where the changeset may go: refused inside the package's own files, through a link, onto a
    folder, into a folder that does not exist, or over a file unless ``force``."""
    out = Path(out)
    if out.is_symlink():
        raise ProposeError(f"{out} is a symbolic link; name the changeset file itself")
    if out.is_dir():
        raise ProposeError(f"{out} is a folder; name a file, e.g. {out / 'changeset.csv'}")
    parent = out.parent.resolve()
    if not parent.is_dir():
        raise ProposeError(f"{out.parent} is not a folder that exists; create it first")
    target = parent / out.name
    real_root = Path(root).resolve()
    for part in PACKAGE_PARTS:
        inner = real_root / part
        if target == inner or inner in target.parents:
            raise ProposeError(
                f"{out} is inside the package's own files ({part}); a changeset is a file for review, "
                "not package data: write it elsewhere, e.g. changesets/ or /tmp"
            )
    if os.path.lexists(target) and not force:
        raise ProposeError(f"{out} already exists; pass --force to replace it, or name another file")
    return target


def write_changeset(root: Path, out: Path, proposed: Proposed, force: bool) -> Path:
    """Write the changeset to ``out`` (checked by ``check_out``) atomically; return where it went."""
    target = check_out(root, out, force)
    text = changeset.to_csv(changeset_rows(proposed))
    try:
        with staged_file(target) as temp, open(temp, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
    except OSError as exc:
        raise ProposeError(f"cannot write {out}: {exc.strerror or exc}") from None
    return target

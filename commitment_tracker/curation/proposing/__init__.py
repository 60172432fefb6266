"""`propose`: from a new article to proposals a curator reviews (docs/curating.md, "## propose").

Given a file, the text is first archived exactly as ``add-source`` archives it
(``curate.add_source``, same options, one validated write); given a source id, its archived text
is read. Then each module finds one kind of statement in the article's prose:

* ``layout``: which lines are the article (not menus, other stories' headlines, page scripts),
  its sentences, and the span a proposal quotes;
* ``commitment_tracker.figures``: figures (the one grammar, shared with validation);
* ``dates``, ``actors``, ``status``: dates, actor names, status phrases;
* ``package``: the tables read once; ``links``: the subjects a proposal most likely belongs to,
  the claim that already records it, the recorded figures it contradicts;
* ``proposals``: the proposals themselves; ``output``: text, JSON and the changeset file.

Nothing is written besides the archived source (for a file) and the changeset (``--out``).
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

from commitment_tracker.curation.proposing import package as package_mod
from commitment_tracker.curation.proposing.proposals import Proposal, Proposed, propose_source
from commitment_tracker.errors import TrackerError
from commitment_tracker.text import did_you_mean

__all__ = ["Proposal", "ProposeError", "Proposed", "Target", "propose", "resolve"]


class ProposeError(TrackerError):
    """The text cannot be proposed from; nothing was written."""


@dataclass(frozen=True)
class Target:
    """What FILE_OR_SOURCE_ID names: an archived source, or a file to archive first."""

    source_id: str | None = None
    file: Path | None = None


@dataclass
class Result:
    proposed: Proposed
    notes: list[str] = field(default_factory=list)


def resolve(root: Path, name: str) -> Target:
    """A known source id, else an existing file; ProposeError (with the closest ids) otherwise."""
    sources = package_mod.source_ids(root)
    if name in sources:
        return Target(source_id=name)
    if name and os.path.lexists(name):
        return Target(file=Path(name))
    looks_like_file = os.sep in name or "." in name
    what = f"no file {name!r} and no source with that id" if looks_like_file else f"unknown source {name!r}"
    raise ProposeError(
        f"{what}{did_you_mean(name, sources)}",
        hint="pass a saved text file to archive and propose from, or the id of an archived source "
        "(data/sources.csv, column source_id)",
    )


def propose(root: Path, target: Target, archive: dict[str, str | None] | None = None) -> Result:
    """Proposals from ``target``; a file is archived first with ``archive`` (add-source's options).

    A file whose bytes are already archived is not archived again: its source is proposed from,
    and a note says so.
    """
    root = Path(root)
    notes: list[str] = []
    source_id = target.source_id
    if target.file is not None:
        source_id = _archive(root, target.file, archive or {}, notes)
    view = package_mod.load(root)
    return Result(propose_source(root, source_id, view), notes)


def _archive(root: Path, file: Path, options: dict[str, str | None], notes: list[str]) -> str:
    # Imported here: archiving validates the package, which the source-id path never needs.
    from commitment_tracker.curation import curate

    data = curate.read_capture(file)  # refuses a binary, empty, huge or non-UTF-8 file first
    digest = hashlib.sha256(data).hexdigest()
    same = package_mod.source_with_sha256(root, digest)
    if same is not None:
        notes.append(f"{file} is already archived as source {same}: proposing from it (nothing archived)")
        return same
    outcome = curate.add_source(root, file, **options)
    (new_id,) = outcome.ids("sources")
    notes.append(f"archived {file} as source {new_id} ({', '.join(outcome.files)})")
    return new_id

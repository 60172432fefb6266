"""The changeset: what `propose` writes and a curator reviews, and what `apply` reads.

One CSV row per proposal, in the package's own dialect (UTF-8, comma, ``\\n``, quotes only where
needed), so it opens in a spreadsheet and diffs cleanly in a pull request. ``propose`` fills every
column it can; the curator writes ``accept`` or ``reject`` in ``decision`` and may edit the columns
listed in ``EDITABLE``; ``apply`` turns the accepted rows into package rows in one validated write.

Columns (the contract between the two commands; tests read it, so change it here only):

- ``proposal_id``: ``p001``… in text order; ``apply`` names refused rows by this and the CSV line.
- ``decision``: blank (undecided, skipped), ``accept`` or ``reject``.
- ``kind``: ``figure``, ``date``, ``actor`` (a known actor's spelling found), ``new_actor`` (a
  capitalised name matching no actor), ``status`` (a phrase that moves a status or formality).
- ``source_id``, ``source_sha256``: the archived text the offsets point into, and its SHA-256 when
  the changeset was made (``apply`` refuses every row of a source whose bytes changed).
- ``quote``, ``quote_start``, ``quote_end``: the verbatim span (``seed_text[quote_start:quote_end]``).
- ``stated``: the figure, date or name exactly as written (a substring of ``quote``).
- ``claim_id``: the existing claim that already records this proposal, if any.
- ``candidates``: ids of the commitments / indicators / events it most likely belongs to, best
  first, separated by spaces (``commitment:ai-fund indicator:ai-jobs``).
- ``commitment_id``, ``indicator_id``, ``event_id``: the subject the curator settles on (propose
  pre-fills the best candidate's column; exactly one must be set to accept a figure or status).
- ``value``, ``unit_id``, ``qualifier``, ``deadline_year``: the figure in base units.
- ``speaker_actor_id``: who states it, when the text says.
- ``actor_id``: for ``actor`` rows, the actor the spelling belongs to (an alias is added).
- ``status``, ``formality``, ``as_of``: for ``status`` rows (and ``date`` rows used as as-of dates).
- ``disputes``: claim ids (space-separated) whose figure this one contradicts; accepting records a
  discrepancy between them and the new claim.
- ``notes``: the curator's judgement, copied to the new row's notes.
- ``reason``: why it was proposed (read-only, for the reviewer).
"""

from __future__ import annotations

import csv
import io
import os
import stat
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from commitment_tracker.datapackage import containment
from commitment_tracker.errors import TrackerError
from commitment_tracker.text import did_you_mean

COLUMNS = (
    "proposal_id",
    "decision",
    "kind",
    "source_id",
    "source_sha256",
    "quote",
    "quote_start",
    "quote_end",
    "stated",
    "claim_id",
    "candidates",
    "commitment_id",
    "indicator_id",
    "event_id",
    "value",
    "unit_id",
    "qualifier",
    "deadline_year",
    "speaker_actor_id",
    "actor_id",
    "status",
    "formality",
    "as_of",
    "disputes",
    "notes",
    "reason",
)
# What a curator may change before `apply`; the rest is the proposal's evidence and is checked.
EDITABLE = (
    "decision",
    "commitment_id",
    "indicator_id",
    "event_id",
    "value",
    "unit_id",
    "qualifier",
    "deadline_year",
    "speaker_actor_id",
    "actor_id",
    "status",
    "formality",
    "as_of",
    "disputes",
    "notes",
    "quote",
    "quote_start",
    "quote_end",
)
KINDS = ("figure", "date", "actor", "new_actor", "status")
DECISIONS = ("", "accept", "reject")


def to_csv(rows: Iterable[Mapping[str, object]]) -> str:
    """The changeset text: a header of COLUMNS, then one line per proposal (None written empty)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n", extrasaction="raise")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: "" if row.get(k) is None else row.get(k) for k in COLUMNS})
    return out.getvalue()


# --- reading (apply) --------------------------------------------------------------------------

BOM = "\ufeff"  # spreadsheets may save one; it is not part of the first column's name


class ChangesetError(TrackerError):
    """The file is not a changeset apply can read; nothing was applied."""


@dataclass(frozen=True)
class Proposal:
    """One row of a changeset: its values (every column, '' when blank) and where it starts."""

    line: int  # physical line of the file where the row starts (the header is line 1)
    values: dict[str, str]

    def __getitem__(self, column: str) -> str:
        return self.values[column]

    def get(self, column: str) -> str | None:
        """The column's value with surrounding spaces removed, None when blank."""
        return self.values[column].strip() or None


def read(path: Path) -> list[Proposal]:
    """The rows of the changeset at ``path``; ChangesetError when it is not one.

    Refused: a path that is a symbolic link, a folder or anything but a regular file; bytes that
    are not UTF-8; text that is not CSV; a header without every column of COLUMNS, with a column
    that is not one, or naming one twice; a row with more or fewer cells than the header.
    """
    path = Path(path)
    try:
        if stat.S_ISLNK(os.lstat(path).st_mode):
            raise ChangesetError(f"{path} is a symbolic link; pass the changeset file itself")
        data = containment.read_bytes(path)
    except OSError as exc:
        if isinstance(exc, TrackerError):
            raise
        raise ChangesetError(f"{path} cannot be read: {exc.strerror or exc}") from None
    try:
        text = data.decode("utf-8").removeprefix(BOM)
    except UnicodeDecodeError as exc:
        raise ChangesetError(
            f"{path} is not UTF-8 (byte {exc.start}): save the changeset as UTF-8 CSV (a quote must be "
            "the archived text character for character)"
        ) from None
    if "\x00" in text:
        raise ChangesetError(f"{path} contains a NUL byte: it is not a CSV text file")
    records = _records(path, text)
    header = next(records, None)
    if header is None:
        raise ChangesetError(f"{path} is empty: a changeset starts with the header {','.join(COLUMNS)}")
    names = _check_header(path, header[1])
    proposals, ragged = [], []
    for line, cells in records:
        if not cells:
            continue  # a blank line
        if len(cells) != len(names):
            ragged.append(f"  line {line}: {len(cells)} cells, the header has {len(names)}")
            continue
        proposals.append(Proposal(line, dict(zip(names, cells, strict=True))))
    if ragged:
        raise ChangesetError(
            f"{path} has rows that do not match its header (a comma or quote lost in editing?):\n"
            + "\n".join(ragged)
        )
    return proposals


def _records(path: Path, text: str) -> Iterator[tuple[int, list[str]]]:
    """(line where the record starts, its cells); a quoted cell may hold line breaks."""
    # Only "\n" ends a line (newline="\n"): splitting at U+2028 or a lone "\r" as well would number
    # lines differently from an editor; a spreadsheet's "\r\n" is read by csv as a line end.
    reader = csv.reader(io.StringIO(text, newline="\n"), strict=True)
    ended = 0  # the line the previous record ended on
    try:
        for cells in reader:
            yield ended + 1, cells
            ended = reader.line_num
    except csv.Error as exc:
        raise ChangesetError(f"{path}: line {reader.line_num} is not CSV ({exc})") from None


def _check_header(path: Path, header: list[str]) -> list[str]:
    """The column names (spaces around them removed); ChangesetError unless they are COLUMNS."""
    names = [h.strip() for h in header]
    problems = []
    missing = [c for c in COLUMNS if c not in names]
    if missing:
        problems.append(f"missing column(s): {', '.join(missing)}")
    for name in dict.fromkeys(n for n in names if n not in COLUMNS):
        problems.append(f"unknown column {name!r}{did_you_mean(name, COLUMNS)}")
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        problems.append(f"column(s) named twice: {', '.join(twice)}")
    if problems:
        raise ChangesetError(
            f"{path} is not a changeset: " + "; ".join(problems),
            hint=f"a changeset is the CSV `propose --out` writes; its header is: {','.join(COLUMNS)}",
        )
    return names

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
from collections.abc import Iterable, Mapping

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

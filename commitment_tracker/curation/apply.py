"""apply: the accepted rows of a changeset become package rows, in one validated write.

A changeset (``changeset.py``; ``propose --out`` writes it, a curator marks rows ``accept`` or
``reject``) is turned into claims, status rows, actor aliases and discrepancies by the same
building blocks as the single-row commands (``curate._claim``, ``_status``, ``_aliases``,
``_discrepancy``), all inside ONE :func:`curate.transaction`: one lock, one staged copy validated
in full, one atomic write. All or nothing: when any accepted row is refused, every refusal is
listed with its changeset line and proposal id, and no byte of the package changes.

What each accepted row must hold before anything is staged (the rest is the validator's to judge,
and its problems are located back to the changeset line that added the row):

- its source's archived text is the one the changeset was made from (``source_sha256``), and the
  quote is that text at ``quote_start:quote_end``, character for character;
- it records something new (``claim_id`` blank);
- ``figure``: exactly one subject (``commitment_id``, ``indicator_id`` or ``event_id``) and a
  figure written in the package's form; ``disputes`` records a discrepancy with those claims;
- ``status``: a commitment and an ``as_of`` date; the quote becomes the claim the status row cites;
- ``actor`` / ``new_actor``: an existing ``actor_id``, of which ``stated`` (else the quote) is a
  spelling; a name that is no actor yet is added with ``add-actor`` first;
- ``date``: never alone; a date is used as the ``as_of`` of a status row.
"""

from __future__ import annotations

import collections
import hashlib
from dataclasses import dataclass
from pathlib import Path

from commitment_tracker.curation import changeset, curate
from commitment_tracker.curation.changeset import Proposal
from commitment_tracker.curation.curate import CurationError, Draft, Outcome
from commitment_tracker.text import did_you_mean, shorten
from commitment_tracker.validation import provenance

SUBJECTS = ("commitment_id", "indicator_id", "event_id")
RATIONALE_QUOTE_CHARS = 200  # of the quote named by a status row's default rationale
DISCREPANCY_KIND = "value"  # a figure that contradicts recorded ones (discrepancies.kind)


class ApplyRefused(CurationError):
    """One or more accepted rows of the changeset are refused; nothing was written."""


@dataclass(frozen=True)
class Refusal:
    line: int
    proposal_id: str
    reason: str

    def render(self) -> str:
        reason = self.reason.replace("\n", "\n      ")
        return f"  line {self.line} ({self.proposal_id or 'no proposal_id'}): {reason}"


@dataclass
class Applied:
    """What apply added (or, in a dry run, would add), and how the changeset's rows were decided."""

    changeset: Path
    outcome: Outcome
    decisions: collections.Counter
    version: str  # the package's version (apply does not change it)

    def render(self) -> str:
        # The rows added, as `commitments diff` shows them (publish/diff.py), from the rows in hand:
        # they are the written rows themselves, in their canonical text.
        from commitment_tracker.publish import diff

        resources = [
            diff.ResourceDiff(name=name, key=self.outcome.keys[name], added=rows)
            for name, rows in self.outcome.added.items()
        ]
        changes = diff.PackageDiff(
            old_label="the package",
            new_label=f"the package with {self.changeset.name} applied",
            old_version=self.version,
            new_version=self.version,
            schema_changes=[],
            resources=resources,
            seed_files=[],
        )
        lines = [*self.outcome.notes, changes.to_markdown().rstrip("\n"), "", self.summary()]
        return "\n".join(lines) + "\n"

    def summary(self) -> str:
        counts = ", ".join(f"{len(rows)} {name}" for name, rows in self.outcome.added.items())
        decided = (
            f"{self.decisions['accept']} accepted row(s) of {self.changeset.name} "
            f"({self.decisions['reject']} rejected, {self.decisions['']} undecided)"
        )
        files = ", ".join(self.outcome.files)
        if self.outcome.dry_run:
            return (
                f"Dry run, nothing written: {decided} would add {counts} to {files}; the package stays valid."
            )
        return f"Applied {decided}: added {counts} to {files}; the whole package validated, then written."


def apply(root: Path, changeset_path: Path, dry_run: bool = False) -> Applied:
    """Record every accepted row of the changeset at ``changeset_path`` in the package at ``root``.

    ApplyRefused lists every refused row (changeset line, proposal id, reason); CurationError when
    the package would be left invalid, each problem located at the changeset line that added it.
    Either way nothing is written; nothing is ever written with ``dry_run``.
    """
    path = Path(changeset_path)
    proposals = changeset.read(path)
    refusals = []
    decisions: collections.Counter = collections.Counter()
    for p in proposals:
        decision = p["decision"].strip().lower()
        if decision not in changeset.DECISIONS:
            close = did_you_mean(decision, [d for d in changeset.DECISIONS if d])
            reason = f"decision {p['decision']!r} is not accept, reject or blank{close}"
            refusals.append(Refusal(p.line, p["proposal_id"], reason))
        decisions[decision] += 1
    accepted = [p for p in proposals if p["decision"].strip().lower() == "accept"]
    if not accepted and not refusals:
        raise CurationError(
            f"{path} has no accepted row ({decisions['reject']} rejected, {decisions['']} undecided): "
            "write accept in the decision column of each row to record"
        )
    with curate.transaction(root, dry_run=dry_run) as draft:
        seeds = _Seeds(draft)
        for p in accepted:
            try:
                with draft.part(f"{path.name} line {p.line} ({p['proposal_id'] or 'no proposal_id'})"):
                    _record(draft, seeds, p)
            except CurationError as exc:
                refusals.append(Refusal(p.line, p["proposal_id"], str(exc)))
        if refusals:
            refusals.sort(key=lambda r: r.line)
            raise ApplyRefused(
                f"{path}: {len(refusals)} row(s) refused, so nothing was written:\n"
                + "\n".join(r.render() for r in refusals),
                hint="fix those rows (or reject them) and apply again; every accepted row is recorded "
                "in one write or none is",
            )
        outcome = draft.commit(dry_run)
    return Applied(changeset=path, outcome=outcome, decisions=decisions, version=draft.package.version)


# --- one accepted row --------------------------------------------------------------------------


class _Seeds:
    """Each source's archived text and its SHA-256, read once per apply (curate._seed)."""

    def __init__(self, draft: Draft) -> None:
        self.draft = draft
        self._read: dict[str, tuple[curate.Row, str, str]] = {}

    def get(self, source_id: str) -> tuple[curate.Row, str, str]:
        """(sources row, seed text, SHA-256 of the seed's bytes now)."""
        if source_id not in self._read:
            row, text = curate._seed(self.draft, source_id)
            # UTF-8 decoding then encoding gives the file's bytes back exactly.
            self._read[source_id] = (row, text, hashlib.sha256(text.encode("utf-8")).hexdigest())
        return self._read[source_id]


def _record(draft: Draft, seeds: _Seeds, p: Proposal) -> None:
    kind = p.get("kind")
    if kind not in changeset.KINDS:
        raise CurationError(
            f"kind {p['kind']!r} is not one of {', '.join(changeset.KINDS)}"
            + did_you_mean(p["kind"], changeset.KINDS)
        )
    if kind == "date":
        raise CurationError(
            "a date row is not recorded on its own: a date is used as the as_of of a status row; "
            "copy it into the as_of column of the status row it dates, and reject this row"
        )
    source, text = _evidence(seeds, p)
    if p.get("claim_id"):
        known = draft.rows("claims", claim_id=p.get("claim_id"))
        raise CurationError(
            f"already recorded as claim {p.get('claim_id')}; reject this row"
            if known
            else f"claim_id is {p.get('claim_id')!r}, which is no claim of the package: clear claim_id to "
            "record the proposal as a new claim"
        )
    if kind == "figure":
        _figure_row(draft, p, text)
    elif kind == "status":
        _status_row(draft, p, source, text)
    else:
        _alias_row(draft, p, kind)


def _evidence(seeds: _Seeds, p: Proposal) -> tuple[curate.Row, str]:
    """The row's source and seed text, once the seed is unchanged and the quote at its offsets."""
    source_id = p.get("source_id")
    if source_id is None:
        raise CurationError("source_id is blank: the row must name the archived text it quotes")
    source, text, sha256 = seeds.get(source_id)
    if (p.get("source_sha256") or "").lower() != sha256:
        recorded = p.get("source_sha256") or "blank"
        raise CurationError(
            f"the archived text of source {source_id} ({source['seed_path']}) is not the one this "
            f"changeset was made from (source_sha256 {shorten(recorded, 16)}, the seed's SHA-256 now "
            f"{sha256[:15]}…), so its offsets cannot be trusted: run propose on the source again"
        )
    quote = p["quote"]  # verbatim: never stripped
    start, end = _offset(p, "quote_start"), _offset(p, "quote_end")
    if not quote:
        raise CurationError("the quote is blank")
    if start < 0 or text[start:end] != quote:
        raise CurationError(
            f"the quote is not at {start}:{end} of {source['seed_path']}: "
            + provenance.explain_mismatch(text, quote, start, end)
        )
    return source, text


def _offset(p: Proposal, column: str) -> int:
    value = p.get(column)
    problem = "is blank" if value is None else curate._form_problem("integer", value)
    if problem:
        raise CurationError(f"{column} {value!r} {problem}")
    return int(value)


def _occurrence(text: str, quote: str, start: int) -> int:
    """Which occurrence of ``quote`` in ``text`` begins at ``start`` (1 = first), as find_quote counts."""
    return 1 + sum(1 for at in curate.quote_starts(text, quote) if at < start)


def _subject(p: Proposal) -> tuple[str, str]:
    given = [(column, p.get(column)) for column in SUBJECTS if p.get(column)]
    if len(given) != 1:
        named = ", ".join(f"{c} {v!r}" for c, v in given) or "none"
        raise CurationError(
            f"a claim is about exactly one thing: set one of {', '.join(SUBJECTS)} (this row sets {named})"
        )
    return given[0]


def _new_claim(
    draft: Draft, p: Proposal, text: str, subject: tuple[str, str], notes: str | None
) -> curate.Row:
    column, subject_id = subject
    return curate._claim(
        draft,
        source=p.get("source_id"),
        quote=p["quote"],
        **{column.removesuffix("_id"): subject_id},
        value=curate._figure(p.get("value"), "value"),
        unit=p.get("unit_id"),
        qualifier=p.get("qualifier"),
        speaker=p.get("speaker_actor_id"),
        notes=notes,
        occurrence=_occurrence(text, p["quote"], int(p.get("quote_start"))),
    )


def _figure_row(draft: Draft, p: Proposal, text: str) -> None:
    subject = _subject(p)
    claim = _new_claim(draft, p, text, subject, p.get("notes"))
    disputed = (p.get("disputes") or "").split()
    if disputed:
        description = _dispute_description(draft, p, claim, disputed)
        curate._discrepancy(draft, DISCREPANCY_KIND, description, [claim["claim_id"], *disputed])


def _dispute_description(draft: Draft, p: Proposal, claim: curate.Row, disputed: list[str]) -> str:
    """'Figures for <subject> disagree: <new claim> (<source>) states '50.000'; <other claim>
    (<source>) states 240000 count; …' — each version as its source writes it or as recorded."""

    def version(row: curate.Row, stated: str | None) -> str:
        figure = f"{stated!r}" if stated else " ".join(v for v in (row["value"], row["unit_id"]) if v)
        return f"{row['claim_id']} ({row['source_id']}) states {figure or 'no figure'}"

    subject = claim["commitment_id"] or claim["indicator_id"] or claim["event_id"]
    versions = [version(claim, p.get("stated"))]
    for other in disputed:
        found = draft.rows("claims", claim_id=other)
        versions.append(version(found[0], None) if found else other)
    return f"Figures for {subject} disagree: " + "; ".join(versions) + "."


def _status_row(draft: Draft, p: Proposal, source: curate.Row, text: str) -> None:
    column, commitment = _subject(p)
    if column != "commitment_id":
        raise CurationError(f"a status row is about a commitment: set commitment_id, not {column}")
    as_of = curate._parse_date(p.get("as_of"), "as_of")
    if as_of is None:
        published = (
            f" (the source was published on {source['published_on']})" if source["published_on"] else ""
        )
        raise CurationError(
            f"as_of is blank: write the date the quote establishes the status{published}, YYYY-MM-DD"
        )
    claim = _new_claim(draft, p, text, (column, commitment), None)
    quoted = shorten(p["quote"], RATIONALE_QUOTE_CHARS)
    rationale = p.get("notes") or f"{p.get('source_id')} states: “{quoted}” (claim {claim['claim_id']})."
    curate._status(
        draft,
        commitment,
        as_of,
        p.get("status"),
        p.get("formality"),
        None,
        p.get("source_id"),
        claim["claim_id"],
        rationale,
    )


def _alias_row(draft: Draft, p: Proposal, kind: str) -> None:
    spelling = p["stated"] if p["stated"].strip() else p["quote"]
    actor = p.get("actor_id")
    known = actor is not None and actor in draft.values("actors", "actor_id")
    if kind == "new_actor" and not known:
        # add-actor records the name as the new actor's spelling itself, so the row is then done:
        # accepting it again (with the new id) would record the spelling twice. An actor must take
        # part in something (--party), so its claim is applied first, this row rejected.
        raise CurationError(
            f"{spelling!r} matches no actor: write the id of the existing actor it names in actor_id; or "
            "reject this row, apply, then add the actor with `commitments add-actor "
            f'"{spelling}" --kind KIND --source {p.get("source_id")} --party COMMITMENT:ROLE:CLAIM` '
            "(which records this spelling; CLAIM is the claim that names it)"
        )
    if actor is None:
        raise CurationError(f"actor_id is blank: write the id of the actor {spelling!r} names")
    draft.require("actors", "actor_id", actor, "actor")
    if draft.rows("actor_aliases", actor_id=actor, alias=spelling):
        raise CurationError(f"{spelling!r} is already recorded as a spelling of {actor}; reject this row")
    curate._aliases(draft, actor, [spelling], p.get("source_id"))

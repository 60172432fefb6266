"""Proposals from one archived text: figures, dates, actors, status phrases, each with its quote
at exact offsets (``seed_text[quote_start:quote_end] == quote``), the subjects it most likely
belongs to and the claim that already records it.

Only the article's running text is read (layout.py): headlines of other stories, menus and page
scripts in a capture propose nothing. Proposals come in text order.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from commitment_tracker.curation.proposing import actors as actors_mod
from commitment_tracker.curation.proposing import dates as dates_mod
from commitment_tracker.curation.proposing import layout, links
from commitment_tracker.curation.proposing import package as package_mod
from commitment_tracker.curation.proposing import status as status_mod
from commitment_tracker.curation.proposing.package import PackageView
from commitment_tracker.datapackage import paths
from commitment_tracker.datapackage.containment import read_bytes
from commitment_tracker.errors import TrackerError
from commitment_tracker.figures import find_figures, same_value

FIGURE, DATE, ACTOR, NEW_ACTOR, STATUS = "figure", "date", "actor", "new_actor", "status"
COUNT = "count"  # the unit id of a plain number of things (units.csv)


@dataclass
class Proposal:
    """One thing the text states, as a changeset row will hold it (changeset.py lists the columns)."""

    kind: str
    source_id: str
    quote_start: int
    quote_end: int
    quote: str
    stated_start: int
    stated_end: int
    stated: str
    value: float | str | None = None  # a figure in base units; a date as YYYY-MM-DD
    unit_id: str | None = None
    qualifier: str | None = None
    deadline_year: int | None = None
    claim_id: str | None = None
    candidates: list[str] = field(default_factory=list)
    speaker_actor_id: str | None = None
    actor_id: str | None = None
    status: str | None = None
    formality: str | None = None
    as_of: str | None = None
    disputes: list[str] = field(default_factory=list)
    reason: str = ""

    @property
    def subject(self) -> str | None:
        """The best candidate (``commitment:ai-law``), or None."""
        return self.candidates[0] if self.candidates else None


@dataclass
class Proposed:
    """What ``propose`` found in one source."""

    source_id: str
    seed_path: str
    source_sha256: str
    text: str
    proposals: list[Proposal]


def propose_source(root: Path, source_id: str, view: PackageView | None = None) -> Proposed:
    """Proposals from the archived text of ``source_id`` (which must exist: see ``resolve``)."""
    view = view or package_mod.load(root)
    source = view.sources[source_id]
    data = read_bytes(paths.resolve(root, source["seed_path"]), source["seed_path"])
    try:
        # As provenance.decode_seed reads seeds (not imported: it would pull in validation and
        # polars, a third of a cold start): UTF-8, line ends kept, offsets in characters.
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise TrackerError(
            f"{source['seed_path']} is not UTF-8 (byte {exc.start}); run `commitments validate`"
        ) from None
    return Proposed(
        source_id=source_id,
        seed_path=source["seed_path"],
        source_sha256=hashlib.sha256(data).hexdigest(),
        text=text,
        proposals=propose_text(text, source_id, view, language=source.get("language")),
    )


def propose_text(text: str, source_id: str, view: PackageView, language: str | None = None) -> list[Proposal]:
    """Every proposal the prose of ``text`` gives, in text order."""
    lang = language if language in ("fr", "en") else None
    prose = layout.prose(text)
    known = [m for m in actors_mod.known_actors(text, view.spellings) if _in(prose, m.start)]
    table = status_mod.phrase_table(
        view.enum("status_updates", "status"), view.enum("status_updates", "formality")
    )
    proposals: list[Proposal] = []
    seen_spellings: set[tuple[str, str]] = set()
    for segment in prose:
        for sentence in layout.sentences(text, segment):
            piece = text[sentence[0] : sentence[1]]
            speaker = _speaker(known, segment.start, sentence)
            context = _Context(text, source_id, sentence, view, speaker)
            figures = find_figures(piece, lang)
            for k, f in enumerate(figures):
                previous_end = figures[k - 1].end if k else 0
                next_start = figures[k + 1].start if k + 1 < len(figures) else len(piece)
                near = piece[
                    max(previous_end, f.start - links.NEAR_BEFORE) : min(next_start, f.end + links.NEAR_AFTER)
                ]
                proposals.append(context.figure(f, near))
            for d in dates_mod.find_dates(piece):
                proposals.append(context.date(d))
            for match in status_mod.find_status_phrases(piece, table):
                proposals.append(context.status(match))
            in_sentence = [m for m in known if sentence[0] <= m.start < sentence[1]]
            for m in in_sentence:
                key = (m.actor_id, text[m.start : m.end])
                if key not in seen_spellings:
                    seen_spellings.add(key)
                    proposals.append(context.actor(m))
            for m in actors_mod.unknown_names(text, sentence[0], sentence[1], known):
                key = ("", text[m.start : m.end])
                if key not in seen_spellings and not _names_a_subject(view, key[1]):
                    seen_spellings.add(key)
                    proposals.append(context.actor(m))
    proposals.sort(key=lambda p: (p.stated_start, p.kind))
    return proposals


def _names_a_subject(view: PackageView, name: str) -> bool:
    """A name that is no new actor: one made only of common words ("Morocco's AI"), or whose
    words all are in one subject's title ("Green Cloud Morocco", "Al Jazari de Nador": that
    project or event)."""
    named = package_mod.words(name)
    return not named or any(named <= s.title_words for s in view.subjects.values())


def _in(segments: list[layout.Segment], at: int) -> bool:
    return any(s.start <= at < s.end for s in segments)


def _speaker(
    known: list[actors_mod.ActorMatch], paragraph_start: int, sentence: tuple[int, int]
) -> str | None:
    """The person last named in the paragraph up to the end of this sentence: who is speaking.

    A press report names the speaker, then reports what they said over the next sentences
    ("Dans son intervention, le Chef du gouvernement, Aziz Akhannouch, a rappelé … Dans ce cadre,
    le Maroc s'est doté d'un budget de 11 milliards"). The curator checks it.
    """
    named = [m for m in known if m.person and paragraph_start <= m.start < sentence[1]]
    return named[-1].actor_id if named else None


@dataclass
class _Context:
    text: str
    source_id: str
    sentence: tuple[int, int]
    view: PackageView
    speaker: str | None

    def _proposal(self, kind: str, start: int, end: int, **values) -> Proposal:
        """A proposal for what ``piece[start:end]`` states (offsets relative to the sentence)."""
        a, b = self.sentence[0] + start, self.sentence[0] + end
        q0, q1 = (a, b) if kind in (ACTOR, NEW_ACTOR) else layout.quote_span(self.text, self.sentence, (a, b))
        return Proposal(
            kind=kind,
            source_id=self.source_id,
            quote_start=q0,
            quote_end=q1,
            quote=self.text[q0:q1],
            stated_start=a,
            stated_end=b,
            stated=self.text[a:b],
            **values,
        )

    def figure(self, f, near: str) -> Proposal:
        p = self._proposal(
            FIGURE, f.start, f.end, value=f.value, qualifier=f.qualifier, deadline_year=f.deadline_year
        )
        p.speaker_actor_id = self.speaker
        figure = links.Figure(f.value, f.unit_id)
        scored = links.candidates(self.view, p.quote, FIGURE, figure=figure, speaker=self.speaker, near=near)
        p.candidates = [c.subject.ref for c in scored]
        own = links.recorded_claim(self.view, self.source_id, (p.stated_start, p.stated_end), f.value)
        p.claim_id = own.claim_id if own else None
        reasons = [f"figure {f.text!r}"]
        p.unit_id = f.unit_id or self._unit_of_unitless(f.value, scored, own, reasons)
        if scored:
            p.disputes, why = links.disputed(self.view, scored[0], links.Figure(f.value, p.unit_id), own)
            if why:
                reasons.append(f"possible discrepancy: {why}")
        if own:
            reasons.append(f"already recorded by {own.claim_id}")
        p.reason = "; ".join(reasons)
        return p

    def _unit_of_unitless(
        self, value: float, scored: list[links.Candidate], own, reasons: list[str]
    ) -> str | None:
        """A figure naming no unit is a count, unless a claim or a candidate records the same value
        in a unit ("11 milliards" where the text said "de dirhams" a sentence earlier)."""
        if own is not None and own.unit_id:
            return own.unit_id
        for c in scored:
            for v, unit, _ in c.subject.figures:
                if unit and same_value(v, value):
                    reasons.append(f"unit {unit} as {c.subject.ref} records the same value")
                    return unit
        if COUNT in self.view.unit_dimension:
            reasons.append("the text names no unit: a count?")
            return COUNT
        return None

    def date(self, d: dates_mod.StatedDate) -> Proposal:
        iso = d.day.isoformat()
        p = self._proposal(DATE, d.start, d.end, value=iso, as_of=iso)
        scored = links.candidates(self.view, p.quote, DATE, date=iso, speaker=self.speaker)
        p.candidates = [c.subject.ref for c in scored]
        own = links.recorded_claim(self.view, self.source_id, (p.stated_start, p.stated_end), None)
        p.claim_id = own.claim_id if own else None
        p.reason = f"date {iso}" + (f" to {d.last.isoformat()}" if d.last else "")
        if own:
            p.reason += f"; quoted by {own.claim_id}"
        return p

    def status(self, match: status_mod.StatusMatch) -> Proposal:
        phrase = match.phrase
        p = self._proposal(STATUS, match.start, match.end, status=phrase.status, formality=phrase.formality)
        p.speaker_actor_id = self.speaker  # the evidence becomes a claim, said by someone
        scored = links.candidates(self.view, p.quote, STATUS, speaker=self.speaker)
        p.candidates = [c.subject.ref for c in scored]
        # A status is recorded by a claim a status row cites (what `apply` writes for it), not by
        # any claim quoting the same sentence: a figure's claim there records the figure only.
        span = (p.stated_start, p.stated_end)
        own = links.recorded_claim(self.view, self.source_id, span, None, among=self.view.status_claims)
        p.claim_id = own.claim_id if own else None
        suggests = ", ".join(
            x for x in (phrase.status, phrase.formality and f"formality {phrase.formality}") if x
        )
        p.reason = f"{p.stated!r} suggests {suggests}: {phrase.why}"
        return p

    def actor(self, match: actors_mod.ActorMatch) -> Proposal:
        start, end = match.start - self.sentence[0], match.end - self.sentence[0]
        if match.actor_id is None:
            p = self._proposal(NEW_ACTOR, start, end)
            p.reason = "a name matching no actor: a new actor, or a spelling of one to add as an alias"
            return p
        p = self._proposal(ACTOR, start, end, actor_id=match.actor_id)
        p.reason = (
            f"recorded spelling of {match.actor_id}"
            if match.recorded
            else f"new spelling of {match.actor_id}: accepting records it as an alias"
        )
        return p

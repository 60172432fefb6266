"""Which commitment, indicator or event a proposal most likely belongs to, and what it repeats or
contradicts among the claims already recorded.

A subject scores (higher is likelier; weights are small whole numbers a reader can weigh):

* a figure with the same value as one recorded for it (its target, its indicator value, or a
  claim's figure) in a compatible unit: +6; a close one (within 10 %): +2;
* the same unit: +2; the same dimension, or a count (a figure naming no unit) for a counted
  subject: +1; a unit of another dimension: -4 (16 GW is no budget);
* each content word the proposal's quote shares with the subject's titles: +2; with the quotes
  of its recorded claims: +1 (stop words out, accents and case folded: package.words); the words
  next to a figure (up to the neighbouring figure, NEAR_BEFORE/NEAR_AFTER characters) count again;
* a date that is the subject's (an event's start or end): +6;
* a speaker (a person named in the sentence or just before) who spoke about it, owns it or is a
  party to it: +2; a word of its sector's name in the quote: +1.

Words of people's names are left out of the shared words: who speaks is the speaker's score, and a
minister named in a sentence says nothing about which of her agreements it is about. Subjects
scoring below ``MIN_SCORE`` are not candidates. Status phrases only go to commitments
(status rows are about commitments).
"""

from __future__ import annotations

from dataclasses import dataclass

from commitment_tracker.curation.proposing.package import Claim, PackageView, Subject, words
from commitment_tracker.figures import same_value

# One title word shared is enough to be listed ("Les Assises s'articulent autour de 13
# verticales": the Assises); the best candidate is the curator's starting point, not a decision.
MIN_SCORE = 2
NEAR_BEFORE, NEAR_AFTER = 25, 40  # characters around a figure whose words count again
# A figure is flagged as contradicting a subject's recorded figures only when the passage is
# clearly about that subject: two title words (or more quote words) shared, not one.
DISPUTE_WORDS = 4
MAX_CANDIDATES = 3
CLOSE = 0.10  # relative difference under which two figures are "close"


@dataclass(frozen=True)
class Figure:
    value: float
    unit_id: str | None


@dataclass(frozen=True)
class Candidate:
    subject: Subject
    score: int
    word_score: int


def candidates(
    view: PackageView,
    quote: str,
    kind: str,
    figure: Figure | None = None,
    date: str | None = None,
    speaker: str | None = None,
    near: str = "",
) -> list[Candidate]:
    """Subjects with their score, best first (ties by id, so the order is stable).

    ``near`` is the text right around a figure: its words count once more, so in "240.000
    opportunités d'emploi … et la formation de 100.000 talents" each figure goes to its own noun.
    """
    quoted = words(quote) - view.name_words
    nearby = words(near) - view.name_words
    scored = []
    for subject in view.subjects.values():
        if kind == "status" and subject.kind != "commitment":
            continue
        word_score = _word_score(quoted, subject)  # the whole quote: what disputes rely on
        score = word_score + _word_score(nearby, subject)
        if figure is not None:
            score += _figure_score(view, figure, subject)
        if date is not None and date in subject.dates:
            score += 6
        if speaker is not None and speaker in subject.speakers:
            score += 2
        if subject.sector_id and quoted & view.sector_words.get(subject.sector_id, set()):
            score += 1
        if score >= MIN_SCORE:
            scored.append(Candidate(subject, score, word_score))
    scored.sort(key=lambda c: (-c.score, c.subject.ref))
    return scored[:MAX_CANDIDATES]


def _word_score(quoted: set[str], subject: Subject) -> int:
    return 2 * len(quoted & subject.title_words) + len(quoted & (subject.quote_words - subject.title_words))


def _figure_score(view: PackageView, figure: Figure, subject: Subject) -> int:
    units = {u for _, u, _ in subject.figures if u} | ({subject.unit_id} if subject.unit_id else set())
    score = 0
    if units:
        score += max(_unit_score(view, figure.unit_id, u) for u in units)
    values = [v for v, u, _ in subject.figures if _compatible(view, figure.unit_id, u)]
    if any(same_value(v, figure.value) for v in values):
        score += 6
    elif any(_close(v, figure.value) for v in values):
        score += 2
    return score


def _unit_score(view: PackageView, stated: str | None, recorded: str) -> int:
    if stated is None:
        return 1 if view.unit_dimension.get(recorded) == "count" else 0
    if stated == recorded:
        return 2
    return 1 if view.unit_dimension.get(stated) == view.unit_dimension.get(recorded) else -4


def _compatible(view: PackageView, stated: str | None, recorded: str | None) -> bool:
    """A figure naming no unit may be in any unit (the text gives it elsewhere)."""
    if stated is None or recorded is None:
        return True
    return view.unit_dimension.get(stated) == view.unit_dimension.get(recorded)


def _close(a: float, b: float) -> bool:
    return a != 0 and abs(a - b) / abs(a) <= CLOSE


def recorded_claim(
    view: PackageView,
    source_id: str,
    span: tuple[int, int],
    value: float | None,
    among: set[str] | None = None,
) -> Claim | None:
    """The claim of this source whose quote overlaps ``span`` (and states the same figure, for a
    figure; and is one of ``among``, when given), or None: the proposal is already recorded."""
    for claim in view.claims:
        if claim.source_id != source_id or not (claim.start < span[1] and span[0] < claim.end):
            continue
        if among is not None and claim.claim_id not in among:
            continue
        if value is None or (claim.value is not None and same_value(claim.value, value)):
            return claim
    return None


def disputed(
    view: PackageView, best: Candidate, figure: Figure, own: Claim | None
) -> tuple[list[str], str | None]:
    """Claims about the best candidate whose figure (same dimension) differs from this one, with
    the reason; none unless the passage is clearly about it (DISPUTE_WORDS) and it is a commitment
    or an indicator (an event's figures are about different things: days, sessions, verticals).

    A claim already linked to ``own`` by a discrepancy is not listed again.
    """
    subject = best.subject
    if best.word_score < DISPUTE_WORDS or subject.kind not in ("commitment", "indicator"):
        return [], None
    already = view.linked.get(own.claim_id, set()) if own else set()
    clash = [
        (v, u, c)
        for v, u, c in subject.figures
        if c is not None
        and c not in already
        and (own is None or c != own.claim_id)
        and _compatible(view, figure.unit_id, u)
        and not same_value(v, figure.value)
    ]
    if not clash:
        return [], None
    versions = ", ".join(f"{c} records {v:.15g}{' ' + u if u else ''}" for v, u, c in clash)
    return [c for _, _, c in clash], f"{figure.value:.15g} contradicts what {subject.ref} holds: {versions}"

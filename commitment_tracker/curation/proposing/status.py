"""Phrases that move a commitment's status or formality, and what they suggest: the one table.

The values are the schema's own (``status_updates.status`` and ``.formality`` in
datapackage.json); :func:`phrase_table` keeps only the entries whose values the schema allows, so a
renamed status can never be proposed (a test checks that none is dropped on the real package).
Each entry says why the phrase means what it suggests; the curator decides, since a phrase can be
about something else than the commitment (an event "inauguré", say).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Collection
from dataclasses import dataclass

from commitment_tracker.figures import views


@dataclass(frozen=True)
class StatusPhrase:
    pattern: str  # on folded text: lower case, no accents, ' for every apostrophe
    status: str | None
    formality: str | None
    why: str


# Past participles agree in gender and number: e?s? covers inaugure, inauguree, inaugures…
_PP = r"e?e?s?"
PHRASES: tuple[StatusPhrase, ...] = (
    StatusPhrase(
        rf"(?:a|ont|ete|est|sont) (?:ete )?(?:inaugur{_PP}|mis en service|mise en service)|ouvert ses portes"
        r"|(?:was|were|has been|have been) (?:inaugurated|opened|commissioned)|opened its doors",
        "achieved",
        "in_operation",
        "what was promised now operates: a site opened, a service running",
    ),
    StatusPhrase(
        rf"(?:est|sont|a|ont) (?:ete )?(?:entre{_PP} en vigueur|promulgu{_PP})"
        rf"|publie{_PP} au bulletin officiel"
        r"|(?:entered|came|has come) into force|took effect",
        "achieved",
        "in_law",
        "the text is binding law: a commitment to adopt it is met",
    ),
    StatusPhrase(
        rf"(?:a|ont) ete (?:adopt|vot|approuv){_PP}"
        r"|(?:was|were|has been|have been) (?:adopted|passed|enacted)",
        "in_progress",
        "in_law",
        "a text was adopted: binding from now on, though what it promises is still to deliver",
    ),
    StatusPhrase(
        rf"(?<![a-z])(?:sign{_PP}|paraph{_PP})(?![a-z])|(?<![a-z])(?:signed|initialled)(?![a-z])",
        "announced",
        "mou_signed",
        "an agreement signed is more than words but delivers nothing yet (the package records "
        "signed memoranda as announced + mou_signed)",
    ),
    StatusPhrase(
        r"en cours d'(?:elaboration|experimentation|execution|realisation|deploiement|preparation)"
        r"|en (?:preparation|chantier)|being (?:drafted|prepared|piloted|rolled out)|under way|underway",
        "in_progress",
        "announced",
        "work is reported under way; nothing binding or delivered yet (as ai-law's 'en cours d'élaboration')",
    ),
    StatusPhrase(
        # "a lancé un appel" is a call, not a launch.
        rf"(?<![a-z])(?:lance{_PP}|demarre{_PP}|(?:a|ont) demarre)(?![a-z])(?! (?:un |des )?appels?)"
        r"|(?<![a-z])(?:launched|started|kicked off)(?![a-z])",
        "in_progress",
        None,
        "a launch starts delivery; how binding it is the phrase does not say",
    ),
    StatusPhrase(
        rf"dote{_PP} d'un budget|budget (?:de|alloue)|allou{_PP}|(?:allocated|budgeted|earmarked)(?![a-z])",
        "announced",
        "budgeted",
        "money set aside makes a promise more binding without delivering it (maroc-digital-2030)",
    ),
    StatusPhrase(
        # The participle only: "un jour de retard", "le report" are nouns that report no delay.
        r"(?<![a-z])(?:reporte|retarde|suspendu|gele)e?s?(?![a-z])"
        r"|(?:postponed|delayed|suspended|on hold)(?![a-z])",
        "stalled",
        None,
        "delivery stopped or moved later: stalled until a new date is kept",
    ),
    StatusPhrase(
        rf"(?<![a-z])(?:abandonn{_PP}|annul{_PP}|renonce a)(?![a-z])"
        r"|(?:abandoned|cancelled|canceled|scrapped|dropped)(?![a-z])",
        "cancelled",
        None,
        "the promise was given up",
    ),
    StatusPhrase(
        rf"partiellement (?:realis|achev|atteint){_PP}|partially (?:achieved|completed|delivered)",
        "partially_achieved",
        None,
        "part of the target is reported met",
    ),
    StatusPhrase(
        rf"(?<!partiellement )(?:(?:a|ont) ete |est |sont )(?:achev|realis|atteint|finalis){_PP}(?![a-z])"
        r"|(?:was|were|has been|have been) (?:completed|achieved|delivered|met)",
        "achieved",
        None,
        "the target is reported met",
    ),
)


@dataclass(frozen=True)
class StatusMatch:
    start: int
    end: int
    phrase: StatusPhrase


def phrase_table(statuses: Collection[str], formalities: Collection[str]) -> tuple[StatusPhrase, ...]:
    """The entries of PHRASES whose status and formality the schema allows (None always is)."""
    return tuple(
        p
        for p in PHRASES
        if (p.status is None or p.status in statuses) and (p.formality is None or p.formality in formalities)
    )


@functools.lru_cache(maxsize=8)
def _compiled(table: tuple[StatusPhrase, ...]) -> list[tuple[re.Pattern[str], StatusPhrase]]:
    return [(re.compile(rf"(?<![a-z])(?:{p.pattern})"), p) for p in table]


def find_status_phrases(text: str, table: tuple[StatusPhrase, ...]) -> list[StatusMatch]:
    """Each phrase of ``table`` in ``text``, in order; where two overlap, the first entry wins."""
    _, fold = views(text)
    found: list[StatusMatch] = []
    for pattern, phrase in _compiled(table):
        for m in pattern.finditer(fold):
            if not any(m.start() < f.end and f.start < m.end() for f in found):
                found.append(StatusMatch(m.start(), m.end(), phrase))
    return sorted(found, key=lambda f: f.start)

# ruff: noqa: RUF001  (typographic apostrophes and dashes are matched as written)
"""Actors a text names: known spellings found anywhere (accents, case and hyphens ignored), and
capitalised names or institutions matching no actor, as candidates for new actors or aliases.

Known spellings are the actors' names and every alias in actor_aliases. A match written
differently from every recorded spelling of its actor ("Amal El Fallah-Seghrouchni" for "Amal El
Fallah Seghrouchni") is a new alias to record; an exact one is already recorded.

Unknown names are kept sensible: an acronym of three or more capitals (CNDP, ONUDI, UM6P), a run of
two or more capitalised words (first word not a sentence's ordinary first word such as "Le" or
"Dans"), or an institution word followed by its capitalised name ("ministère de la Santé",
"Université Hassan II", "Agence …"). Common acronyms of the subject (IA, PME, PIB…) and units are
not names.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from commitment_tracker.curation.proposing.package import Spelling
from commitment_tracker.figures import views


@dataclass(frozen=True)
class ActorMatch:
    start: int
    end: int
    actor_id: str | None  # None: a name matching no actor
    recorded: bool = False  # this exact spelling is already an alias or the name of actor_id
    person: bool = False


# Acronyms that name no actor: the subject's vocabulary, units, currencies.
_NOT_NAMES = frozenset(
    """
    IA AI PME PMEs TPE TPME TPMEs PIB GDP TIC ICT ODD SDG USD MAD EUR DH DHS MDH MMDH GW MW KW TW GWH
    MWH KWH TWH CO2 OK TV PDF URL FAQ IT ONG NGO PPP CEO RH HR API IOT IoT BTP RSE ESG
    """.split()  # noqa: SIM905 (a word list reads best as words)
)
# Capitalised words a sentence starts with that begin no name (folded).
_LEADING = frozenset(
    """
    le la les l un une des du de d ce cet cette ces son sa ses leur leurs dans pour par avec sur
    selon lors apres avant depuis en au aux a et ou mais pourtant ainsi enfin face vers chez sous
    entre comme si quand car donc outre grace malgre the a an in on at for with by from of and as
    this that these those his her its their our mr mrs ms m mme dr pr
    """.split()  # noqa: SIM905 (a word list reads best as words)
)
_INSTITUTION = (
    r"minist[eè]re|Minist[eè]re|Ministry|Université|Universite|University|Agence|Agency|Office|Banque"
    r"|Bank|Fondation|Foundation|Commission|Conseil|Council|Direction|Institut|Institute|École|Ecole"
    r"|Groupe|Group|Autorité|Autorite|Authority|Haut[- ]Commissariat|Caisse|Fonds|Fund|Observatoire"
    r"|Centre|Center|Société|Societe|Association|Fédération|Federation|Chambre|Cour|Tribunal"
)
_CAP = r"[A-ZÀ-ÖØ-Ý][\w’'-]*"
_CONNECTOR = (
    r"(?:de la |de l[’']|des |du |de |d[’']|et de la |et de l[’']|et des |et du |et |of the |of |for |and )"
)
_TRAILING_CONNECTOR = re.compile(r"\s+(?:de la|de l[’']|des|du|de|d[’']|et|of the|of|for|and)\s*$")
_ACRONYM = re.compile(r"(?<![\w-])[A-Z][A-Z0-9]{2,}(?![\w-])")
_CAPITALISED_RUN = re.compile(rf"(?<![\w’'-]){_CAP}(?:\s+{_CONNECTOR}?{_CAP})+")
_INSTITUTION_NAME = re.compile(
    rf"(?<![\w-])(?:{_INSTITUTION})\s+(?:{_CONNECTOR})?{_CAP}(?:\s+(?:{_CONNECTOR})?(?:{_CAP}|[a-zéèêàç]+(?=\s+{_CONNECTOR}{_CAP})))*"
)


def known_actors(text: str, spellings: Iterable[Spelling]) -> list[ActorMatch]:
    """Every place a known spelling occurs, in order (the longest where spellings overlap)."""
    fold = _actor_fold(text)
    by_fold: dict[str, list[Spelling]] = {}
    for s in spellings:
        key = _actor_fold(s.text).strip()
        if key:
            by_fold.setdefault(key, []).append(s)
    if not by_fold:
        return []
    # One pass: at each place the alternation tries the longest spelling first.
    keys = "|".join(re.escape(k) for k in sorted(by_fold, key=len, reverse=True))
    found: list[ActorMatch] = []
    for m in re.finditer(rf"(?<!\w)(?:{keys})(?!\w)", fold):
        same = by_fold[m.group()]
        actor = min(s.actor_id for s in same)
        written = text[m.start() : m.end()]
        exact = any(s.text == written for s in same if s.actor_id == actor and s.recorded)
        found.append(ActorMatch(m.start(), m.end(), actor, exact, any(s.person for s in same)))
    return found


def _actor_fold(text: str) -> str:
    """Folded text (one character per character) where hyphens are blanks: Fallah-Seghrouchni."""
    _, fold = views(text)
    return fold.replace("-", " ")


def unknown_names(text: str, start: int, end: int, known: list[ActorMatch]) -> list[ActorMatch]:
    """Names in ``text[start:end]`` (a sentence) that overlap no known actor's spelling."""
    found: list[ActorMatch] = []
    for pattern in (_INSTITUTION_NAME, _CAPITALISED_RUN, _ACRONYM):
        for m in pattern.finditer(text, start, end):
            a, b = _trim(text, m.start(), m.end(), sentence_start=start)
            if b <= a or not _is_name(text[a:b]):
                continue
            if any(a < f.end and f.start < b for f in [*known, *found]):
                continue
            found.append(ActorMatch(a, b, None))
    return sorted(found, key=lambda f: f.start)


def _trim(text: str, a: int, b: int, sentence_start: int) -> tuple[int, int]:
    """Drop a sentence's ordinary first words ("Le", "Dans") and connectors left at either end."""
    while True:
        word = re.match(r"[\w’']+\s*", text[a:b])
        if word is None:
            return a, b
        bare = re.sub(r"[’'].*", "", word.group().strip()).lower()
        leading = bare in _LEADING and (a == sentence_start or bare in ("le", "la", "les", "l", "the"))
        if leading or bare in ("et", "and"):
            a += word.end()
            continue
        break
    tail = _TRAILING_CONNECTOR.search(text, a, b)
    if tail:
        b = a + tail.start()
    return a, b


def _is_name(name: str) -> bool:
    if name in _NOT_NAMES:
        return False
    capitals = re.findall(rf"(?<![\w’'-]){_CAP}", name)
    if len(capitals) >= 2:
        return True
    return bool(_ACRONYM.fullmatch(name)) or bool(re.match(rf"(?:{_INSTITUTION})\s", name))

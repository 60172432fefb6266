"""What `propose` needs from the package, read once: sources, claims, subjects, actors, units.

The tables are small, so they are read whole into DuckDB with the package's own typed reader
(``database.load_into``: read_csv typed from the Table Schema, the header checked) and turned into
plain lookups. DuckDB rather than polars: the tools import DuckDB anyway, and leaving polars out
saves most of a cold start. A subject (commitment, indicator or
event) is what a claim is about; it carries the words it is known by (titles, and the quotes of
the claims already recorded about it), its figures and unit, its sector and who spoke about it.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from commitment_tracker import database
from commitment_tracker.datapackage import schema as schema_mod
from commitment_tracker.figures import views

SUBJECT_KINDS = ("commitment", "indicator", "event")
# Words that say nothing about what a passage is about (French and English), words every passage
# of this package shares (the tracker is about Morocco and AI), and the words figures are written
# with (a budget in "milliards de dirhams" is not about another budget in dirhams: units are
# compared as units, in links.py).
STOP_WORDS = frozenset(
    """
    les des une aux par pour dans sur avec sans sous entre vers chez est sont ete etre avoir ont
    qui que quoi dont ou mais donc car ainsi plus moins tres tout tous toute toutes cette ces cet
    son sa ses leur leurs notre nos votre vos elle elles ils nous vous lui meme aussi comme afin
    selon lors apres avant depuis pendant contre deja encore egalement notamment alors celui celle
    ceux dun dune qu il elle on se ne pas non oui the and for with from that this these those are
    was were has have had been will would can could its their our your into onto over under about
    than then also which what when where who whom whose while such each other more most some any
    all not but per via maroc morocco moroccan marocain marocaine royaume kingdom ia ai intelligence
    artificielle artificial d l s c j n m qu jusqu lorsqu puisqu ici horizon
    mille million millions milliard milliards billion billions dirham dirhams dollar dollars euro
    euros cent percent
    """.split()  # noqa: SIM905 (a word list reads best as words)
)
_WORD = re.compile(r"[a-z0-9]+")


def words(text: str) -> set[str]:
    """The content words of ``text``: folded (no accents, lower case), stop words out, crude plurals off."""
    _, fold = views(text or "")
    found = set()
    for w in _WORD.findall(fold):
        if len(w) < 3 or w in STOP_WORDS or w.isdigit():
            continue
        if len(w) > 5 and w.endswith("aux"):
            w = w[:-3] + "al"  # digitaux, digital
        found.add(w[:-1] if len(w) > 4 and w[-1] in "sx" else w)
    return found


@dataclass
class Subject:
    kind: str  # commitment, indicator or event
    id: str
    title: str
    title_words: set[str]
    quote_words: set[str] = field(default_factory=set)
    figures: list[tuple[float, str | None, str | None]] = field(default_factory=list)  # value, unit, claim
    unit_id: str | None = None
    sector_id: str | None = None
    speakers: set[str] = field(default_factory=set)
    dates: set[str] = field(default_factory=set)

    @property
    def ref(self) -> str:
        """``commitment:ai-law``: the id with its table, as a changeset lists candidates."""
        return f"{self.kind}:{self.id}"


@dataclass(frozen=True)
class Claim:
    claim_id: str
    source_id: str
    subject: str  # Subject.ref
    start: int
    end: int
    value: float | None
    unit_id: str | None


@dataclass(frozen=True)
class Spelling:
    actor_id: str
    text: str
    person: bool
    recorded: bool  # an actor_aliases row holds this exact spelling (else it is the actor's name)


@dataclass
class PackageView:
    package: schema_mod.Package
    sources: dict[str, dict]
    claims: list[Claim]
    subjects: dict[str, Subject]  # by ref
    spellings: list[Spelling]
    unit_dimension: dict[str, str]
    sector_words: dict[str, set[str]]
    linked: dict[str, set[str]]  # claim -> the claims a discrepancy already links it with
    status_claims: set[str]  # the claims a status_updates row cites (what records a status)
    # Words of people's names: who, not what (an institution's name, "ministère de l'Emploi", is
    # about something).
    name_words: set[str] = field(default_factory=set)

    def enum(self, resource: str, column: str) -> list[str]:
        return [str(v) for v in self.package.resource(resource).field(column).enum or []]


def load(root: Path) -> PackageView:
    """Read the tables propose uses (csvio.TableReadError or DescriptorError when one cannot be)."""
    package = schema_mod.load_package(root)
    names = (
        "sources", "claims", "commitments", "indicators", "events", "actors", "actor_aliases",
        "units", "sectors", "commitment_parties", "discrepancy_claims", "status_updates",
    )  # fmt: skip
    tables = read_rows(root, package, names)
    subjects = _subjects(tables)
    claims = []
    for row in tables["claims"]:
        # An invalid package (a claim about nothing, or about an id that does not exist) is
        # validate's to report; propose reads what it can.
        kind = next((k for k in SUBJECT_KINDS if row[f"{k}_id"]), None)
        ref = f"{kind}:{row[f'{kind}_id']}" if kind else ""
        if ref not in subjects:
            continue
        claims.append(
            Claim(
                row["claim_id"],
                row["source_id"],
                ref,
                row["quote_start"],
                row["quote_end"],
                row["value"],
                row["unit_id"],
            )
        )
        subject = subjects[ref]
        subject.quote_words |= words(row["quote"])
        if row["value"] is not None:
            subject.figures.append((row["value"], row["unit_id"], row["claim_id"]))
        if row["speaker_actor_id"]:
            subject.speakers.add(row["speaker_actor_id"])
    for row in tables["commitment_parties"]:
        party_of = subjects.get(f"commitment:{row['commitment_id']}")
        if party_of is not None:
            party_of.speakers.add(row["actor_id"])
    groups: dict[str, set[str]] = defaultdict(set)
    for row in tables["discrepancy_claims"]:
        groups[row["discrepancy_id"]].add(row["claim_id"])
    linked: dict[str, set[str]] = defaultdict(set)
    for members in groups.values():
        for claim in members:
            linked[claim] |= members - {claim}
    return PackageView(
        package=package,
        sources={r["source_id"]: r for r in tables["sources"]},
        claims=claims,
        subjects=subjects,
        spellings=_spellings(tables),
        unit_dimension={r["unit_id"]: r["dimension"] for r in tables["units"]},
        sector_words={r["sector_id"]: words(f"{r['name_fr']} {r['name_en']}") for r in tables["sectors"]},
        linked=dict(linked),
        status_claims={r["claim_id"] for r in tables["status_updates"] if r["claim_id"]},
        name_words=set().union(*(words(s.text) for s in _spellings(tables) if s.person)),
    )


# (table, kind, title columns, column of its own figure): what a commitment or indicator is known by.
_FIGURED = (
    ("commitments", "commitment", ("title_fr", "title_en"), "target_value"),
    ("indicators", "indicator", ("name_fr", "name_en"), "value"),
)


def _subjects(tables: dict[str, list[dict]]) -> dict[str, Subject]:
    subjects = {}
    for table, kind, titles, figure in _FIGURED:
        for row in tables[table]:
            s = Subject(kind, row[f"{kind}_id"], row[titles[0]], words(" ".join(row[t] for t in titles)))
            s.unit_id, s.sector_id = row["unit_id"], row["sector_id"]
            if row[figure] is not None:
                s.figures.append((row[figure], row["unit_id"], None))
            if row.get("owner_actor_id"):
                s.speakers.add(row["owner_actor_id"])
            subjects[s.ref] = s
    for row in tables["events"]:
        s = Subject("event", row["event_id"], row["name"], words(f"{row['name']} {row['venue'] or ''}"))
        s.dates = {d.isoformat() for d in (row["start_date"], row["end_date"]) if d is not None}
        if row["organiser_actor_id"]:
            s.speakers.add(row["organiser_actor_id"])
        subjects[s.ref] = s
    return subjects


def _spellings(tables: dict[str, list[dict]]) -> list[Spelling]:
    person = {r["actor_id"]: r["kind"] == "person" for r in tables["actors"]}
    recorded = {(r["actor_id"], r["alias"]) for r in tables["actor_aliases"]}
    spellings = {(a, s) for a, s in recorded}
    spellings |= {(r["actor_id"], r["name"]) for r in tables["actors"]}
    return [Spelling(a, s, person.get(a, False), (a, s) in recorded) for a, s in sorted(spellings)]


def read_rows(root: Path, package: schema_mod.Package, names: tuple[str, ...]) -> dict[str, list[dict]]:
    """Each named resource as a list of typed rows (database.LoadError when one cannot be read)."""
    con = database.open_connection()
    try:
        database.load_into(con, root, package, resources=names)
        tables = {}
        for name in names:
            cursor = con.execute(f"SELECT * FROM {database.quote_ident(name)}")
            columns = [d[0] for d in cursor.description]
            tables[name] = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
        return tables
    finally:
        con.close()


def _sources(root: Path) -> list[dict]:
    return read_rows(root, schema_mod.load_package(root), ("sources",))["sources"]


def source_ids(root: Path) -> list[str]:
    """The ids of the package's sources, in file order."""
    return [row["source_id"] for row in _sources(root)]


def source_with_sha256(root: Path, digest: str) -> str | None:
    """The source whose archived text has this SHA-256, if any."""
    return next((row["source_id"] for row in _sources(root) if row["seed_sha256"] == digest), None)

"""Synthetic packages for the benchmarks: the real descriptor, proportional fake data, valid by construction.

``generate(out, claims, seed)`` writes a complete data package (datapackage.json, data/*.csv,
seeds/*.txt) with ``claims`` claims and every other resource scaled with it. The same
``(claims, seed)`` always gives the same bytes. The package is meant to pass every rule of
``cli.py validate``:

- seeds are synthetic French texts built from the claims' quotes, so every quote is the seed's text
  at its recorded offsets (Python string offsets; the texts contain non-ASCII characters so byte and
  character offsets differ) and every seed's SHA-256 is recorded; every seed file has a source;
- every actor speaks or owns something and its name is located in a seed as an alias; a few actors
  have a second spelling, linked by a ``name`` discrepancy;
- every commitment has at least one claim, one status row (some two), an owner party; agreements
  have two signatories named in the same quote; programmes are parents and have no parent;
- claims on one subject agree on their value, except for a few commitments whose two claims
  disagree: those have a blank ``target_value`` and a ``value`` discrepancy linking both claims;
- dates: announcements in the first half of 2025, sources published then too, status rows in the
  second half, deadlines from 2026, events lasting two days; nothing after 2025-12-31.

Reference tables (units, sectors), ``validators/`` (suites, SQL rules) and ``queries/`` are the
real package's. Memory stays bounded at any size (1.5 GiB at 10^7 claims): the package is written
as it is drawn, each table in chunks rendered by ``csvio.canonical_bytes`` (rows sorted by primary
key; a chunk's keys must follow the previous chunk's, which is checked), each seed appended as
its sentences come. Everything goes into a folder beside ``--out``, renamed to it at the end.
Proportions per claim, from the real corpus but with more claims per source to keep the number of
seed files reasonable at 10^6 claims:
1/3 commitment, 1/20 actor, 1/50 source, 1/100 indicator, 1/2000 event.

Usage::

    python bench/generate.py --claims 100000 --seed 1 --out /tmp/pkg-1e5
"""

# The synthetic texts use the typographic apostrophe (U+2019) as the real seeds do, on purpose.
# ruff: noqa: RUF001

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import random
import shutil
import sys
from array import array
from pathlib import Path

import polars as pl

from commitment_tracker.datapackage import csvio, paths
from commitment_tracker.datapackage.schema import Package, Resource, load_package

REPO = paths.default_root()
DEFAULT_SEED = 20250701
LAST_DAY = dt.date(2025, 12, 31)
# Memory stays bounded at any size: a table is written every CHUNK_ROWS rows (where its order
# allows), the seeds every SEED_BUFFER_CHARS characters. Neither changes a byte of the output.
CHUNK_ROWS = 200_000
SEED_BUFFER_CHARS = 128 * 2**20

FIRST_NAMES = (
    "Amal", "Aziz", "Nadia", "Youssef", "Leïla", "Hicham", "Salma", "Omar", "Zineb", "Karim",
    "Meryem", "Mehdi", "Ghita", "Anas", "Rachida", "Hamza", "Imane", "Yassine", "Soukaïna", "Driss",
)  # fmt: skip
LAST_NAMES = (
    "El Alaoui", "Benjelloun", "Tazi", "El Fassi", "Berrada", "Chraïbi", "Bennani", "El Idrissi",
    "Lahlou", "Kettani", "Sqalli", "Benkirane", "El Amrani", "Ouazzani", "Skalli", "Naciri",
    "Filali", "Hajji", "Zniber", "Guessous",
)  # fmt: skip
ORG_WORDS = ("Agence", "Office", "Conseil", "Institut", "Fondation", "Centre", "Université", "Société")
OUTLETS = ("Hespress", "L'opinion", "lematin.ma", "Médias24", "Le Desk", "TelQuel", "Maroc Diplomatique")
CITIES = ("Rabat", "Salé", "Casablanca", "Marrakech", "Tanger", "Fès", "Agadir", "Oujda")
TOPICS = (
    "l’intelligence artificielle dans l’administration",
    "les centres de données souverains",
    "la formation aux métiers du numérique",
    "l’IA au service de l’agriculture",
    "la santé numérique et la médecine de précision",
    "la cybersécurité des infrastructures",
    "l’énergie verte pour le numérique",
    "les start-up et l’innovation",
)
KINDS_WEIGHTED = ("target", "target", "budget", "agreement", "agreement", "policy", "project", "project")
UNIT_WORDS = {"count": "postes", "percent": "%", "w": "watts", "mad": "dirhams"}
KIND_FR = {
    "target": "l’objectif",
    "budget": "le budget",
    "agreement": "l’accord",
    "policy": "la politique",
    "project": "le projet",
    "programme": "le programme",
}
ACTOR_KINDS = ("person", "government_body", "public_institution", "company", "university", "ngo")


class SeedWriter:
    """The synthetic seed files, written as their sentences come.

    A sentence's offset is known when it is added (the text before it is the header and the
    sentences already added to that seed), so the texts are never held whole: sentences wait in a
    buffer of at most ``SEED_BUFFER_CHARS`` characters, then each seed's part is appended to its file.
    Each text is its header, its sentences separated by a space (a paragraph break every five
    sentences) and a final line break.
    """

    def __init__(self, root: Path, headers: list[str]):
        self.root = root
        self.positions = [len(header) for header in headers]  # characters of each text so far
        self.counts = [0] * len(headers)  # sentences of each text so far
        self.pending: dict[int, list[str]] = {i: [header] for i, header in enumerate(headers)}
        self.pending_chars = sum(self.positions)

    @staticmethod
    def seed_path(source: int) -> str:
        """The seed's path as sources.csv records it."""
        return f"{paths.SEEDS_DIRNAME}/src_{source:06d}.txt"

    def path(self, source: int) -> Path:
        return self.root / self.seed_path(source)

    def add(self, source: int, sentence: str) -> int:
        """Add a sentence to a seed; return its start offset (Python string offset) in the text."""
        i = self.counts[source]
        sep = "\n\n" if i and i % 5 == 0 else (" " if i else "")
        start = self.positions[source] + len(sep)
        self.positions[source] = start + len(sentence)
        self.counts[source] = i + 1
        self.pending.setdefault(source, []).extend((sep, sentence))
        self.pending_chars += len(sep) + len(sentence)
        if self.pending_chars > SEED_BUFFER_CHARS:
            self.flush()
        return start

    def flush(self) -> None:
        for source, parts in self.pending.items():
            with open(self.path(source), "a", encoding="utf-8", newline="") as fh:
                fh.write("".join(parts))
        self.pending.clear()
        self.pending_chars = 0

    def finish(self) -> list[str]:
        """End every text with its line break; return the SHA-256 of each file."""
        for source in range(len(self.counts)):
            self.pending.setdefault(source, []).append("\n")
        self.flush()
        return [_sha256(self.path(source)) for source in range(len(self.counts))]


class TableWriter:
    """One resource's CSV file, written in chunks of rows, each chunk in canonical form.

    The rows of a chunk are sorted by primary key (``csvio.canonical_bytes``); the file is in
    canonical form only if every chunk's keys come after the previous chunk's, which the generator
    arranges by flushing only where the leading key column has moved on. ``flush`` checks it.
    """

    def __init__(self, root: Path, resource: Resource):
        self.resource = resource
        self.file = resource.file(root)
        self.columns: dict[str, list[str | None]] = {}
        self.rows_pending = 0
        self.rows_written = 0
        self.last_key: tuple[str, ...] | None = None

    def add(self, values: dict[str, object]) -> None:
        for key, value in values.items():
            self.columns.setdefault(key, []).append(None if value is None or value == "" else str(value))
        self.rows_pending += 1

    def flush(self) -> None:
        if not self.rows_pending:
            return
        names = self.resource.field_names
        chunk = pl.DataFrame({f: self.columns[f] for f in names}, schema=dict.fromkeys(names, pl.String))
        key = list(self.resource.primary_key) or names
        keys = chunk.select(key).sort(key, nulls_last=True, maintain_order=True)
        if self.last_key is not None and keys.row(0) <= self.last_key:
            raise RuntimeError(
                f"{self.resource.name}: a chunk starts at key {keys.row(0)}, not after {self.last_key}; "
                "bench/generate.py must flush this table only where its key has moved on"
            )
        data = csvio.canonical_bytes(chunk, self.resource)
        if self.rows_written:
            # The header is written once, with the first chunk.
            data = data.split(self.resource.dialect.line_terminator.encode(), 1)[1]
        with open(self.file, "ab") as fh:
            fh.write(data)
        self.rows_written += chunk.height
        self.last_key = keys.row(-1)
        self.columns.clear()
        self.rows_pending = 0


def _date(rng: random.Random, start: dt.date, days: int) -> dt.date:
    return start + dt.timedelta(days=rng.randrange(days))


def _amount(value: int) -> str:
    """240000 -> '240 000' with a narrow no-break space, as French outlets print it."""
    return f"{value:,}".replace(",", "\u202f")


def _stated(value: int | None, unit: str | None) -> str | None:
    """The figure as the sentence writes it (claims.value_stated): '240 000', '12 %', '5 watts'.

    "postes" is no unit of the figure grammar, so a count's span is the number alone.
    """
    if value is None:
        return None
    return _amount(value) if unit in (None, "count") else f"{_amount(value)} {UNIT_WORDS[unit]}"


# The figures of undisputed commitments, kept in arrays (millions of them at 10^7 claims).
_UNITS = (None, "count", "percent", "w", "mad")
_NO_VALUE = -1


class _Builder:
    """Draws the package in one pass of the random generator, writing as it goes.

    The draws happen in the same order as they always did (events, indicators, commitments,
    further claims, actors' name variants), so the same ``(claims, seed)`` gives the same bytes.
    """

    def __init__(self, root: Path, package: Package, claims: int, seed: int, sector_ids: list[str]):
        self.root = root
        self.package = package
        self.rng = random.Random(seed)
        self.sector_ids = sector_ids
        self.n_claims = claims
        self.n_sources = max(2, claims // 50)
        self.n_actors = max(4, claims // 20)
        self.n_commitments = max(6, claims // 3)
        self.n_indicators = max(1, claims // 100)
        self.n_events = max(1, claims // 2000)
        self.n_value_disputes = max(1, claims // 500)
        self.n_name_disputes = max(1, claims // 5000)
        reserved = self.n_commitments + self.n_indicators + self.n_events + self.n_value_disputes
        if claims < reserved:
            raise ValueError(f"at least {reserved} claims are needed for a package with every resource")
        self.tables: dict[str, TableWriter] = {}
        self.claims_made = 0
        # Where each actor first speaks: its source and the offset of its name in that seed.
        self.first_source = array("q", [-1]) * self.n_actors
        self.first_offset = array("q", [-1]) * self.n_actors

    def row(self, _table: str, **values: object) -> None:
        if _table not in self.tables:
            self.tables[_table] = TableWriter(self.root, self.package.resource(_table))
        self.tables[_table].add(values)

    def flush_tables(self) -> None:
        """Write out every table once CHUNK_ROWS claims wait to be written.

        Called only between commitments and between further claims: there, every table being
        filled is ordered by a key (claim, commitment, discrepancy id) that only grows. No table
        grows by more than two rows per claim there, so none holds more than 2 * CHUNK_ROWS rows.
        """
        if self.tables["claims"].rows_pending >= CHUNK_ROWS:
            for table in self.tables.values():
                table.flush()

    # --- resources -------------------------------------------------------------------------------

    def build(self) -> None:
        rng = self.rng
        self.published = [_date(rng, dt.date(2025, 1, 1), 181) for _ in range(self.n_sources)]
        self.outlets = [rng.choice(OUTLETS) for _ in range(self.n_sources)]
        headers = [
            f"{self.outlets[i]} — Dossier n° {i} : {rng.choice(TOPICS)}\n"
            f"Publié le {self.published[i].strftime('%d/%m/%Y')}\n\n"
            for i in range(self.n_sources)
        ]
        self.seeds = SeedWriter(self.root, headers)
        self.actor_names = [self._actor_name(i) for i in range(self.n_actors)]
        self.events()
        self.indicators()
        self.commitments()
        self.extra_claims()
        self.actors()
        self.sources()
        missing = set(self.package.resource_names) - set(self.tables) - {"units", "sectors"}
        if missing:
            raise RuntimeError(f"the generator does not produce {sorted(missing)}: extend bench/generate.py")
        for table in self.tables.values():
            table.flush()

    def _actor_name(self, i: int) -> str:
        first, last = FIRST_NAMES[i % len(FIRST_NAMES)], LAST_NAMES[(i // len(FIRST_NAMES)) % len(LAST_NAMES)]
        if i % 4 == 3:
            return f"{self.rng.choice(ORG_WORDS)} {last} {i}"
        return f"{first} {last}" if i < len(FIRST_NAMES) * len(LAST_NAMES) else f"{first} {last} {i}"

    def claim(
        self,
        sentence: str,
        speaker: int,
        *,
        commitment: str | None = None,
        indicator: str | None = None,
        event: str | None = None,
        value: int | None = None,
        unit: str | None = None,
    ) -> tuple[str, str]:
        """Add a claim and its sentence to a random seed; return the claim's id and source id."""
        claim_id = f"cl-{self.claims_made:07d}"
        self.claims_made += 1
        source = self.rng.randrange(self.n_sources)
        source_id = f"src-{source:06d}"
        start = self.seeds.add(source, sentence)
        if self.first_source[speaker] < 0:
            self.first_source[speaker] = source
            self.first_offset[speaker] = start + sentence.index(self.actor_names[speaker])
        self.row(
            "claims",
            claim_id=claim_id,
            source_id=source_id,
            commitment_id=commitment,
            indicator_id=indicator,
            event_id=event,
            quote=sentence,
            quote_start=start,
            quote_end=start + len(sentence),
            value=value,
            value_stated=_stated(value, unit),
            unit_id=unit,
            qualifier="exactly" if value is not None else None,
            speaker_actor_id=f"actor-{speaker:06d}",
            notes=None,
        )
        return claim_id, source_id

    def events(self) -> None:
        for i in range(self.n_events):
            start = _date(self.rng, dt.date(2025, 1, 1), 180)
            city = self.rng.choice(CITIES)
            event_id = f"event-{i:05d}"
            self.row(
                "events",
                event_id=event_id,
                name=f"Rencontre nationale n° {i} sur {self.rng.choice(TOPICS)}",
                start_date=start,
                end_date=start + dt.timedelta(days=1),
                venue=f"Palais des congrès de {city}",
                city=city,
                organiser_actor_id=f"actor-{i % self.n_actors:06d}",
                patron_actor_id=None,
                notes=None,
            )
            speaker = self.rng.randrange(self.n_actors)
            self.claim(
                f"{self.actor_names[speaker]} a ouvert la rencontre nationale n° {i} à {city}, "
                f"le {start.strftime('%d/%m/%Y')}.",
                speaker,
                event=event_id,
            )

    def indicators(self) -> None:
        sectors = self.sector_ids
        for i in range(self.n_indicators):
            unit = "percent" if i % 2 else "count"
            value = self.rng.randrange(1, 100) if unit == "percent" else self.rng.randrange(1000, 10**8)
            indicator_id = f"ind-{i:06d}"
            self.row(
                "indicators",
                indicator_id=indicator_id,
                name_fr=f"Indicateur de contexte n° {i}",
                name_en=f"Context indicator no. {i}",
                value=value,
                unit_id=unit,
                qualifier="exactly",
                reference_period="annual" if i % 3 == 0 else None,
                sector_id=sectors[i % len(sectors)],
                notes=None,
            )
            speaker = self.rng.randrange(self.n_actors)
            self.claim(
                f"Selon {self.actor_names[speaker]}, l’indicateur n° {i} s’établit à "
                f"{_amount(value)} {UNIT_WORDS[unit]}.",
                speaker,
                indicator=indicator_id,
                value=value,
                unit=unit,
            )

    def commitments(self) -> None:
        rng, sectors = self.rng, self.sector_ids
        n_programmes = max(1, self.n_commitments // 50)
        # Undisputed commitments, in order, and the figure their further claims repeat.
        self.agreeing = array("q")
        self.agreeing_value = array("q")
        self.agreeing_unit = array("b")
        disputed = 0
        for i in range(self.n_commitments):
            commitment_id = f"cm-{i:07d}"
            kind = "programme" if i < n_programmes else rng.choice(KINDS_WEIGHTED)
            owner = i % self.n_actors
            announced = _date(rng, dt.date(2025, 1, 1), 181)
            parent = f"cm-{rng.randrange(n_programmes):07d}" if kind != "programme" and i % 3 == 0 else None
            value, unit = None, None
            if kind == "target":
                unit = rng.choice(("count", "percent", "w"))
                value = rng.randrange(1, 100) if unit == "percent" else rng.randrange(10, 10**6) * 1000
            elif kind == "budget":
                unit, value = "mad", rng.randrange(1, 5000) * 10**6
            dispute = kind == "target" and disputed < self.n_value_disputes
            deadline = rng.randrange(2026, 2036) if kind in ("target", "programme", "budget") else None
            what = f"{KIND_FR[kind]} n° {i}"
            title = f"{what} pour {rng.choice(TOPICS)}"
            self.row(
                "commitments",
                commitment_id=commitment_id,
                title_fr=title[0].upper() + title[1:],
                title_en=f"Synthetic {kind} no. {i}",
                kind=kind,
                sector_id=sectors[i % len(sectors)],
                owner_actor_id=f"actor-{owner:06d}",
                parent_commitment_id=parent,
                target_value=None if dispute else value,
                unit_id=unit,
                target_qualifier="exactly" if value is not None and not dispute else None,
                deadline_year=deadline,
                announced_on=announced,
                event_id=f"event-{rng.randrange(self.n_events):05d}" if i % 2 else None,
                notes="Sources disagree on the figure." if dispute else None,
            )
            due = f" d’ici {deadline}" if deadline else ""
            figure = f" : {_amount(value)} {UNIT_WORDS[unit]}" if value is not None else ""
            if kind == "agreement":
                partner = (owner + 1 + rng.randrange(self.n_actors - 1)) % self.n_actors
                first, source_id = self.claim(
                    f"{self.actor_names[owner]} et {self.actor_names[partner]} ont signé {what}.",
                    owner,
                    commitment=commitment_id,
                )
                for actor in (owner, partner):
                    self.row(
                        "commitment_parties",
                        commitment_id=commitment_id,
                        actor_id=f"actor-{actor:06d}",
                        role="signatory",
                        claim_id=first,
                    )
            else:
                first, source_id = self.claim(
                    f"{self.actor_names[owner]} a annoncé {what}{figure}{due}.",
                    owner,
                    commitment=commitment_id,
                    value=value,
                    unit=unit,
                )
                self.row(
                    "commitment_parties",
                    commitment_id=commitment_id,
                    actor_id=f"actor-{owner:06d}",
                    role="owner",
                    claim_id=first,
                )
            if not dispute:
                self.agreeing.append(i)
                self.agreeing_value.append(_NO_VALUE if value is None else value)
                self.agreeing_unit.append(_UNITS.index(unit))
            else:
                disputed += 1
                other_value = value * 2 if unit == "percent" and value < 50 else value + 1000
                speaker = rng.randrange(self.n_actors)
                second, _ = self.claim(
                    f"{self.actor_names[speaker]} évoque pour {what} : {_amount(other_value)} "
                    f"{UNIT_WORDS[unit]}{due}.",
                    speaker,
                    commitment=commitment_id,
                    value=other_value,
                    unit=unit,
                )
                discrepancy_id = f"dispute-{commitment_id}"
                self.row(
                    "discrepancies",
                    discrepancy_id=discrepancy_id,
                    kind="value",
                    description=f"Two sources give different figures for {commitment_id}: "
                    f"{value} and {other_value} {unit}.",
                )
                for claim_id in (first, second):
                    self.row("discrepancy_claims", discrepancy_id=discrepancy_id, claim_id=claim_id)
            self.status_rows(commitment_id, announced, first, source_id, None if dispute else value)
            self.flush_tables()

    def status_rows(
        self, commitment_id: str, announced: dt.date, claim_id: str, source_id: str, value: int | None
    ) -> None:
        rng = self.rng
        as_of = _date(rng, max(announced, dt.date(2025, 7, 1)), 120)
        self.row(
            "status_updates",
            commitment_id=commitment_id,
            as_of=as_of,
            effective_from=None,
            effective_to=None,
            status="announced",
            formality=rng.choice(("announced", "mou_signed", "budgeted")),
            actual_value=None,
            source_id=source_id,
            claim_id=claim_id,
            rationale="Announced in the source; no delivery reported yet.",
        )
        if rng.random() < 0.25:
            later = min(as_of + dt.timedelta(days=rng.randrange(1, 60)), LAST_DAY)
            achieved = value is not None and rng.random() < 0.5
            self.row(
                "status_updates",
                commitment_id=commitment_id,
                as_of=later,
                effective_from=None,
                effective_to=None,
                status="partially_achieved" if achieved else "in_progress",
                formality="in_operation" if achieved else None,
                actual_value=value // 2 if achieved else None,
                source_id=source_id,
                claim_id=claim_id,
                rationale="Follow-up reported by the same outlet.",
            )

    def extra_claims(self) -> None:
        """Further claims repeating an undisputed commitment's figure, up to the requested count."""
        rng = self.rng
        while self.claims_made < self.n_claims:
            k = rng.randrange(len(self.agreeing))
            i, value, unit = self.agreeing[k], self.agreeing_value[k], _UNITS[self.agreeing_unit[k]]
            commitment_id = f"cm-{i:07d}"
            speaker = rng.randrange(self.n_actors)
            if value == _NO_VALUE or unit is None:
                sentence = f"{self.actor_names[speaker]} rappelle l’engagement n° {i}."
                self.claim(sentence, speaker, commitment=commitment_id)
            else:
                sentence = (
                    f"{self.actor_names[speaker]} confirme pour l’engagement n° {i} : "
                    f"{_amount(value)} {UNIT_WORDS[unit]}."
                )
                self.claim(sentence, speaker, commitment=commitment_id, value=value, unit=unit)
            self.flush_tables()

    def actors(self) -> None:
        for i, name in enumerate(self.actor_names):
            person = i % 4 != 3
            self.row(
                "actors",
                actor_id=f"actor-{i:06d}",
                name=name,
                kind="person" if person else ACTOR_KINDS[1 + i % (len(ACTOR_KINDS) - 1)],
                title="Responsable de programme" if person and i % 2 else None,
                country="MA",
                notes=None,
            )
            # Every actor owns a commitment, so it speaks at least once.
            self._alias(i, name, self.first_source[i], self.first_offset[i])
        for k in range(self.n_name_disputes):
            i = (k * 7) % self.n_actors
            name = self.actor_names[i]
            variant = name.replace(" ", "-", 1)
            source = self.rng.randrange(self.n_sources)
            sentence = f"Selon {variant}, les travaux avancent."
            start = self.seeds.add(source, sentence)
            self._alias(i, variant, source, start + sentence.index(variant))
            discrepancy_id = f"spelling-actor-{i:06d}"
            self.row(
                "discrepancies",
                discrepancy_id=discrepancy_id,
                kind="name",
                description=f"The name of actor-{i:06d} is spelled {name!r} and {variant!r}.",
            )
            for alias, alias_source in ((name, self.first_source[i]), (variant, source)):
                self.row(
                    "discrepancy_aliases",
                    discrepancy_id=discrepancy_id,
                    actor_id=f"actor-{i:06d}",
                    alias=alias,
                    source_id=f"src-{alias_source:06d}",
                )

    def _alias(self, actor: int, alias: str, source: int, start: int) -> None:
        self.row(
            "actor_aliases",
            actor_id=f"actor-{actor:06d}",
            alias=alias,
            source_id=f"src-{source:06d}",
            quote_start=start,
            quote_end=start + len(alias),
        )

    def sources(self) -> None:
        """The sources table, once every seed is written and hashed."""
        hashes = self.seeds.finish()
        for i in range(self.n_sources):
            self.row(
                "sources",
                source_id=f"src-{i:06d}",
                seed_path=self.seeds.seed_path(i),
                seed_sha256=hashes[i],
                outlet=self.outlets[i],
                title=f"Dossier n° {i}",
                author=f"{FIRST_NAMES[i % len(FIRST_NAMES)]} {LAST_NAMES[i % len(LAST_NAMES)]}",
                published_on=self.published[i],
                genre="news" if i % 5 else "opinion",
                language="fr",
                url=f"https://example.org/dossiers/{i}" if i % 2 else None,
                notes="Synthetic text generated by bench/generate.py.",
            )


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(2**20):
            digest.update(block)
    return digest.hexdigest()


def generate(out: Path, claims: int, seed: int = DEFAULT_SEED) -> Path:
    """Write a synthetic package with ``claims`` claims to ``out`` (must not exist, or be empty).

    Everything is written into a new folder beside ``out``, renamed to ``out`` at the end: a run
    that fails or is killed leaves no folder at ``out`` that looks like a complete package.
    """
    out = Path(out)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise FileExistsError(f"{out} exists and is not an empty folder; generate into a new folder")
    out.parent.mkdir(parents=True, exist_ok=True)
    work = out.parent / f".{out.name}.partial-{os.getpid()}"
    try:
        _write(work, claims, seed)
        work.rename(out)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return out


def _write(root: Path, claims: int, seed: int) -> None:
    root.mkdir()
    package = load_package(REPO)
    units = csvio.read_table(REPO, package.resource("units"))
    sectors = csvio.read_table(REPO, package.resource("sectors"))
    for resource in package.resources:
        resource.file(root).parent.mkdir(parents=True, exist_ok=True)
    paths.seeds_dir(root).mkdir(parents=True)
    _Builder(root, package, claims, seed, sectors["sector_id"].to_list()).build()

    # Reference tables are the repository's, rewritten canonically.
    for name, table in (("units", units), ("sectors", sectors)):
        resource = package.resource(name)
        resource.file(root).write_bytes(csvio.canonical_bytes(table, resource))

    # The content layer reads its suites and SQL rules from the package root, and `query` its named
    # queries, as from the repository.
    shutil.copytree(REPO / "validators", root / "validators")
    shutil.copytree(REPO / "queries", root / "queries")

    descriptor = json.loads(paths.descriptor_path(REPO).read_text(encoding="utf-8"))
    # The real descriptor lists the real seeds; these packages have their own.
    descriptor["sources"] = [
        {"title": f"Synthetic seeds written by bench/generate.py (claims={claims}, seed={seed})"}
    ]
    paths.descriptor_path(root).write_text(
        json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--claims", type=int, required=True, help="number of claims (e.g. 1000)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed (same seed, same bytes)")
    parser.add_argument("--out", type=Path, required=True, help="new folder to write the package to")
    parser.add_argument("--force", action="store_true", help="replace --out if it exists")
    args = parser.parse_args(argv)
    if args.force and args.out.exists():
        shutil.rmtree(args.out)
    try:
        generate(args.out, args.claims, args.seed)
    except (ValueError, FileExistsError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())

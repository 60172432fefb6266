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

Reference tables (units, sectors) and ``validators/`` (suites, SQL rules) are the real package's.
Tables are written with ``csvio.write_tables_atomically`` so they are in canonical form.
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
import random
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from commitment_tracker.datapackage import csvio, paths
from commitment_tracker.datapackage.schema import load_package

REPO = paths.default_root()
DEFAULT_SEED = 20250701
LAST_DAY = dt.date(2025, 12, 31)

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


@dataclass
class Seeds:
    """Sentences of each synthetic seed; offsets are known once the texts are joined."""

    headers: list[str]
    sentences: list[list[str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.sentences = [[] for _ in self.headers]

    def add(self, source: int, sentence: str) -> tuple[int, int]:
        self.sentences[source].append(sentence)
        return source, len(self.sentences[source]) - 1

    def join(self) -> tuple[list[str], list[list[int]]]:
        """The texts, and for each source the start offset of each sentence."""
        texts, starts = [], []
        for header, sentences in zip(self.headers, self.sentences, strict=True):
            parts, offsets, pos = [header], [], len(header)
            for i, sentence in enumerate(sentences):
                # A paragraph break every five sentences, a space otherwise.
                sep = "\n\n" if i and i % 5 == 0 else (" " if i else "")
                parts.append(sep)
                pos += len(sep)
                offsets.append(pos)
                parts.append(sentence)
                pos += len(sentence)
            parts.append("\n")
            texts.append("".join(parts))
            starts.append(offsets)
        return texts, starts


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


class _Builder:
    def __init__(self, claims: int, seed: int, units: pl.DataFrame, sector_ids: list[str]):
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
        self.units = dict(zip(units["unit_id"].to_list(), units["dimension"].to_list(), strict=True))
        self.tables: dict[str, dict[str, list]] = {}
        self.claim_locations: list[tuple[int, int]] = []
        self.alias_locations: list[tuple[int, int, int]] = []  # source, sentence, offset in it
        self.alias_sources: dict[tuple[int, str], str] = {}  # (actor, spelling) -> its source id

    def table(self, name: str) -> dict[str, list]:
        return self.tables.setdefault(name, {})

    def row(self, _table: str, **values: object) -> None:
        cols = self.table(_table)
        for key, value in values.items():
            cols.setdefault(key, []).append(None if value is None or value == "" else str(value))

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
        self.seeds = Seeds(headers)
        self.actor_names = [self._actor_name(i) for i in range(self.n_actors)]
        self.events()
        self.indicators()
        self.commitments()
        self.extra_claims()
        self.actors()
        self.sources()

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
    ) -> str:
        index = len(self.claim_locations)
        claim_id = f"cl-{index:07d}"
        source = self.rng.randrange(self.n_sources)
        self.claim_locations.append(self.seeds.add(source, sentence))
        self.row(
            "claims",
            claim_id=claim_id,
            source_id=f"src-{source:06d}",
            commitment_id=commitment,
            indicator_id=indicator,
            event_id=event,
            quote=sentence,
            quote_start=None,  # filled once the seeds are joined
            quote_end=None,
            value=value,
            value_stated=_stated(value, unit),
            unit_id=unit,
            qualifier="exactly" if value is not None else None,
            speaker_actor_id=f"actor-{speaker:06d}",
            notes=None,
        )
        return claim_id

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
        # Undisputed commitments and the figure (or None) their further claims repeat.
        self.agreeing: dict[str, tuple[int | None, str | None]] = {}
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
                first = self.claim(
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
                first = self.claim(
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
                self.agreeing[commitment_id] = (value, unit)
            else:
                disputed += 1
                other_value = value * 2 if unit == "percent" and value < 50 else value + 1000
                speaker = rng.randrange(self.n_actors)
                second = self.claim(
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
            self.status_rows(commitment_id, announced, first, None if dispute else value)

    def status_rows(self, commitment_id: str, announced: dt.date, claim_id: str, value: int | None) -> None:
        rng = self.rng
        source_id = self.table("claims")["source_id"][int(claim_id.removeprefix("cl-"))]
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
        agreeing = list(self.agreeing)
        rng = self.rng
        while len(self.claim_locations) < self.n_claims:
            commitment_id = agreeing[rng.randrange(len(agreeing))]
            value, unit = self.agreeing[commitment_id]
            speaker = rng.randrange(self.n_actors)
            n = commitment_id.removeprefix("cm-").lstrip("0") or "0"
            if value is None or unit is None:
                sentence = f"{self.actor_names[speaker]} rappelle l’engagement n° {n}."
                self.claim(sentence, speaker, commitment=commitment_id)
            else:
                sentence = (
                    f"{self.actor_names[speaker]} confirme pour l’engagement n° {n} : "
                    f"{_amount(value)} {UNIT_WORDS[unit]}."
                )
                self.claim(sentence, speaker, commitment=commitment_id, value=value, unit=unit)

    def actors(self) -> None:
        claims = self.table("claims")
        first_spoken: dict[int, int] = {}
        for index, speaker in enumerate(claims["speaker_actor_id"]):
            first_spoken.setdefault(int(speaker.removeprefix("actor-")), index)
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
            index = first_spoken[i]  # every actor owns a commitment, so it speaks at least once
            source, sentence = self.claim_locations[index]
            offset = claims["quote"][index].index(name)
            self._alias(i, name, source, sentence, offset)
        for k in range(self.n_name_disputes):
            i = (k * 7) % self.n_actors
            name = self.actor_names[i]
            variant = name.replace(" ", "-", 1)
            source = self.rng.randrange(self.n_sources)
            sentence = f"Selon {variant}, les travaux avancent."
            location = self.seeds.add(source, sentence)
            self._alias(i, variant, *location, sentence.index(variant))
            discrepancy_id = f"spelling-actor-{i:06d}"
            self.row(
                "discrepancies",
                discrepancy_id=discrepancy_id,
                kind="name",
                description=f"The name of actor-{i:06d} is spelled {name!r} and {variant!r}.",
            )
            for alias in (name, variant):
                self.row(
                    "discrepancy_aliases",
                    discrepancy_id=discrepancy_id,
                    actor_id=f"actor-{i:06d}",
                    alias=alias,
                    source_id=self.alias_sources[(i, alias)],
                )

    def _alias(self, actor: int, alias: str, source: int, sentence: int, offset: int) -> None:
        self.alias_locations.append((source, sentence, offset))
        self.alias_sources[(actor, alias)] = f"src-{source:06d}"
        self.row(
            "actor_aliases",
            actor_id=f"actor-{actor:06d}",
            alias=alias,
            source_id=f"src-{source:06d}",
            quote_start=None,
            quote_end=None,
        )

    def sources(self) -> None:
        for i in range(self.n_sources):
            self.row(
                "sources",
                source_id=f"src-{i:06d}",
                seed_path=f"seeds/src_{i:06d}.txt",
                seed_sha256=None,  # filled once the seed is written
                outlet=self.outlets[i],
                title=f"Dossier n° {i}",
                author=f"{FIRST_NAMES[i % len(FIRST_NAMES)]} {LAST_NAMES[i % len(LAST_NAMES)]}",
                published_on=self.published[i],
                genre="news" if i % 5 else "opinion",
                language="fr",
                url=f"https://example.org/dossiers/{i}" if i % 2 else None,
                notes="Synthetic text generated by bench/generate.py.",
            )

    # --- offsets and files -----------------------------------------------------------------------

    def place(self) -> list[str]:
        """Join the seeds, fill every offset and hash; return the seed texts."""
        texts, starts = self.seeds.join()
        claims = self.table("claims")
        for index, (source, sentence) in enumerate(self.claim_locations):
            start = starts[source][sentence]
            claims["quote_start"][index] = str(start)
            claims["quote_end"][index] = str(start + len(claims["quote"][index]))
        aliases = self.table("actor_aliases")
        for index, (source, sentence, offset) in enumerate(self.alias_locations):
            start = starts[source][sentence] + offset
            aliases["quote_start"][index] = str(start)
            aliases["quote_end"][index] = str(start + len(aliases["alias"][index]))
        self.table("sources")["seed_sha256"] = [
            hashlib.sha256(text.encode("utf-8")).hexdigest() for text in texts
        ]
        return texts


def generate(out: Path, claims: int, seed: int = DEFAULT_SEED) -> Path:
    """Write a synthetic package with ``claims`` claims to ``out`` (created; must not hold a package)."""
    out = Path(out)
    if paths.descriptor_path(out).exists():
        raise FileExistsError(f"{out} already holds a package; generate into a new folder")
    package = load_package(REPO)
    units = csvio.read_table(REPO, package.resource("units"))
    sectors = csvio.read_table(REPO, package.resource("sectors"))
    builder = _Builder(claims, seed, units, sectors["sector_id"].to_list())
    builder.build()
    texts = builder.place()

    seeds_dir = paths.seeds_dir(out)
    seeds_dir.mkdir(parents=True)
    for path, text in zip(builder.table("sources")["seed_path"], texts, strict=True):
        with open(out / path, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)

    # The content layer reads its suites and SQL rules from the package root, and `query` its named
    # queries, as from the repository.
    shutil.copytree(REPO / "validators", out / "validators")
    shutil.copytree(REPO / "queries", out / "queries")

    descriptor = json.loads(paths.descriptor_path(REPO).read_text(encoding="utf-8"))
    # The real descriptor lists the real seeds; these packages have their own.
    descriptor["sources"] = [
        {"title": f"Synthetic seeds written by bench/generate.py (claims={claims}, seed={seed})"}
    ]
    paths.descriptor_path(out).write_text(
        json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )

    tables = {"units": units, "sectors": sectors}
    for name, columns in builder.tables.items():
        resource = package.resource(name)
        tables[name] = pl.DataFrame(
            {f: columns[f] for f in resource.field_names},
            schema=dict.fromkeys(resource.field_names, pl.String),
        )
    missing = set(package.resource_names) - set(tables)
    if missing:
        raise RuntimeError(f"the generator does not produce {sorted(missing)}: extend bench/generate.py")
    csvio.write_tables_atomically(out, tables, package=package)
    return out


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

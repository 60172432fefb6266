"""What the site shows, assembled once from the package's typed tables and its seeds.

Pages only read from a ``SiteData``; every join and derived value (current status, number of
sources, disputed flag) is computed here, in one place, so that every page agrees.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from commitment_tracker import amounts
from commitment_tracker.datapackage import csvio, paths, schema
from commitment_tracker.errors import TrackerError
from commitment_tracker.publish import summary
from commitment_tracker.publish.site import passages
from commitment_tracker.validation import provenance

Row = dict[str, Any]

# The enumerated fields the pages label, as "resource.field" of datapackage.json: labels and their
# order are the fields' `categories` there (schema.Field.labels), never restated here.
STATUS = "status_updates.status"
FORMALITY = "status_updates.formality"
COMMITMENT_KIND = "commitments.kind"
ROLE = "commitment_parties.role"
DISCREPANCY_KIND = "discrepancies.kind"
GENRE = "sources.genre"
ACTOR_KIND = "actors.kind"
TARGET_QUALIFIER = "commitments.target_qualifier"
INDICATOR_QUALIFIER = "indicators.qualifier"
CLAIM_QUALIFIER = "claims.qualifier"

# The role of an actor quoted about a commitment (claims.speaker_actor_id), beside the roles of
# commitment_parties.role; the by-actor query calls it the same.
SPEAKER = "speaker"
UNTITLED_WORDS = 6  # words of its text that name an untitled source


class SiteDataError(TrackerError):
    """The package cannot be shown; the message says what is wrong and how to find out more."""


@dataclass
class SiteData:
    root: Path
    package: schema.Package
    tables: dict[str, pl.DataFrame]
    seeds: dict[str, str]  # source_id -> seed text
    sources: dict[str, Row] = field(default_factory=dict)
    actors: dict[str, Row] = field(default_factory=dict)
    sectors: dict[str, Row] = field(default_factory=dict)
    units: dict[str, Row] = field(default_factory=dict)
    events: dict[str, Row] = field(default_factory=dict)
    indicators: dict[str, Row] = field(default_factory=dict)
    commitments: dict[str, Row] = field(default_factory=dict)
    claims: dict[str, Row] = field(default_factory=dict)
    discrepancies: dict[str, Row] = field(default_factory=dict)
    parties: dict[str, list[Row]] = field(default_factory=dict)  # commitment_id -> rows
    statuses: dict[str, list[Row]] = field(default_factory=dict)  # commitment_id -> rows by as_of
    claims_by_target: dict[tuple[str, str], list[Row]] = field(default_factory=dict)
    claims_by_source: dict[str, list[Row]] = field(default_factory=dict)
    discrepancy_claims: dict[str, list[str]] = field(default_factory=dict)  # discrepancy -> claims
    discrepancies_of_claim: dict[str, list[str]] = field(default_factory=dict)
    discrepancy_aliases: dict[str, list[Row]] = field(default_factory=dict)
    aliases_by_source: dict[str, list[Row]] = field(default_factory=dict)
    aliases_by_actor: dict[str, list[Row]] = field(default_factory=dict)
    children: dict[str, list[str]] = field(default_factory=dict)  # parent commitment -> children
    targets: dict[str, Row] = field(default_factory=dict)  # commitment_id -> commitment_targets row

    @property
    def descriptor(self) -> dict[str, Any]:
        return self.package.descriptor

    @property
    def version(self) -> str:
        return str(self.descriptor.get("version", ""))

    @property
    def title(self) -> str:
        return str(self.descriptor.get("title") or self.descriptor.get("name") or "Data package")

    @property
    def licences(self) -> list[dict[str, Any]]:
        return list(self.descriptor.get("licenses") or [])

    @property
    def site_title(self) -> str:
        """The short name in every page's header: the package title up to its colon."""
        return self.title.split(":", 1)[0].strip() or self.title

    # Labels of enumerated values, from the Table Schema.

    def labels(self, field: str) -> dict[Any, str]:
        """Value -> label of the field ``"resource.field"``, in the schema's display order."""
        resource, name = field.split(".", 1)
        return self.package.resource(resource).field(name).labels

    def label(self, field: str, value: Any) -> str:
        """The label of ``value`` in ``field``; a value the schema does not list shows as itself."""
        return self.labels(field).get(value, "" if value is None else str(value))

    # Derived values, one definition each.

    def current_status(self, commitment_id: str) -> Row | None:
        """The latest status row (status_updates is append-only; the last dated row wins)."""
        rows = self.statuses.get(commitment_id, [])
        return rows[-1] if rows else None

    def commitment_claims(self, commitment_id: str) -> list[Row]:
        return self.claims_by_target.get(("commitment", commitment_id), [])

    def commitment_source_ids(self, commitment_id: str) -> list[str]:
        """Sources quoted by the commitment's claims or cited as evidence of its status."""
        ids = {c["source_id"] for c in self.commitment_claims(commitment_id)}
        ids.update(s["source_id"] for s in self.statuses.get(commitment_id, []))
        return sorted(ids)

    def discrepancies_of(self, claims: list[Row]) -> list[str]:
        found = {d for c in claims for d in self.discrepancies_of_claim.get(c["claim_id"], [])}
        return sorted(found)

    def is_disputed(self, commitment_id: str) -> bool:
        """True when a discrepancy touches any claim about the commitment."""
        return bool(self.discrepancies_of(self.commitment_claims(commitment_id)))

    def involvement(self, commitment_id: str) -> list[tuple[str, str]]:
        """(actor_id, role) of everyone a commitment involves: its owner, every party in its role,
        and every speaker of a claim about it (role ``"speaker"``), in that order, each pair once.

        The same three links as the ``by-actor`` query (queries/by-actor.sql), so that the site's
        actor filter and an actor's page list what that query lists.
        """
        owner = self.commitments[commitment_id]["owner_actor_id"]
        pairs = [(owner, "owner")] if owner else []
        pairs += [(p["actor_id"], p["role"]) for p in self.parties.get(commitment_id, [])]
        claims = self.commitment_claims(commitment_id)
        pairs += sorted({(c["speaker_actor_id"], SPEAKER) for c in claims if c["speaker_actor_id"]})
        return list(dict.fromkeys(pairs))

    def actor_ids(self, commitment_id: str) -> list[str]:
        """Everyone the commitment involves (see ``involvement``), owner first, each once."""
        return list(dict.fromkeys(a for a, _ in self.involvement(commitment_id)))

    @functools.cached_property
    def _by_actor(self) -> dict[str, list[tuple[str, str]]]:
        found: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for cid in sorted(self.commitments):
            for actor_id, role in self.involvement(cid):
                found[actor_id].append((cid, role))
        return dict(found)

    def actor_commitments(self, actor_id: str) -> list[tuple[str, str]]:
        """(commitment_id, role) of every commitment the actor owns, is party to or is quoted about."""
        return self._by_actor.get(actor_id, [])

    @functools.cached_property
    def _spoken(self) -> dict[str, list[Row]]:
        found: dict[str, list[Row]] = defaultdict(list)
        for claim in self.claims.values():
            if claim["speaker_actor_id"]:
                found[claim["speaker_actor_id"]].append(claim)
        return dict(found)

    def spoken_claims(self, actor_id: str) -> list[Row]:
        """Every claim the actor is the speaker of, in the order their sources were published."""
        return self.sorted_claims(self._spoken.get(actor_id, []))

    def names(self, actor_id: str) -> list[str]:
        """The actor's name and every spelling the sources use, each once, the canonical name first."""
        spelled = [a["alias"] for a in self.aliases_by_actor.get(actor_id, [])]
        return list(dict.fromkeys([self.actor_name(actor_id), *spelled]))

    def target(self, commitment_id: str) -> Row:
        """The commitment's row of the view ``commitment_targets`` (database.py), the one definition
        of a target that ``due-by`` and ``summary`` read too, with ``as_stated`` (summary.targets)."""
        return self.targets[commitment_id]

    def disputed_range(self, commitment_id: str) -> str:
        """The figures the sources give for a disputed target, as a range read as people read it
        (ends joined by an en dash: "more than 40 000", "240 000"); "" when the target is not
        disputed or states no figure."""
        t = self.target(commitment_id)
        if not t["disputed"] or t["target_low"] is None:
            return ""
        unit_id = self.commitments[commitment_id]["unit_id"]
        ends = [(t["target_low"], t["low_qualifier"]), (t["target_high"], t["high_qualifier"])]
        texts = [self.amount(value, unit_id, qualifier, CLAIM_QUALIFIER) for value, qualifier in ends]
        return amounts.RANGE.join(dict.fromkeys(texts))

    def stated_target(self, commitment_id: str) -> str:
        """The target as the quotes backing it write it ("11 milliards de dirhams"), when it is
        not disputed; "" when no claim states it."""
        t = self.target(commitment_id)
        return "" if t["disputed"] else t["as_stated"] or ""

    def claim_figure(self, claim: Row) -> tuple[str, str]:
        """(the figure as the quote writes it, the figure as people read it) of a claim; the second
        is "" when it reads the same as the first (16 GW), both "" for a claim without a figure."""
        reading = self.amount(claim["value"], claim["unit_id"], claim["qualifier"], CLAIM_QUALIFIER)
        return stated_first(claim["value_stated"] or "", reading)

    def claim_target(self, claim: Row) -> tuple[str, str]:
        """("commitment" | "indicator" | "event", id) for a claim."""
        for kind in ("commitment", "indicator", "event"):
            if claim[f"{kind}_id"]:
                return kind, claim[f"{kind}_id"]
        raise SiteDataError(f"claim {claim['claim_id']} is about nothing (no commitment, indicator or event)")

    # Plain text for people, built once here so that every page words a thing the same way.

    def actor_name(self, actor_id: str | None) -> str:
        actor = self.actors.get(actor_id or "")
        return actor["name"] if actor else (actor_id or "")

    def source_name(self, source_id: str) -> str:
        """A source named by its outlet, else its shortened title, else the words it begins with."""
        source = self.sources[source_id]
        return source["outlet"] or _shorten(source["title"] or "", 60) or self._untitled(source_id)

    def source_label(self, source_id: str) -> str:
        """The source's name (``source_name``) and its date when stated."""
        published = self.sources[source_id]["published_on"]
        name = self.source_name(source_id)
        return f"{name}, {published.isoformat()}" if published else name

    def _untitled(self, source_id: str) -> str:
        """A text without a title named by its first words, which a reader can find in it."""
        words = self.seeds.get(source_id, "").split()
        opening = " ".join(words[:UNTITLED_WORDS]) + ("…" if len(words) > UNTITLED_WORDS else "")
        return f"Untitled text beginning “{opening}”" if opening else "Untitled text"

    def sector_names(self, sector_id: str) -> tuple[str, str]:
        """(French, English) names of a sector; its id when the sector is unknown."""
        sector = self.sectors.get(sector_id, {})
        return sector.get("name_fr", sector_id), sector.get("name_en", "")

    def passage(self, row: Row, limit: int = 320) -> passages.Context:
        """A claim's or an alias's quote with a sentence of its seed each side."""
        return passages.context(
            self.seeds[row["source_id"]], row["quote_start"], row["quote_end"], limit=limit
        )

    def source_title(self, source_id: str) -> str:
        return self.sources[source_id]["title"] or self._untitled(source_id)

    def entity_name(self, kind: str, item_id: str) -> str:
        """The French name of a commitment, indicator or event, as the sources word it."""
        if kind == "commitment":
            return self.commitments[item_id]["title_fr"]
        if kind == "indicator":
            return self.indicators[item_id]["name_fr"]
        if kind == "event":
            return self.events[item_id]["name"]
        raise ValueError(kind)

    def unit(self, unit_id: str | None) -> str:
        """The symbol written after a figure of a unit; a count has none (40 000 jobs, not 40 000 count)."""
        unit = self.units.get(unit_id or "")
        if unit is None:
            return ""
        return amounts.reading_symbol(unit["label"], unit_id, unit["dimension"])

    def discrepancy_subject(self, discrepancy_id: str) -> str:
        """What a disagreement is about, in English where the data has it: the commitments,
        indicators or events its claims are about, and the actors whose name is spelled two ways."""
        english = {"commitment": "title_en", "indicator": "name_en", "event": "name"}
        tables = {"commitment": self.commitments, "indicator": self.indicators, "event": self.events}
        names = []
        for claim_id in self.discrepancy_claims.get(discrepancy_id, []):
            kind, item_id = self.claim_target(self.claims[claim_id])
            names.append(tables[kind][item_id][english[kind]])
        names += [self.actor_name(a["actor_id"]) for a in self.discrepancy_aliases.get(discrepancy_id, [])]
        return ", ".join(dict.fromkeys(names))

    def amount(self, value: float | None, unit_id: str | None, qualifier: str | None, field: str) -> str:
        """A figure as people read it: 'more than 40 000', '11 milliards MAD', '16 GW'.

        ``field`` ("resource.field") is where ``qualifier`` comes from, for its label; an exact
        figure needs no word.
        """
        if value is None:
            return ""
        words = self.label(field, qualifier).lower() if qualifier and qualifier != "exactly" else ""
        number = amounts.unbreakable(amounts.readable(value, self.unit(unit_id)))
        return f"{words} {number}" if words else number

    def sorted_claims(self, claims: list[Row]) -> list[Row]:
        """Claims in the order their sources were published (undated last), then by position."""

        def key(c: Row) -> tuple[str, str, int]:
            published = self.sources[c["source_id"]]["published_on"]
            return (published.isoformat() if published else "9999", c["source_id"], c["quote_start"])

        return sorted(claims, key=key)


def stated_first(stated: str, reading: str) -> tuple[str, str]:
    """(what a page shows first, what it shows beside it): the figure as the source writes it, then
    as people read it when that differs ("11 milliards de dirhams", "11 milliards MAD"); the
    reading alone when the source's form is not known."""
    if not stated:
        return reading, ""
    return stated, "" if amounts.unbreakable(stated) == reading else reading


def _shorten(text: str, width: int) -> str:
    if len(text) <= width:
        return text
    return text[: width - 1].rsplit(" ", 1)[0] + "…"


def _records(df: pl.DataFrame) -> list[Row]:
    return list(df.iter_rows(named=True))


def _by_key(package: schema.Package, tables: dict[str, pl.DataFrame], resource: str) -> dict[str, Row]:
    """A table's rows by its primary key (a single column for every table the pages look up)."""
    key = package.resource(resource).primary_key
    if len(key) != 1:
        raise SiteDataError(f"{resource}: the site needs a one-column primary key, not {list(key)}")
    return {r[key[0]]: r for r in _records(tables[resource].sort(key[0]))}


def _check_ids(package: schema.Package, tables: dict[str, pl.DataFrame]) -> None:
    """Every id matches the schema's id pattern: pages and links are named after ids."""
    pattern = package.id_pattern()
    if pattern is None:
        raise SiteDataError(
            "datapackage.json gives its id fields no one pattern; the site names pages after ids, so "
            "give every id field the same pattern"
        )
    for resource in package.resources:
        for f in resource.fields:
            if f.constraints.get("pattern") != pattern:
                continue
            column = tables[resource.name][f.name]
            # A Table Schema pattern is a full match; str.contains searches.
            bad = column.filter(column.is_not_null() & ~column.str.contains(f"^(?:{pattern})$"))
            if bad.len():
                raise SiteDataError(
                    f"{resource.name}.{f.name} {bad[0]!r} does not match the id pattern {pattern}; "
                    "pages are named after ids. Run `commitments validate`."
                )


def load(root: Path) -> SiteData:
    """Read the package at ``root`` and check what the pages rely on (seeds present, quotes exact)."""
    try:
        package = schema.load_package(root)
        tables = csvio.read_tables(root, package, typed=True)
    except (schema.DescriptorError, csvio.TableReadError) as exc:
        raise SiteDataError(f"{exc}\nRun `commitments validate` to see every problem.") from None
    _check_ids(package, tables)

    data = SiteData(root=root, package=package, tables=tables, seeds={})
    data.sources = _by_key(package, tables, "sources")
    data.actors = _by_key(package, tables, "actors")
    data.sectors = _by_key(package, tables, "sectors")
    data.units = _by_key(package, tables, "units")
    data.events = _by_key(package, tables, "events")
    data.indicators = _by_key(package, tables, "indicators")
    data.commitments = _by_key(package, tables, "commitments")
    data.claims = _by_key(package, tables, "claims")
    data.discrepancies = _by_key(package, tables, "discrepancies")

    for source_id, source in data.sources.items():
        try:
            data.seeds[source_id] = provenance.read_seed(paths.resolve(root, source["seed_path"]))
        except (OSError, ValueError) as exc:
            raise SiteDataError(
                f"source {source_id}: seed {source['seed_path']} cannot be read ({exc}). "
                "Run `commitments validate`."
            ) from None

    parties: dict[str, list[Row]] = defaultdict(list)
    for row in _records(tables["commitment_parties"].sort("commitment_id", "role", "actor_id")):
        parties[row["commitment_id"]].append(row)
    data.parties = dict(parties)

    statuses: dict[str, list[Row]] = defaultdict(list)
    for row in _records(tables["status_updates"].sort("commitment_id", "as_of")):
        statuses[row["commitment_id"]].append(row)
    data.statuses = dict(statuses)

    by_target: dict[tuple[str, str], list[Row]] = defaultdict(list)
    by_source: dict[str, list[Row]] = defaultdict(list)
    for claim in sorted(
        data.claims.values(), key=lambda c: (c["source_id"], c["quote_start"], c["claim_id"])
    ):
        seed = data.seeds.get(claim["source_id"])
        if seed is None:
            raise SiteDataError(f"claim {claim['claim_id']}: unknown source {claim['source_id']}")
        if seed[claim["quote_start"] : claim["quote_end"]] != claim["quote"]:
            raise SiteDataError(
                f"claim {claim['claim_id']}: the quote is not at offsets "
                f"{claim['quote_start']}:{claim['quote_end']} of {claim['source_id']}'s seed. "
                "Run `commitments validate` for the right offsets."
            )
        by_target[data.claim_target(claim)].append(claim)
        by_source[claim["source_id"]].append(claim)
    data.claims_by_target = dict(by_target)
    data.claims_by_source = dict(by_source)

    disc_claims: dict[str, list[str]] = defaultdict(list)
    of_claim: dict[str, list[str]] = defaultdict(list)
    for row in _records(tables["discrepancy_claims"].sort("discrepancy_id", "claim_id")):
        disc_claims[row["discrepancy_id"]].append(row["claim_id"])
        of_claim[row["claim_id"]].append(row["discrepancy_id"])
    data.discrepancy_claims = dict(disc_claims)
    data.discrepancies_of_claim = dict(of_claim)

    alias_rows = {(r["actor_id"], r["alias"], r["source_id"]): r for r in _records(tables["actor_aliases"])}
    disc_aliases: dict[str, list[Row]] = defaultdict(list)
    located = tables["discrepancy_aliases"].sort("discrepancy_id", "actor_id", "alias", "source_id")
    for row in _records(located):
        alias = alias_rows.get((row["actor_id"], row["alias"], row["source_id"]))
        if alias is not None:
            disc_aliases[row["discrepancy_id"]].append(alias)
    data.discrepancy_aliases = dict(disc_aliases)

    aliases_by_source: dict[str, list[Row]] = defaultdict(list)
    for row in _records(tables["actor_aliases"].sort("source_id", "quote_start")):
        aliases_by_source[row["source_id"]].append(row)
    data.aliases_by_source = dict(aliases_by_source)

    aliases_by_actor: dict[str, list[Row]] = defaultdict(list)
    for row in _records(tables["actor_aliases"].sort("actor_id", "alias", "source_id")):
        aliases_by_actor[row["actor_id"]].append(row)
    data.aliases_by_actor = dict(aliases_by_actor)

    children: dict[str, list[str]] = defaultdict(list)
    for cid, commitment in data.commitments.items():
        if commitment["parent_commitment_id"]:
            children[commitment["parent_commitment_id"]].append(cid)
    data.children = dict(children)
    # Read once per build from the database's view, so the site, `due-by` and `summary` agree.
    data.targets = {r["commitment_id"]: r for r in _records(summary.targets(root, package))}
    return data

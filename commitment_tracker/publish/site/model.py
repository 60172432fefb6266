"""What the site shows, assembled once from the package's typed tables and its seeds.

Pages only read from a ``SiteData``; every join and derived value (current status, number of
sources, disputed flag) is computed here, in one place, so that every page agrees.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from commitment_tracker.datapackage import csvio, paths, schema
from commitment_tracker.validation import provenance

Row = dict[str, Any]

# Display order of the enumerations: the order of the Table Schema enums, which runs from the least
# to the most advanced status; labels are for people.
STATUS_LABELS = {
    "announced": "Announced",
    "in_progress": "In progress",
    "achieved": "Achieved",
    "partially_achieved": "Partially achieved",
    "stalled": "Stalled",
    "broken": "Broken",
    "cancelled": "Cancelled",
}
FORMALITY_LABELS = {
    "announced": "Words only",
    "mou_signed": "MoU signed",
    "budgeted": "Budgeted",
    "in_law": "In law",
    "in_operation": "In operation",
}
KIND_LABELS = {
    "target": "Target",
    "budget": "Budget",
    "agreement": "Agreement",
    "policy": "Policy",
    "project": "Project",
    "programme": "Programme",
}
ROLE_LABELS = {
    "owner": "owner",
    "signatory": "signatory",
    "partner": "partner",
    "coordinator": "coordinator",
    "beneficiary": "beneficiary",
}
QUALIFIER_WORDS = {
    "exactly": "exactly",
    "at_least": "at least",
    "more_than": "more than",
    "about": "about",
    "up_to": "up to",
}
DISCREPANCY_KIND_LABELS = {
    "value": "Figures disagree",
    "place": "Places disagree",
    "date": "Dates disagree",
    "count": "A count disagrees with its list",
    "name": "Spellings disagree",
}


class SiteDataError(Exception):
    """The package cannot be shown; the message says what is wrong and how to find out more."""


@dataclass
class SiteData:
    root: Path
    descriptor: dict[str, Any]
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
    children: dict[str, list[str]] = field(default_factory=dict)  # parent commitment -> children

    @property
    def version(self) -> str:
        return str(self.descriptor.get("version", ""))

    @property
    def title(self) -> str:
        return str(self.descriptor.get("title") or self.descriptor.get("name") or "Data package")

    @property
    def licences(self) -> list[dict[str, Any]]:
        return list(self.descriptor.get("licenses") or [])

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

    def actor_ids(self, commitment_id: str) -> list[str]:
        """Owner and every party, owner first."""
        owner = self.commitments[commitment_id]["owner_actor_id"]
        ids = [owner] if owner else []
        ids += [p["actor_id"] for p in self.parties.get(commitment_id, []) if p["actor_id"] not in ids]
        return ids

    def claim_target(self, claim: Row) -> tuple[str, str]:
        """("commitment" | "indicator" | "event", id) for a claim."""
        for kind in ("commitment", "indicator", "event"):
            if claim[f"{kind}_id"]:
                return kind, claim[f"{kind}_id"]
        raise SiteDataError(f"claim {claim['claim_id']} is about nothing (no commitment, indicator or event)")


def _records(df: pl.DataFrame) -> list[Row]:
    return list(df.iter_rows(named=True))


def _by_key(df: pl.DataFrame, key: str) -> dict[str, Row]:
    return {r[key]: r for r in _records(df.sort(key))}


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
    descriptor = schema.read_descriptor(root)
    _check_ids(package, tables)

    data = SiteData(root=root, descriptor=descriptor, tables=tables, seeds={})
    data.sources = _by_key(tables["sources"], "source_id")
    data.actors = _by_key(tables["actors"], "actor_id")
    data.sectors = _by_key(tables["sectors"], "sector_id")
    data.units = _by_key(tables["units"], "unit_id")
    data.events = _by_key(tables["events"], "event_id")
    data.indicators = _by_key(tables["indicators"], "indicator_id")
    data.commitments = _by_key(tables["commitments"], "commitment_id")
    data.claims = _by_key(tables["claims"], "claim_id")
    data.discrepancies = _by_key(tables["discrepancies"], "discrepancy_id")

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

    alias_rows = {(r["actor_id"], r["alias"]): r for r in _records(tables["actor_aliases"])}
    disc_aliases: dict[str, list[Row]] = defaultdict(list)
    for row in _records(tables["discrepancy_aliases"].sort("discrepancy_id", "actor_id", "alias")):
        alias = alias_rows.get((row["actor_id"], row["alias"]))
        if alias is not None:
            disc_aliases[row["discrepancy_id"]].append(alias)
    data.discrepancy_aliases = dict(disc_aliases)

    aliases_by_source: dict[str, list[Row]] = defaultdict(list)
    for row in _records(tables["actor_aliases"].sort("source_id", "quote_start")):
        aliases_by_source[row["source_id"]].append(row)
    data.aliases_by_source = dict(aliases_by_source)

    children: dict[str, list[str]] = defaultdict(list)
    for cid, commitment in data.commitments.items():
        if commitment["parent_commitment_id"]:
            children[commitment["parent_commitment_id"]].append(cid)
    data.children = dict(children)
    return data

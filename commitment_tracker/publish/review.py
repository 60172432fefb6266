"""The review report: what changed between two versions, in the words of the domain.

Where `diff` lists rows, the review says what they mean: commitments added, withdrawn or
retitled; status moves (``announced → in_progress``) with their date, source and the quote that
is the evidence; formality changes; targets, deadlines and amounts changed, written as people
read them (``11 milliards MAD``, ``16 GW``); new sources with how many claims each brings, new
claims per commitment, new disagreements between sources, new actors and spellings.

Changes a reviewer must look at twice come first, as *suspicious*: history is append-only (claims
and status rows are added, never edited or deleted; a correction is a new dated row), archived
texts never change, a figure needs a quote, a commitment needs at least one claim, a status does
not go backwards without saying why, and a key names one row.

Both versions are read by ``diff.open_versions`` (a package folder or a git ref) as the text the
files hold; the review is built from their row-level ``PackageDiff`` and their tables (polars).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources as importlib_resources
from pathlib import Path
from typing import Any

import polars as pl

from commitment_tracker import amounts
from commitment_tracker.publish.diff import (
    PackageDiff,
    ResourceDiff,
    Row,
    Version,
    diff_versions,
    open_versions,
)

REVIEW_VERSION = 1
SCHEMA_FILE = "review.schema.json"
# Figures are written as the sources (French) state them, so a reviewer can match them to the quote.
NUMBER_LANGUAGE = "fr"
QUOTE_CHARS = 240
# The order a commitment's status moves in when it goes well; moving down it is going backwards.
# Leaving a final status (achieved, broken, cancelled) for another is backwards too. `stalled`
# can move anywhere: a stalled commitment that restarts is news, not a rewrite.
PROGRESSION = ("announced", "in_progress", "partially_achieved", "achieved")
FINAL = ("achieved", "broken", "cancelled")

SECTIONS = {
    "suspicious": "Suspicious changes",
    "commitments_added": "Commitments added",
    "commitments_withdrawn": "Commitments withdrawn",
    "commitments_retitled": "Commitments retitled",
    "status_changes": "Status changes",
    "formality_changes": "Formality changes",
    "figures_changed": "Targets, deadlines and amounts changed",
    "sources_added": "New sources",
    "claims_added": "New claims",
    "discrepancies": "New disagreements between sources",
    "actors_added": "New actors",
    "aliases_added": "New spellings of actors' names",
    "schema_changes": "Schema changes",
    "other_changes": "Other edits",
}
SUSPICIOUS_KINDS = (
    "status-backwards",
    "status-backdated",
    "row-edited",
    "row-deleted",
    "seed-changed",
    "figure-without-claim",
    "last-claim-lost",
    "duplicate-key",
)
# Columns whose change the review words itself; a change to any other column is an "other edit".
TARGET_COLUMNS = ("target_value", "unit_id", "target_qualifier")
INDICATOR_COLUMNS = ("value", "unit_id", "qualifier")
TITLE_COLUMNS = ("title_en", "title_fr")
SEED_COLUMNS = ("seed_path", "seed_sha256")
HISTORY = {"claims": "claim", "status_updates": "status row", "sources": "source"}


@dataclass(frozen=True)
class Item:
    """One finding: a Markdown sentence (``text``) and the same facts for tools (``data``)."""

    text: str
    data: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {**self.data, "text": self.text}


@dataclass
class Review:
    changes: PackageDiff
    sections: dict[str, list[Item]]

    @property
    def suspicious(self) -> list[Item]:
        return self.sections["suspicious"]

    @property
    def is_empty(self) -> bool:
        return self.changes.is_empty

    def to_dict(self) -> dict[str, Any]:
        c = self.changes
        return {
            "review_version": REVIEW_VERSION,
            **c.sides(),
            "is_empty": self.is_empty,
            "breaking": c.breaking,
            "notes": c.notes,
            **{name: [i.to_dict() for i in items] for name, items in self.sections.items()},
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2) + "\n"

    def body(self, level: int = 2, say_clean: bool = True) -> list[str]:
        """The report's sections as Markdown lines, headings at ``level`` (the changelog nests them);
        ``say_clean`` says so when nothing is suspicious (a pull request's reviewer wants to know)."""
        hashes = "#" * level
        lines = [f"- Note: {n}" for n in self.changes.notes]
        if self.is_empty:
            return [*lines, "No changes."]
        if self.suspicious:
            lines += [
                f"{hashes} ⚠️ {SECTIONS['suspicious']} ({len(self.suspicious)})",
                "",
                "History is append-only (a correction is a new dated row), archived texts never change "
                "and every figure needs a quote: check each of these.",
                "",
            ]
            lines += [f"- {i.text}" for i in self.suspicious]
        elif say_clean:
            lines.append("No suspicious changes.")
        for name, title in SECTIONS.items():
            items = self.sections[name]
            if name != "suspicious" and items:
                lines += ["", f"{hashes} {title} ({len(items)})", ""]
                lines += [f"- {i.text}" for i in items]
        return lines[1:] if lines and not lines[0] else lines

    def to_markdown(self) -> str:
        c = self.changes
        lines = [f"# Review: {c.old_label} → {c.new_label}", ""]
        lines += [f"Package version {c.old_version or '?'} → {c.new_version or '?'}.", ""]
        lines += self.body(level=2)
        return "\n".join(lines) + "\n"


def schema_path() -> Path:
    """The JSON Schema of ``review --format json`` (shipped beside this module)."""
    return Path(str(importlib_resources.files(__package__) / SCHEMA_FILE))


def review(old: str | Path, new: str | Path, repo: Path) -> Review:
    """Review the change from ``old`` to ``new`` (each a package folder or a git ref of ``repo``)."""
    with open_versions(old, new, repo) as (a, b):
        return review_versions(a, b)


def review_versions(old: Version, new: Version) -> Review:
    return _Builder(old, new, diff_versions(old, new)).build()


# --- wording ---------------------------------------------------------------------------------------


def _quote(text: str | None) -> str:
    """A quote on one line, cut at QUOTE_CHARS, between French-style curly quotes."""
    flat = " ".join((text or "").split())
    if len(flat) > QUOTE_CHARS:
        flat = flat[: QUOTE_CHARS - 1].rstrip() + "…"
    return f"“{flat}”"


def _code(value: Any) -> str:
    return "(blank)" if value is None else f"`{value}`"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


class _Builder:
    """Reads both versions' tables once and words each kind of change."""

    def __init__(self, old: Version, new: Version, changes: PackageDiff) -> None:
        self.old, self.new, self.changes = old, new, changes
        self.sections: dict[str, list[Item]] = {name: [] for name in SECTIONS}
        self._by_id: dict[tuple[int, str, str], dict[str, Row]] = {}
        self._by_key: dict[tuple[int, str, tuple[str, ...]], dict[tuple, Row]] = {}

    def build(self) -> Review:
        self._history()
        self._seeds()
        self._duplicates()
        self._commitments()
        self._statuses()
        self._figures()
        self._sources()
        self._claims()
        self._discrepancies()
        self._actors()
        self._last_claims()
        self.sections["schema_changes"] = [
            Item(
                c.describe(),
                {"resource": c.resource, "kind": c.kind, "field": c.field, "breaking": c.breaking},
            )
            for c in self.changes.schema_changes
        ]
        self._other()
        return Review(self.changes, self.sections)

    # Lookups ------------------------------------------------------------------------------------

    def rows(self, version: Version, resource: str) -> list[Row]:
        table = version.tables.get(resource)
        return [] if table is None else table.to_dicts()

    def by_id(self, version: Version, resource: str, column: str) -> dict[str, Row]:
        """A table's rows by one id column, built once per version (every sentence looks names up)."""
        cache_key = (id(version), resource, column)
        if cache_key not in self._by_id:
            rows = self.rows(version, resource)
            self._by_id[cache_key] = {r[column]: r for r in rows if r.get(column) is not None}
        return self._by_id[cache_key]

    def found(self, resource: str, column: str, item_id: str | None) -> Row:
        """The row with this id in the new version, else in the old one, else an empty row."""
        for version in (self.new, self.old):
            row = self.by_id(version, resource, column).get(item_id or "")
            if row is not None:
                return row
        return {}

    def diff_of(self, resource: str) -> ResourceDiff:
        return self.changes.resource(resource)

    def suspicious(self, kind: str, text: str, resource: str, key: Row) -> None:
        self.sections["suspicious"].append(Item(text, {"kind": kind, "resource": resource, "key": key}))

    def commitment(self, commitment_id: str | None) -> str:
        title = self.found("commitments", "commitment_id", commitment_id).get("title_en")
        return f"`{commitment_id}`" + (f" ({title})" if title else "")

    def subject(self, claim: Row) -> tuple[str, str]:
        """("commitment" | "indicator" | "event", id) that a claim is about."""
        for kind in ("commitment", "indicator", "event"):
            if claim.get(f"{kind}_id"):
                return kind, claim[f"{kind}_id"]
        return "nothing", ""

    def subject_text(self, kind: str, item_id: str) -> str:
        if kind == "commitment":
            return f"commitment {self.commitment(item_id)}"
        if kind == "indicator":
            name = self.found("indicators", "indicator_id", item_id).get("name_en")
            return f"indicator `{item_id}`" + (f" ({name})" if name else "")
        return f"{kind} `{item_id}`"

    def source(self, source_id: str | None) -> str:
        """A source as people name it: outlet (else title, else id) and date."""
        row = self.found("sources", "source_id", source_id)
        name = row.get("outlet") or row.get("title") or source_id or "an unnamed source"
        return f"{name}, {row['published_on']}" if row.get("published_on") else str(name)

    def label(self, version: Version, resource: str, column: str, value: Any) -> str:
        """The schema's label of an enumerated value ('Figures disagree' for discrepancies.kind value)."""
        if value is None:
            return "not stated"
        try:
            labels = version.package.resource(resource).field(column).labels
        except KeyError:
            return str(value)
        return labels.get(value, str(value))

    def figure(self, version: Version, row: Row, value: str, unit: str, qualifier: str, resource: str) -> str:
        """A stored figure as people read it: 'more than 40 000', '11 milliards MAD', '16 GW'."""
        if row.get(value) is None:
            return "not stated"
        try:
            number = float(row[value])
        except ValueError:
            return repr(row[value])  # not a number: the validator says so; show it as stored
        unit_row = self.by_id(version, "units", "unit_id").get(row.get(unit) or "", {})
        symbol = amounts.reading_symbol(unit_row.get("label"), row.get(unit), unit_row.get("dimension"))
        text = amounts.readable(number, symbol, NUMBER_LANGUAGE)
        q = row.get(qualifier)
        if q and q != "exactly":
            text = f"{self.label(version, resource, qualifier, q).lower()} {text}"
        return text

    def claim_text(self, claim: Row) -> str:
        text = (
            f"`{claim['claim_id']}` from {self.source(claim.get('source_id'))}: {_quote(claim.get('quote'))}"
        )
        if claim.get("value") is not None:
            text += f" (states {self.figure(self.new, claim, 'value', 'unit_id', 'qualifier', 'claims')})"
        return text

    # Suspicious: history edited or deleted, seeds changed, duplicate keys ------------------------------

    def _history(self) -> None:
        for resource, noun in HISTORY.items():
            d = self.diff_of(resource)
            for row in d.removed:
                key = {k: row.get(k) for k in d.key}
                what = self._history_row(resource, row)
                self.suspicious(
                    "row-deleted",
                    f"{noun.capitalize()} deleted: {what}. Nothing is deleted from the history; a "
                    "correction is a new row.",
                    resource,
                    key,
                )
            for change in d.changed:
                if resource == "sources" and not set(change.columns) & set(SEED_COLUMNS):
                    continue  # a source's description may be corrected; its seed may not
                cols = "; ".join(f"{c}: {_code(b)} → {_code(a)}" for c, (b, a) in change.columns.items())
                what = self._history_row(resource, self._row(self.new, resource, change.key))
                kind = "seed-changed" if resource == "sources" else "row-edited"
                self.suspicious(kind, f"{noun.capitalize()} edited: {what}; {cols}.", resource, change.key)

    def _row(self, version: Version, resource: str, key: Row) -> Row:
        """The whole row with this key in ``version`` (the key alone when it is not there)."""
        cache_key = (id(version), resource, tuple(key))
        if cache_key not in self._by_key:
            self._by_key[cache_key] = {tuple(r.get(k) for k in key): r for r in self.rows(version, resource)}
        return self._by_key[cache_key].get(tuple(key.values()), key)

    def _history_row(self, resource: str, row: Row) -> str:
        if resource == "claims":
            kind, item = self.subject(row)
            return f"claim `{row.get('claim_id')}` about {self.subject_text(kind, item)}"
        if resource == "status_updates":
            return (
                f"{self.commitment(row.get('commitment_id'))} as of {row.get('as_of')}, "
                f"status {_code(row.get('status'))}"
            )
        return f"`{row.get('source_id')}` ({self.source(row.get('source_id'))})"

    def _seeds(self) -> None:
        for f in self.changes.seed_files:
            if f.change != "added":
                self.suspicious(
                    "seed-changed",
                    f"Archived text `{f.path}` {f.change}: a seed is kept byte for byte, and every quote's "
                    "offsets point into it.",
                    "seeds",
                    {"path": f.path},
                )

    def _duplicates(self) -> None:
        for d in self.changes.resources:
            for dup in d.duplicates:
                if dup.side == "new":
                    self.suspicious(
                        "duplicate-key",
                        f"`{d.key_text(dup.key)}` is the key of {len(dup.rows)} rows of `{d.name}` "
                        f"(rows {', '.join(map(str, dup.rows))}): a key names one row.",
                        d.name,
                        dup.key,
                    )

    # Commitments ----------------------------------------------------------------------------------

    def _commitments(self) -> None:
        d = self.diff_of("commitments")
        for row in d.added:
            cid = row["commitment_id"]
            parts = [self.label(self.new, "commitments", "kind", row.get("kind")).lower()]
            if row.get("target_value") is not None:
                figure = self.figure(
                    self.new, row, "target_value", "unit_id", "target_qualifier", "commitments"
                )
                parts.append(f"target {figure}")
            if row.get("deadline_year"):
                parts.append(f"by {row['deadline_year']}")
            text = f"`{cid}` — {row.get('title_en')} (*{row.get('title_fr')}*): {', '.join(parts)}"
            self.sections["commitments_added"].append(
                Item(
                    text,
                    {"commitment_id": cid, "title_en": row.get("title_en"), "title_fr": row.get("title_fr")},
                )
            )
        for row in d.removed:
            cid = row["commitment_id"]
            text = f"`{cid}` — {row.get('title_en')}: no longer in the package"
            self.sections["commitments_withdrawn"].append(
                Item(text, {"commitment_id": cid, "title_en": row.get("title_en")})
            )
        for change in d.changed:
            cid = change.key["commitment_id"]
            for column in TITLE_COLUMNS:
                if column in change.columns:
                    before, after = change.columns[column]
                    language = "English" if column.endswith("_en") else "French"
                    text = f"`{cid}` ({language} title): {_quote(before)} → {_quote(after)}"
                    self.sections["commitments_retitled"].append(
                        Item(text, {"commitment_id": cid, "field": column, "before": before, "after": after})
                    )

    # Statuses -------------------------------------------------------------------------------------

    def _statuses(self) -> None:
        added = self.diff_of("status_updates").added
        if not added:
            return
        history = (
            self.new.tables["status_updates"]
            .sort("commitment_id", "as_of")
            .with_columns(
                pl.col("status").shift(1).over("commitment_id").alias("before"),
                pl.col("formality").shift(1).over("commitment_id").alias("formality_before"),
            )
        )
        old_latest = {}
        for row in self.rows(self.old, "status_updates"):
            cid = row["commitment_id"]
            old_latest[cid] = max(old_latest.get(cid, ""), row.get("as_of") or "")
        claims = self.by_id(self.new, "claims", "claim_id")
        keys = {(r["commitment_id"], r["as_of"]) for r in added}
        for row in history.iter_rows(named=True):
            if (row["commitment_id"], row["as_of"]) in keys:
                self._status(row, claims, old_latest.get(row["commitment_id"]))

    def _status(self, row: Row, claims: dict[str, Row], old_latest: str | None) -> None:
        cid, before, after = row["commitment_id"], row["before"], row["status"]
        key = {"commitment_id": cid, "as_of": row["as_of"]}
        move = f"`{before}` → `{after}`" if before else f"first status `{after}`"
        text = f"{self.commitment(cid)}: {move} as of {row['as_of']}, per {self.source(row.get('source_id'))}"
        claim = claims.get(row.get("claim_id") or "")
        if claim is not None:
            text += f": {_quote(claim.get('quote'))}"
        elif row.get("rationale"):
            text += f" (no claim given; rationale: {_quote(row['rationale'])})"
        if row.get("actual_value") is not None:
            commitment = self.found("commitments", "commitment_id", cid)
            delivered = {**row, "unit_id": commitment.get("unit_id"), "qualifier": None}
            so_far = self.figure(
                self.new, delivered, "actual_value", "unit_id", "qualifier", "status_updates"
            )
            text += f"; delivered so far: {so_far}"
        backwards = _goes_backwards(before, after)
        self.sections["status_changes"].append(
            Item(
                text,
                {
                    **key,
                    "before": before,
                    "after": after,
                    "source_id": row.get("source_id"),
                    "claim_id": row.get("claim_id"),
                    "quote": None if claim is None else claim.get("quote"),
                    "backwards": backwards,
                },
            )
        )
        if backwards:
            self.suspicious(
                "status-backwards",
                f"Status goes backwards: {self.commitment(cid)} `{before}` → `{after}` as of {row['as_of']}.",
                "status_updates",
                key,
            )
        if old_latest and row["as_of"] <= old_latest:
            self.suspicious(
                "status-backdated",
                f"Status row dated {row['as_of']} for {self.commitment(cid)} is not after its latest status "
                f"before the change ({old_latest}): history is appended in date order.",
                "status_updates",
                key,
            )
        if before and row.get("formality_before") != row.get("formality"):
            was, now = row.get("formality_before"), row.get("formality")
            text = (
                f"{self.commitment(cid)}: {_code(was)} → {_code(now)} as of {row['as_of']}, "
                f"per {self.source(row.get('source_id'))}"
            )
            self.sections["formality_changes"].append(Item(text, {**key, "before": was, "after": now}))

    # Figures --------------------------------------------------------------------------------------

    def _figures(self) -> None:
        added = self.diff_of("claims").added
        backed = {c.get("commitment_id") for c in added} | {c.get("indicator_id") for c in added}
        commitment = ("commitments", "commitment_id", "target_value", "unit_id", "target_qualifier")
        for cid, before, after in self._changed_figures(*commitment):
            self._figure_item("commitments", cid, "target", before, after, cid in backed)
        for change in self.diff_of("commitments").changed:
            if "deadline_year" in change.columns:
                cid = change.key["commitment_id"]
                before, after = (v or "not stated" for v in change.columns["deadline_year"])
                self._figure_item("commitments", cid, "deadline", before, after, cid in backed)
        for iid, before, after in self._changed_figures("indicators", "indicator_id", *INDICATOR_COLUMNS):
            self._figure_item("indicators", iid, "value", before, after, iid in backed)

    def _changed_figures(
        self, resource: str, id_column: str, value: str, unit: str, qualifier: str
    ) -> Iterable[tuple[str, str, str]]:
        """(id, before, after) of each row whose figure (value, unit or qualifier) changed, as read."""
        old_rows = self.by_id(self.old, resource, id_column)
        new_rows = self.by_id(self.new, resource, id_column)
        for change in self.diff_of(resource).changed:
            if set(change.columns) & {value, unit, qualifier}:
                item = change.key[id_column]
                before, after = (
                    self.figure(version, rows[item], value, unit, qualifier, resource)
                    for version, rows in ((self.old, old_rows), (self.new, new_rows))
                )
                yield item, before, after

    def _figure_item(
        self, resource: str, item_id: str, what: str, before: str, after: str, backed: bool
    ) -> None:
        kind = "commitment" if resource == "commitments" else "indicator"
        subject = self.subject_text(kind, item_id)
        text = f"{subject[0].upper()}{subject[1:]}: {what} {before} → {after}"
        if not backed:
            text += " (no new claim about it)"
            self.suspicious(
                "figure-without-claim",
                f"{what.capitalize()} of {subject} changed ({before} → {after}) without a new claim quoting "
                "a source for it.",
                resource,
                {f"{kind}_id": item_id},
            )
        key = f"{kind}_id"
        self.sections["figures_changed"].append(
            Item(
                text,
                {
                    key: item_id,
                    "resource": resource,
                    "what": what,
                    "before": before,
                    "after": after,
                    "new_claim": backed,
                },
            )
        )

    # Sources, claims, disagreements, actors -------------------------------------------------------------

    def _sources(self) -> None:
        added_claims = self.diff_of("claims").added
        for row in self.diff_of("sources").added:
            sid = row["source_id"]
            n = sum(1 for c in added_claims if c.get("source_id") == sid)
            title = _quote(row["title"]) if row.get("title") else "untitled"
            text = f"`{sid}` — {self.source(sid)}: {title}; {_plural(n, 'new claim')}"
            self.sections["sources_added"].append(
                Item(
                    text,
                    {
                        "source_id": sid,
                        "outlet": row.get("outlet"),
                        "published_on": row.get("published_on"),
                        "title": row.get("title"),
                        "claims": n,
                    },
                )
            )

    def _claims(self) -> None:
        grouped: dict[tuple[str, str], list[Row]] = {}
        for claim in self.diff_of("claims").added:
            grouped.setdefault(self.subject(claim), []).append(claim)
        for (kind, item_id), claims in sorted(grouped.items()):
            lines = [f"{self.subject_text(kind, item_id)}: {_plural(len(claims), 'new claim')}"]
            lines += [f"  - {self.claim_text(c)}" for c in claims]
            self.sections["claims_added"].append(
                Item(
                    "\n".join(lines),
                    {
                        "subject_kind": kind,
                        "subject_id": item_id,
                        "claims": [
                            {k: c.get(k) for k in ("claim_id", "source_id", "quote", "value", "unit_id")}
                            for c in claims
                        ],
                    },
                )
            )

    def _discrepancies(self) -> None:
        links = self.diff_of("discrepancy_claims").added
        claims = self.by_id(self.new, "claims", "claim_id")
        new_ids = {r["discrepancy_id"] for r in self.diff_of("discrepancies").added}
        described = self.by_id(self.new, "discrepancies", "discrepancy_id")
        touched = sorted(new_ids | {r["discrepancy_id"] for r in links})
        for did in touched:
            row = described.get(did, {})
            linked = [
                claims.get(r["claim_id"], {"claim_id": r["claim_id"]})
                for r in links
                if r["discrepancy_id"] == did
            ]
            is_new = did in new_ids
            kind = self.label(self.new, "discrepancies", "kind", row.get("kind"))
            head = (
                f"`{did}` ({kind}): {row.get('description')}" if is_new else f"`{did}`: another version joins"
            )
            lines = [head] + [f"  - {self.claim_text(c)}" for c in linked if c.get("quote") is not None]
            self.sections["discrepancies"].append(
                Item(
                    "\n".join(lines),
                    {
                        "discrepancy_id": did,
                        "new": is_new,
                        "kind": row.get("kind"),
                        "claims": [c["claim_id"] for c in linked],
                    },
                )
            )

    def _actors(self) -> None:
        for row in self.diff_of("actors").added:
            kind = self.label(self.new, "actors", "kind", row.get("kind")).lower()
            title = f", {row['title']}" if row.get("title") else ""
            text = f"`{row['actor_id']}` — {row.get('name')} ({kind}{title})"
            self.sections["actors_added"].append(
                Item(text, {"actor_id": row["actor_id"], "name": row.get("name")})
            )
        actors = self.by_id(self.new, "actors", "actor_id")
        for row in self.diff_of("actor_aliases").added:
            name = actors.get(row["actor_id"], {}).get("name", row["actor_id"])
            where = self.source(row.get("source_id"))
            text = f"{_quote(row['alias'])} for {name} (`{row['actor_id']}`), in {where}"
            self.sections["aliases_added"].append(
                Item(
                    text,
                    {"actor_id": row["actor_id"], "alias": row["alias"], "source_id": row.get("source_id")},
                )
            )

    def _last_claims(self) -> None:
        """A commitment still in the package whose every claim is gone has lost its evidence."""

        def counts(version: Version) -> dict[str, int]:
            table = version.tables.get("claims")
            if table is None or "commitment_id" not in table.columns:
                return {}
            grouped = table.drop_nulls("commitment_id").group_by("commitment_id").len()
            return dict(grouped.iter_rows())

        before, after = counts(self.old), counts(self.new)
        still = self.by_id(self.new, "commitments", "commitment_id")
        for cid in sorted(before):
            if cid in still and not after.get(cid):
                self.suspicious(
                    "last-claim-lost",
                    f"{self.commitment(cid)} lost its last claim ({_plural(before[cid], 'claim')} before): "
                    "nothing in the package quotes a source for it any more.",
                    "commitments",
                    {"commitment_id": cid},
                )

    # Everything else ------------------------------------------------------------------------------

    def _other(self) -> None:
        """Rows the sections above do not word, counted per resource so no change goes unseen."""
        worded_added = {
            "commitments",
            "status_updates",
            "claims",
            "sources",
            "discrepancies",
            "discrepancy_claims",
            "actors",
            "actor_aliases",
        }
        worded_removed = {"commitments", *HISTORY}
        worded_columns = {
            "commitments": {*TITLE_COLUMNS, *TARGET_COLUMNS, "deadline_year"},
            "indicators": set(INDICATOR_COLUMNS),
            "sources": set(SEED_COLUMNS),
            "claims": None,  # every edit is suspicious
            "status_updates": None,
        }
        for d in self.changes.resources:
            added = [] if d.name in worded_added else d.added
            removed = [] if d.name in worded_removed else d.removed
            worded = worded_columns.get(d.name, set())
            changed = [] if worded is None else [c for c in d.changed if set(c.columns) - worded]
            if not (added or removed or changed):
                continue
            parts = []
            for verb, rows in (("added", added), ("removed", removed)):
                if rows:
                    parts.append(f"{len(rows)} {verb} ({_keys(d, rows)})")
            if changed:
                columns = sorted({col for c in changed for col in c.columns if col not in (worded or ())})
                parts.append(
                    f"{len(changed)} changed ({_keys(d, [c.key for c in changed])}; {', '.join(columns)})"
                )
            self.sections["other_changes"].append(
                Item(
                    f"`{d.name}`: {'; '.join(parts)}",
                    {
                        "resource": d.name,
                        "added": len(added),
                        "removed": len(removed),
                        "changed": len(changed),
                    },
                )
            )


def _keys(d: ResourceDiff, rows: Iterable[Row], shown: int = 5) -> str:
    keys = [f"`{d.key_text(r)}`" for r in rows]
    more = f" and {len(keys) - shown} more" if len(keys) > shown else ""
    return ", ".join(keys[:shown]) + more


def _goes_backwards(before: str | None, after: str) -> bool:
    if before is None or before == after:
        return False
    if before in FINAL:
        return True
    if before in PROGRESSION and after in PROGRESSION:
        return PROGRESSION.index(after) < PROGRESSION.index(before)
    return False

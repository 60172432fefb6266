"""The row checks judge a table before the tables that reference it (so a key table is built only
once its users come, and dropped after the last): every foreign key is still checked, and the
problems come in the resources' order, as Frictionless lists them."""

from __future__ import annotations

import datetime as dt
import json

from conftest import read_rows, set_cell

from commitment_tracker.datapackage import schema
from commitment_tracker.validation import rowchecks
from commitment_tracker.validation.context import ValidationContext


def test_foreign_keys_judged_out_of_resource_order_are_reported_in_it(package):
    # commitment_parties comes before claims in the descriptor and references it: it is judged
    # after claims, with the claims key table built for it.
    set_cell(package, "commitment_parties", 3, "claim_id", "no-such-claim")
    set_cell(package, "claims", 4, "commitment_id", "no-such-commitment")
    set_cell(package, "status_updates", 2, "claim_id", "no-such-claim")
    set_cell(package, "commitments", 2, "parent_commitment_id", "no-such-parent")  # itself
    loaded = schema.load_package(package)
    ctx = ValidationContext(root=package, package=loaded, today=dt.date(2026, 1, 1))

    planned = {r.name: rowchecks._Table(r, list(r.fields), 0, {}) for r in loaded.resources}
    order = [t.resource.name for t in rowchecks._judging_order(planned)]
    assert order.index("claims") < order.index("commitment_parties")

    problems = rowchecks.run(ctx).problems
    assert [(p.rule, p.resource, p.row, p.column) for p in problems] == [
        ("foreign-key", "commitments", 2, "parent_commitment_id"),
        ("foreign-key", "commitment_parties", 3, "claim_id"),
        ("foreign-key", "claims", 4, "commitment_id"),
        ("foreign-key", "status_updates", 2, "claim_id"),
    ]


def test_a_cycle_of_references_is_judged_as_a_chain_is(package):
    # sources -> discrepancy_aliases -> actor_aliases -> sources: no table of the cycle can wait
    # for all it references; the key tables are built from the text views all the same.
    path = package / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    sources = next(r for r in descriptor["resources"] if r["name"] == "sources")
    reference = {"resource": "discrepancy_aliases", "fields": ["source_id"]}
    sources["schema"].setdefault("foreignKeys", []).append({"fields": ["source_id"], "reference": reference})
    path.write_text(json.dumps(descriptor, ensure_ascii=False, indent=2), encoding="utf-8")
    header, aliases = read_rows(package, "actor_aliases")
    broken = tuple(aliases[1][header.index(c)] for c in ("actor_id", "alias", "source_id"))
    set_cell(package, "actor_aliases", 3, "source_id", "no-such-source")
    header, cited = read_rows(package, "discrepancy_aliases")
    cited_ids = {r[header.index("source_id")] for r in cited}
    citing = [  # rows of discrepancy_aliases whose (actor_id, alias, source_id) was that alias
        n
        for n, r in enumerate(cited, start=2)
        if tuple(r[header.index(c)] for c in ("actor_id", "alias", "source_id")) == broken
    ]
    header, rows = read_rows(package, "sources")
    uncited = [n for n, r in enumerate(rows, start=2) if r[header.index("source_id")] not in cited_ids]
    assert uncited  # the new reference fails somewhere
    loaded = schema.load_package(package)
    ctx = ValidationContext(root=package, package=loaded, today=dt.date(2026, 1, 1))

    problems = [(p.rule, p.resource, p.row, p.column) for p in rowchecks.run(ctx).problems]
    assert problems == [
        *[("foreign-key", "sources", n, "source_id") for n in uncited],
        ("foreign-key", "actor_aliases", 3, "source_id"),
        *[("foreign-key", "discrepancy_aliases", n, "actor_id, alias, source_id") for n in citing],
    ]

"""Labels, order and colours of enumerated values: one home (the schema's `categories`), every value covered.

datapackage.json gives each enumerated field a Data Package v2 ``categories`` list beside its
``enum``: the label of each value for people, in display order. The site, the codebook and the
summary read them from there (``schema.Field.labels``); colours and the summary's signs are
presentation, kept with the code that draws them, keyed by value. These tests fail when a value is
added to an enum without its label, or to a coloured field without its colours.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import REPO

from commitment_tracker.datapackage import schema
from commitment_tracker.publish import codebook, summary
from commitment_tracker.publish.site import markup, model, pages

SITE_FIELDS = [
    model.STATUS,
    model.FORMALITY,
    model.COMMITMENT_KIND,
    model.ROLE,
    model.DISCREPANCY_KIND,
    model.GENRE,
    model.TARGET_QUALIFIER,
    model.INDICATOR_QUALIFIER,
    model.CLAIM_QUALIFIER,
]


def enum_fields(package: schema.Package) -> list[tuple[str, schema.Field]]:
    return [(f"{r.name}.{f.name}", f) for r in package.resources for f in r.fields if f.enum]


def uncovered(descriptor: dict) -> list[str]:
    """What the categories of the descriptor's enum fields get wrong, one line per problem."""
    problems = []
    for key, field in enum_fields(schema.parse_package(descriptor)):
        categories = field.descriptor.get("categories")
        if not isinstance(categories, list):
            problems.append(f"{key}: no categories")
            continue
        values = [c.get("value") for c in categories if isinstance(c, dict)]
        if sorted(values, key=str) != sorted(field.enum, key=str) or len(values) != len(categories):
            problems.append(f"{key}: categories {values} are not the enum {field.enum}")
        for c in categories:
            if not (isinstance(c, dict) and isinstance(c.get("label"), str) and c["label"].strip()):
                problems.append(f"{key}: {c!r} has no label")
        labels = [c.get("label") for c in categories if isinstance(c, dict)]
        if len(set(labels)) != len(labels):
            problems.append(f"{key}: two values share a label in {labels}")
    return problems


@pytest.fixture(scope="module")
def descriptor() -> dict:
    return json.loads((REPO / "datapackage.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def package(descriptor) -> schema.Package:
    return schema.parse_package(descriptor)


def test_every_enum_value_has_a_label(descriptor):
    assert uncovered(descriptor) == []


def test_an_enum_value_added_without_a_label_is_caught(descriptor):
    broken = json.loads(json.dumps(descriptor))
    status = next(
        f
        for r in broken["resources"]
        if r["name"] == "status_updates"
        for f in r["schema"]["fields"]
        if f["name"] == "status"
    )
    status["constraints"]["enum"].append("postponed")
    assert uncovered(broken) == [
        f"status_updates.status: categories {[c['value'] for c in status['categories']]} are not the enum "
        f"{status['constraints']['enum']}"
    ]


def test_the_fields_the_site_labels_are_enumerated(package):
    enumerated = dict(enum_fields(package))
    assert [key for key in SITE_FIELDS if key not in enumerated] == []


def test_every_status_has_a_badge_colour_a_chart_fill_and_a_label(package):
    status = package.resource("status_updates").field("status")
    assert sorted(markup.STATUS_COLOURS) == sorted(status.enum)
    assert sorted(markup.STATUS_FILLS) == sorted(status.enum)
    assert all(label and label != value for value, label in status.labels.items())
    for value in status.enum:  # the stylesheet holds the badge rule for each value
        assert f".st-{value}{{" in markup.CSS, value


def test_every_qualifier_has_a_summary_sign(package):
    for key in (model.TARGET_QUALIFIER, model.INDICATOR_QUALIFIER, model.CLAIM_QUALIFIER):
        resource, name = key.split(".")
        assert sorted(summary.QUALIFIER_SIGNS) == sorted(package.resource(resource).field(name).enum), key


def test_labels_follow_the_categories_order_and_fall_back_to_the_value():
    field = schema.Field(
        name="f",
        type="string",
        constraints={"enum": ["a", "b", "c", "d"]},
        descriptor={
            "categories": [
                {"value": "c", "label": "See"},
                "b",
                {"label": "no value: skipped"},
                {"value": "a", "label": ""},
                42.5,
            ]
        },
    )
    assert field.labels == {"c": "See", "b": "b", "a": "a", "d": "d"}
    assert field.order == ["c", "b", "a", "d"]
    plain = schema.Field(name="g", type="string", constraints={"enum": ["x", "y"]})
    assert plain.labels == {"x": "x", "y": "y"}
    assert schema.Field(name="h", type="string").order == []


def _relabelled(root: Path) -> None:
    """In the package at ``root``: relabel in_progress and reverse the order of the statuses."""
    path = root / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    for resource in descriptor["resources"]:
        for f in resource["schema"]["fields"]:
            if (resource["name"], f["name"]) == ("status_updates", "status"):
                for c in f["categories"]:
                    if c["value"] == "in_progress":
                        c["label"] = "Under way"
                f["categories"].reverse()
    path.write_text(json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def test_site_and_codebook_take_labels_and_order_from_the_schema(package, tmp_path):
    from conftest import copy_package

    root = copy_package(tmp_path / "pkg")
    before = pages.index_page(model.load(root))
    assert '">In progress</span>' in before
    _relabelled(root)
    data = model.load(root)
    index = pages.index_page(data)
    assert '">In progress</span>' not in index
    assert 'data-status="in_progress">Under way</span>' in index
    # The counts table and the status filter list the statuses in the categories' (reversed) order.
    counts = index[index.index("By current status") : index.index("By kind")]
    present = [s for s in data.labels(model.STATUS) if f"?status={s}#" in counts]
    assert len(present) > 1 and present == [
        s for s in reversed(package.resource("status_updates").field("status").order) if s in present
    ]
    positions = [counts.index(f"?status={s}#") for s in present]
    assert positions == sorted(positions)
    options = index[index.index('id="f-status"') :]
    option_positions = [options.index(f'<option value="{s}">') for s in present]
    assert option_positions == sorted(option_positions)
    assert "`in_progress` (Under way)" in codebook.render_for(root)


def test_codebook_lists_each_value_with_its_label(package):
    text = codebook.render_for(REPO)
    for key, field in enum_fields(package):
        for value, label in field.labels.items():
            assert f"`{value}` ({label})" in text, (key, value)

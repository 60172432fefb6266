"""The suites in validators/ and the SQL rules: current with the schema, reviewable, each one tested."""

from __future__ import annotations

import json
import re

from conftest import REPO, run_cli

from commitment_tracker.datapackage import schema
from commitment_tracker.validation import rules, suites

PACKAGE = schema.load_package(REPO)
CORPUS = "".join(
    (REPO / "tests" / name).read_text(encoding="utf-8")
    for name in ("test_broken_corpus.py", "test_hostile_rules.py", "test_fidelity.py")
)


def all_suites():
    return {
        name: suites.read_suite(suites.suite_path(REPO, name)) for name in suites.stored_suites(REPO, PACKAGE)
    }


def test_suites_in_the_repo_are_well_formed_rules_of_meaning():
    assert suites.problems(REPO, PACKAGE) == []
    assert len(all_suites()) >= 5


def test_every_expectation_says_which_rule_and_why_and_none_restates_the_schema():
    for name, suite in all_suites().items():
        assert suite["name"] == name
        for e in suite["expectations"]:
            meta = e["meta"]
            assert meta["origin"] == suites.ORIGIN_HAND, (name, e)
            assert not meta["rule"].startswith(suites.SCHEMA_RULE_PREFIX), (name, e)
            assert meta["rule"] and len(meta["why"]) > 20, (name, e)


def test_no_stored_expectation_is_one_the_schema_generates():
    """A stored expectation equal to a generated one would report each violation twice."""
    for name, suite in all_suites().items():
        generated = [
            (g["type"], json.dumps(g["kwargs"], sort_keys=True))
            for g in suites.generated_expectations(PACKAGE.resource(name))
        ]
        for e in suite["expectations"]:
            assert (e["type"], json.dumps(e["kwargs"], sort_keys=True)) not in generated, (name, e)


def test_suites_have_no_random_ids_and_sorted_keys():
    for name in suites.stored_suites(REPO, PACKAGE):
        text = suites.suite_path(REPO, name).read_text(encoding="utf-8")
        assert '"id"' not in text
        assert text == suites.render(json.loads(text))


def test_regexes_are_anchored():
    # GX's regex on pandas is a search: an unanchored pattern would accept 'x-ok-x' for '^ok$'.
    exported = [suites.build_export(r, None) for r in PACKAGE.resources]
    for suite in [*all_suites().values(), *exported]:
        for e in suite["expectations"]:
            if e["type"] == "expect_column_values_to_match_regex":
                assert e["kwargs"]["regex"].startswith("^") and e["kwargs"]["regex"].endswith("$"), e


def test_suites_load_in_great_expectations():
    import great_expectations as gx

    for name, suite in all_suites().items():
        loaded = gx.ExpectationSuite(**suite)
        assert len(loaded.expectations) == len(suite["expectations"]), name


def test_every_id_field_has_the_one_id_pattern():
    """Ids and the foreign ids that point at them share one pattern, the schema's; no copy elsewhere."""
    pattern = PACKAGE.id_pattern()
    assert pattern == "^[a-z0-9]+(?:-[a-z0-9]+)*$"
    for resource in PACKAGE.resources:
        keys = {f for fk in resource.foreign_keys for f in fk.fields} | set(resource.primary_key)
        for f in resource.fields:
            if f.name.endswith("_id") and f.name in keys:
                assert f.constraints.get("pattern") == pattern, (resource.name, f.name)
    stored = json.dumps(list(all_suites().values()))
    assert "a-z0-9" not in stored


def test_export_writes_the_schema_and_the_rules_of_meaning(package, tmp_path):
    out = tmp_path / "exported"
    result = run_cli("export-suites", "--root", str(package), "--out", str(out))
    assert result.exit_code == 0, result.output
    assert sorted(p.stem for p in out.glob("*.json")) == sorted(PACKAGE.resource_names)
    units = json.loads((out / "units.json").read_text(encoding="utf-8"))
    by_origin = {
        origin: [e["meta"]["rule"] for e in units["expectations"] if e["meta"]["origin"] == origin]
        for origin in (suites.ORIGIN_SCHEMA, suites.ORIGIN_HAND)
    }
    assert "schema-enum" in by_origin[suites.ORIGIN_SCHEMA]
    assert by_origin[suites.ORIGIN_HAND] == ["unit-symbol"]
    in_set = next(e for e in units["expectations"] if e["meta"]["rule"] == "schema-enum")
    dimension = PACKAGE.resource("units").field("dimension")
    assert in_set["kwargs"] == {"column": "dimension", "value_set": dimension.enum}
    # A resource with no rule of meaning still exports its schema's constraints.
    sectors = json.loads((out / "sectors.json").read_text(encoding="utf-8"))
    assert {e["meta"]["origin"] for e in sectors["expectations"]} == {suites.ORIGIN_SCHEMA}
    # The package itself is untouched: validators/ still holds no schema copy.
    assert suites.problems(package, PACKAGE) == []
    assert not (package / "validators" / "sectors.json").exists()


def test_export_follows_the_schema(package, tmp_path):
    path = package / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    units = next(r for r in descriptor["resources"] if r["name"] == "units")
    next(f for f in units["schema"]["fields"] if f["name"] == "dimension")["constraints"]["enum"].append(
        "mass"
    )
    path.write_text(json.dumps(descriptor, ensure_ascii=False, indent=1), encoding="utf-8")
    out = tmp_path / "exported"
    assert run_cli("export-suites", "--root", str(package), "--out", str(out)).exit_code == 0
    exported = json.loads((out / "units.json").read_text(encoding="utf-8"))
    in_set = next(e for e in exported["expectations"] if e["meta"]["rule"] == "schema-enum")
    assert in_set["kwargs"]["value_set"][-1] == "mass"


def test_export_refuses_validators_and_a_malformed_suite(package, tmp_path):
    into_package = run_cli("export-suites", "--root", str(package), "--out", str(package / "validators"))
    assert into_package.exit_code == 1
    assert "holds only rules of meaning" in into_package.output
    assert not (package / "validators" / "sectors.json").exists()

    (package / "validators" / "claims.json").write_text("{not json", encoding="utf-8")
    out = tmp_path / "exported"
    result = run_cli("export-suites", "--root", str(package), "--out", str(out))
    assert result.exit_code == 1
    assert "claims.json is not valid JSON" in result.output and "nothing was written" in result.output
    assert not out.exists()


def test_export_replaces_a_planted_link_instead_of_writing_through_it(package, tmp_path):
    out = tmp_path / "exported"
    out.mkdir()
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me", encoding="utf-8")
    (out / "units.json").symlink_to(victim)
    assert run_cli("export-suites", "--root", str(package), "--out", str(out)).exit_code == 0
    assert victim.read_text(encoding="utf-8") == "keep me"
    assert not (out / "units.json").is_symlink()


def test_every_rule_file_has_a_title_a_why_and_a_resource():
    files = rules.rule_files(REPO)
    assert len(files) >= 15
    for path in files:
        rule = rules.parse_rule(path)
        assert rule.title and rule.why, path.name
        assert rule.checks in PACKAGE.resource_names, path.name
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", rule.id), path.name


def test_every_rule_has_a_broken_package_that_fails_it():
    """A check never seen failing is not yet a check: each rule id appears in the corpus."""
    ids = {e["meta"]["rule"] for suite in all_suites().values() for e in suite["expectations"]}
    ids |= {path.stem for path in rules.rule_files(REPO)}
    untested = sorted(i for i in ids if f'"{i}"' not in CORPUS)
    assert untested == []


def test_validation_doc_lists_every_rule():
    section = (REPO / "docs" / "validation.md").read_text(encoding="utf-8")
    ids = {e["meta"]["rule"] for suite in all_suites().values() for e in suite["expectations"]}
    ids |= {path.stem for path in rules.rule_files(REPO)}
    assert sorted(i for i in ids if f"`{i}`" not in section) == []

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
    for name in ("test_broken_corpus.py", "test_hostile_rules.py")
)


def all_suites():
    return {r.name: suites.read_suite(suites.suite_path(REPO, r.name)) for r in PACKAGE.resources}


def test_suites_in_the_repo_are_current():
    assert suites.stale(REPO, PACKAGE) == [], "run: python cli.py generate-suites"


def test_generate_suites_check_passes_on_the_repo():
    result = run_cli("generate-suites", "--root", str(REPO), "--check")
    assert result.exit_code == 0, result.output
    assert f"{len(PACKAGE.resources)} suites current" in result.output


def test_every_expectation_says_which_rule_why_and_where_it_comes_from():
    for name, suite in all_suites().items():
        assert suite["name"] == name
        for e in suite["expectations"]:
            meta = e["meta"]
            assert meta["origin"] in (suites.ORIGIN_SCHEMA, suites.ORIGIN_HAND), (name, e)
            assert meta["rule"] and len(meta["why"]) > 20, (name, e)


def test_suites_have_no_random_ids_and_sorted_keys():
    for resource in PACKAGE.resources:
        text = suites.suite_path(REPO, resource.name).read_text(encoding="utf-8")
        assert '"id"' not in text
        assert text == suites.render(json.loads(text))


def test_regexes_are_anchored():
    # GX's regex on pandas is a search: an unanchored pattern would accept 'x-ok-x' for '^ok$'.
    for suite in all_suites().values():
        for e in suite["expectations"]:
            if e["type"] == "expect_column_values_to_match_regex":
                assert e["kwargs"]["regex"].startswith("^") and e["kwargs"]["regex"].endswith("$"), e


def test_suites_load_in_great_expectations():
    import great_expectations as gx

    for name, suite in all_suites().items():
        loaded = gx.ExpectationSuite(**suite)
        assert len(loaded.expectations) == len(suite["expectations"]), name


def test_regeneration_follows_the_schema_and_keeps_hand_written_expectations(package):
    path = package / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    units = next(r for r in descriptor["resources"] if r["name"] == "units")
    dimension = next(f for f in units["schema"]["fields"] if f["name"] == "dimension")
    dimension["constraints"]["enum"].append("mass")
    path.write_text(json.dumps(descriptor, ensure_ascii=False, indent=1), encoding="utf-8")
    before = suites.read_suite(suites.suite_path(package, "units"))

    stale = run_cli("generate-suites", "--root", str(package), "--check")
    assert stale.exit_code == 1
    assert "validators/units.json: suite-stale" in stale.output

    wrote = run_cli("generate-suites", "--root", str(package))
    assert wrote.exit_code == 0, wrote.output
    assert "wrote validators/units.json" in wrote.output
    after = suites.read_suite(suites.suite_path(package, "units"))
    in_set = [e for e in after["expectations"] if e["meta"]["rule"] == "schema-enum"]
    assert in_set[0]["kwargs"]["value_set"][-1] == "mass"
    assert suites.hand_written(after) == suites.hand_written(before) != []
    assert run_cli("generate-suites", "--root", str(package), "--check").exit_code == 0


def test_regeneration_refuses_to_overwrite_a_malformed_suite(package):
    path = suites.suite_path(package, "claims")
    path.write_text("{not json", encoding="utf-8")
    other = suites.suite_path(package, "units")
    other.write_text(other.read_text(encoding="utf-8").replace('"schema-enum"', '"edited"'), encoding="utf-8")
    result = run_cli("generate-suites", "--root", str(package))
    assert result.exit_code == 1
    assert "claims.json is not valid JSON" in result.output and "nothing was written" in result.output
    assert path.read_text(encoding="utf-8") == "{not json"
    assert '"edited"' in other.read_text(encoding="utf-8")


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


def test_readme_lists_every_rule():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Validation") :]
    ids = {e["meta"]["rule"] for suite in all_suites().values() for e in suite["expectations"]}
    ids |= {path.stem for path in rules.rule_files(REPO)}
    assert sorted(i for i in ids if f"`{i}`" not in section) == []

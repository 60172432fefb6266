"""Hostile packages (issue 11, classes 1 and 5): nothing outside the package is read, copied or
published, and the site links only to what is safe.

Each test copies the real package, plants one hostile thing (a symbolic link to a file outside the
package holding a secret, a FIFO, an escaping path, a `javascript:` URL, a right-to-left override)
and asserts the exit code, the located problem, that the secret never appears in any output, and
that the "outside" folder is untouched.
"""

from __future__ import annotations

import csv
import html
import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import REPO, copy_package, pin_today, read_rows, run_cli, set_cell, write_rows

from commitment_tracker.publish.site.markup import esc, safe_url

TODAY = "2026-11-24"
SECRET = "HOSTILE-SECRET-7f3a9c1e"
OUTSIDE_RULE = "path-outside-package"
NOT_REGULAR_RULE = "not-a-regular-file"


pinned_today = pin_today(TODAY)


# --- helpers ---------------------------------------------------------------------------------------


def outside_folder(tmp_path: Path) -> Path:
    """A folder beside the package holding files a hostile package points at, each with the secret."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text(f"{SECRET}\nexport TOKEN={SECRET}\n", encoding="utf-8")
    return outside


def secret_table(header: list[str]) -> str:
    """A well-formed CSV with the package's header whose every cell holds the secret: if a check
    read it, the secret would reach the report (as a bad id, a label, a value)."""
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows([header, [SECRET] * len(header)])
    return buf.getvalue()


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file under ``folder`` (links not followed): bytes and modification time."""
    out = {}
    for path in sorted(folder.rglob("*")):
        if path.is_symlink() or not path.is_file():
            out[path.relative_to(folder).as_posix()] = (b"", path.lstat().st_mtime_ns)
        else:
            out[path.relative_to(folder).as_posix()] = (path.read_bytes(), path.stat().st_mtime_ns)
    return out


def first_seed(package: Path) -> str:
    """The seed_path of the first source (report row 2)."""
    header, rows = read_rows(package, "sources")
    return rows[0][header.index("seed_path")]


def validate_json(package: Path) -> tuple[int, dict, str]:
    """Run `validate --format json` in-process: exit code, report, and everything printed."""
    result = run_cli("validate", "--root", str(package), "--format", "json")
    return result.exit_code, json.loads(result.stdout), result.output + result.stderr


def located(report: dict, rule: str) -> list[dict]:
    return [p for p in report["problems"] if p["rule"] == rule]


def run_subprocess(*args: str, timeout: float = 180) -> subprocess.CompletedProcess[str]:
    """The CLI in a child process, so a read that blocks (a FIFO) fails the test instead of hanging."""
    env = {**os.environ, "COMMITMENTS_TODAY": TODAY}
    return subprocess.run(
        [sys.executable, str(REPO / "cli.py"), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        cwd=REPO,
    )


# --- class 1: symbolic links and escaping paths in validate ---------------------------------------


def link_data_file(package: Path, outside: Path) -> tuple[str, int | None, str]:
    header = (package / "data" / "units.csv").read_text(encoding="utf-8").split("\n")[0].split(",")
    (outside / "units.csv").write_text(secret_table(header), encoding="utf-8")
    (package / "data" / "units.csv").unlink()
    (package / "data" / "units.csv").symlink_to(outside / "units.csv")
    return "units", None, "data/units.csv"


def link_seed(package: Path, outside: Path) -> tuple[str, int | None, str]:
    seed = first_seed(package)
    (outside / "seed.txt").write_text(SECRET * 50, encoding="utf-8")
    (package / seed).unlink()
    (package / seed).symlink_to(outside / "seed.txt")
    return "sources", 2, seed


def link_seeds_folder(package: Path, outside: Path) -> tuple[str, int | None, str]:
    (package / "seeds").rename(outside / "seeds")
    # A file name is content too: listing it (as "not referenced by any source") would leak it.
    (outside / "seeds" / f"{SECRET}.txt").write_text(SECRET, encoding="utf-8")
    (package / "seeds").symlink_to(outside / "seeds")
    return "sources", 2, first_seed(package)


def link_data_folder(package: Path, outside: Path) -> tuple[str, int | None, str]:
    (package / "data").rename(outside / "data")
    header = (outside / "data" / "units.csv").read_text(encoding="utf-8").split("\n")[0].split(",")
    (outside / "data" / "units.csv").write_text(secret_table(header), encoding="utf-8")
    (package / "data").symlink_to(outside / "data")
    return "units", None, "data/units.csv"


@pytest.mark.parametrize(
    "plant", [link_data_file, link_seed, link_seeds_folder, link_data_folder], ids=lambda f: f.__name__
)
def test_a_link_to_a_file_outside_is_refused_and_never_read(tmp_path, plant):
    package = copy_package(tmp_path / "pkg")
    outside = outside_folder(tmp_path)
    resource, row, path = plant(package, outside)
    before = snapshot(outside)

    code, report, printed = validate_json(package)

    assert code == 1
    problems = located(report, OUTSIDE_RULE)
    assert any(p["resource"] == resource and p["row"] == row and p["value"] == path for p in problems), (
        problems
    )
    assert SECRET not in printed
    assert snapshot(outside) == before


def test_a_fifo_a_device_and_a_folder_are_refused_without_reading(tmp_path):
    """A FIFO would block any reader forever: validate must finish (the child has a timeout)."""
    package = copy_package(tmp_path / "pkg")
    (package / "data" / "units.csv").unlink()
    os.mkfifo(package / "data" / "units.csv")
    (package / "data" / "sectors.csv").unlink()
    (package / "data" / "sectors.csv").mkdir()
    seed = first_seed(package)
    (package / seed).unlink()
    os.mkfifo(package / seed)
    (package / "seeds" / "zz-extra.txt").symlink_to("/dev/zero")
    rule = sorted((package / "validators" / "rules").glob("*.sql"))[0]
    rule.unlink()
    os.mkfifo(rule)
    suite = package / "validators" / "units.json"
    suite.unlink()
    os.mkfifo(suite)

    done = run_subprocess("validate", "--root", str(package), "--format", "json", timeout=120)

    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    report = json.loads(done.stdout)
    refused = {(p["resource"], p["row"], p["value"]) for p in located(report, NOT_REGULAR_RULE)}
    assert ("units", None, "data/units.csv") in refused
    assert ("sectors", None, "data/sectors.csv") in refused
    assert ("sources", 2, seed) in refused
    # /dev/zero is outside the package: refused as such, by its folder's coverage check.
    assert ("seeds", None, "seeds/zz-extra.txt") in {
        (p["resource"], p["row"], p["value"]) for p in located(report, OUTSIDE_RULE)
    }
    # A rule and a suite are read by the content layer: refused the same way, not waited for.
    malformed = {p["rule"]: p["message"] for p in report["problems"] if p["rule"].endswith("-malformed")}
    assert (
        malformed["rule-malformed"]
        == f"validators/rules/{rule.name} is a named pipe (FIFO), not a regular file; it was not read"
    )
    assert (
        malformed["suite-malformed"]
        == "validators/units.json is a named pipe (FIFO), not a regular file; it was not read"
    )


def test_escaping_resource_and_seed_paths_are_refused(tmp_path):
    """'..' and absolute paths in datapackage.json and in sources.seed_path, pointing at the secret."""
    package = copy_package(tmp_path / "pkg")
    outside = outside_folder(tmp_path)
    before = snapshot(outside)
    descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    by_name = {r["name"]: r for r in descriptor["resources"]}
    by_name["units"]["path"] = "../outside/secret.txt"
    by_name["sectors"]["path"] = str(outside / "secret.txt")
    text = json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n"
    (package / "datapackage.json").write_text(text, encoding="utf-8")
    set_cell(package, "sources", 3, "seed_path", "seeds/../../outside/secret.txt")

    code, report, printed = validate_json(package)

    assert code == 1
    refused = {(p["resource"], p["row"], p["column"]) for p in located(report, OUTSIDE_RULE)}
    assert {("units", None, None), ("sectors", None, None), ("sources", 3, "seed_path")} <= refused
    assert SECRET not in printed
    assert snapshot(outside) == before


# --- class 1: build and site validate first ---------------------------------------------------------


def test_build_and_site_refuse_an_invalid_package_and_write_nothing(tmp_path):
    package = copy_package(tmp_path / "pkg")
    outside = outside_folder(tmp_path)
    seed = link_seed(package, outside)[2]
    before = snapshot(outside)
    dist, site_out = tmp_path / "dist", tmp_path / "site"

    for command, out, skip in (
        ("build", dist, False),
        ("build", dist, True),
        ("site", site_out, False),
        ("site", site_out, True),
    ):
        args = [command, "--root", str(package), "--out", str(out)]
        result = run_cli(*args, *(["--skip-validation"] if skip else []))
        printed = result.output + result.stderr
        assert result.exit_code == 1, (args, printed)
        assert f"{seed} is a symbolic link leading outside the package" in printed, (args, printed)
        if not skip:  # the report's problems, summarised
            assert "does not validate" in printed and OUTSIDE_RULE in printed, printed
        assert SECRET not in printed
        assert not out.exists(), args
    assert snapshot(outside) == before


def test_build_skipping_validation_still_refuses_a_data_file_outside(tmp_path):
    package = copy_package(tmp_path / "pkg")
    outside = outside_folder(tmp_path)
    link_data_file(package, outside)
    result = run_cli("build", "--root", str(package), "--out", str(tmp_path / "dist"), "--skip-validation")
    assert result.exit_code == 1
    assert "data/units.csv is a symbolic link leading outside the package" in result.output
    assert SECRET not in result.output and not (tmp_path / "dist").exists()


def test_build_and_site_never_write_through_a_dist_link(tmp_path):
    """A committed `dist` link would make the default output folder a folder outside the package."""
    package = copy_package(tmp_path / "pkg")
    outside = outside_folder(tmp_path)
    (outside / "d").mkdir()
    (package / "dist").symlink_to(outside / "d")
    before = snapshot(outside)
    for args, message in (
        # default --out: ROOT/dist/site
        (
            ["site", "--root", str(package)],
            "dist/site leads outside the package through the symbolic link dist",
        ),
        (
            ["build", "--root", str(package), "--out", str(package / "dist")],
            "dist is a symbolic link leading outside",
        ),
    ):
        result = run_cli(*args)
        assert result.exit_code == 1, result.output
        assert message in result.output
    assert snapshot(outside) == before


# --- class 1 and 5: one site built from a valid but hostile package ---------------------------------


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory) -> tuple[Path, Path, Path, dict]:
    """A package that validates but carries a `javascript:` licence link, a right-to-left override
    in a commitment title, and a dist/ whose builds are links to a secret outside: built once."""
    base = tmp_path_factory.mktemp("hostile-site")
    package = copy_package(base / "pkg")
    outside = outside_folder(base)
    descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["licenses"][0]["path"] = "javascript:alert(document.domain)"
    (package / "datapackage.json").write_text(
        json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    header, rows = read_rows(package, "commitments")
    rows[0][header.index("title_en")] = "Invoice \u202etxt.exe"
    write_rows(package, "commitments", header, rows)
    dist = package / "dist"
    (dist / "data").mkdir(parents=True)
    (dist / "seeds").mkdir()
    (dist / "commitments.duckdb").symlink_to(outside / "secret.txt")
    (dist / "data" / "claims.parquet").symlink_to(outside / "secret.txt")
    (dist / "datapackage.json").write_text("{}", encoding="utf-8")
    (dist / "seeds" / "000.txt").symlink_to(outside / "secret.txt")
    before = snapshot(outside)
    out = base / "site"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("COMMITMENTS_TODAY", TODAY)
        result = run_cli("site", "--root", str(package), "--out", str(out))
    assert result.exit_code == 0, result.output
    assert snapshot(outside) == before
    return package, out, outside, {"output": result.output, "commitment": rows[0][0]}


def site_texts(out: Path) -> dict[str, str]:
    """Every file of the site as text, and every member of every zip in it."""
    texts = {}
    for path in sorted(out.rglob("*")):
        if not path.is_file():
            continue
        rel = path.relative_to(out).as_posix()
        texts[rel] = path.read_bytes().decode("utf-8", "replace")
        if path.suffix == ".zip":
            with zipfile.ZipFile(path) as zf:
                for name in zf.namelist():
                    texts[f"{rel}!{name}"] = zf.read(name).decode("utf-8", "replace")
    return texts


def test_site_never_publishes_a_linked_build_file(hostile_site):
    _, out, _, run = hostile_site
    texts = site_texts(out)
    assert any(".zip!" in k for k in texts)  # the zip's members were read too
    assert [k for k, text in texts.items() if SECRET in text] == []
    assert not (out / "builds").exists()
    assert "commitments.duckdb is not a regular file inside dist/" in run["output"]


def test_javascript_licence_is_shown_as_text_never_as_a_link(hostile_site):
    _, out, _, _ = hostile_site
    pages = {k: v for k, v in site_texts(out).items() if k.endswith(".html")}
    for rel, text in pages.items():
        hrefs = [html.unescape(h).strip().lower() for h in _hrefs(text)]
        assert not [h for h in hrefs if h.startswith("javascript:")], rel
    footer = pages["index.html"].split("<footer>")[1]
    assert "javascript:alert(document.domain)" not in footer  # the licence name only, as text
    assert "data licence CC-BY-4.0" in footer
    assert 'rel="license"' not in pages["downloads.html"]


def test_right_to_left_override_is_shown_not_obeyed(hostile_site):
    _, out, _, run = hostile_site
    pages = {k: v for k, v in site_texts(out).items() if k.endswith(".html")}
    assert [k for k, text in pages.items() if "\u202e" in text] == []
    assert "Invoice [U+202E]txt.exe" in pages[f"commitments/{run['commitment']}.html"]
    assert "Invoice [U+202E]txt.exe" in pages["index.html"]


def _hrefs(text: str) -> list[str]:
    import re

    return re.findall(r'href="([^"]*)"', text) + re.findall(r"href='([^']*)'", text)


@pytest.mark.parametrize(
    ("url", "linked"),
    [
        ("https://creativecommons.org/licenses/by/4.0/", True),
        ("http://example.org/a?b=c#d", True),
        ("LICENSE.md", True),
        ("../sources.html#s1", True),
        ("javascript:alert(1)", False),
        ("JaVaScRiPt:alert(1)", False),
        (" javascript:alert(1)", False),
        ("java\tscript:alert(1)", False),
        ("java\nscript:alert(1)", False),
        ("vbscript:msgbox(1)", False),
        ("data:text/html,<script>alert(1)</script>", False),
        ("//evil.example/x", False),
        ("\\\\evil.example\\x", False),
        ("https:evil.example", False),
        ("file:///etc/passwd", False),
        ("https://example.org/\u202egnp.exe", False),
        ("", False),
    ],
)
def test_only_http_and_relative_urls_become_links(url, linked):
    assert (safe_url(url) == url) is linked


def test_every_bidi_control_is_shown_as_its_code_point():
    controls = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
    shown = esc(f"a{controls}b")
    assert not any(c in shown for c in controls)
    assert shown.startswith("a[U+061C][U+200E]") and shown.endswith("[U+2069]b")


# --- class 1: diff --------------------------------------------------------------------------------


def git(repo: Path, *args: str) -> str:
    identity = ["-c", "user.name=Test", "-c", "user.email=test@example.org", "-c", "commit.gpgsign=false"]
    done = subprocess.run(["git", *identity, *args], cwd=repo, capture_output=True, text=True, check=True)
    return done.stdout


def test_diff_refuses_a_git_tree_or_a_folder_holding_a_link(tmp_path):
    package = copy_package(tmp_path / "repo")
    outside = outside_folder(tmp_path)
    git(package, "init", "-q")
    git(package, "add", ".")
    git(package, "commit", "-q", "-m", "clean")
    seed = link_seed(package, outside)[2]
    git(package, "add", "-A")
    git(package, "commit", "-q", "-m", "seed replaced by a link")
    before = snapshot(outside)

    between_refs = run_cli("diff", "HEAD~1", "HEAD", "--root", str(package))
    assert between_refs.exit_code == 1
    assert f"HEAD: {seed} is a symbolic link" in between_refs.output
    against_folder = run_cli("diff", "HEAD~1", "--root", str(package))  # the new side: the folder
    assert against_folder.exit_code == 1
    assert f"{seed} is a symbolic link leading outside the package" in against_folder.output
    for result in (between_refs, against_folder):
        assert SECRET not in result.output + result.stderr
    assert snapshot(outside) == before


SECRET_SQL = "-- title: secret\n-- description: not ours\nSELECT 'TOP-SECRET-RULE' AS x\n"


@pytest.mark.parametrize("kind", ["rule", "suite", "query", "descriptor"])
def test_validators_queries_and_the_descriptor_linked_outside_are_never_read(tmp_path, kind):
    package = copy_package(tmp_path / "pkg")
    outside = tmp_path / "outside"
    outside.mkdir()
    target = outside / "planted"
    if kind == "rule":
        target.write_text(SECRET_SQL, encoding="utf-8")
        (package / "validators" / "rules" / "planted.sql").symlink_to(target)
        result = run_cli("validate", "--root", str(package))
    elif kind == "suite":
        target.write_text('{"name": "TOP-SECRET-RULE", "expectations": []}', encoding="utf-8")
        (package / "validators" / "units.json").unlink()
        (package / "validators" / "units.json").symlink_to(target)
        result = run_cli("validate", "--root", str(package))
    elif kind == "query":
        target.write_text(SECRET_SQL, encoding="utf-8")
        (package / "queries" / "planted.sql").symlink_to(target)
        result = run_cli("queries", "--root", str(package))
    else:
        target.write_bytes(
            (package / "datapackage.json").read_bytes().replace(b'"title"', b'"TOP-SECRET-RULE"', 1)
        )
        (package / "datapackage.json").unlink()
        (package / "datapackage.json").symlink_to(target)
        result = run_cli("codebook", "--root", str(package))
    assert result.exit_code == 1, result.output
    assert "TOP-SECRET-RULE" not in result.output
    assert "symbolic link" in result.output

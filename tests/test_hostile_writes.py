"""Curation run on a hostile package or with hostile arguments: nothing outside the package moves.

Issue 11, class 1 (writes), part of class 3 (values a command writes) and the staging-folder item of
class 6. Every refusal is checked the same way: the exit code, the located message, no traceback,
and not one byte changed inside the package (lock file aside) or in an "outside" folder beside it.
Most refusals come before validation, so these tests are fast; the few that validate say so.
"""

from __future__ import annotations

import base64
import csv
import json
import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import REPO, pin_today

from commitment_tracker.cli import cli
from commitment_tracker.curation import atomic, curate, lock

TODAY = "2026-11-24"
COMMITMENT = "centre-al-jazari-nador"
VICTIM = b"a file outside the package that no command may touch\n"
SECRET = "SECRET-TOKEN-4242 must never be printed"


pinned_today = pin_today(TODAY)


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A folder beside the package, standing for the rest of the machine."""
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "victim.txt").write_bytes(VICTIM)
    (folder / "secret.txt").write_text(f"{SECRET}\n", encoding="utf-8")
    return folder


def tree(root: Path) -> dict[str, object]:
    """Every entry under ``root`` without following links: bytes, a link's target, or 'dir'."""
    out: dict[str, object] = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if path.name == lock.LOCK_NAME:
            continue  # taking the lock creates it; it holds no package data
        if path.is_symlink():
            out[rel] = ("link", os.readlink(path))
        elif path.is_dir():
            out[rel] = "dir"
        elif path.is_file():
            out[rel] = path.read_bytes()
        else:
            out[rel] = "special"
    return out


def invoke(*args: str):
    result = CliRunner().invoke(cli, list(args))
    assert "Traceback" not in result.output, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result


def refused(package: Path, outside: Path, *args: str, code: int = 1) -> str:
    """Run a command that must fail with ``code`` and change nothing anywhere; return its output."""
    before = tree(package), tree(outside)
    result = invoke(*args, "--root", str(package))
    assert result.exit_code == code, result.output
    assert result.output.startswith(("Error: ", "Usage: ")), result.output
    assert (tree(package), tree(outside)) == before
    return result.output


def latest_source(package: Path) -> str:
    """The source of the latest status row of COMMITMENT (a valid --source for set-status)."""
    with open(package / "data" / "status_updates.csv", encoding="utf-8", newline="") as fh:
        mine = [r for r in csv.DictReader(fh) if r["commitment_id"] == COMMITMENT]
    return max(mine, key=lambda r: r["as_of"])["source_id"]


def set_status_args(package: Path, *extra: str) -> list[str]:
    return [
        "set-status",
        COMMITMENT,
        "--as-of",
        "2026-11-01",
        "--status",
        "in_progress",
        "--source",
        latest_source(package),
        "--rationale",
        "x",
        *extra,
    ]


# --- 1. planted journals --------------------------------------------------------------------------


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def journal(*entries: dict) -> dict:
    """A version-1 journal listing ``entries``."""
    return {"journal_version": 1, "files": list(entries)}


def plant_journal(package: Path, *entries: dict) -> None:
    """Leave a journal of ``entries`` where a pending write's would be."""
    atomic.journal_path(package).write_text(json.dumps(journal(*entries)), encoding="utf-8")


def journal_entries(package: Path, outside: Path) -> dict[str, tuple[object, str]]:
    """Hostile journal contents, each with the words the refusal must contain."""
    units = (package / "data" / "units.csv").read_bytes()
    pwned = b64(b"pwned\n")
    temp = "data/.units.csv.1-0123abcd.tmp"

    return {
        "dotdot-path": (
            journal(
                {
                    "path": "../outside/victim.txt",
                    "temp": "../outside/.victim.txt.1-0123abcd.tmp",
                    "original": pwned,
                }
            ),
            "\"path\" is not a plain relative path (no '..'",
        ),
        "absolute-path": (
            journal(
                {
                    "path": str(outside / "victim.txt"),
                    "temp": str(outside / ".v.1-0123abcd.tmp"),
                    "original": pwned,
                }
            ),
            '"path" is an absolute path',
        ),
        "null-original-outside": (
            journal(
                {
                    "path": "../outside/victim.txt",
                    "temp": "../outside/.victim.txt.1-0123abcd.tmp",
                    "original": None,
                }
            ),
            '"path" is not a plain relative path',
        ),
        "temp-outside": (
            journal({"path": "data/units.csv", "temp": "../outside/victim.txt", "original": b64(units)}),
            '"temp" is not the temporary name beside its file',
        ),
        "temp-absolute": (
            journal({"path": "data/units.csv", "temp": str(outside / "victim.txt"), "original": b64(units)}),
            '"temp" is not the temporary name beside its file',
        ),
        "hidden-inside": (
            journal(
                {
                    "path": ".git/hooks/pre-commit",
                    "temp": ".git/hooks/..pre-commit.1-0123abcd.tmp",
                    "original": pwned,
                }
            ),
            '"path" is a hidden file',
        ),
        "not-owned": (
            journal(
                {
                    "path": "validators/units.json",
                    "temp": "validators/.units.json.1-0123abcd.tmp",
                    "original": pwned,
                }
            ),
            '"path" is not a file the package owns',
        ),
        "dotdot-inside": (
            journal({"path": "data/../data/units.csv", "temp": temp, "original": b64(units)}),
            '"path" is not a plain relative path',
        ),
        "missing-temp": (
            journal({"path": "data/units.csv", "original": b64(units)}),
            'exactly "path", "temp" and "original"',
        ),
        "path-not-string": (
            journal({"path": 5, "temp": temp, "original": None}),
            '"path" and "temp" must be strings',
        ),
        "original-not-base64": (
            journal({"path": "data/units.csv", "temp": temp, "original": "%%%"}),
            "not valid base64",
        ),
        "original-wrong-type": (
            journal({"path": "data/units.csv", "temp": temp, "original": 12}),
            "base64 text or null",
        ),
        "duplicate-entry": (
            journal(
                {"path": "data/units.csv", "temp": temp, "original": b64(units)},
                {"path": "data/units.csv", "temp": temp, "original": pwned},
            ),
            "names a file that an earlier entry names too",
        ),
        "files-not-a-list": ({"journal_version": 1, "files": {"path": "data/units.csv"}}, 'a "files" list'),
        "wrong-version": ({"journal_version": 99, "files": []}, "not a version-1 journal"),
        "not-an-object": ([1, 2, 3], "not a version-1 journal"),
    }


HOSTILE = [
    "dotdot-path",
    "dotdot-inside",
    "absolute-path",
    "null-original-outside",
    "temp-outside",
    "temp-absolute",
    "hidden-inside",
    "not-owned",
    "missing-temp",
    "path-not-string",
    "original-not-base64",
    "original-wrong-type",
    "duplicate-entry",
    "files-not-a-list",
    "wrong-version",
    "not-an-object",
]


@pytest.mark.parametrize("dry_run", [True, False], ids=["dry-run", "real"])
@pytest.mark.parametrize("case", HOSTILE)
def test_planted_journal_is_refused_whole(package, outside, case, dry_run):
    content, words = journal_entries(package, outside)[case]
    journal = atomic.journal_path(package)
    journal.write_text(json.dumps(content), encoding="utf-8")
    extra = ("--dry-run",) if dry_run else ()
    out = refused(package, outside, *set_status_args(package, *extra))
    assert str(journal) in out
    assert words in out
    assert "changed nothing" in out


def test_journal_entry_through_a_symlinked_file_is_refused(package, outside):
    """data/units.csv is a link to a file outside: restoring it would write there."""
    units = package / "data" / "units.csv"
    (outside / "units.csv").write_bytes(units.read_bytes())
    units.unlink()
    units.symlink_to(outside / "units.csv")
    entry = {"path": "data/units.csv", "temp": "data/.units.csv.1-0123abcd.tmp", "original": b64(b"pwned\n")}
    plant_journal(package, entry)
    out = refused(package, outside, *set_status_args(package, "--dry-run"))
    assert '"path" passes through a symbolic link' in out and "outside the package" in out


def test_journal_entry_through_a_symlinked_folder_is_refused(package, outside):
    """seeds/ is a link to a folder outside: a new seed's rollback would delete a file there."""
    (outside / "seeds").mkdir()
    (outside / "seeds" / "009_0123456789abcdef.txt").write_bytes(VICTIM)
    for seed in (package / "seeds").iterdir():
        (outside / "seeds" / seed.name).write_bytes(seed.read_bytes())
    for seed in (package / "seeds").iterdir():
        seed.unlink()
    (package / "seeds").rmdir()
    (package / "seeds").symlink_to(outside / "seeds", target_is_directory=True)
    entry = {
        "path": "seeds/009_0123456789abcdef.txt",
        "temp": "seeds/.009_0123456789abcdef.txt.1-0123abcd.tmp",
        "original": None,
    }
    plant_journal(package, entry)
    out = refused(package, outside, *set_status_args(package))
    assert '"path" passes through a symbolic link' in out


@pytest.mark.parametrize(
    ("folder", "words"),
    [
        ("data/units.csv", '"path" is not a regular file'),
        ("data/.units.csv.1-0123abcd.tmp", '"temp" is not a regular file'),
    ],
)
def test_journal_naming_a_folder_is_refused(package, outside, folder, words):
    """Rolling back would unlink, or write over, a folder planted where a file is expected."""
    target = package / folder
    if target.exists():
        target.unlink()
    target.mkdir()
    entry = {"path": "data/units.csv", "temp": "data/.units.csv.1-0123abcd.tmp", "original": b64(b"x\n")}
    plant_journal(package, entry)
    out = refused(package, outside, *set_status_args(package))
    assert words in out


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda j, o, size: j.write_text("{not json", encoding="utf-8"), "is not valid JSON"),
        (lambda j, o, size: j.write_bytes(b"\xff\xfe{}"), "is not valid JSON"),
        (lambda j, o, size: j.write_text("[" * 200_000, encoding="utf-8"), "nested too deeply"),
        (lambda j, o, size: j.write_text('{"journal_version": ' + "1" * 5000 + "}"), "is not valid JSON"),
        (lambda j, o, size: j.write_bytes(b" " * size), "more than a journal of this package can hold"),
        (lambda j, o, size: j.mkdir(), "is not a regular file"),
        (lambda j, o, size: j.symlink_to(o / "victim.txt"), "is not a regular file"),
    ],
    ids=[
        "not-json",
        "not-utf8",
        "deeply-nested",
        "5000-digit-number",
        "huge",
        "a-folder",
        "a-link-to-outside",
    ],
)
def test_malformed_journal_is_a_clear_error(package, outside, make, words):
    # Larger than twice every file of the package: more than any journal of it can hold.
    size = 2 * sum(p.stat().st_size for p in package.rglob("*") if p.is_file()) + (2 << 20)
    journal = atomic.journal_path(package)
    make(journal, outside, size)
    out = refused(package, outside, *set_status_args(package))
    assert str(journal) in out and words in out


def test_validate_reports_a_pending_journal(package, outside):
    """Runs the whole validation (a few seconds): a pending write, and nothing else, is reported."""
    atomic.journal_path(package).write_text('{"journal_version": 1, "files": []}', encoding="utf-8")
    before = tree(package), tree(outside)
    text = invoke("validate", "--root", str(package))
    assert text.exit_code == 1, text.output
    assert "pending-write" in text.output and atomic.JOURNAL_NAME in text.output
    result = invoke("validate", "--root", str(package), "--format", "json")
    report = json.loads(result.output)
    assert report["valid"] is False
    assert [(p["layer"], p["check"], p["rule"], p["value"]) for p in report["problems"]] == [
        ("structure", "files", "pending-write", atomic.JOURNAL_NAME)
    ]
    assert (tree(package), tree(outside)) == before


def test_release_refuses_a_planted_journal(package, outside):
    entry = {
        "path": "../outside/victim.txt",
        "temp": "../outside/.victim.txt.1-0123abcd.tmp",
        "original": None,
    }
    plant_journal(package, entry)
    out = refused(package, outside, "release", "--bump", "patch")
    assert "is not a plain relative path" in out


def _lock_link(lock_file: Path, outside: Path) -> None:
    lock_file.symlink_to(outside / "victim.txt")


def _lock_hard_link(lock_file: Path, outside: Path) -> None:
    os.link(lock_file.parent / "data" / "units.csv", lock_file)


@pytest.mark.parametrize(
    "make",
    [
        _lock_link,
        _lock_hard_link,
        lambda lock_file, outside: os.mkfifo(lock_file),
        lambda lock_file, outside: lock_file.mkdir(),
    ],
    ids=["link-to-outside", "hard-link", "fifo", "folder"],
)
def test_lock_file_that_is_not_a_plain_file_is_refused(package, outside, make):
    """The holder's pid is written into the lock file: through a link it would land elsewhere."""
    lock_file = package / lock.LOCK_NAME
    make(lock_file, outside)
    before = tree(package), tree(outside), lock_file.lstat()
    result = invoke(*set_status_args(package), "--root", str(package))
    assert result.exit_code == 1, result.output
    assert f"{lock_file} is not a plain file" in result.output
    assert (outside / "victim.txt").read_bytes() == VICTIM
    assert (tree(package), tree(outside), lock_file.lstat()) == before


def test_journal_lock_and_temp_names_are_ignored_by_git():
    names = [
        atomic.JOURNAL_NAME,
        f"{atomic.JOURNAL_NAME}.abc123.tmp",
        lock.LOCK_NAME,
        "data/.claims.csv.123-0123abcd.tmp",
        "seeds/.005_0123456789abcdef.txt.123-0123abcd.tmp",
    ]
    result = subprocess.run(
        ["git", "check-ignore", "--no-index", *names], cwd=REPO, capture_output=True, text=True
    )
    assert sorted(result.stdout.split()) == sorted(names), result.stderr


# --- 2. seeds given to add-source ------------------------------------------------------------------


def add_source_args(file: Path | str) -> list[str]:
    return ["add-source", str(file), "--outlet", "Hespress", "--title", "T", "--published-on", "2026-11-10"]


def _write(name: str, data: bytes):
    def make(folder: Path, outside: Path) -> Path:
        path = folder / name
        path.write_bytes(data)
        return path

    return make


def _fifo(folder: Path, outside: Path) -> Path:
    path = folder / "capture.fifo"
    os.mkfifo(path)
    return path


def _link_outside(folder: Path, outside: Path) -> Path:
    path = folder / "capture.txt"
    path.symlink_to(outside / "secret.txt")
    return path


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda folder, outside: Path("/dev/zero"), "/dev/zero is not a regular file"),
        (_write("empty.txt", b""), "is empty"),
        (_write("blank.txt", b" \n\t\n"), "is empty (or only whitespace)"),
        (_fifo, "is not a regular file"),
        (_link_outside, "is a symbolic link"),
        (_write("latin1.txt", "Le président a annoncé".encode("latin-1")), "is not UTF-8 (byte 5)"),
        (_write("nul.txt", b"Le centre\x00Al Jazari\n"), "contains a NUL byte (at byte 9)"),
        (_write("huge.txt", b"a" * (curate.MAX_SEED_BYTES + 1)), "larger than 5 MB"),
    ],
    ids=[
        "dev-zero",
        "empty",
        "whitespace-only",
        "fifo",
        "symlink-to-outside",
        "not-utf8",
        "nul-byte",
        "too-large",
    ],
)
def test_add_source_refuses_what_is_not_a_text(package, outside, tmp_path, make, words):
    captures = tmp_path / "captures"
    captures.mkdir()
    file = make(captures, outside)
    out = refused(package, outside, *add_source_args(file))
    assert words in out
    assert SECRET not in out


def test_add_source_refuses_a_folder(package, outside, tmp_path):
    out = refused(package, outside, *add_source_args(tmp_path), code=2)
    assert "is a directory" in out


def test_seed_limit_is_documented():
    doc = (REPO / "docs" / "curation-commands.md").read_text(encoding="utf-8")
    assert f"{curate.MAX_SEED_BYTES // (1024 * 1024)} MB" in doc


# --- 3. figures and dates written by curation commands ---------------------------------------------


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("1e400", "is too large"),
        ("1" + "0" * 400, "is too large"),
        ("nan", "is not a decimal number"),
        ("NaN", "is not a decimal number"),
        ("inf", "is not a decimal number"),
        ("-inf", "is not a decimal number"),
        ("1_03", "is not a decimal number"),
        (" 103", "is not a decimal number"),
        ("103 ", "is not a decimal number"),
        ("+5", "is not a decimal number"),
        ("1,5", "is not a decimal number"),
        ("0x10", "is not a decimal number"),
        ("\uff11\uff10\uff13", "is not a decimal number"),  # fullwidth 103
        ("1e-400", "has more significant digits than a figure can hold"),
        ("0.10000000000000000001", "has more significant digits than a figure can hold"),
        ("9007199254740993", "is too large"),
    ],
)
def test_add_claim_value_must_be_a_finite_canonical_number(package, outside, value, words):
    out = refused(
        package,
        outside,
        "add-claim",
        "--source",
        latest_source(package),
        "--commitment",
        COMMITMENT,
        "--quote",
        "x",
        "--value",
        value,
    )
    assert f"--value: {value!r} {words}" in out


@pytest.mark.parametrize(
    ("option", "value", "words"),
    [
        ("--target-value", "1e400", "is too large"),
        ("--target-value", "nan", "is not a decimal number"),
        ("--deadline-year", "1_03", "is not a whole number"),
        ("--deadline-year", "2030.0", "is not a whole number"),
        ("--announced-on", "2025-7-3", "is not a date: write YYYY-MM-DD"),
        ("--announced-on", "0000-07-01", "is not a date: no such day"),
        ("--as-of", "0001-01-01", "is outside the dates this package records (1900-01-01 to 2100-12-31)"),
    ],
)
def test_add_commitment_figures_and_dates(package, outside, option, value, words):
    out = refused(
        package,
        outside,
        "add-commitment",
        "--title-fr",
        "T",
        "--title-en",
        "T",
        "--kind",
        "project",
        "--sector",
        "innovation",
        "--source",
        latest_source(package),
        "--quote",
        "x",
        "--rationale",
        "x",
        option,
        value,
    )
    assert f"{option}: {value!r} {words}" in out


@pytest.mark.parametrize(
    ("as_of", "words"),
    [
        ("2025-7-3", "is not a date: write YYYY-MM-DD"),
        ("20250703", "is not a date: write YYYY-MM-DD"),
        ("2025-W27-4", "is not a date: write YYYY-MM-DD"),
        ("2025-07-03T00:00", "is not a date: write YYYY-MM-DD"),
        (" 2025-07-03", "is not a date: write YYYY-MM-DD"),
        ("-2025-07-01", "is not a date: write YYYY-MM-DD"),
        ("0000-07-01", "is not a date: no such day"),
        ("1899-12-31", "is outside the dates this package records"),
        ("2101-01-01", "is outside the dates this package records"),
    ],
)
def test_set_status_dates_are_iso_and_in_range(package, outside, as_of, words):
    args = set_status_args(package)
    args[args.index("--as-of") + 1] = as_of
    out = refused(package, outside, *args)
    assert f"--as-of: {as_of!r} {words}" in out


@pytest.mark.parametrize("value", ["nan", "-inf", "1e400", " 103"])
def test_set_status_actual_value_is_finite(package, outside, value):
    out = refused(package, outside, *set_status_args(package, "--actual-value", value))
    assert f"--actual-value: {value!r}" in out


def test_add_source_published_on_is_iso(package, outside, tmp_path):
    capture = tmp_path / "capture.txt"
    capture.write_text("Hespress\nUn texte.\n", encoding="utf-8")
    args = add_source_args(capture)
    args[args.index("--published-on") + 1] = "2025-7-3"
    out = refused(package, outside, *args)
    assert "--published-on: '2025-7-3' is not a date: write YYYY-MM-DD" in out


def test_values_from_python_are_checked_too(package):
    """The module API: a float('inf') or NaN never reaches a file either."""
    for bad in (float("inf"), float("nan")):
        with pytest.raises(curate.CurationError, match="--value"):
            curate.add_claim(package, source="s", quote="q", commitment=COMMITMENT, value=bad)


# --- 4. staging folders of killed runs -------------------------------------------------------------


def dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_stale_staging_folders_are_removed_and_nothing_else(package, outside, tmp_path, monkeypatch):
    system_tmp = tmp_path / "system-tmp"
    system_tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(system_tmp))
    stale = system_tmp / f"{curate.STAGE_PREFIX}{dead_pid()}-abc_1234"
    (stale / "package" / "data").mkdir(parents=True)
    (stale / "package" / "data" / "claims.csv").write_text("x\n", encoding="utf-8")
    (stale / "package" / "validators").symlink_to(outside, target_is_directory=True)  # never followed
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
    try:
        live = system_tmp / f"{curate.STAGE_PREFIX}{sleeper.pid}-abcdefgh"
        live.mkdir()
        kept = [
            live,
            system_tmp / "commitments-stage-notapid-abcdefgh",  # not a name this tool gives
            system_tmp / "other-tool-123",
        ]
        kept[1].mkdir()
        kept[2].mkdir()
        link = system_tmp / f"{curate.STAGE_PREFIX}{dead_pid()}-linkname"
        link.symlink_to(outside, target_is_directory=True)  # a link named like a stage: never followed
        plain = system_tmp / f"{curate.STAGE_PREFIX}{dead_pid()}-afile123"
        plain.write_text("not a folder", encoding="utf-8")
        before_outside = tree(outside)

        # Any command cleans up, even one that is refused.
        result = invoke(
            "set-status",
            "no-such-commitment",
            "--root",
            str(package),
            "--as-of",
            "2026-11-01",
            "--status",
            "in_progress",
            "--source",
            "x",
            "--rationale",
            "x",
        )
        assert result.exit_code == 1 and "unknown commitment" in result.output, result.output
        assert not stale.exists()
        assert all(p.is_dir() for p in kept)
        assert link.is_symlink() and plain.is_file()
        assert tree(outside) == before_outside
    finally:
        sleeper.kill()
        sleeper.wait()


KILLED_MID_VALIDATION = """
import os, signal, sys
sys.argv = ["cli.py", *sys.argv[1:]]
from commitment_tracker.curation import curate

def killed(root, today, gx=None):
    os.kill(os.getpid(), signal.SIGKILL)  # no cleanup of any kind, as with kill -9 or the OOM killer

curate._validate = killed
import cli
cli.main()
"""


def test_staging_folder_of_a_killed_run_is_removed_by_the_next(package, outside, tmp_path, monkeypatch):
    system_tmp = tmp_path / "system-tmp"
    system_tmp.mkdir()
    before = tree(package), tree(outside)
    env = {**os.environ, "TMPDIR": str(system_tmp), "COMMITMENTS_TODAY": TODAY}
    args = [*set_status_args(package), "--root", str(package)]
    killed = subprocess.Popen(
        [sys.executable, "-c", KILLED_MID_VALIDATION, *args],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    _, stderr = killed.communicate()
    assert killed.returncode == -signal.SIGKILL, stderr.decode()
    left = [p.name for p in system_tmp.iterdir()]
    assert [n for n in left if n.startswith(f"{curate.STAGE_PREFIX}{killed.pid}-")], left
    assert (tree(package), tree(outside)) == before  # killed before writing: nothing changed

    monkeypatch.setattr(tempfile, "tempdir", str(system_tmp))
    result = invoke(*set_status_args(package), "--root", str(package), "--dry-run")
    assert result.exit_code == 0, result.output
    assert not [p for p in system_tmp.iterdir() if p.name.startswith(curate.STAGE_PREFIX)]
    assert (tree(package), tree(outside)) == before


# --- 5. other ways out of the package -------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        [
            "record-discrepancy",
            "--kind",
            "value",
            "--description",
            "d",
            "--claim",
            "a",
            "--claim",
            "b",
            "--id",
            "../../x",
        ],
        # A real source and a spelling found in it, so the id is what the validator refuses.
        [
            "add-actor",
            "Akhannouch",
            "--kind",
            "person",
            "--source",
            "seed-001-hespress-souverainete",
            "--id",
            "a/b",
        ],
        ["add-claim", "--source", "../../outside/secret", "--commitment", COMMITMENT, "--quote", "x"],
        [
            "set-status",
            "../x",
            "--as-of",
            "2026-11-01",
            "--status",
            "in_progress",
            "--source",
            "s",
            "--rationale",
            "x",
        ],
    ],
    ids=["discrepancy-id", "actor-id", "source-id", "commitment-id"],
)
def test_ids_with_slashes_or_dots_are_refused(package, outside, args):
    out = refused(package, outside, *args)
    assert "../" in out or "a/b" in out


def test_source_id_with_dots_is_refused(package, outside, tmp_path):
    capture = tmp_path / "capture.txt"
    capture.write_text("Hespress\nUn texte.\n", encoding="utf-8")
    out = refused(package, outside, *add_source_args(capture), "--id", "../../outside/x")
    assert "source_id: constraint-error — '../../outside/x' (in the sources row this command adds)" in out
    assert 'constraint "pattern" is' in out


def test_data_folder_linked_outside_is_neither_read_nor_written(package, outside):
    (outside / "data").mkdir()
    for table in (package / "data").iterdir():
        (outside / "data" / table.name).write_bytes(table.read_bytes())
        table.unlink()
    (package / "data").rmdir()
    (package / "data").symlink_to(outside / "data", target_is_directory=True)
    out = refused(package, outside, *set_status_args(package))
    assert "passes through a symbolic link" in out and "outside the package" in out


def test_seed_linked_outside_is_not_read_or_shown(package, outside):
    """A quote is looked up in the seed; through a link the lookup would print outside text."""
    with open(package / "data" / "sources.csv", encoding="utf-8", newline="") as fh:
        source = next(csv.DictReader(fh))
    seed = package / source["seed_path"]
    seed.unlink()
    seed.symlink_to(outside / "secret.txt")
    out = refused(
        package,
        outside,
        "add-claim",
        "--source",
        source["source_id"],
        "--commitment",
        COMMITMENT,
        "--quote",
        "SECRET",
    )
    assert "passes through a symbolic link" in out
    assert SECRET not in out


def test_new_seed_into_a_seeds_folder_linked_outside_is_refused(package, outside, tmp_path):
    """The staged copy keeps the link, so writing the new seed into it is refused."""
    (outside / "seeds").mkdir()
    for seed in (package / "seeds").iterdir():
        (outside / "seeds" / seed.name).write_bytes(seed.read_bytes())
        seed.unlink()
    (package / "seeds").rmdir()
    (package / "seeds").symlink_to(outside / "seeds", target_is_directory=True)
    capture = tmp_path / "capture.txt"
    capture.write_text("Hespress\nUn texte tout neuf.\n", encoding="utf-8")
    out = refused(package, outside, *add_source_args(capture))
    # The containment check (paths.resolve) refuses it before the atomic write's own check would.
    assert "seeds/005_" in out and "leads outside the package through the symbolic link seeds" in out


def test_write_files_refuses_targets_outside_or_not_owned(package, outside):
    """The last line of defence, for every writer (curation, release, bench)."""
    before = tree(package), tree(outside)
    (package / "data" / "units.csv").rename(package / "data" / "units.real")
    (package / "data" / "units.csv").symlink_to(outside / "victim.txt")
    cases = {
        outside / "victim.txt": "is not inside the package root",
        package / ".." / "outside" / "victim.txt": "is not inside the package root",
        package / "data" / "units.csv": "passes through a symbolic link",
        package / "validators" / "units.json": "is not a file the package owns",
        package / ".git" / "config": "is a hidden file",
    }
    for target, words in cases.items():
        with pytest.raises(atomic.OutsidePackageError, match=words):
            atomic.write_files(package, {package / "data" / "claims.csv": b"x\n", target: b"pwned\n"})
    (package / "data" / "units.csv").unlink()
    (package / "data" / "units.real").rename(package / "data" / "units.csv")
    assert (tree(package), tree(outside)) == before

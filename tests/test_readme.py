"""The README works as written: every shell block marked runnable runs, and prints what it shows.

A block fenced as ```sh runnable is run with bash from the root of a copy of the repository (data,
code, docs) in tmp_path, after `make`: `.venv/bin/commitments` there is the entry point `make`
installed into the virtualenv running these tests, importing the copy's code (PYTHONPATH), so its
default package root is the copy. A ```text output block right after it is compared with what the
command printed, whitespace normalised. docs/querying.md follows the same convention.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import REPO

DOCUMENTS = ("README.md", "docs/querying.md")
FENCE = re.compile(r"^```(?P<info>[^\n`]*)\n(?P<body>.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)
RUNNABLE = ["sh", "runnable"]
OUTPUT = ["text", "output"]
# Not copied: environments, builds, caches, git metadata.
NOT_COPIED = (".venv", ".consumers", ".git", "dist", "node_modules", "__pycache__", "*.egg-info", ".*_cache")


@dataclass(frozen=True)
class Block:
    info: list[str]
    body: str
    line: int
    start: int
    end: int


@dataclass(frozen=True)
class Example:
    where: str  # document:line
    command: str
    shown: str | None


def blocks(text: str) -> list[Block]:
    return [
        Block(m["info"].split(), m["body"], text.count("\n", 0, m.start()) + 1, m.start(), m.end())
        for m in FENCE.finditer(text)
    ]


def examples(document: str) -> list[Example]:
    text = (REPO / document).read_text(encoding="utf-8")
    found = blocks(text)
    out = []
    for i, block in enumerate(found):
        if block.info != RUNNABLE:
            continue
        after = found[i + 1] if i + 1 < len(found) else None
        shown = None
        if after and after.info == OUTPUT and not text[block.end : after.start].strip():
            shown = after.body
        out.append(Example(f"{document}:{block.line}", block.body, shown))
    return out


ALL = [e for d in DOCUMENTS for e in examples(d)]


def normalised(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def checkout(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    """A copy of the repository as `make` leaves it: the copy, and the environment to run in."""
    if sys.prefix == sys.base_prefix:
        pytest.skip("not running inside a virtualenv: run the tests with `make test` (.venv)")
    copy = tmp_path_factory.mktemp("readme") / "repo"
    shutil.copytree(REPO, copy, ignore=shutil.ignore_patterns(*NOT_COPIED), symlinks=True)
    (copy / ".venv").symlink_to(Path(sys.prefix), target_is_directory=True)
    env = {k: v for k, v in os.environ.items() if k not in ("COMMITMENTS_ROOT", "PYTHONPATH")}
    env["PYTHONPATH"] = str(copy)
    return copy, env


def run(checkout: tuple[Path, dict[str, str]], command: str) -> subprocess.CompletedProcess:
    copy, env = checkout
    return subprocess.run(
        ["bash", "-e", "-o", "pipefail", "-c", command],
        cwd=copy,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        check=False,
        timeout=900,
    )


@pytest.mark.subprocess
def test_the_entry_point_runs_the_copy(checkout):
    copy, _ = checkout
    assert (copy / ".venv" / "bin" / "commitments").is_file(), "make did not install the entry point"
    done = run(
        checkout, '.venv/bin/python -c "import commitment_tracker; print(commitment_tracker.__file__)"'
    )
    assert Path(done.stdout.strip()).is_relative_to(copy), done.stdout


@pytest.mark.subprocess
@pytest.mark.parametrize("example", ALL, ids=[e.where for e in ALL])
def test_runnable_block_works_as_written(checkout, example):
    done = run(checkout, example.command)
    assert done.returncode == 0, f"{example.where}: `{example.command.strip()}` failed:\n{done.stdout}"
    if example.shown is not None:
        assert normalised(done.stdout) == normalised(example.shown), (
            f"{example.where}: the output shown is stale; it now prints:\n{done.stdout}"
        )


def test_the_readme_has_runnable_examples_with_output():
    readme = [e for e in ALL if e.where.startswith("README.md:")]
    assert len(readme) >= 5
    assert sum(e.shown is not None for e in readme) >= 3


@pytest.mark.parametrize("document", DOCUMENTS)
def test_every_output_block_follows_a_runnable_block(document):
    text = (REPO / document).read_text(encoding="utf-8")
    found = blocks(text)
    for i, block in enumerate(found):
        if block.info == OUTPUT:
            before = found[i - 1] if i else None
            assert before is not None and before.info == RUNNABLE, f"{document}:{block.line}"
            assert not text[before.end : block.start].strip(), f"{document}:{block.line}: text in between"


def test_readme_commands_use_the_installed_entry_point():
    """Nothing to copy that fails with ModuleNotFoundError outside the virtualenv."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    assert "python cli.py" not in text
    for block in blocks(text):
        if block.info == ["sh"]:
            # A shell block not run by the test may only hold `make` targets (running them here
            # would reinstall the shared virtualenv).
            commands = [line.split("#")[0].strip() for line in block.body.splitlines()]
            assert all(c == "" or c.startswith("make") for c in commands), f"README.md:{block.line}"


DOCS_PAGES = sorted(p.relative_to(REPO).as_posix() for p in (REPO / "docs").glob("*.md"))


@pytest.mark.parametrize("document", ["README.md", *DOCS_PAGES])
def test_relative_links_resolve(document):
    text = (REPO / document).read_text(encoding="utf-8")
    base = (REPO / document).parent
    targets = {base / m for m in re.findall(r"\]\(([^)#]+)\)", text) if "://" not in m}
    missing = sorted(t.resolve().relative_to(REPO).as_posix() for t in targets if not t.exists())
    assert missing == []

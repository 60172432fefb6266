"""Figure verdicts read ahead while the structure layer and the suites run never change a report.

On a large package ``validate`` hands the claims' figure arguments to a worker as soon as
claims.csv is parsed (figure_prefetch.py), and the rules' judge asks it first. Here the size
threshold (``PREFETCH_AFTER_ROWS``) and the chunk size are lowered so the real package takes that
path (whether a verdict comes from the prefetch or the judge then depends on timing): the report
is the same with and without it, on a valid package and on broken ones; arguments
that are not exactly the ones read ahead are left to the judge; workers that cannot start, and
``close``, leave nothing behind.
"""

from __future__ import annotations

import subprocess
import time
import typing
from pathlib import Path

import pyarrow as pa
import pytest
from conftest import REPO, copy_package, pin_today, read_rows, set_cell

from commitment_tracker.datapackage import csvio, schema
from commitment_tracker.validation import figure_prefetch, validate
from commitment_tracker.validation.figure_functions import states_figure

pinned_today = pin_today("2026-01-01")
COLUMNS = figure_prefetch.READINGS[
    0
].columns  # states_figure's: quote, value_stated, value, unit_id, qualifier


class Recorded(figure_prefetch.Prefetch):
    """The prefetch ``validate`` makes, on two cores whatever this machine has, kept for the test."""

    made: typing.ClassVar[list[figure_prefetch.Prefetch]] = []

    def __init__(self, root: Path, **kwargs: object) -> None:
        super().__init__(root, cores=2)
        Recorded.made.append(self)


def _both_ways(monkeypatch: pytest.MonkeyPatch, root: Path) -> tuple[dict, dict, figure_prefetch.Prefetch]:
    """The report without reading ahead, then with (every claim read ahead, 4 rows a chunk)."""
    monkeypatch.setattr(figure_prefetch, "PREFETCH_AFTER_ROWS", 10**9)
    without = validate.validate(root).to_dict()
    Recorded.made = []
    monkeypatch.setattr(figure_prefetch, "PREFETCH_AFTER_ROWS", 0)
    monkeypatch.setattr(figure_prefetch, "CHUNK_ROWS", 4)
    monkeypatch.setattr(figure_prefetch, "Prefetch", Recorded)
    with_prefetch = validate.validate(root).to_dict()
    return without, with_prefetch, Recorded.made[0]


def _stated_rows(root: Path) -> list[int]:
    header, rows = read_rows(root, "claims")
    return [i + 2 for i, r in enumerate(rows) if r[header.index("value_stated")]]


@pytest.mark.subprocess
def test_verdicts_read_ahead_give_the_same_report(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    root = copy_package(tmp_path / "pkg")
    wrong = _stated_rows(root)[:3]
    for row in wrong:  # three claims whose value no longer matches the figure they state
        set_cell(root, "claims", row, "value", lambda v: v + "7")
    without, with_prefetch, prefetch = _both_ways(monkeypatch, root)
    assert with_prefetch == without
    found = [p["row"] for p in without["problems"] if p["check"] == "rule:value-stated-in-quote"]
    assert found == wrong
    # Every stated claim was offered to the prefetch (on a package this small the rule may come
    # before the worker has answered: then the judge takes the rows back).
    assert len(prefetch.readings["states_figure"].rows) == len(_stated_rows(root))
    assert prefetch.error is None


@pytest.mark.subprocess
@pytest.mark.parametrize(
    "breakage",
    [
        ("value", "douze"),  # not a number: a type-error, and no figure to read for that claim
        ("quote", None),  # header renamed: claims cannot be typed, nothing is read ahead
    ],
    ids=["value-not-a-number", "quote-header-renamed"],
)
def test_a_broken_claims_file_gives_the_same_report(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, breakage: tuple[str, str | None]
):
    root = copy_package(tmp_path / "pkg")
    column, value = breakage
    if value is None:
        path = root / "data" / "claims.csv"
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace(",quote,", ",quotation,", 1), encoding="utf-8")
    else:
        set_cell(root, "claims", _stated_rows(root)[0], column, value)
    without, with_prefetch, prefetch = _both_ways(monkeypatch, root)
    assert with_prefetch == without and not without["valid"]
    assert prefetch.error is None


@pytest.mark.subprocess
def test_workers_that_cannot_start_leave_the_reading_to_the_rule(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
):
    root = copy_package(tmp_path / "pkg")
    set_cell(root, "claims", _stated_rows(root)[0], "value", lambda v: v + "7")
    real_popen = subprocess.Popen

    def refuse_workers(argv: list[str], *args: object, **kwargs: object) -> subprocess.Popen:
        if "commitment_tracker.validation.figure_worker" in argv:
            raise OSError("no more processes")
        return real_popen(argv, *args, **kwargs)

    monkeypatch.setattr(subprocess, "Popen", refuse_workers)
    without, with_prefetch, prefetch = _both_ways(monkeypatch, root)
    assert with_prefetch == without and not without["valid"]
    assert isinstance(prefetch.error, OSError) and prefetch.rows_answered == 0


def _started(root: Path) -> tuple[figure_prefetch.Prefetch, object]:
    """A prefetch offered the claims of ``root``, once it has indexed them."""
    package = schema.load_package(root)
    text = csvio.read_table(root, package.resource("claims"))
    prefetch = figure_prefetch.Prefetch(root, after_rows=0, cores=2)
    prefetch.offer("claims", text)
    for _ in range(600):  # indexed in a thread: a few milliseconds here
        if prefetch.readings or prefetch.error:
            break
        time.sleep(0.05)
    return prefetch, text


@pytest.mark.subprocess
def test_arguments_not_exactly_read_ahead_are_left_to_the_judge():
    prefetch, text = _started(REPO)
    try:
        for _ in range(600):  # its one chunk handed to the worker: then waited for, not taken back
            if not prefetch._chunks:
                break
            time.sleep(0.05)
        stated = text.filter(text["value_stated"].is_not_null())
        row = stated.row(0, named=True)
        quote, said, value, unit, qualifier = (row[c] for c in COLUMNS)
        figure = float(value)
        batch = [
            (quote, said, figure, unit, qualifier),  # exactly a claim's arguments
            (quote, said, figure * 1000, unit, qualifier),  # another value
            (quote + " ", said, figure, unit, qualifier),  # another quote
            (quote, said, figure, "usd" if unit != "usd" else "mad", qualifier),  # another unit
            (None, said, figure, unit, qualifier),  # NULL: the judge answers NULL
        ]
        types = [pa.string(), pa.string(), pa.float64(), pa.string(), pa.string()]
        columns = [pa.array(list(c), type=t) for c, t in zip(zip(*batch, strict=True), types, strict=True)]
        answers, missing, arguments = prefetch.answer("states_figure", columns)
        assert missing == [1, 2, 3, 4]
        assert answers[0] is states_figure(*batch[0]) is True
        assert arguments.rows() == batch
        assert prefetch.answer("figures_stated", columns[:1]) is None  # nothing of it read ahead
    finally:
        prefetch.close()


@pytest.mark.subprocess
def test_close_stops_the_workers_at_once(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(figure_prefetch, "CHUNK_ROWS", 1)  # 12 chunks: the worker still busy
    prefetch, _ = _started(REPO)
    workers = list(prefetch._workers)
    prefetch.close()
    assert workers and all(w.process.wait(timeout=10) is not None for w in workers)
    assert not prefetch._working()


def test_a_chunk_not_yet_sent_is_read_by_the_judge(monkeypatch: pytest.MonkeyPatch):
    """With no worker (none could start) the chunks wait: the judge takes back the one it needs
    at once instead of waiting for it, and later asks find it a miss, never pending."""
    monkeypatch.setattr(figure_prefetch, "CHUNK_ROWS", 4)
    monkeypatch.setattr(figure_prefetch, "Worker", _refused)
    prefetch, text = _started(REPO)
    try:
        stated = text.filter(text["value_stated"].is_not_null())
        assert isinstance(prefetch.error, OSError) and len(prefetch._chunks) == -(-stated.height // 4)
        row = stated.row(0, named=True)
        args = [(row[c] if c != "value" else float(row[c]),) for c in COLUMNS]
        types = [pa.string(), pa.string(), pa.float64(), pa.string(), pa.string()]
        columns = [pa.array(list(a), type=t) for a, t in zip(args, types, strict=True)]
        for _ in range(2):
            answers, missing, _ = prefetch.answer("states_figure", columns)
            assert answers == [None] and missing == [0]
        assert len(prefetch._chunks) == -(-stated.height // 4) - 1
    finally:
        prefetch.close()


def _refused() -> None:
    raise OSError("no more processes")

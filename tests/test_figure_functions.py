"""The figure rules' functions give the same verdicts in worker processes as in this one (issue 17).

At 10^6 claims the rule value-stated-in-quote reads 371,713 quotes with the figure grammar; a
``FigureJudge`` splits DuckDB's batches across one worker process per core once the rows are many.
Where a verdict is computed must never change it: every claim of the real package and of a
generated one, with right and wrong readings, is judged both ways; a rule run through a parallel
judge reports the same rows; workers that cannot start leave the reading to this process.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from conftest import REPO, copy_package, generate_package, read_rows, set_cell

from commitment_tracker.datapackage import csvio, schema
from commitment_tracker.validation import rules
from commitment_tracker.validation.figure_functions import (
    WORKER_FUNCTIONS,
    FigureJudge,
    WorkerError,
    figures_stated,
    states_figure,
    states_value,
)


def _rows(root: Path) -> list[tuple]:
    """(quote, stated, value, unit_id, qualifier) of each claim, with a wrong value, unit and
    qualifier beside each right one, and the NULL cases the SQL functions receive."""
    header, rows = read_rows(root, "claims")
    out: list[tuple] = [(None, "1", 1.0, None, None), ("12 projets", None, 12.0, None, None)]
    for row in (dict(zip(header, r, strict=True)) for r in rows):
        value = float(row["value"]) if row["value"] else None
        unit, qualifier = row["unit_id"] or None, row["qualifier"] or None
        stated = row["value_stated"] or None
        out.append((row["quote"], stated, value, unit, qualifier))
        if value is not None:
            out.append((row["quote"], stated, value * 1000, unit, qualifier))
            out.append((row["quote"], stated, value, "usd" if unit != "usd" else "mad", qualifier))
            out.append(
                (row["quote"], stated, value, unit, "more_than" if qualifier != "more_than" else "exactly")
            )
    return out


def _read(function: object, rows: list[tuple]) -> int:
    """How many rows have every argument ``function`` needs (the ones it does not answer NULL)."""
    needed = WORKER_FUNCTIONS[function.__name__].needed
    return sum(all(row[k] is not None for k in needed) for row in rows)


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate_package(tmp_path_factory.mktemp("generated") / "pkg", 3000)


@pytest.mark.subprocess
@pytest.mark.parametrize("source", ["real", "generated"])
def test_workers_give_the_verdicts_of_this_process(source: str, generated: Path):
    rows = _rows(REPO if source == "real" else generated)
    by_function = {
        states_figure: rows,
        states_value: [(q, v, u, k) for q, _, v, u, k in rows],
        figures_stated: [(q,) for q, *_ in rows[:500]],
    }
    with FigureJudge(workers=2, parallel_after=0) as judge:
        for function, args in by_function.items():
            here = [function(*a) for a in args]
            assert judge.map(function, args) == here
            assert any(v is True for v in here) or function is figures_stated
        processes = [w.process for w in judge._running]
        assert len(processes) == 2
    # every row with the arguments its function needs went to the workers (the others are NULL)
    assert judge.rows_in_workers == sum(_read(f, args) for f, args in by_function.items())
    assert judge.error is None
    assert [p.returncode for p in processes] == [0, 0]  # leaving the judge ended its workers


@pytest.mark.subprocess
def test_a_rule_run_through_workers_reports_the_same_rows(tmp_path: Path):
    root = copy_package(tmp_path / "pkg")
    header, rows = read_rows(root, "claims")
    valued = [i for i, r in enumerate(rows) if r[header.index("value_stated")]]
    for i in valued[:3]:  # three claims whose value no longer matches the figure they state
        set_cell(root, "claims", i + 2, "value", lambda v: v + "7")  # 103 -> 1037
    package = schema.load_package(root)
    claims = csvio.read_typed_table(root, package.resource("claims"))
    rule = rules.parse_rule(root / "validators" / "rules" / "value-stated-in-quote.sql")
    found = []
    for judge in (FigureJudge(workers=1), FigureJudge(workers=2, parallel_after=0)):
        with judge:
            found.append(rules.run(rules.connect({"claims": claims}, judge), rule).to_dicts())
    assert found[0] == found[1]
    assert [v["row_number"] for v in found[0]] == [i + 2 for i in valued[:3]]
    assert judge.rows_in_workers > 0


def test_workers_that_cannot_start_leave_the_reading_to_this_process(monkeypatch: pytest.MonkeyPatch):
    def refuse(*args: object, **kwargs: object) -> None:
        raise OSError("no more processes")

    monkeypatch.setattr(subprocess, "Popen", refuse)
    rows = _rows(REPO)
    with FigureJudge(workers=2, parallel_after=0) as judge:
        assert judge.map(states_figure, rows) == [states_figure(*r) for r in rows]
        assert judge.map(states_figure, rows[:10]) == [states_figure(*r) for r in rows[:10]]
    assert isinstance(judge.error, OSError) and judge.workers == 1 and judge.rows_in_workers == 0


def test_a_small_package_is_read_in_this_process():
    rows = _rows(REPO)
    with FigureJudge(workers=2) as judge:
        judge.map(states_figure, rows)
    assert judge.rows_in_workers == 0 and not judge._running


@pytest.mark.subprocess
def test_a_worker_that_stops_is_replaced_by_this_process():
    rows = _rows(REPO)
    with FigureJudge(workers=2, parallel_after=0) as judge:
        assert judge.map(states_figure, rows[:50]) == [states_figure(*r) for r in rows[:50]]
        judge._running[0].process.kill()
        judge._running[0].process.wait()
        assert judge.map(states_figure, rows) == [states_figure(*r) for r in rows]
    assert (
        judge.workers == 1
        and isinstance(judge.error, OSError | WorkerError)
        and judge.rows_in_workers == _read(states_figure, rows[:50])
    )

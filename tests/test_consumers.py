"""The built outputs open in the tools people already have, run from outside our code.

`.ci/run` installs those tools in `.consumers/` (apart from `.venv`; pins in `.ci/consumers.txt`)
and Debian's `r-base-core`. Locally without them these tests skip and say why; in CI (CI=true)
they fail, so a green run means the files were opened. Each tool runs in its own process on files
on disk: nothing of `commitment_tracker` is imported by the reader.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import REPO

from commitment_tracker.datapackage import schema
from commitment_tracker.publish import build

CONSUMERS = REPO / ".consumers" / "bin"
DUCKDB_1X = CONSUMERS / "duckdb"
FRICTIONLESS = CONSUMERS / "frictionless"
PYTHON = CONSUMERS / "python"
R_SCRIPT = REPO / "tests" / "consumers" / "quotes_at_offsets.R"
PACKAGE = schema.load_package(REPO)
# What each Table Schema type must be in the reader (nullable dtypes: a blank stays a missing value).
PANDAS_DTYPES = {"integer": {"Int64"}, "number": {"Float64"}, "string": {"str", "object", "string"}}
POLARS_DTYPES = {"integer": "Int64", "number": "Float64", "string": "String", "date": "Date"}


def _absent(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"consumer test cannot run in CI: {reason}", pytrace=False)
    pytest.skip(reason)


def _tool(path: Path) -> str:
    if not path.exists():
        _absent(f"{path.relative_to(REPO)} is not installed (bash .ci/run installs it)")
    return str(path)


def _python_with(*modules: str) -> str:
    python = _tool(PYTHON)
    probe = subprocess.run([python, "-c", f"import {', '.join(modules)}"], capture_output=True, check=False)
    if probe.returncode:
        _absent(f".consumers has no {', '.join(modules)} (bash .ci/run installs .ci/consumers.txt)")
    return python


def _run(argv: list[str], cwd: Path | None = None) -> subprocess.CompletedProcess:
    # The reader's own environment: no PYTHONPATH pointing into our code.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    return subprocess.run(argv, capture_output=True, text=True, check=False, cwd=cwd, env=env)


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("consumers") / "dist"
    build.build(REPO, out, validate_first=False)
    return out


def _rows(resource: schema.Resource) -> list[dict[str, str]]:
    with open(resource.file(REPO), encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _blanks(resource: schema.Resource) -> dict[str, int]:
    """Blank cells per column of the resource's CSV, counted with Python's csv module."""
    rows = _rows(resource)
    return {f.name: sum(1 for row in rows if row[f.name] == "") for f in resource.fields}


# --- DuckDB 1.x ------------------------------------------------------------------------------------


@pytest.mark.subprocess
def test_duckdb_1x_cli_opens_the_built_database(dist):
    cli = _tool(DUCKDB_1X)
    version = _run([cli, "--version"]).stdout
    assert version.startswith("v1."), version
    done = _run(
        [cli, "-readonly", "-csv", str(dist / build.DATABASE_NAME), "-c", "SELECT count(*) AS n FROM claims"]
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["n", str(len(_rows(PACKAGE.resource("claims"))))]


# --- frictionless CLI --------------------------------------------------------------------------------


def _frictionless_validate(cwd: Path, descriptor: str) -> dict:
    """`frictionless validate DESCRIPTOR` as a user types it, from ``cwd``."""
    done = _run([_tool(FRICTIONLESS), "validate", "--json", descriptor], cwd=cwd)
    report = json.loads(done.stdout)
    errors = [
        (task["name"], e["type"], e.get("rowNumber"), e.get("fieldName"), e["note"])
        for task in report["tasks"]
        for e in task["errors"]
    ]
    assert (done.returncode, report["valid"], errors) == (0, True, []), done.stderr
    return report


@pytest.mark.subprocess
def test_frictionless_cli_validates_the_csv_package():
    report = _frictionless_validate(REPO, "datapackage.json")
    assert sorted(t["name"] for t in report["tasks"]) == sorted(PACKAGE.resource_names)


@pytest.mark.subprocess
def test_frictionless_cli_validates_the_parquet_package(dist):
    report = _frictionless_validate(dist.parent, f"{dist.name}/datapackage.json")
    assert sorted(t["name"] for t in report["tasks"]) == sorted(PACKAGE.resource_names)
    # Every row was read from Parquet, not skipped.
    rows = {t["name"]: t["stats"]["rows"] for t in report["tasks"]}
    assert rows == {r.name: len(_rows(r)) for r in PACKAGE.resources}


# --- pandas and polars on the Parquet files ------------------------------------------------------------

PANDAS_READ = """
import json, sys, pathlib, pandas as pd, pyarrow.parquet as pq
out = {}
for path in sorted(pathlib.Path(sys.argv[1]).glob("*.parquet")):
    frame = pd.read_parquet(path)
    arrow = pq.read_schema(path)
    out[path.stem] = {
        "dtypes": {c: str(t) for c, t in frame.dtypes.items()},
        "nulls": {c: int(frame[c].isna().sum()) for c in frame.columns},
        "nullable": {f.name: f.nullable for f in arrow},
        "descriptions": {f.name: (f.metadata or {}).get(b"description", b"").decode() for f in arrow},
        "deadline_year": [None if pd.isna(v) else int(v) for v in frame["deadline_year"]]
        if "deadline_year" in frame else None,
    }
print(json.dumps(out))
"""

POLARS_READ = """
import json, sys, pathlib, polars as pl
out = {}
for path in sorted(pathlib.Path(sys.argv[1]).glob("*.parquet")):
    frame = pl.read_parquet(path)
    out[path.stem] = {
        "dtypes": {c: str(t) for c, t in frame.schema.items()},
        "nulls": {c: frame[c].null_count() for c in frame.columns},
    }
print(json.dumps(out))
"""


def _read_with(dist: Path, module: str, script: str) -> dict:
    python = _python_with(module, "pyarrow")
    done = _run([python, "-c", script, str(dist / build.PARQUET_DIRNAME)])
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.mark.subprocess
def test_pandas_reads_types_nulls_not_null_and_descriptions(dist):
    read = _read_with(dist, "pandas", PANDAS_READ)
    assert sorted(read) == sorted(PACKAGE.resource_names)
    for resource in PACKAGE.resources:
        got = read[resource.name]
        for f in resource.fields:
            where = (resource.name, f.name)
            if f.type in PANDAS_DTYPES:
                assert got["dtypes"][f.name] in PANDAS_DTYPES[f.type], (where, got["dtypes"][f.name])
            required = f.required or f.name in resource.primary_key
            assert got["nullable"][f.name] is not required, where
            assert got["descriptions"][f.name] == f.description, where
        assert got["nulls"] == _blanks(resource), resource.name
    years = [
        int(r["deadline_year"]) if r["deadline_year"] else None
        for r in _rows(PACKAGE.resource("commitments"))
    ]
    # Rows are sorted by primary key in both the CSV and the Parquet file.
    assert read["commitments"]["deadline_year"] == years
    assert read["commitments"]["dtypes"]["deadline_year"] == "Int64"


@pytest.mark.subprocess
def test_polars_reads_types_and_nulls(dist):
    read = _read_with(dist, "polars", POLARS_READ)
    for resource in PACKAGE.resources:
        got = read[resource.name]
        expected = {f.name: POLARS_DTYPES[f.type] for f in resource.fields if f.type in POLARS_DTYPES}
        assert {c: got["dtypes"][c] for c in expected} == expected, resource.name
        assert got["nulls"] == _blanks(resource), resource.name


# --- R on the CSV files ------------------------------------------------------------------------------------


@pytest.mark.subprocess
def test_r_read_csv_reproduces_each_quote_from_its_offsets():
    rscript = shutil.which("Rscript")
    if rscript is None:
        _absent("R is not installed (bash .ci/run installs Debian's r-base-core as root)")
    # LC_ALL=C: the offsets must hold in any locale, not only a UTF-8 one.
    done = subprocess.run(
        [rscript, str(R_SCRIPT), str(REPO)],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "LC_ALL": "C", "LANG": "C"},
    )
    assert done.returncode == 0, done.stderr
    counts = {line.split()[0]: line.split()[1:] for line in done.stdout.splitlines()}
    for table in ("claims", "actor_aliases"):
        rows = len(_rows(PACKAGE.resource(table)))
        assert rows > 0 and counts[table] == [str(rows), str(rows)], (table, done.stdout)


@pytest.mark.subprocess
def test_r_script_fails_on_a_shifted_offset(package):
    """The R check can fail: one quote moved by a character is no longer reproduced."""
    rscript = shutil.which("Rscript")
    if rscript is None:
        _absent("R is not installed (bash .ci/run installs Debian's r-base-core as root)")
    path = package / "data" / "claims.csv"
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    start = rows[0].index("quote_start")
    rows[1][start] = str(int(rows[1][start]) + 1)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    done = subprocess.run([rscript, str(R_SCRIPT), str(package)], capture_output=True, text=True, check=False)
    claims = next(line.split() for line in done.stdout.splitlines() if line.startswith("claims"))
    assert int(claims[1]) == int(claims[2]) - 1, done.stdout


# --- the downloadable zip ------------------------------------------------------------------------------


def test_zip_holds_the_documents_beside_the_data(package, tmp_path):
    import zipfile

    from commitment_tracker.publish import codebook, site

    for name in ("README.md", "LICENSE", "CITATION.cff"):
        shutil.copy2(REPO / name, package / name)
    site.build_site(package, tmp_path / "site", validate_first=False)
    (zip_path,) = (tmp_path / "site" / "package").glob("*.zip")
    with zipfile.ZipFile(zip_path) as zf:
        members = {n.split("/", 1)[1]: zf.read(n) for n in zf.namelist()}
    for name in ("README.md", "LICENSE", "CITATION.cff"):
        assert members[name] == (REPO / name).read_bytes(), name
    # The codebook the README links to, generated from the descriptor (the same as docs/codebook.md).
    assert members[codebook.DOC_PATH] == (REPO / codebook.DOC_PATH).read_bytes()
    assert {"datapackage.json", "data/claims.csv"} <= members.keys()

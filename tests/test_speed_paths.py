"""The fast paths of validate (issue 17) give the verdicts of the slow ones they stand in for.

validate counts set-wise first and locates row by row only where a rule fails: record widths and
canonical form from the bytes (``csvbytes``), the Table Schema's row rules as counts before the
locating query, quotes at their offsets in polars, Great Expectations on distinct value
combinations with its frame hashing off, seeds read with each folder resolved once. Each test here
makes the fast path and the reference disagree if they ever could: the same verdict, the same rows.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import json
import os
import random
import re
import sys

import duckdb
import polars as pl
import pytest
from conftest import REPO, read_rows, run_cli, set_cell, write_rows

from commitment_tracker.datapackage import containment, csvio, schema
from commitment_tracker.validation import content, csvbytes, gx_session, rowchecks, structure
from commitment_tracker.validation.context import ValidationContext
from commitment_tracker.validation.validate import validate

# Bytes the csv module reads in every way a CSV can be tricky: quoted delimiters and newlines,
# doubled quotes, blank lines, a missing final newline, quotes where a field does not start.
LAYOUTS = [
    b"a,b\n1,2\n",
    b"a,b\n1,2,3\n",
    b'a,b\n"x,y",2\n',
    b'a,b\n"x\ny",2\n3\n',
    b"a,b\n\n1,2\n",
    b'a,b\n"x""y",2\n',
    b'a,b\n"",""\n',
    b"a,b\n1,2",
    b"a,b\n1",
    b'a,"b,c"\n1,2,3\n',
    b'"a\nb",c\n1,2\n',
    b'a,b\n"x,,,",2\n"y,,",3,4\n',
    b"a,b\n\n\n",
    b'a,b\nx"y,2\n',  # a quote inside an unquoted field: left to the reader
    b'a,b\n"x"y,2\n',  # text after a closing quote: the reader's error
    b'a,b\n"x",2\n"open,3\n',  # a quoted field never closed
    b"a,b\r\n1,2\r\n",  # CRLF: left to the reader
]


def _reference(data: bytes) -> tuple[int, bool] | None:
    """(header width, any non-empty record of another width) by Python's csv reader; None if it errs."""
    try:
        records = list(csv.reader(io.StringIO(data.decode(), newline=""), strict=True))
    except csv.Error:
        return None
    width = len(records[0])
    return width, any(r and len(r) != width for r in records[1:])


@pytest.mark.parametrize("data", LAYOUTS, ids=range(len(LAYOUTS)))
def test_record_widths_from_bytes_agree_with_the_csv_reader(data):
    layout = csvbytes.layout(data, ",", '"')
    reference = _reference(data)
    if layout.judged:
        assert reference == (layout.width, layout.ragged)
    else:  # not judged: validate reads the records with the csv reader itself
        assert b'"' in data or b"\r" in data


def test_a_ragged_row_is_counted_then_located_by_the_reader(package):
    header, rows = read_rows(package, "claims")
    rows[2].append("one too many")
    rows[5] = rows[5][:-1]
    write_rows(package, "claims", header, rows)
    check = next(c for c in validate(package).checks if c.check == "files")
    assert sorted((p.rule, p.row) for p in check.problems) == [("ragged-row", 4), ("ragged-row", 7)]


def _canonical(root, name: str) -> tuple[bool, bool]:
    """(set-wise verdict, rewrite verdict) for one resource's file."""
    package = schema.load_package(root)
    resource = package.resource(name)
    data = resource.file(root).read_bytes()
    text = csvio.read_table(root, resource)
    layout = csvbytes.layout(data, resource.dialect.delimiter, resource.dialect.quote_char)
    by_count = structure._canonical_by_count(layout if layout.judged else None, text, resource)
    return by_count, data == csvio.canonical_bytes(text, resource)


def _bytes_edit(edit):
    def apply(root):
        path = root / "data" / "claims.csv"
        path.write_bytes(edit(path.read_bytes()))

    return apply


def _swap_two_rows(root):
    header, rows = read_rows(root, "claims")
    rows[3], rows[4] = rows[4], rows[3]
    write_rows(root, "claims", header, rows)


@pytest.mark.parametrize(
    "edit",
    [
        _bytes_edit(lambda b: b),
        _bytes_edit(lambda b: re.sub(rb"\n([^,\n\"]+),", rb'\n"\1",', b, count=1)),  # needless quotes
        _bytes_edit(lambda b: b[:-1]),  # no final newline
        _bytes_edit(lambda b: b + b"\n"),  # a blank line at the end
        _bytes_edit(lambda b: b.replace(b"\n", b"\n\n", 1)),  # a blank line after the header
        _swap_two_rows,
        _bytes_edit(lambda b: b.replace(b",,", b',"",', 1)),  # an empty field quoted
        _bytes_edit(lambda b: re.sub(rb'\n([^,\n"]+),', rb'\n"\1""",', b, count=1)),  # a quote inside
    ],
    ids=[
        "canonical",
        "needless-quotes",
        "no-final-newline",
        "blank-end",
        "blank-inside",
        "unsorted",
        "quoted-empty",
        "quote-inside",
    ],
)
def test_canonical_form_by_count_agrees_with_the_rewrite(package, edit):
    edit(package)
    by_count, rewritten = _canonical(package, "claims")
    # The count may send a canonical file to the rewrite, never pass a file the rewrite fails.
    assert not by_count or rewritten
    assert by_count == rewritten


def test_canonical_file_with_quotes_and_line_breaks_passes_by_count(package):
    set_cell(package, "claims", 3, "notes", 'a "quoted", two-line\nnote')
    header, rows = read_rows(package, "claims")
    write_rows(package, "claims", header, rows)  # the csv writer quotes as the package does
    assert _canonical(package, "claims") == (True, True)


def test_a_field_quoted_only_for_its_quote_passes_by_count(package):
    set_cell(package, "claims", 3, "notes", 'say "hi"')
    header, rows = read_rows(package, "claims")
    write_rows(package, "claims", header, rows)
    assert _canonical(package, "claims") == (True, True)


def _sorted_by_sorting(text: pl.DataFrame, key: list[str]) -> bool:
    """The reference: sort (empty is missing, missing last, stable) and see that no row moved
    out of order."""
    keys = text.select(pl.when(pl.col(c) == "").then(None).otherwise(pl.col(c)).alias(c) for c in key)
    order = keys.with_row_index("__at").sort(key, nulls_last=True, maintain_order=True)
    return text.height < 2 or bool(order["__at"].diff().drop_nulls().min() == 1)


@pytest.mark.parametrize("seed", range(40))
def test_sorted_by_neighbours_agrees_with_sorting(seed):
    rng = random.Random(seed)
    cells = ["", None, "a", "b", "é", "B", "a-1", "a-10", "a-2"]
    rows = [[rng.choice(cells) for _ in range(3)] for _ in range(rng.randint(0, 6))]
    if seed % 2:  # half of them sorted, so both verdicts are exercised
        rows.sort(key=lambda r: [(v in ("", None), v or "") for v in r])
    text = pl.DataFrame(rows, schema=["k1", "k2", "k3"], orient="row")
    for key in (["k1"], ["k1", "k2"], ["k1", "k2", "k3"]):
        assert csvbytes.sorted_by(text, key) == _sorted_by_sorting(text, key), (rows, key)


URIS = [
    "https://example.org/dossiers/1",
    "http://example.org",
    "https://",
    "http://a b",  # a space: not a plain web address, judged by frictionless
    "https://exa%mple.org/%zz?q=[1]#frag'(x)*+,;=@!$&~",
    "https://example.org/é",
    "example.org/no-scheme",
    "not a uri",
    "1http://x",
    ":http://x",
    "HTTP://EXAMPLE.ORG",
    "https:x",
    "mailto:someone@example.org",
]


@pytest.mark.parametrize("seed", range(5))
def test_plain_web_addresses_are_what_frictionless_reads_as_uris(seed):
    """rowchecks hands frictionless's uri reader only values outside PLAIN_WEB_URI: every value
    inside it must be one the reader accepts."""
    import frictionless

    rng = random.Random(seed)
    alphabet = "abcXYZ019._~:/?#[]@!$&'()*+,;=%- é\\"
    schemes = ["http://", "https://", "http:", "ftp://", ""]
    values = URIS + [rng.choice(schemes) + "".join(rng.choices(alphabet, k=12)) for _ in range(300)]
    field = frictionless.Field.from_descriptor({"name": "u", "type": "string", "format": "uri"})
    read = field.create_cell_reader()
    for value in values:
        if re.fullmatch(rowchecks.PLAIN_WEB_URI, value):
            assert read(value)[1] is None, value


def test_canonical_body_size_is_what_the_writer_writes():
    values = ["plain", "with,comma", 'with "quote"', "two\nlines", "cr\rhere", "", None, "é ü", " lead"]
    text = pl.DataFrame({"a": values, "b": list(reversed(values))})
    written = text.write_csv(None, quote_style="necessary", null_value="", include_header=False)
    empties = sum(1 for column in text.columns for v in text[column] if v == "")
    # An empty text is written as a missing value (nothing), not as "" (csvio._text_column).
    assert csvbytes.canonical_body_size(text, ",", '"') == len(written.encode()) - 2 * empties


def test_failing_row_rules_are_located_with_their_rows(package):
    set_cell(package, "claims", 4, "quote_start", "1_0")  # type-error
    set_cell(package, "claims", 6, "quote_start", "-")  # type-error
    header, rows = read_rows(package, "claims")
    rows.insert(8, list(rows[7]))  # a repeated primary key, kept in key order
    write_rows(package, "claims", header, rows)
    check = next(c for c in validate(package).checks if c.check == "rows")
    located = {(p.rule, p.row, p.column) for p in check.problems}
    assert ("type-error", 4, "quote_start") in located
    assert ("type-error", 6, "quote_start") in located
    assert ("primary-key", 10, None) in located
    assert {rule for rule, _, _ in located} <= {"type-error", "primary-key", "unique-error", "foreign-key"}


def test_counting_key_and_reference_rules_apart_finds_the_same_problems(package, monkeypatch):
    """Large tables count their duplicate and reference rules one statement each (less memory):
    forced on the small package, the problems are those of the single counting statement."""
    from commitment_tracker.validation import rowchecks

    header, rows = read_rows(package, "claims")
    rows.insert(8, list(rows[7]))  # a repeated primary key
    write_rows(package, "claims", header, rows)
    set_cell(package, "claims", 12, "source_id", "src-nowhere")  # a broken reference
    set_cell(package, "claims", 14, "quote_start", "x")  # a type error

    def problems() -> list[tuple]:
        ctx = ValidationContext(root=package, package=schema.load_package(package), today=dt.date(2026, 1, 1))
        return [(p.rule, p.resource, p.row, p.column, p.message) for p in rowchecks.run(ctx).problems]

    together = problems()
    monkeypatch.setattr(rowchecks, "COUNT_APART_ROWS", 0)
    assert problems() == together
    assert {"primary-key", "foreign-key", "type-error"} <= {rule for rule, *_ in together}


def test_a_row_local_expectation_on_distinct_values_reports_every_row(package):
    header, rows = read_rows(package, "claims")
    blank_value = [n for n, r in enumerate(rows, start=2) if r[header.index("value")] == ""][:3]
    for row in blank_value:
        set_cell(package, "claims", row, "unit_id", "count")
    suite = content.suites.read_suite(content.suites.suite_path(package, "claims"))
    ctx = ValidationContext(root=package, package=schema.load_package(package), today=dt.date(2026, 1, 1))
    typed = ctx.typed_table("claims")
    # The unit rules read (unit_id, value): a few distinct pairs, not one frame row per claim.
    assert any(
        b.table is not None and b.frame.height < typed.height for b in content.suite_batches(suite, typed)
    )
    check = next(c for c in validate(package).checks if c.layer == "content" and c.check == "claims")
    assert sorted(p.row for p in check.problems if p.rule == "unit-needs-value") == blank_value


def test_row_local_expectations_judged_in_slices_report_what_the_whole_table_reports(package, monkeypatch):
    header, rows = read_rows(package, "claims")
    quote, start, end = (header.index(c) for c in ("quote", "quote_start", "quote_end"))
    for n in (3, 11, 12, 40):  # rows in several slices of 7, two in one slice
        rows[n][quote] += " "
    rows[25][end] = rows[25][start]  # quote_end must be past quote_start
    write_rows(package, "claims", header, rows)
    suite_path = content.suites.suite_path(package, "claims")
    suite = json.loads(suite_path.read_text(encoding="utf-8"))
    # An expectation GX cannot evaluate (an invalid regular expression) crashes on every slice.
    suite["expectations"].append(
        {
            "type": "expect_column_values_to_not_match_regex",
            "kwargs": {"column": "quote", "regex": "("},
            "meta": {"rule": "broken-regex", "why": "a test"},
        }
    )
    suite_path.write_text(json.dumps(suite), encoding="utf-8")

    def judged() -> tuple[int, list[tuple]]:
        check = next(c for c in validate(package).checks if c.layer == "content" and c.check == "claims")
        assert check.skipped_reason is None
        return check.checked, [(p.rule, p.row, p.column, p.value) for p in check.problems]

    whole = judged()
    monkeypatch.setattr(content, "SLICE_ROWS", 7)
    typed = ValidationContext(
        root=package, package=schema.load_package(package), today=dt.date(2026, 1, 1)
    ).typed_table("claims")
    assert len([b for b in content.suite_batches(suite, typed) if b.table is None]) > 3
    assert judged() == whole
    rules = [rule for rule, *_ in whole[1]]
    assert rules.count("expectation-error") == 1
    assert sorted(row for rule, row, column, _ in whole[1] if column == "quote" and row) == [5, 13, 14, 42]


def test_gx_frame_hashing_is_off_on_the_pinned_version_only(monkeypatch):
    import great_expectations as gx
    from great_expectations.execution_engine import pandas_execution_engine as engine

    monkeypatch.setattr(engine, "HASH_THRESHOLD", engine.HASH_THRESHOLD)  # restored after the test
    hashed = []
    original = engine.hash_pandas_dataframe
    monkeypatch.setattr(engine, "hash_pandas_dataframe", lambda df: hashed.append(len(df)) or original(df))
    assert not gx_session.skip_frame_hashing("2.0.0")  # another GX: left as it is
    session = gx_session.GXSession()
    assert session.hashing_skipped == gx.__version__.startswith(gx_session.HASHING_CHECKED_ON)
    frame = pl.DataFrame({"quote": ["ok", " padded"]})
    expectation = {
        "type": "expect_column_values_to_not_match_regex",
        "kwargs": {"column": "quote", "regex": r"^\s"},
        "meta": {"rule": "r", "why": "w"},
    }
    suite = {"name": "t", "expectations": [expectation]}
    (result,) = session.validate(suite, frame.to_arrow(), {}, complete=False)
    assert not result.success  # the verdict does not depend on the fingerprint
    assert bool(hashed) != session.hashing_skipped


def test_gx_without_the_pinned_constant_still_validates(monkeypatch, package):
    from great_expectations.execution_engine import pandas_execution_engine as engine

    monkeypatch.delattr(engine, "HASH_THRESHOLD")
    assert not gx_session.skip_frame_hashing(gx_session.HASHING_CHECKED_ON[0] + "1")
    monkeypatch.setattr(engine, "HASH_THRESHOLD", 1e9, raising=False)  # GX's own value: it hashes
    monkeypatch.setattr(gx_session, "skip_frame_hashing", lambda version: False)
    monkeypatch.setattr(gx_session, "WORKER_UP_TO_BYTES", -1)  # GX in this process, where the patches are
    set_cell(package, "claims", 5, "quote", lambda q: q + " ")
    check = next(c for c in validate(package).checks if c.layer == "content" and c.check == "claims")
    assert [(p.rule, p.row) for p in check.problems] == [("trimmed", 5)]


def test_quotes_checked_set_wise_find_a_shifted_offset_in_accented_text(package):
    header, rows = read_rows(package, "claims")
    accented = next(n for n, r in enumerate(rows, start=2) if not r[header.index("quote")].isascii())
    set_cell(package, "claims", accented, "quote_start", lambda s: str(int(s) + 1))
    set_cell(package, "claims", accented, "quote_end", lambda s: str(int(s) + 1))
    check = next(c for c in validate(package).checks if c.check == "claim-quotes")
    assert [(p.rule, p.row) for p in check.problems] == [("quote-offsets", accented)]
    assert "shifted by +1" in check.problems[0].message


@pytest.mark.skipif(sys.platform == "win32", reason="symbolic links")
def test_package_reader_refuses_what_read_package_file_refuses(package, tmp_path):
    outside = tmp_path / "secret.txt"
    outside.write_text("secret", encoding="utf-8")
    os.symlink(outside, package / "seeds" / "leak.txt")
    inner = next(p for p in sorted((package / "seeds").iterdir()) if p.name != "leak.txt")
    os.symlink(inner.name, package / "seeds" / "alias.txt")
    reader = containment.PackageReader(package)
    assert reader.read(f"seeds/{inner.name}") == inner.read_bytes()
    assert reader.read("seeds/alias.txt") == inner.read_bytes()  # a link inside is followed
    for relative in ("seeds/leak.txt", "../secret.txt", "seeds/missing.txt"):
        with pytest.raises(Exception) as slow:
            containment.read_package_file(package, relative)
        with pytest.raises(type(slow.value)) as fast:
            reader.read(relative)
        assert str(fast.value) == str(slow.value)
    entries = dict(containment.walk_files(package, "seeds"))
    assert entries["seeds/leak.txt"].rule == containment.OUTSIDE
    assert entries["seeds/alias.txt"] is None and entries[f"seeds/{inner.name}"] is None


def test_partitioned_parquet_reads_back_in_duckdb(tmp_path):
    out = tmp_path / "dist"
    result = run_cli("build", "--root", str(REPO), "--out", str(out), "--partition-by", "unit_id")
    assert result.exit_code == 0, result.output
    con = duckdb.connect(str(out / "commitments.duckdb"), read_only=True)
    for name in ("claims", "commitments", "units"):
        files = str(out / "partitioned" / name / "**" / "*.parquet")
        read = f"SELECT * FROM read_parquet('{files}', hive_partitioning = true)"
        columns = [r[0] for r in con.execute(f"DESCRIBE {name}").fetchall()]
        table = f"SELECT {', '.join(columns)} FROM {name}"
        both = f"SELECT {', '.join(columns)} FROM ({read})"
        compared = f"({table} EXCEPT ALL {both}) UNION ALL ({both} EXCEPT ALL {table})"
        assert con.execute(f"SELECT count(*) FROM ({compared})").fetchall() == [(0,)]
        assert any(p.name.startswith("unit_id=") for p in (out / "partitioned" / name).iterdir())


def test_partition_by_an_unknown_column_is_refused_before_anything_is_written(tmp_path):
    out = tmp_path / "dist"
    result = run_cli("build", "--root", str(REPO), "--out", str(out), "--partition-by", "unit")
    assert result.exit_code != 0
    assert 'no resource has that column. Did you mean "unit_id"?' in result.output
    assert not out.exists()


def test_rules_get_only_the_columns_they_name_and_every_column_for_a_star(tmp_path):
    from commitment_tracker.validation import rules

    package = schema.load_package(REPO)
    tables = {r.name: csvio.read_typed_table(REPO, r) for r in package.resources}
    parsed = [rules.parse_rule(p) for p in rules.rule_files(REPO)]
    kept = rules.columns_read(parsed, tables)
    assert kept is not None
    assert "notes" not in kept["claims"] and "rationale" not in kept["status_updates"]
    for rule in parsed:  # every column a rule names is handed to DuckDB
        words = set(re.findall(r"[a-z_][a-z0-9_]*", rule.sql.lower()))
        for name, frame in tables.items():
            assert {c for c in frame.columns if c in words} <= set(kept[name]), (rule.id, name)
    star = tmp_path / "every-claim.sql"
    star.write_text("-- title: t\n-- why: w\n-- checks: claims\nSELECT * FROM claims WHERE false\n")
    assert rules.columns_read([*parsed, rules.parse_rule(star)], tables) is None
    # count(*) reads no column: it does not widen the set
    count = tmp_path / "count.sql"
    count.write_text("-- title: t\n-- why: w\nSELECT count(*) AS resource, 1 AS row_number, 2 AS column_name")
    assert rules.columns_read([*parsed, rules.parse_rule(count)], tables) == kept


def test_a_rule_on_pruned_columns_reports_what_it_reports_on_every_column(package):
    from commitment_tracker.validation import rules

    header, rows = read_rows(package, "claims")
    valued = [i for i, r in enumerate(rows) if r[header.index("value_stated")]]
    set_cell(package, "claims", valued[0] + 2, "value", lambda v: v + "7")
    loaded = schema.load_package(package)
    tables = {r.name: csvio.read_typed_table(package, r) for r in loaded.resources}
    parsed = [rules.parse_rule(p) for p in rules.rule_files(package)]
    pruned, whole = rules.connect(tables, reads=parsed), rules.connect(tables)
    for rule in parsed:
        assert rules.run(pruned, rule).to_dicts() == rules.run(whole, rule).to_dicts(), rule.id
    assert rules.run(pruned, next(r for r in parsed if r.id == "value-stated-in-quote")).height == 1


def test_seed_texts_in_batches_read_as_a_dict_of_decoded_seeds_would(monkeypatch):
    from commitment_tracker.validation.provenance import SeedTextsBuilder, decode_seed

    monkeypatch.setattr(SeedTextsBuilder, "BATCH", 2)  # several batches, one part-filled
    seeds = [
        ("src-a", "L\u2019IA au Maroc\r\n".encode()),
        ("src-b", b""),
        ("src-x", b"caf\xe9"),  # Latin-1, not UTF-8
        ("src-c", "\U0001d538 astral, \u00e9, \u2019".encode()),
        ("src-a", b"second seed of a repeated source"),
        ("src-d", b"plain"),
        ("src-d", b"\xff a repeated source's last seed, not UTF-8"),
        ("src-y", "cut \u2019".encode()[:-1]),  # ends inside a character
    ]
    builder = SeedTextsBuilder()
    for label, (source_id, data) in enumerate(seeds):
        builder.add(source_id, data, label)
    texts, rejected = builder.build()
    expected = {}
    for source_id, data in seeds:
        with contextlib.suppress(UnicodeDecodeError):
            expected[source_id] = decode_seed(data)
    assert rejected == [(i, data) for i, (_, data) in enumerate(seeds) if i in (2, 6, 7)]
    assert sorted(texts.ids()) == sorted(expected)
    assert {s: texts.text(s) for s in texts.ids()} == expected
    assert dict(texts.frame.rows()) == expected and texts.frame.height == len(expected)
    assert "src-z" not in texts and "src-c" in texts and "src-x" not in texts
    assert texts.text("src-d") == "plain"
    # One chunk, however many batches: gathering a text per claim from several chunks copies it.
    assert texts.frame.get_column("text").n_chunks() == 1


def test_seed_texts_of_no_seed_are_empty():
    from commitment_tracker.validation.provenance import SeedTextsBuilder

    texts, rejected = SeedTextsBuilder().build()
    assert (texts.ids(), rejected, texts.frame.columns) == ([], [], ["source_id", "text"])
    assert "src-a" not in texts


@pytest.mark.parametrize("shape", ["chunks", "columns chunked apart", "one chunk", "empty"])
def test_frames_exported_along_their_chunks_read_as_the_whole_frame_does(shape):
    from commitment_tracker.validation.arrow_export import numbered_arrow

    parts = [
        pl.DataFrame({"id": [f"k-{i}" for i in range(n, n + 5)], "quote": ["\u2019A " * i for i in range(5)]})
        for n in (0, 5, 10)
    ]
    frame = pl.concat(parts, rechunk=False)
    if shape == "columns chunked apart":
        frame = frame.with_columns(pl.Series("n", range(frame.height), dtype=pl.Int32))
        assert len(frame["n"].chunk_lengths()) != len(frame["id"].chunk_lengths())
    elif shape == "one chunk":
        frame = frame.rechunk()
    elif shape == "empty":
        frame = frame.clear()
    table = numbered_arrow(frame, "__row", 2, pl.Int64)
    expected = frame.with_row_index("__row", offset=2).with_columns(pl.col("__row").cast(pl.Int64))
    assert pl.from_arrow(table).equals(expected)
    con = duckdb.connect()
    con.register("t", table)
    assert con.execute("SELECT * FROM t ORDER BY __row").fetchall() == expected.rows()
    if shape == "chunks":
        assert table.column("quote").num_chunks == 3  # along the frame's chunks, not joined into one

"""Provenance layer: archived seeds are intact and every quote is verbatim at its offsets.

Offsets are Python string offsets into the seed read as UTF-8 with ``newline=""`` (line ends kept
as they are), so ``seed_text[quote_start:quote_end] == quote`` for every claim and every alias.
"""

from __future__ import annotations

import dataclasses
import difflib
import hashlib
import re
from pathlib import Path
from typing import Generic, TypeVar

import polars as pl

from commitment_tracker import selectors
from commitment_tracker.datapackage import containment, paths
from commitment_tracker.text import shorten
from commitment_tracker.validation import utf8
from commitment_tracker.validation.context import TableUnavailable, ValidationContext
from commitment_tracker.validation.report import CheckResult

LAYER = "provenance"
# A warning, not a problem: the offsets still locate the quote exactly.
AMBIGUOUS = "quote-context-ambiguous"
SHOWN_CHARS = 80  # of a seed passage quoted in a problem
FIRST_ROW = 2  # the header is row 1
QUOTE_SLICE_ROWS = 500_000  # rows whose quotes are judged at once
Label = TypeVar("Label")


def decode_seed(data: bytes) -> str:
    """A seed's text exactly as offsets count it: UTF-8, line ends kept as they are."""
    return data.decode("utf-8")


def read_seed(path: Path) -> str:
    """A seed's text; ``path`` comes from ``paths.resolve`` (inside the package), and only a regular
    file is read (containment.py)."""
    return decode_seed(containment.read_bytes(Path(path)))


_SPACE = re.compile(r"\s+")


def explain_mismatch(seed_text: str, quote: str, start: int, end: int) -> str:
    """Say why ``seed_text[start:end] != quote`` and what the right offsets are, if any."""
    notes = []
    if not 0 <= start <= end <= len(seed_text):
        notes.append(f"offsets {start}:{end} fall outside the seed (length {len(seed_text)})")
    else:
        notes.append(f"seed[{start}:{end}] is {shorten(seed_text[start:end], SHOWN_CHARS)!r}")
    if end - start != len(quote):
        notes.append(f"the quote has {len(quote)} characters but the offsets span {end - start}")
    found = [m.start() for m in re.finditer(re.escape(quote), seed_text)] if quote else []
    if found:
        nearest = min(found, key=lambda at: abs(at - start))
        shift = start - nearest
        where = f"quote found at {nearest}:{nearest + len(quote)}"
        if len(found) > 1:
            where += f" (one of {len(found)} occurrences)"
        if shift:
            where += f" — offsets shifted by {shift:+d}"
        notes.append(f"{where}; set quote_start={nearest}, quote_end={nearest + len(quote)}")
        return "; ".join(notes)
    notes.extend(explain_absence(seed_text, quote))
    return "; ".join(notes)


def explain_absence(seed_text: str, quote: str) -> list[str]:
    """For a quote that is not in the seed verbatim: a whitespace hint and the nearest passage."""
    notes = []
    squeezed_quote = _SPACE.sub(" ", quote).strip()
    if squeezed_quote and squeezed_quote in _SPACE.sub(" ", seed_text):
        notes.append(
            "the quote matches the seed only with whitespace normalised: copy the seed's text "
            "verbatim (line breaks, non-breaking or double spaces included)"
        )
    matcher = difflib.SequenceMatcher(None, seed_text, quote, autojunk=False)
    match = matcher.find_longest_match(0, len(seed_text), 0, len(quote))
    if match.size:
        at = max(0, match.a - match.b)
        passage = seed_text[at : at + len(quote)]
        ratio = difflib.SequenceMatcher(None, passage, quote, autojunk=False).ratio()
        notes.append(
            f"quote not found verbatim; nearest passage at {at}:{at + len(passage)} "
            f"({ratio:.0%} similar): {shorten(passage, SHOWN_CHARS)!r}"
        )
    else:
        notes.append("quote not found verbatim; no similar passage in this seed")
    return notes


def run(ctx: ValidationContext) -> list[CheckResult]:
    seeds, seed_check = check_seeds(ctx)
    return [
        seed_check,
        check_seed_coverage(ctx),
        check_quotes(ctx, seeds, "claims", "quote", "claim-quotes", "claim's quote"),
        check_quotes(ctx, seeds, "actor_aliases", "alias", "alias-quotes", "alias's text"),
    ]


@dataclasses.dataclass(frozen=True)
class SeedTexts:
    """source_id -> seed text, held as one polars column of UTF-8, the seeds' own encoding.

    Python would hold each text with 2 or 4 bytes per character (the seeds' typographic
    apostrophes are outside Latin-1), and the quote checks need the polars column anyway: at 10^7
    claims (200,000 seeds) that is gigabytes not held twice. A seed becomes a Python string only
    for the few rows judged one by one. Built by ``SeedTextsBuilder``.
    """

    frame: pl.DataFrame  # source_id, text: one row per source_id
    index: dict[str, int]  # source_id -> its row in ``frame``

    def __contains__(self, source_id: object) -> bool:
        return source_id in self.index

    def ids(self) -> list[str]:
        return list(self.index)

    def text(self, source_id: str) -> str:
        return self.frame["text"][self.index[source_id]]


class SeedTextsBuilder(Generic[Label]):
    """Collects seeds as bytes and judges them UTF-8 a batch at a time, as polars casts them to
    text: the seeds' one UTF-8 check. It runs at several GB/s, where decoding each seed in Python,
    or an Arrow validation per seed, took 0.2 s for the 20,000 seeds (70 MB) of 10^6 claims; only
    a batch polars refuses is judged seed by seed, to find which are not UTF-8.

    A seed that is not UTF-8 is left out and given back by ``build`` with the caller's label, to be
    located and reported; a source_id listed twice keeps its last UTF-8 seed, as a dict would.
    """

    BATCH = 2_000  # seeds kept as bytes before they join the column

    def __init__(self) -> None:
        self._ids: list[str] = []
        self._labels: list[Label] = []
        self._pending: list[bytes] = []
        self._parts: list[pl.DataFrame] = []
        self._rejected: list[tuple[Label, bytes]] = []

    def add(self, source_id: str, data: bytes, label: Label) -> None:
        self._ids.append(source_id)
        self._labels.append(label)
        self._pending.append(data)
        if len(self._pending) >= self.BATCH:
            self._flush()

    def _flush(self) -> None:
        if not self._pending:
            return
        ids, labels, pending = self._ids, self._labels, self._pending
        self._ids, self._labels, self._pending = [], [], []
        try:
            texts = _as_text(pending)
        except pl.exceptions.ComputeError:  # the batch holds a seed that is not UTF-8: which?
            bad = {i for i, data in enumerate(pending) if not utf8.is_valid(data)}
            if not bad:
                raise
            self._rejected.extend((labels[i], pending[i]) for i in sorted(bad))
            ids = [source_id for i, source_id in enumerate(ids) if i not in bad]
            texts = _as_text([data for i, data in enumerate(pending) if i not in bad])
        self._parts.append(pl.DataFrame({"source_id": pl.Series(ids, dtype=pl.String), "text": texts}))

    def build(self) -> tuple[SeedTexts, list[tuple[Label, bytes]]]:
        """The seeds' texts, and (label, bytes) of each seed that is not UTF-8, in the order added."""
        self._flush()
        parts, rejected = self._parts, self._rejected
        self._parts, self._rejected = [], []
        # Joined into one chunk: the quote checks gather each claim's seed text, which shares the
        # column's buffers only from one chunk (from the batches' chunks it copied a text per
        # claim: +3.5 GiB at 10^6). Joining copies no text either: the chunk keeps the batches'
        # buffers (at 10^7, 702 MiB of seeds held +731 MiB; one buffer grown seed by seed, +776).
        # A source_id listed twice is dropped by a filter only when there is one, instead of
        # ``unique`` hashing every id.
        frame = (
            pl.concat(parts, rechunk=True)
            if parts
            else pl.DataFrame(schema={"source_id": pl.String, "text": pl.String})
        )
        last = frame.get_column("source_id").is_last_distinct()
        if not last.all():
            frame = frame.filter(last)
        index = {source_id: i for i, source_id in enumerate(frame["source_id"].to_list())}
        return SeedTexts(frame, index), rejected


def _as_text(seeds: list[bytes]) -> pl.Series:
    """The seeds as one text column; polars refuses (ComputeError) if one is not UTF-8."""
    return pl.Series(seeds, dtype=pl.Binary).cast(pl.String)


def check_seeds(ctx: ValidationContext) -> tuple[SeedTexts, CheckResult]:
    """Each source's seed exists, matches its SHA-256 and is UTF-8; returns each such seed's text."""
    result = CheckResult(
        LAYER, "seed-files", "each source's seed file exists and matches seed_sha256", unit="sources"
    )
    builder: SeedTextsBuilder[tuple[int, str]] = SeedTextsBuilder()
    try:
        sources = ctx.text_table("sources")
    except TableUnavailable as exc:
        result.skipped_reason = str(exc)
        return builder.build()[0], result
    reader = containment.PackageReader(ctx.root)  # seeds/ resolved once, not once per seed
    # Three columns as lists, not a dict per row (the loop runs once per seed: 200,000 at 10^7).
    columns = (sources.get_column(name).to_list() for name in ("source_id", "seed_path", "seed_sha256"))
    for row, (source_id, seed_path, recorded) in enumerate(zip(*columns, strict=True), start=FIRST_ROW):
        result.checked += 1
        if not source_id or not seed_path:
            continue  # required fields: the structure layer reports them
        where = {"resource": "sources", "row": row}
        try:
            # Read once: hashed here, judged UTF-8 and kept as text by the builder.
            data = reader.read(seed_path)
        except containment.ContainmentError as exc:
            result.problem(exc.rule, str(exc), column="seed_path", value=seed_path, **where)
            continue
        except FileNotFoundError:
            result.problem(
                "seed-missing",
                f"{seed_path} does not exist: restore the archived text or fix seed_path",
                column="seed_path",
                value=seed_path,
                **where,
            )
            continue
        except OSError as exc:
            result.problem(
                "seed-unreadable",
                f"{seed_path} cannot be read: {exc.strerror or exc}",
                column="seed_path",
                value=seed_path,
                **where,
            )
            continue
        actual = hashlib.sha256(data).hexdigest()
        if actual != recorded:
            result.problem(
                "seed-sha256",
                f"SHA-256 of {seed_path} is {actual}; seeds are never edited: restore the file from "
                "git, or if this is a new capture record it as a new source",
                column="seed_sha256",
                value=recorded,
                **where,
            )
        builder.add(source_id, data, (row, seed_path))
    texts, not_utf8 = builder.build()
    if not_utf8:
        _report_not_utf8(result, not_utf8)
    return texts, result


def _report_not_utf8(result: CheckResult, seeds: list[tuple[tuple[int, str], bytes]]) -> None:
    """A problem for each seed that is not UTF-8, at the first bad byte, put in row order among the
    others (stable: after its row's SHA-256 problem)."""
    # Decoded in Python only to locate the byte.
    for (row, seed_path), data in seeds:
        at = utf8.first_error(data).start
        result.problem(
            "seed-encoding",
            f"{seed_path} is not UTF-8 (byte {at}); quote offsets cannot be checked",
            resource="sources",
            row=row,
            column="seed_path",
            value=seed_path,
        )
    result.problems.sort(key=lambda p: p.row)


def check_seed_coverage(ctx: ValidationContext) -> CheckResult:
    result = CheckResult(
        LAYER, "seed-coverage", "every file in seeds/ is referenced by a source", unit="seed files"
    )
    try:
        sources = ctx.text_table("sources")
    except TableUnavailable as exc:
        result.skipped_reason = str(exc)
        return result
    referenced = {p for p in sources["seed_path"].to_list() if p}
    try:
        entries = list(containment.walk_files(ctx.root, paths.SEEDS_DIRNAME))
    except containment.ContainmentError as exc:
        result.problem(exc.rule, str(exc), resource=paths.SEEDS_DIRNAME, value=paths.SEEDS_DIRNAME)
        return result
    for rel, refused in entries:
        result.checked += 1
        if refused is not None:
            if rel not in referenced:  # a referenced one is reported by the seed-files check
                result.problem(refused.rule, str(refused), resource=paths.SEEDS_DIRNAME, value=rel)
            continue
        if rel not in referenced:
            result.problem(
                "seed-unreferenced",
                f"{rel} is not the seed_path of any source: add a row to sources.csv or remove the file",
                resource=paths.SEEDS_DIRNAME,
                value=rel,
            )
    return result


def check_quotes(
    ctx: ValidationContext, seeds: SeedTexts, resource: str, column: str, check: str, what: str
) -> CheckResult:
    result = CheckResult(
        LAYER, check, f"each {what} equals its seed's text at [quote_start:quote_end]", unit="rows"
    )
    try:
        table = ctx.text_table(resource)
    except TableUnavailable as exc:
        result.skipped_reason = str(exc)
        return result
    # Typed as the schema types them: an offset not written as a canonical integer (1_0, " 10")
    # is a type-error of the structure layer and missing here, never read as Python's int() would.
    typed = ctx.typed_table(resource)
    suspects, repeated = [], []
    # A slice at a time: judging a quote slices its seed's text into a new column, as many bytes
    # as the quotes (at 10^7 claims, 0.8 GB at once had become the run's peak).
    for first in range(0, table.height, QUOTE_SLICE_ROWS):
        rows = _quote_rows(table, typed, column, seeds, first)
        result.checked += rows.height
        suspects.extend(_suspects(rows).iter_rows())
        repeated.extend(_repeated(rows).iter_rows())
    for row, source_id, quote, start, end in suspects:
        text = seeds.text(source_id)
        if start < 0 or text[start:end] != quote:
            result.problem(
                "quote-offsets",
                explain_mismatch(text, quote, start, end),
                resource=resource,
                row=row,
                column=column,
                value=quote,
            )
    # Only a quote found more than once in its seed can have a context that does not tell its
    # places apart; counted set-wise, so a package of distinct quotes pays for no Python loop.
    for row, source_id, quote, start, end in repeated:
        text = seeds.text(source_id)
        if start >= 0 and text[start:end] == quote and (twins := selectors.indistinct_from(text, start, end)):
            result.warn(
                AMBIGUOUS,
                f"the passage also occurs at offset {twins[0]} of its seed with the same "
                f"{selectors.CONTEXT} characters before and after, so its TextQuoteSelector "
                "(export-annotations) cannot tell the two places apart; quote a longer passage",
                resource=resource,
                row=row,
                column=column,
                value=quote,
            )
    return result


def _quote_rows(
    table: pl.DataFrame, typed: pl.DataFrame, column: str, seeds: SeedTexts, first: int
) -> pl.DataFrame:
    """The rows from index ``first`` (QUOTE_SLICE_ROWS of them) with a quote to judge: row,
    source_id, quote, start, end, and their seed's ``text``."""
    table, typed = table.slice(first, QUOTE_SLICE_ROWS), typed.slice(first, QUOTE_SLICE_ROWS)
    row = FIRST_ROW + first
    rows = pl.DataFrame(
        {
            "row": pl.int_range(row, row + table.height, eager=True),
            "source_id": table["source_id"],
            "quote": table[column],
            "start": typed["quote_start"],
            "end": typed["quote_end"],
        }
    )
    # Joining copies no text (string views share buffers). A row left without a seed's text
    # (unknown source, unreadable seed), a quote or an offset is reported elsewhere.
    rows = rows.join(seeds.frame, on="source_id", how="left", maintain_order="left")
    return rows.filter(pl.all_horizontal(pl.all().is_not_null()))


def _suspects(rows: pl.DataFrame) -> pl.DataFrame:
    """The rows (joined with their seed's ``text``) whose quote may not be at its offsets.

    Judged set-wise in polars: a seed's text sliced at ``start`` for ``len(quote)`` characters
    (Unicode code points, as Python counts them) equal to the quote, with ``start >= 0`` and
    ``end - start == len(quote) > 0``, means ``text[start:end] == quote``. Only the rows this does
    not vouch for are judged one by one, with Python's own slice.
    """
    length = pl.col("quote").str.len_chars()
    vouched = (
        (pl.col("start") >= 0)
        & (pl.col("end") - pl.col("start") == length)
        & (length > 0)
        & (pl.col("text").str.slice(pl.col("start"), length) == pl.col("quote"))
    )
    return rows.filter(~vouched).drop("text")


def _repeated(rows: pl.DataFrame) -> pl.DataFrame:
    """The rows (joined with their seed's ``text``) whose quote occurs more than once in it.

    Counted (non-overlapping matches, a scan of the whole seed per row) only where the seed is
    long enough to hold the quote twice; the lengths are known without reading a byte.
    """
    room = pl.col("text").str.len_bytes() >= 2 * pl.col("quote").str.len_bytes()
    return (
        rows.filter(room)
        .filter(pl.col("text").str.count_matches(pl.col("quote"), literal=True) > 1)
        .drop("text")
    )

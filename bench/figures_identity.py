"""The figure grammar's verdicts before and after a change, on every claim the rules read.

    python bench/figures_identity.py --reference OLD_FIGURES.py [--package /tmp/benchpk/pkg-1000000]
        [--cache /tmp/figures_reference.pkl] [--limit N]

``OLD_FIGURES.py`` is an earlier commitment_tracker/figures.py (``git show
77937ab:commitment_tracker/figures.py > /tmp/figures_old.py``), loaded as a module of its own. For
every claim of the bench package and of the real package that has a quote and a value, the three
functions the SQL rules call must answer the same: ``states_figure(quote, value_stated, value,
unit_id, qualifier)`` (value-stated-in-quote), ``states_value(quote, value, unit_id, qualifier)``
(value-not-in-quote) and ``describe(find_figures(quote))`` (the detail of both). Then texts built to
sit on the grammar's edges (``figures_corpus.TRICKY`` and ``adversarial``, the seed texts): every
figure the reference reads in them is asked back through ``states_figure`` with its own reading and
with a wrong value, unit and qualifier, and with its digits alone. The reference's answers on the
bench package take minutes: ``--cache`` keeps them. Run from the worktree root.
"""

from __future__ import annotations

import argparse
import glob
import os
import pickle
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from figures_corpus import ROOT, TRICKY, adversarial, load

from commitment_tracker import figures


def claim_rows(path: Path) -> list[tuple]:
    """(quote, value_stated, value, unit_id, qualifier) of each claim with a quote and a value."""
    import polars as pl

    columns = ["quote", "value_stated", "value", "unit_id", "qualifier"]
    df = pl.read_csv(path, columns=columns, infer_schema_length=0)
    df = df.filter(pl.col("quote").is_not_null() & pl.col("value").is_not_null())
    return list(
        zip(
            *(df[c] for c in columns[:2]),
            df["value"].cast(pl.Float64),
            *(df[c] for c in columns[3:]),
            strict=True,
        )
    )


def verdicts(module, rows: list[tuple]) -> list[tuple]:
    """What the rules would get from ``module`` for each claim."""
    out = []
    for quote, stated, value, unit_id, qualifier in rows:
        figure = None if stated is None else module.states_figure(quote, stated, value, unit_id, qualifier)
        out.append(
            (
                figure,
                module.states_value(quote, value, unit_id, qualifier),
                module.describe(module.find_figures(quote)),
            )
        )
    return out


def questions(module, texts: list[str]) -> list[tuple]:
    """``states_figure`` arguments about every figure ``module`` reads in ``texts``: its own reading,
    and one wrong in value, unit or qualifier, and its digits alone."""
    asked = []
    for text in texts:
        for f in module.find_figures(text):
            other_unit = "usd" if f.unit_id == "mad" else "mad"
            other_qualifier = module.MORE_THAN if f.qualifier == module.EXACTLY else module.EXACTLY
            asked += [
                (text, f.text, f.value, f.unit_id, f.qualifier),
                (text, f.text, f.value, None, None),
                (text, f.text, f.value * 1000, f.unit_id, None),
                (text, f.text, f.value, other_unit, None),
                (text, f.text, f.value, f.unit_id, other_qualifier),
            ]
            digits = "".join(c for c in f.text if c.isdigit())
            if digits and digits != f.text:
                asked.append((text, digits, f.value, None, None))
    return asked


def differences(label: str, rows: list[tuple], before: list, after: list) -> int:
    wrong = [i for i, (b, a) in enumerate(zip(before, after, strict=True)) if b != a]
    for i in wrong[:5]:
        print(f"DIFFERENT {label}: {rows[i]!r}\n  before {before[i]}\n  after  {after[i]}")
    print(f"{label}: {len(rows)} rows, {len(wrong)} differences")
    return len(wrong)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reference", required=True)
    parser.add_argument("--package", default="/tmp/benchpk/pkg-1000000")
    parser.add_argument("--cache")
    parser.add_argument("--limit", type=int)
    parser.add_argument("--adversarial", type=int, default=3000, help="texts built from the edge pieces")
    args = parser.parse_args()
    reference = load(args.reference)
    print(f"load average {os.getloadavg()[0]:.2f}")
    bench = claim_rows(Path(args.package) / "data" / "claims.csv")[: args.limit]
    if args.cache and Path(args.cache).exists():
        cached = pickle.loads(Path(args.cache).read_bytes())
    else:
        start = time.process_time()
        cached = verdicts(reference, bench)
        print(f"reference on the bench package: {time.process_time() - start:.1f} s CPU")
        if args.cache:
            Path(args.cache).write_bytes(pickle.dumps(cached))
    found = 0
    start = time.process_time()
    found += differences("bench package", bench, cached[: len(bench)], verdicts(figures, bench))
    print(f"  this grammar: {time.process_time() - start:.1f} s CPU")
    real = claim_rows(ROOT / "data" / "claims.csv")
    found += differences("real package", real, verdicts(reference, real), verdicts(figures, real))
    texts = list(TRICKY) + adversarial(args.adversarial)
    for path in sorted(glob.glob(str(ROOT / "seeds" / "*.txt"))):
        seed = Path(path).read_text(encoding="utf-8")
        texts += [seed, *(line for line in seed.splitlines() if line.strip())]
    asked = questions(reference, texts)
    start = time.process_time()
    before = [reference.states_figure(*q) for q in asked]
    middle = time.process_time()
    after = [figures.states_figure(*q) for q in asked]
    found += differences("edge texts", asked, before, after)
    seconds = middle - start, time.process_time() - middle
    print(f"  {len(texts)} texts; reference {seconds[0]:.1f} s CPU, this grammar {seconds[1]:.1f} s")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())

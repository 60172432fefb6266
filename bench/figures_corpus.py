"""Differential corpus for the figure grammar: the same figures before and after a change.

    python bench/figures_corpus.py dump OUT.pkl
        every figure ``find_figures`` reads (lang None, fr, en) in the seed texts and their lines,
        every quote of data/claims.csv, 60,000 distinct synthetic quotes of a bench package
        (``--package``, default /tmp/bench6) and the string literals of the figure tests.
    python bench/figures_corpus.py compare BEFORE.pkl [--reference OLD_FIGURES.py]
        the texts of BEFORE.pkl read again by this worktree's grammar: 0 differences expected. With
        ``--reference`` (a copy of an earlier commitment_tracker/figures.py, e.g.
        ``git show 669eced:commitment_tracker/figures.py > /tmp/figures_orig.py``) also adversarial
        texts (dates, times, phone numbers, lists of articles, URLs, ranges, numbers at the edges of
        the grammar's look-behind windows, long texts full of digits) read by both.

Run from the worktree root, so that this worktree's ``commitment_tracker`` is imported.
"""

from __future__ import annotations

import argparse
import glob
import importlib.util
import pickle
import random
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from commitment_tracker import figures

ROOT = Path(__file__).resolve().parents[1]
LANGS = (None, "fr", "en")


def rows(module, text: str) -> list[list[tuple] | str]:
    """What ``module.find_figures`` reads in ``text``, for each language (or the error it raises)."""
    return [_row(module, text, lang) for lang in LANGS]


def _row(module, text: str, lang: str | None) -> list[tuple] | str:
    try:
        found = module.find_figures(text, lang)
    except Exception as error:  # the same error before and after counts as the same reading
        return f"{type(error).__name__}: {error}"
    return [(f.start, f.end, f.value, f.unit_id, f.qualifier, f.deadline_year, f.text) for f in found]


def corpus(package: str) -> list[str]:
    import polars as pl

    texts = []
    for p in sorted(glob.glob(str(ROOT / "seeds" / "*.txt"))):
        t = Path(p).read_text(encoding="utf-8")
        texts.append(t)
        texts += [line for line in t.splitlines() if line.strip()]
    texts += pl.read_csv(ROOT / "data" / "claims.csv", infer_schema_length=0)["quote"].drop_nulls().to_list()
    df = pl.read_csv(f"{package}/data/claims.csv", n_rows=300000, infer_schema_length=0)
    texts += df["quote"].drop_nulls().unique(maintain_order=True).head(60000).to_list()
    for p in ("test_figures.py", "test_speed_paths2.py", "test_propose.py", "test_figures_frozen.py"):
        if (ROOT / "tests" / p).exists():
            src = (ROOT / "tests" / p).read_text(encoding="utf-8")
            texts += [m.group(2) for m in re.finditer(r'(["\'])((?:(?!\1).){3,300})\1', src)]
    return texts


# Pieces of adversarial texts: what the grammar treats specially, and what it must still read.
_PIECES = [
    "le 15 septembre 2026",
    "1er juillet",
    "1-2 juillet",
    "du 3 au 5 mars",
    "le 1er et 2 juin",
    "July 1, 2025",
    "2025-07-01",
    "01/07/2025",
    "1.7.25",
    "3 - 4 - 2025",
    "10h30",
    "9 h",
    "14:00",
    "19:05:00",
    "à 8h",
    "+212 5 37 68 71 00",
    "00212 5 37 68 71 00",
    "05 37 68 71 00",
    "0537-123456",
    "tél. 0661 22 33 44",
    "articles 3, 4 et 12",
    "article 12",
    "loi n° 09-08",
    "loi 09-08 et 10 millions",
    "décret n° 2.20.123",
    "pages 4 à 7",
    "p. 12",
    "pp. 3-5",
    "§ 4",
    "n° 7",
    "no. 3",
    "programme n°12",
    "art. 5",
    "https://exemple.ma/rapport?id=2024&n=12",
    "www.site.ma/page/3",
    "x == 1",
    "v=1.36",
    "a >= 3",
    "+5",
    "entre 10 et 20 milliards",
    "entre 10 milliards et 20 milliards de dirhams",
    "de 10 à 20 %",
    "between 3 and 5 GW",
    "10 to 20 millions",
    "5-7 MW",
    "2025-2030",
    "d'ici 2030",
    "à l'horizon 2030",
    "by 2027",
    "avant fin 2026",
    "plus de 2000",
    "plus de 1 500 emplois",
    "au moins 3 000",
    "près de 40%",
    "environ 1,5 milliard",
    "jusqu'à 12 MW",
    "moins de 5 %",
    "s'articulent autour de 13 verticales",
    "autour de 7 axes",
    "une dizaine",
    "un millier",
    "a dozen",
    "cent mille",
    "quatre-vingt-dix",
    "vingt et un",
    "two hundred and five",
    "un million et demi",
    "11 milliards de dirhams",
    "16 GW",
    "15%",
    "103 %",
    "$5M",
    "MAD 11bn",
    "€3",
    "USD 5 million",
    "2,5 MMDH",
    "300 MDH",
    "1 234,5 DH",
    "1,234.5 dollars",
    "240.000",
    "100\u202f000",
    "100\u00a0000",
    "1'000",
    "1,5",
    "2.75",
    "4 TWh",
    "12 kilowatts",
    "3 mégawatts-heures",
    "5 k",
    "5k",
    "plan B",
    "2 B",
    "$2B",
    "COP22",
    "5G",
    "G20",
    "COVID-19",
    "x2",
    "industrie 4.0",
    "Web 3.0",
    "3ème",
    "21st",
    "4x4",
    "n°0",
    "Mds",
    "1 milliard",
    "2 billions",
    "3 trillion",
    "et demi",
    "pour cent",
    "per cent",
    "pct",
    "15 000 000",
    "0,5",
    "Tél : 05 22 33 44 55.",
    "le 12/03",
    "le 2 mai.",
    "mai 2025",
    "en 2024,",
    "1 450 MW",
    "123456789012",
    "1.234.567,89",
    "12.5.3",
    "1,2,3",
    "n o 5",
    "n.5",
    "vol. 2",
    "numéros 3 et 4",
    "chapitres 2 à 4",
    "titre II",
    "Imane El Alaoui 15216",
    "s\u2019établit à 67\u202f027\u202f435 postes",
    "l\u2019indicateur n° 0",
    "le taux\n12",
    "+\n5",
    "=\n3",
    "sept 12",
    "sept. 12",
    "septembres 3",
    "jun 5",
    "june 5th",
    "mars 3 et 4",
    "dec. 5",
    "décrets 3 et 4 millions",
    "article\n12",
]
_GLUE = [" ", " ", " ", ", ", ". ", " et ", " - ", "\n", "; ", " (", ") ", "\u00a0", " : ", "", "\u2019"]


def adversarial(n: int, seed: int = 17) -> list[str]:
    """``n`` texts made of the pieces above, with padding that moves them across window edges."""
    rng = random.Random(seed)
    texts = list(_PIECES)
    for i in range(n):
        parts = []
        for _ in range(rng.randint(1, 8 if i % 10 else 40)):
            if rng.random() < 0.3:
                pads = ["x" * rng.randint(0, 70), " " * rng.randint(1, 35), "mot " * rng.randint(1, 9)]
                parts.append(rng.choice(pads))
            if rng.random() < 0.2:
                parts.append(str(rng.randint(0, 10 ** rng.randint(1, 12))))
            parts.append(rng.choice(_PIECES))
            parts.append(rng.choice(_GLUE))
        texts.append("".join(parts))
    return texts


def load(path: str):
    spec = importlib.util.spec_from_file_location("figures_reference", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def compare(label: str, texts: list[str], expected: list, module) -> int:
    t = time.process_time()
    differences = 0
    for i, text in enumerate(texts):
        got = rows(module, text)
        if got != expected[i]:
            differences += 1
            if differences <= 5:
                print(f"DIFFERENT {label} #{i}: {text[:200]!r}\n  before {expected[i]}\n  after  {got}")
    print(f"{label}: {len(texts)} texts, {differences} differences ({time.process_time() - t:.1f} s CPU)")
    return differences


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["dump", "compare"])
    parser.add_argument("pickle")
    parser.add_argument("--package", default="/tmp/bench6")
    parser.add_argument("--reference")
    parser.add_argument("--adversarial", type=int, default=40000)
    args = parser.parse_args()
    if args.mode == "dump":
        texts = corpus(args.package)
        out = [row for t in texts for row in rows(figures, t)]
        Path(args.pickle).write_bytes(pickle.dumps((texts, out)))
        print(len(texts), "texts", sum(map(len, out)), "figures")
        return 0
    texts, out = pickle.loads(Path(args.pickle).read_bytes())
    expected = [out[3 * i : 3 * i + 3] for i in range(len(texts))]
    differences = compare("corpus", texts, expected, figures)
    if args.reference:
        reference = load(args.reference)
        texts = adversarial(args.adversarial)
        differences += compare("adversarial", texts, [rows(reference, t) for t in texts], figures)
    return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main())

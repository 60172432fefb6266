"""Differential corpus for the figure grammar: the same figures before and after a change.

    python bench/figures_corpus.py dump OUT.pkl
        every figure ``find_figures`` reads (lang None, fr, en) in the seed texts and their lines,
        every quote of data/claims.csv, 60,000 distinct synthetic quotes of a bench package
        (``--package``, default /tmp/bench6) and the string literals of the figure tests.
    python bench/figures_corpus.py freeze tests/fixtures/figures_frozen.json --reference OLD_FIGURES.py
        the figures and folded view the reference grammar reads in the tricky texts below, frozen
        for tests/test_figures_frozen.py.
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
import json
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
# Texts on the edges of what a faster grammar must read the same (tests/test_figures_frozen.py).
TRICKY = [
    "Selon Imane El Alaoui 15216, l\u2019indicateur n\u00b0 0 s\u2019\u00e9tablit \u00e0 "
    "67\u202f027\u202f435 postes.",
    "les articles 3, 4 et 12 pr\u00e9voient 10 millions de dirhams",
    "loi 09-08 et 10 millions; d\u00e9crets 3 et 4 millions; d\u00e9cret 3 et 4 millions",
    "programme n\u00b012 : 300 MDH, no. 3 and 5 GW, \u00a7 4 : 15 %, n o 5, n.5, vol. 2, p. 12, pp. 3-5",
    "num\u00e9ros 3 et 4, chapitres 2 \u00e0 4, titre 7, annexe 2 et 40 emplois",
    "voir https://exemple.ma/rapport?id=2024&n=12 pour 40 000 emplois et 3 GW",
    "x == 1 et v=1.36 puis a >= 3 et +5 et +\n5 et =\n3 et < 7 et 8",
    "le 15 septembre 2026, 1er juillet, 1-2 juillet, du 3 au 5 mars, le 1er et 2 juin : 7 projets",
    "r\u00e9union 12" + " " * 24 + "septuag\u00e9naires et 12" + " " * 24 + "septembre, puis 40 salles",
    "\u00e0 10h30, 9 h, 14:00, 19:05:00 et \u00e0 8h il y aura 300 bus",
    "+212 5 37 68 71 00, 00212 5 37 68 71 00, 05 37 68 71 00, 0537-123456 et 25 agences",
    "2025-07-01, 01/07/2025, 1.7.25 et 3 - 4 - 2025 : 12 projets",
    "July 1, 2025: 5 billion dollars; June 12 3 GW; mars 3 et 4 puis sept. 12 et dec. 5",
    "entre 10 et 20 milliards de dirhams, de 10 \u00e0 20 %, between 3 and 5 GW, 10 to 20 millions, 5-7 MW",
    "xplus de" + " " * 23 + "5 et plus de" + " " * 22 + "6 et au moins 7, pas moins de 8, jusqu\u2019a 9",
    "environ 1,5 milliard, pr\u00e8s de 40%, moins de 5 %, up to 12 MW, superieure a 3, au-del\u00e0 de 4",
    "Les Assises s\u2019articulent autour de 13 verticales, autour de 7 axes",
    "16 GW, 4 TWh, 12 kilowatts, 3 m\u00e9gawatts-heures, 5 k, 5k, plan B 2, $2B, MAD 11bn, \u20ac3",
    "USD 5 million, 2,5 MMDH, 300 MDH, 1 234,5 DH, 15 %x 3 Dhsx 4 MWhx 5 MDHs",
    "vingt et un, quatre-vingt-dix, two hundred and five, un million et demi, une dizaine, a dozen",
    "video_script_two, cent_deux 3, un, une, a, one, mille, deux mille, trois cents",
    "\u0152uvre : 3 milliards d\u2019\u20ac \u2014 5 \u00b5g, \u03a3\u0391\u03a3 7, \u0130stanbul 8",
    "D\u2019ici 2030, 5 GW. By 2027; 3 millions. Avant fin 2026 : 40%.\nA l\u2019horizon 2035 7 ports",
    "0,500 et 1,500,5 et 12345,678 et 1.2345 et 1.234,567 et industrie 4.0 et Web 3.0",
    "COP22, 5G, G20, COVID-19, x2, 3\u00e8me, 21st, 4x4 et 8 projets",
    " ".join(str(i) for i in range(1, 61)),
    "le taux\n12 et article\n12 et 2 billions et 3 trillion",
    "plus de 2000, en 2024, Maroc Digital 2030, 2025-2030, 1 450 MW d\u2019ici 2030",
    "article" + " " * 70 + "12 et septembre" + " " * 50 + "3",
    "The plan: 2 billion dollars over 5 years, more than 300 MW, at least 12%, nearly 1,500 jobs.",
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
    parser.add_argument("mode", choices=["dump", "freeze", "compare"])
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
    if args.mode == "freeze":
        reference = load(args.reference)
        frozen = [
            {
                "text": t,
                "fold": reference.views(t)[1],
                "figures": dict(zip(map(str, LANGS), rows(reference, t), strict=True)),
            }
            for t in TRICKY
        ]
        lines = ",\n".join(json.dumps(entry, ensure_ascii=False) for entry in frozen)
        Path(args.pickle).write_text(f"[\n{lines}\n]\n", encoding="utf-8")
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

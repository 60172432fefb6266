"""The windowed reading of a written figure gives the whole quote's verdict (issue 17, round 2).

The rule value-stated-in-quote calls ``figures.states_figure``, which runs the figure grammar only on
the text around each place the quote writes ``value_stated``; ``figures.states_value(..., stated)``
reads the whole quote. For every claim of the real package, of a generated package, and for tricky
quotes set inside long texts (so that the windows are narrower than the quote), both must agree.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import REPO, generate_package, read_rows

from commitment_tracker import figures

# A long text around each case, full of figures, dates, years, articles and qualifiers, so the
# windows cut through material the grammar reads.
BEFORE = (
    "Le rapport publié le 15 septembre 2024 cite 12 projets, plus de 3 000 emplois et entre 4 et 6 "
    "milliards de dirhams selon l'article 5 du décret n° 2-19-123 ; le ministre a parlé d'un "
    "milliard et demi, de 1,5 % de croissance et de 2030 comme horizon. "
)
AFTER = (
    " Par ailleurs, 40 000 talents, 16 GW d'ici 2030 et près de 200 millions de dollars sont attendus "
    "(contact : 05 37 68 71 00, le 1er juillet à 10h30), soit un billion selon certains."
)

# (quote, stated): the stated form is one the quote writes; the readings to compare come from the
# whole-quote grammar and from wrong values, units and qualifiers.
CASES = [
    ("plus de 40.000 emplois", "40.000"),
    ("entre 10 et 20 millions de dirhams", "10"),
    ("entre 10 et 20 millions de dirhams", "20 millions de dirhams"),
    ("de 10 à 20 milliards de dirhams", "10"),
    ("between 10 and 20 billion dollars", "20 billion dollars"),
    ("entre 10 milliards de dirhams et 20 milliards de dirhams", "20 milliards de dirhams"),
    ("près de 11 milliards de dirhams", "11 milliards de dirhams"),
    ("au moins 16 GW d'ici 2030", "16 GW"),
    ("jusqu'à 103%", "103%"),
    ("12 projets et 12 millions", "12"),
    ("12 millions puis 12 projets", "12"),
    ("en 2030, 2030 postes", "2030"),
    ("d'ici 2030", "2030"),
    ("le 15 septembre 2026 et 15 projets", "15"),
    ("le 01/07/2025, 7 projets", "7"),
    ("articles 3, 4 et 12 : 12 centres", "12"),
    ("un milliard et demi de dirhams", "un milliard et demi de dirhams"),
    ("cent mille emplois", "mille"),
    ("COP22 et 22 pays", "22"),
    ("240 000 opportunités", "240 000"),
    ("a trillion dollars", "a trillion dollars"),
    ("un billion de dirhams", "un billion de dirhams"),
    ("10 millions de dirhams", "10 millions"),
    ("10 MW", "10 M"),
]


def _readings(quote: str, stated: str) -> list[tuple[float, str | None, str | None]]:
    """(value, unit_id, qualifier) to try: the whole-quote figures written as ``stated``, the first
    figures of the quote, and each with a wrong value, unit or qualifier."""
    found = figures.find_figures(quote)
    own = [f for f in found if f.text == stated] or found[:3]
    readings = []
    for f in own:
        readings += [
            (f.value, f.unit_id, f.qualifier),
            (f.value, None, None),
            (f.value * 1000, f.unit_id, f.qualifier),
            (f.value, "mad" if f.unit_id != "mad" else "usd", None),
            (f.value, f.unit_id, figures.EXACTLY if f.qualifier != figures.EXACTLY else figures.MORE_THAN),
        ]
    return readings or [(1.0, None, None)]


def _assert_same(quote: str, stated: str, value: float, unit_id: str | None, qualifier: str | None) -> bool:
    whole = figures.states_value(quote, value, unit_id, qualifier, stated)
    windowed = figures.states_figure(quote, stated, value, unit_id, qualifier)
    assert windowed == whole, (quote, stated, value, unit_id, qualifier)
    return whole


@pytest.mark.parametrize(("case", "stated"), CASES)
@pytest.mark.parametrize("context", ["alone", "inside", "twice"])
def test_windowed_verdict_is_the_whole_quotes_on_tricky_cases(case: str, stated: str, context: str):
    quote = {"alone": case, "inside": BEFORE + case + AFTER, "twice": case + AFTER + BEFORE + case}[context]
    verdicts = [_assert_same(quote, stated, *reading) for reading in _readings(quote, stated)]
    if any(f.text == stated for f in figures.find_figures(quote)):
        assert any(verdicts)  # the figure's own reading is found, not only refused alike


def test_long_quotes_are_read_in_windows():
    """The cases inside long texts do take the windowed path (it would otherwise go untested); a
    stated form the padding also writes may add up to the whole quote, which is then read once."""
    for case, stated in CASES:
        if stated in BEFORE + AFTER:
            continue
        quote = BEFORE + case + AFTER
        windows = figures._windows(quote, stated)
        assert windows is not None and all(end - start < len(quote) for start, end, _ in windows)


def _claims(root: Path) -> list[dict[str, str]]:
    header, rows = read_rows(root, "claims")
    return [claim for claim in (dict(zip(header, r, strict=True)) for r in rows) if claim["value"]]


def _assert_claims_agree(claims: list[dict]) -> None:
    for row in claims:
        stated, value = row["value_stated"], float(row["value"])
        unit_id, qualifier = row["unit_id"] or None, row["qualifier"] or None
        for reading in [(value, unit_id, qualifier), *_readings(row["quote"], stated)]:
            _assert_same(row["quote"], stated, *reading)


def test_windowed_verdict_is_the_whole_quotes_on_every_claim_of_the_package():
    claims = [c for c in _claims(REPO) if c["value_stated"]]
    assert claims
    _assert_claims_agree(claims)


def test_generated_claims_state_their_figure_and_agree(tmp_path: Path):
    """bench/generate.py writes value_stated for its claims with a value, so the bench measures
    value-stated-in-quote, and the windowed verdicts match on its quotes too."""
    out = generate_package(tmp_path / "pkg", 1000)
    valued = _claims(out)
    assert valued and all(r["value_stated"] for r in valued)
    _assert_claims_agree(valued)

"""A written figure read alone gives the whole quote's verdict (issue 17, round 6).

``figures.states_figure`` (the rule value-stated-in-quote) reads only the number that starts where
``value_stated`` starts when that starts with a digit, unless a word that may join two figures
into a range ("-", "à", "to", "et", "and", "au") touches it; ``figures.states_value(..., stated)``
reads every figure of the quote. Around each figure below stand the things that could change its
reading: another figure making a range with it, a currency before it, separators that glue it to
the digits before, dates, article numbers, years, words glued to it, the same digits twice.
"""

from __future__ import annotations

import pytest
from test_speed_paths2 import _assert_same, _readings

from commitment_tracker import figures

# (quote, stated)
CASES = [
    ("entre 10 et 20 millions de dirhams", "20 millions de dirhams"),
    ("entre 10 et 20 millions de dirhams", "10"),
    ("de 10 à 20 %", "20 %"),
    ("de 10 à 20 %", "10"),
    ("10 - 20 MW", "20 MW"),
    ("10-20 MW", "10"),
    ("between 3 and 5 GW", "3"),
    ("10 to 20 millions", "10"),
    ("loi 09-08 et 10 millions", "10 millions"),
    ("plus de 10 et au moins 20 postes", "20"),
    ("$5M et 5 millions", "5 millions"),
    ("USD 5 million", "5 million"),
    ("MAD 11bn", "11bn"),
    ("1 234 postes", "234"),
    ("1 234 postes", "1 234"),
    ("1,5 million", "5 million"),
    ("12345 postes", "345"),
    ("111 postes et 11 sites", "11"),
    ("le 15 septembre 2026, 15 projets", "15"),
    ("article 12 : 12 centres", "12"),
    ("n° 7 : 7 %", "7 %"),
    ("d'ici 2030, 2030 postes", "2030"),
    ("d'ici 2030", "2030"),
    ("COP22 et 22 pays", "22"),
    ("5G et 5 GW", "5"),
    ("industrie 4.0 et 4.0 %", "4.0 %"),
    ("la part s'établit à 90 %.", "90 %"),
    ("16 GW, 4 TWh et 12 kilowatts", "4 TWh"),
    ("2 billion dollars", "2 billion dollars"),
    ("2 billions de dirhams et le budget", "2 billions de dirhams"),
    ("plus de 40.000 emplois", "40.000"),
    (
        "Selon Imane El Alaoui 15216, l\u2019indicateur n° 0 s\u2019établit à 67\u202f027\u202f435 postes.",
        "67\u202f027\u202f435",
    ),
    (
        "Karim Tazi 12 confirme pour l\u2019engagement n° 3 : 4\u202f083\u202f000\u202f000 dirhams.",
        "4\u202f083\u202f000\u202f000 dirhams",
    ),
    ("Karim Tazi 12 a annoncé le budget n° 3 : 40\u202f000 dirhams d\u2019ici 2030.", "40\u202f000 dirhams"),
]


@pytest.mark.parametrize(("quote", "stated"), CASES)
def test_the_figure_alone_gives_the_whole_quotes_verdict(quote: str, stated: str):
    verdicts = [_assert_same(quote, stated, *reading) for reading in _readings(quote, stated)]
    if any(f.text == stated for f in figures.find_figures(quote)):
        assert any(verdicts)


def test_a_figure_no_joining_word_touches_is_read_alone():
    """The claims the bench writes take the short path (it would otherwise go untested), and a
    figure a joining word touches does not."""
    quote, stated = CASES[-2]
    assert figures._digits_state(quote, None, (stated, 4083000000.0, "mad", "exactly", "fr")) is True
    assert figures._digits_state(quote, None, (stated, 4083000000.0, "usd", "exactly", "fr")) is False
    assert figures._digits_state("de 10 à 20 %", None, ("20 %", 20.0, "percent", "up_to", "fr")) is None

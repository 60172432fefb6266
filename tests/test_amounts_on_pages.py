"""Figures as the site shows them (commitment_tracker/amounts.py, the one formatter): headline
figures that never break across lines, and disputed targets as a range."""

from __future__ import annotations

import pytest

from commitment_tracker import amounts

NB = "\u00a0"


@pytest.mark.parametrize(
    ("value", "symbol", "expected"),
    [
        (11e9, "MAD", f"11{NB}milliards{NB}MAD"),
        (1.5e9, "MAD", f"1,5{NB}milliard{NB}MAD"),
        (16e9, "W", f"16{NB}GW"),
        (2.5e6, "W", f"2,5{NB}MW"),
        (240000, "", f"240{NB}000"),
        (1e6, "", f"1{NB}million"),
        # No rounding: two different amounts never read the same.
        (123456789, "MAD", f"123{NB}456{NB}789{NB}MAD"),
        (12.5, "%", f"12,5{NB}%"),
    ],
)
def test_site_figures_do_not_break(value, symbol, expected):
    assert amounts.unbreakable(amounts.readable(value, symbol)) == expected


def test_range():
    assert amounts.readable_range(40000, 240000) == "40 000 \u2013 240 000"
    assert amounts.readable_range(40000, 240000, no_break=True) == f"40{NB}000 \u2013 240{NB}000"
    assert amounts.readable_range(5, 5) == "5"

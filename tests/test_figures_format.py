"""Amounts as people read them (commitment_tracker/figures_format.py): the site's headline figures."""

from __future__ import annotations

import pytest

from commitment_tracker import figures_format as ff

NB, THIN = "\u00a0", "\u202f"


@pytest.mark.parametrize(
    ("value", "symbol", "dimension", "expected"),
    [
        (11e9, "MAD", "currency", f"11{NB}milliards{NB}MAD"),
        (1.5e9, "MAD", "currency", f"1,5{NB}milliard{NB}MAD"),
        (16e9, "W", "power", f"16{NB}GW"),
        (2.5e6, "W", "power", f"2,5{NB}MW"),
        (500, "W", "power", f"500{NB}W"),
        (240000, "", "count", f"240{THIN}000"),
        (100000, "", "count", f"100{THIN}000"),
        (1e6, "", "count", f"1{NB}million"),
        (123456789, "MAD", "currency", f"123{NB}millions{NB}MAD"),
        (12.5, "%", "ratio", f"12,5{NB}%"),
    ],
)
def test_readable(value, symbol, dimension, expected):
    assert ff.readable(value, symbol, dimension) == expected


def test_exact_keeps_every_digit():
    assert ff.exact(123456789) == f"123{THIN}456{THIN}789"
    assert ff.exact(1234.25) == f"1{THIN}234,25"


def test_range():
    assert ff.readable_range(40000, 240000) == f"40{THIN}000 \u2013 240{THIN}000"
    assert ff.readable_range(5, 5) == "5"

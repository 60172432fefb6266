"""The figure grammar reads tricky texts exactly as the grammar before its speed-up did (issue 17).

``tests/fixtures/figures_frozen.json`` holds, for texts on the edges of what the faster grammar
reads differently from the slower one (a date span or a month cut by the 30-character window, a
keyword list, "n°", codes and URLs before digits, a qualifier cut by its window, a unit glued to
a letter, number words, text outside Latin-1, deadlines in several sentences), the folded view and
every figure (span, value, unit, qualifier, deadline, text, for lang None, fr and en) that
``commitment_tracker/figures.py`` at commit 669eced read. Regenerate only from that grammar:

    git show 669eced:commitment_tracker/figures.py > /tmp/figures_orig.py
    python bench/figures_corpus.py freeze tests/fixtures/figures_frozen.json --reference /tmp/figures_orig.py

bench/figures_corpus.py compares the two grammars on some 100,000 more texts.
"""

from __future__ import annotations

import json

import pytest
from conftest import REPO

from commitment_tracker.figures import find_figures, views

FROZEN = json.loads((REPO / "tests" / "fixtures" / "figures_frozen.json").read_text(encoding="utf-8"))
LANGS = {"None": None, "fr": "fr", "en": "en"}


def test_the_frozen_texts_are_the_tricky_ones():
    assert len(FROZEN) >= 30
    assert any(figures for entry in FROZEN for figures in entry["figures"].values())


@pytest.mark.parametrize("entry", FROZEN, ids=lambda entry: entry["text"][:40])
def test_figures_are_read_as_before(entry):
    text = entry["text"]
    for lang_key, lang in LANGS.items():
        got = [
            [f.start, f.end, f.value, f.unit_id, f.qualifier, f.deadline_year, f.text]
            for f in find_figures(text, lang)
        ]
        assert got == entry["figures"][lang_key], lang_key


@pytest.mark.parametrize("entry", FROZEN, ids=lambda entry: entry["text"][:40])
def test_folded_view_is_as_before(entry):
    plain, fold = views(entry["text"])
    assert fold == entry["fold"]
    assert len(plain) == len(fold) == len(entry["text"])

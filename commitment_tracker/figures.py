"""The figures a French or English text states, with their value in the package's base units.

One grammar, two users: the rule ``value-not-in-quote`` (a claim's ``value`` must be a figure its
quote states) and proposing claims from a new article. ``find_figures(text)`` returns every figure
with its span, its value in base units (``11 milliards de dirhams`` is 11000000000 in ``mad``,
``16 GW`` is 16000000000 in ``w``, ``15%`` is 15 in ``percent``), its unit id, its qualifier
(``plus de`` is ``more_than``) and the deadline year its sentence carries (``d'ici 2030``).

What it reads:

* digits with any thousands separator: ``240.000``, ``100 000`` (space, no-break space U+00A0,
  narrow no-break space U+202F, thin space), ``1,500``, ``1'000``; decimals with a comma or a dot
  (``1,5``, ``2.75``, ``1 234,5``, ``1,234.5``). One dot or comma followed by exactly three digits is a
  thousands separator (``240.000``); followed by one, two or four and more digits it is a decimal mark;
* scale words and abbreviations: ``mille``/``thousand``/``k``, ``million(s)``/``M``/``mn``/``mln``,
  ``milliard(s)``/``Md``/``Mds``/``Mrd``/``bn``/``B``, ``billion`` (10^9 in English, 10^12 in
  French), ``trillion``, ``MDH``/``MMDH`` (millions / milliards de dirhams);
* numbers in words, French and English (``cent mille``, ``quatre-vingt-dix``, ``vingt et un``, ``two
  hundred and five``, ``un million et demi``), and ``une dizaine``/``une centaine``/``un millier``
  (about 10, 100, 1000) and ``a dozen``. A lone ``un``/``une``/``one``/``a`` is an article, not a figure;
* units before or after: ``%``, ``pour cent``, ``percent``; ``dirhams``, ``DH``, ``MAD``; ``$``,
  ``USD``, ``dollars``; ``€``, ``EUR``, ``euros``; ``W``/``kW``/``MW``/``GW``/``TW`` and watts (``w``);
  ``Wh``…``TWh`` (``wh``);
* qualifiers before the figure: ``plus de``/``more than``/``over`` (``more_than``), ``au moins``/``at
  least``/``pas moins de`` (``at_least``), ``près de``/``environ``/``around``/``nearly`` (``about``),
  ``jusqu'à``/``up to``/``moins de``/``less than`` (``up_to``, the closest the codebook has);
* ranges ``entre 10 et 20``, ``de 10 à 20``, ``between 10 and 20``, ``10 to 20 millions``: two
  figures, the low one ``at_least`` and the high one ``up_to``, sharing the scale and unit written
  after the second.

What is not a figure: a year (a four-digit whole number 1900-2100 with no unit, scale or qualifier:
``d'ici 2030``, ``Maroc Digital 2030``, ``2025-2030``), which may instead be the deadline of the
sentence's figures (``d'ici 2030``, ``à l'horizon 2030``, ``by 2027``, ``avant fin 2026``); dates (``15
septembre 2026``, ``1er juillet``, ``July 1, 2025``, ``2025-07-01``, ``01/07/2025``); times (``10h30``);
phone numbers; numbers of articles, laws, decrees, pages (``article 12``, ``loi n° 09-08``); ordinals
(``1er``, ``3ème``, ``21st``); numbers glued to a word (``COP22``, ``5G``, ``G20``, ``COVID-19``); version
numbers (``industrie 4.0``).

A figure's span runs from its first digit or word (or a currency written before it, ``$5M``,
``MAD 11bn``) to the end of its scale and unit (``11 milliards de dirhams``, ``16 GW``, ``103%``); the
qualifier words are not part of it. A figure that names no unit has ``unit_id`` None: a count, or a
quantity whose unit the text gives elsewhere.
"""

from __future__ import annotations

import itertools
import math
import operator
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

EXACTLY, AT_LEAST, MORE_THAN, ABOUT, UP_TO = "exactly", "at_least", "more_than", "about", "up_to"
YEAR_RANGE = (1900, 2100)


@dataclass(frozen=True)
class Figure:
    """A figure stated in a text: ``text[start:end]`` is how it is written."""

    start: int
    end: int
    value: float
    unit_id: str | None
    qualifier: str
    deadline_year: int | None
    text: str


# ---------------------------------------------------------------------------------------------
# Normalised views of the text, one character for one character, so spans carry over unchanged.

_SPACES = {"\u00a0", "\u202f", "\u2009", "\u2007", "\t"}
_APOSTROPHES = {"\u2019", "\u2018", "\u02bc", "`"}
_DASHES = {"\u2013", "\u2014", "\u2212", "\u2010", "\u2011"}


_PLAIN_TABLE = str.maketrans(
    {**dict.fromkeys(_SPACES, " "), **dict.fromkeys(_APOSTROPHES, "'"), **dict.fromkeys(_DASHES, "-")}
)


def _fold_char(c: str) -> str:
    """Lower case without accents, when that is still one character (else the character itself)."""
    lower = unicodedata.normalize("NFD", c)[0].lower()
    return lower if len(lower) == 1 else c


# Latin letters with accents (the scripts French and English are written in), folded once.
_FOLD_TABLE = {i: _fold_char(chr(i)) for i in (*range(0x80, 0x250), *range(0x1E00, 0x1F00))}


# The same tables in forms that are faster to apply (str.translate pays an exception for each
# character a dict does not map): pairs to replace, the folded characters that change, and for
# text in Latin-1 (most French and English) one byte table that folds and lowers at once.
_PLAIN_PAIRS = [(chr(k), v) for k, v in _PLAIN_TABLE.items()]
_FOLDED = {chr(k): v for k, v in _FOLD_TABLE.items() if v != chr(k)}  # folding it again changes nothing


def _fold(plain: str) -> str:
    fold = plain
    for char in _FOLDED.keys() & set(plain):
        fold = fold.replace(char, _FOLDED[char])
    fold = fold.lower()
    if len(fold) != len(plain):  # a character whose lower case is longer: fold one by one
        fold = "".join(map(_fold_char, plain))
    return fold


# Lower case and accent folding are one character for one character in Latin-1 (no context: only
# the Greek final sigma has one), so a byte table built from the general path is exact.
_LATIN1_FOLD = bytes(ord(_fold(chr(i).translate(_PLAIN_TABLE))) for i in range(256))


def views(text: str) -> tuple[str, str]:
    """(plain, folded): spaces, apostrophes and dashes unified; folded is also lower case, no accents.

    Both have exactly one character for each character of ``text``, so a span found in either is a
    span of ``text``.
    """
    plain = text
    for char, replacement in _PLAIN_PAIRS:
        if char in plain:
            plain = plain.replace(char, replacement)
    try:
        return plain, plain.encode("latin-1").translate(_LATIN1_FOLD).decode("latin-1")
    except UnicodeEncodeError:
        return plain, _fold(plain)


# ---------------------------------------------------------------------------------------------
# Lexicon

# Month names and abbreviations (folded) and their number: dates are not figures here, and the
# date grammar of `propose` (curation/proposing/dates.py) reads the same names.
MONTH_NUMBERS = {
    "janvier": 1, "fevrier": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6, "juillet": 7, "aout": 8,
    "septembre": 9, "octobre": 10, "novembre": 11, "decembre": 12, "janv": 1, "fev": 2, "fevr": 2,
    "avr": 4, "juil": 7, "sept": 9, "oct": 10, "nov": 11, "dec": 12,
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7, "august": 8,
    "september": 9, "october": 10, "november": 11, "december": 12, "jan": 1, "feb": 2, "mar": 3,
    "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
}  # fmt: skip
_MONTHS = set(MONTH_NUMBERS)
# Words that number a text or a place in it: article 12, loi n° 09-08, page 4, décret n° 2.20.
_TEXT_NUMBERS = {
    "article", "art.", "alinea", "chapitre", "chapter", "section", "paragraphe", "paragraph",
    "titre", "loi", "law", "decret", "decree", "dahir", "circulaire", "arrete", "page", "p.", "pp.",
    "annexe", "annex", "tome", "vol.", "volume", "numero", "number", "no.", "n°", "nº", "§",
}  # fmt: skip
_DAY_SUFFIX = r"(?:er|eme|e|st|nd|rd|th)?"
# Spans starting with digits (on the folded text) whose digits are never figures.
_NOT_FIGURES = [
    # dates: 15 septembre 2026, 1er juillet, 1-2 juillet (the month is checked in _MONTHS)
    rf"\d{{1,2}}{_DAY_SUFFIX}(?:\s*(?:-|et|and|au|to)\s*\d{{1,2}}{_DAY_SUFFIX})?\s+(?:de\s+)?"
    r"(?P<month>[a-z]+)(?![a-z])",
    r"\d{4}\s*-\s*\d{1,2}\s*-\s*\d{1,2}(?!\d)",
    r"\d{1,2}\s*([/.-])\s*\d{1,2}\s*\2\s*\d{2,4}(?!\d)",
    # times: 10h30, 9 h, 14:00, 19:05:00
    r"\d{1,2}\s?h\s?\d{2}(?!\d)|\d{1,2}\s?h(?![a-z])|\d{1,2}:\d{2}(?::\d{2})?(?!\d)",
    # phone numbers: +212 5 37 68 71 00, 00212 5..., 05 37 68 71 00, 0537-123456
    r"(?:00|(?<=\+))\d{1,3}[\s.-]?(?:\(0\)\s?)?\d(?:[\s.-]?\d){6,}",
    r"0\d(?:[\s.-]?\d){8}(?!\d)",
]
_NOT_FIGURES_RE = re.compile("|".join(f"(?:{p})" for p in _NOT_FIGURES))
_NOT_FIGURES_WINDOW = 30  # characters before the digits where such a span may start
# What may stand just before digits that are not a figure: a month (July 1), a word numbering a
# text, possibly with a list (articles 3 et 4, loi n° 09-08), a URL, code (v=1.36, x == 1), "+212".
_BEFORE_RE = re.compile(
    r"(?:(?<![a-z])(?P<word>[a-z]+\.?|n[°º]|§)\s*(?P<no>n\s*[°º.o]\s*)?"
    r"(?P<list>(?:\d[\d./-]*\s*(?:,|et|and|a|to|-|/)\s*)*)"
    r"|(?P<code>(?:https?://|www\.)\S*|[=<>]=?\s*|\+))$"
)


def _trie(words: set[str]) -> str:
    """An alternation of ``words`` as a tree of their common prefixes, which re tries much faster
    than a flat list (same matches: each word, and nothing else, at each place)."""
    branches: dict[str, set[str]] = {}
    for word in words:
        if word:
            branches.setdefault(word[0], set()).add(word[1:])
    body = "|".join(re.escape(first) + _trie(rest) for first, rest in sorted(branches.items()))
    if not body:
        return ""
    body = f"(?:{body})" if len(branches) > 1 else body
    return f"(?:{body})?" if "" in words else body


# Most digits are no date and follow no keyword: _NotFigures finds the digits that certainly are
# in no such span (most of them) without trying both regexes above at every place in 60 characters
# around them. It errs only the other way: where it is unsure, the two regexes decide as before.
# A span of _NOT_FIGURES_RE, written without its look-aheads (a window's end may cut a span, which
# they would then accept) and with its month read as a prefix (the window may cut the month too).
_MAYBE_NOT_FIGURE_RE = re.compile(
    # what each starts with, tried first because it is quick to refuse: one or two digits alone
    # (dates, times), four (2025-07-01), a 0 (phone numbers) or digits after "+".
    r"(?=\d{1,2}(?!\d)|\d{4}(?!\d)|0|(?<=\+))(?:"
    rf"\d{{1,2}}{_DAY_SUFFIX}(?:\s*(?:-|et|and|au|to)\s*\d{{1,2}}{_DAY_SUFFIX})?\s+(?:de\s+)?{_trie(_MONTHS)}"
    r"|\d{4}\s*-\s*\d{1,2}\s*-\s*\d{1,2}"
    r"|\d{1,2}\s*(?P<sep>[/.-])\s*\d{1,2}\s*(?P=sep)\s*\d{2}"
    r"|\d{1,2}\s?h|\d{1,2}:\d{2}"
    r"|(?:00|(?<=\+))\d{1,3}[\s.-]?(?:\(0\)\s?)?\d(?:[\s.-]?\d){6,}"
    r"|0\d(?:[\s.-]?\d){8})"
)
_RUN_START_RE = re.compile(r"(?<!\d)\d")  # where a run of digits starts
# A word _BEFORE_RE would answer on (a month, a word numbering a text, n°, §) starts a run of
# letters with one of these; the word ends at the latest at the end of that run (and its dot).
_KEYWORD_RE = re.compile(r"(?<![a-z])" + _trie(_TEXT_NUMBERS | _MONTHS))
# Between such a word and the digits, _BEFORE_RE reads only spaces, "n°" and a list of numbers:
# a run of these characters (read backwards from the digits, on the reversed text), then letters.
_BEFORE_BACK_RE = re.compile(r"[\s\d°º./,\-adenot]*([a-z]*)")
_NO_RE = re.compile(r"n\s*[°º.o]")
_URL_BEFORE_RE = re.compile(r"(?:https?://|www\.)\S*\n?\Z")  # _BEFORE_RE's URL, "$" spelled out

_QUALIFIERS = [
    (
        MORE_THAN,
        r"plus de|plus d'|more than|over|above|au-dela de|au dela de|superieure? a|in excess of"
        r"|upwards of",
    ),
    (
        AT_LEAST,
        r"au moins|at least|pas moins de|pas moins d'|no less than|no fewer than|au minimum"
        r"|a minimum of|minimum de|minimum d'|minimum",
    ),
    (
        ABOUT,
        r"pres de|pres d'|environ|quelque|approximativement|autour de|around|about|nearly|almost"
        r"|approximately|roughly|some|presque|quasiment|pratiquement|~",
    ),
    (
        UP_TO,
        r"jusqu'a|jusqu'au|up to|au plus|at most|au maximum|a maximum of|maximum|moins de|moins d'"
        r"|less than|fewer than|under",
    ),
]
# "autour de" is "about" before a figure, except where it means "built around".
_STRUCTURE_RE = re.compile(r"(?:articul|organis|structur|tourn|centr)[a-z]*\s+autour\s+de\s*$")


def _spelled(words: str) -> list[str]:
    """The words an alternation of _QUALIFIERS stands for ("superieure? a": two of them)."""
    spelled = []
    for word in words.split("|"):
        if "?" in word:
            i = word.index("?")
            spelled += [word[: i - 1] + word[i + 1 :], word[:i] + word[i + 1 :]]
        else:
            spelled.append(word)
    return spelled


# The qualifier the 30 characters before a figure end with, read backwards on the reversed text:
# one anchored match instead of a search at each of 30 places for each kind. The kinds are tried
# in the order of _QUALIFIERS, the first that ends the window wins.
_BACKWARDS = "|".join(
    f"(?P<{kind}>" + "|".join(re.escape(word[::-1]) for word in _spelled(w)) + ")" for kind, w in _QUALIFIERS
)
_QUALIFIER_BACK_RE = re.compile(rf"\s*(?:{_BACKWARDS})(?![a-z])")

# Deadline cues on the folded text; group 1 is the year.
_DEADLINE_RE = re.compile(
    r"(?<![a-z])(?:d'ici|d'ici a|a l'horizon(?: de)?|a horizon|horizon|by|by the end of|avant|before"
    r"|jusqu'en|through|until|a fin|fin|a la fin de|d'ici la fin de|d'ici fin|pour|in time for)"
    r"(?:\s+(?:la\s+fin\s+de|fin|l'annee|the end of|end))?\s+(\d{4})(?!\d)"
)
_WORD_SMALL = {
    "zero": 0, "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7,
    "huit": 8, "neuf": 9, "dix": 10, "onze": 11, "douze": 12, "treize": 13, "quatorze": 14,
    "quinze": 15, "seize": 16, "vingt": 20, "vingts": 20, "trente": 30, "quarante": 40,
    "cinquante": 50, "soixante": 60, "septante": 70, "huitante": 80, "octante": 80, "nonante": 90,
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30,
    "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
_WORD_HUNDRED = {"cent", "cents", "hundred", "hundreds"}
_WORD_THOUSAND = {"mille", "thousand", "thousands"}
_WORD_LARGE = {
    "million": 1e6, "millions": 1e6, "milliard": 1e9, "milliards": 1e9, "billion": 1e9,
    "billions": 1e9, "trillion": 1e12, "trillions": 1e12,
}  # fmt: skip
_MULTIPLIERS = _WORD_HUNDRED | _WORD_THOUSAND | set(_WORD_LARGE) | {"dozen"}
_TENS = {"vingt", "trente", "quarante", "cinquante", "soixante"}
_FRENCH_LARGE = {"billion": 1e12, "billions": 1e12, "trillion": 1e18, "trillions": 1e18}
_ARTICLES = {"un", "une", "one", "a"}
_APPROXIMATE = {
    "dizaine": 10, "douzaine": 12, "quinzaine": 15, "vingtaine": 20, "trentaine": 30,
    "quarantaine": 40, "cinquantaine": 50, "soixantaine": 60, "centaine": 100, "millier": 1000,
}  # fmt: skip

# Scales written after digits, on the plain text (case matters: M is a million, m a metre).
_SCALE_RE = re.compile(
    r"(?P<space>\s*)(?:(?P<bn>milliards?|Mds?|Mrds?|Md|bn|Bn|BN|B(?![a-zA-Z]))"
    r"|(?P<fb>billions?)|(?P<tr>trillions?)"
    r"|(?P<mn>millions?|Mio|mln|mn|M(?![a-zA-Z]))"
    r"|(?P<k>mille|thousand|[kK](?![a-zA-Z])))"
    r"(?P<demi>\s+et\s+demi|\s+and\s+a\s+half)?",
)
_SCALE_GROUP = {"bn": 1e9, "mn": 1e6, "k": 1e3, "tr": 1e12}

# Units written after a figure (plain text). Wh before W; MDH/MMDH carry their scale.
_UNIT_AFTER = [
    (r"%|pour\s?cents?(?![a-z])|per\s?cent(?![a-z])|pct(?![a-z])", "percent", 1.0),
    (r"MMDH|MMDhs?|Mrds?\s?DH", "mad", 1e9),
    (r"MDH|MDhs?", "mad", 1e6),
    (r"(?:dirhams?|DHS|Dhs|DH|Dh|dh|MAD)(?![a-zA-Z])", "mad", 1.0),
    (r"(?:dollars?|USD|US\$|\$)(?![a-zA-Z])", "usd", 1.0),
    (r"(?:euros?|EUR|€)(?![a-zA-Z])", "eur", 1.0),
    (r"TWh|GWh|MWh|kWh|Wh(?![a-zA-Z])", "wh", None),
    (r"(?:TW|GW|MW|kW|W)(?:c|p)?(?![a-zA-Z])", "w", None),
    (r"(?:téra|tera|giga|méga|mega|kilo)?watts?-?heures?", "wh", None),
    (r"(?:téra|tera|giga|méga|mega|kilo)?watts?(?![a-zA-Z])", "w", None),
]
_UNIT_AFTER_RE = [(re.compile(rf"\s*(?:{p})"), u, m) for p, u, m in _UNIT_AFTER]
# All of them at once, in the same order; each starts with a character that is no space, so the
# alternative that matches first is the first unit that matches alone.
_ANY_UNIT_AFTER_RE = re.compile(
    r"\s*(?:" + "|".join(f"(?P<u{i}>{p})" for i, (p, _, _) in enumerate(_UNIT_AFTER)) + ")"
)
_PREFIX_MULTIPLIER = {"k": 1e3, "kilo": 1e3, "M": 1e6, "mega": 1e6, "méga": 1e6, "G": 1e9, "giga": 1e9,
                      "T": 1e12, "tera": 1e12, "téra": 1e12}  # fmt: skip
# "11 milliards de dirhams", "5 millions of dollars": a unit word after de/d'/of, only after a scale.
_OF_RE = re.compile(r"\s+(?:de|d'|of)\s*")
# A currency written before the figure: "$5M", "MAD 11bn", "€3", "USD 5 million".
_UNIT_BEFORE_RE = re.compile(r"(?:(?P<usd>US\$|\$|USD)|(?P<eur>€|EUR)|(?P<mad>MAD|DH))\s?$")
_UNIT_BEFORE = {"usd": "usd", "eur": "eur", "mad": "mad"}
_CURRENCY_CHARS = set("$€DRH")  # one of them is in each currency _UNIT_BEFORE_RE reads

_DIGITS_RE = re.compile(r"\d+")
_NUMERAL_RE = re.compile(r"(\d+)((?:[ '.,]\d+)*)")  # where _read_digits may join groups
_SPACE_SEPARATORS = " '"
_MARKS = ".,"
_SEPARATORS = _SPACE_SEPARATORS + _MARKS
# The words a number in words can be made of (a word glued to "_" or a digit is part of a name,
# video_script_two); other words are not tokens, so two number words are one number only when
# nothing but a space or a hyphen separates them.
_NUMBER_WORDS = (
    set(_WORD_SMALL) | _WORD_HUNDRED | _WORD_THOUSAND | set(_WORD_LARGE) | set(_APPROXIMATE)
    | {"dozen", "et", "and", "a", "demi", "demie", "half"}
)  # fmt: skip


_WORD_RE = re.compile(r"(?<![a-z0-9_])" + _trie(_NUMBER_WORDS) + r"(?![a-z0-9_])")


@dataclass(slots=True)
class _Number:
    start: int
    end: int
    value: float
    plain_integer: bool  # digits with no separator or decimal mark (a year candidate)
    scaled: bool = False
    factor: float = 1.0  # what the scale and unit multiplied the written number by
    unit_id: str | None = None
    qualifier: str = EXACTLY
    approximate: bool = False
    year: bool = False


# ---------------------------------------------------------------------------------------------
# Digits


def _read_digits(plain: str, start: int) -> tuple[int, float, bool]:
    """(end, value, plain_integer) of the number written in digits at ``start``.

    Groups are joined across a separator only when the result is a well-formed number: a
    thousands separator (space, apostrophe, dot or comma, one kind per number) joins exactly three
    digits after a first group of one to three digits (not "0"); a dot or comma that is not the
    thousands separator is the decimal mark and ends the number.
    """
    first = _DIGITS_RE.match(plain, start)
    assert first is not None
    groups, end, thousands = [first.group()], first.end(), None
    while end < len(plain) and plain[end] in _SEPARATORS:
        sep = plain[end]
        nxt = _DIGITS_RE.match(plain, end + 1)
        if nxt is None:
            break
        digits = nxt.group()
        group_ok = len(digits) == 3 and len(groups[0]) <= 3 and groups[0] != "0"
        if group_ok and thousands in (None, sep):
            groups.append(digits)
            thousands, end = sep, nxt.end()
            continue
        if sep in _MARKS and sep != thousands:
            return nxt.end(), float(f"{''.join(groups)}.{digits}"), False
        break
    return end, float("".join(groups)), len(groups) == 1


def _numerals(plain: str) -> Iterator[tuple[int, int, float, bool]]:
    """(start, end, value, plain_integer) of each number written in digits, in order, figure or not."""
    pos = 0
    while (match := _NUMERAL_RE.search(plain, pos)) is not None:
        end, value, plain_integer = _numeral(plain, match)
        pos = end
        yield match.start(), end, value, plain_integer


def _numeral(plain: str, match: re.Match[str]) -> tuple[int, float, bool]:
    """(end, value, plain_integer) of the number written in digits where ``match`` (_NUMERAL_RE) is."""
    if match.group(2):
        return _read_digits(plain, match.start())
    return match.end(), float(match.group(1)), True  # no separator followed by digits: the digits alone


# Digits that start a number of _numerals for sure: no digit just before them, nor a digit and a
# separator (across which the number before may go on).
_NUMERAL_START_RE = re.compile(r"(?<!\d)(?<!\d[ '.,])\d")


def _numeral_at(plain: str, start: int) -> tuple[int, float, bool] | None:
    """``_numerals``' (end, value, plain_integer) of the number that starts at ``start``, or None
    when none starts there."""
    if _NUMERAL_START_RE.match(plain, start):
        return _numeral(plain, _NUMERAL_RE.match(plain, start))
    for at, end, value, plain_integer in _numerals(plain):
        if at >= start:
            return (end, value, plain_integer) if at == start else None
    return None


def _digit_numbers(plain: str, fold: str, rev: str) -> list[_Number]:
    numbers = []
    not_a_figure = None
    for start, end, value, plain_integer in _numerals(plain):
        if _named_or_version(plain, start, end, plain_integer):
            continue
        not_a_figure = not_a_figure or _NotFigures(fold, rev)
        if not_a_figure(start):
            continue
        numbers.append(_Number(start, end, value, plain_integer))
    return numbers


def _named_or_version(plain: str, start: int, end: int, plain_integer: bool) -> bool:
    """Digits glued to a word (COP22) or a version number (industrie 4.0, Web 3.0)."""
    return _glued_before(plain, start) or (plain[end - 2 : end] == ".0" and not plain_integer)


class _NotFigures:
    """Which digits of one text are part of a date, time, phone number, article number…

    Only spans around the digits are looked at: on a whole text, dozens of month names and keywords
    would be tried at every character. What can be read once for the whole text is read once: the
    text reversed (to read what ends at the digits, backwards).
    """

    __slots__ = ("fold", "rev", "url")

    def __init__(self, fold: str, rev: str) -> None:
        self.fold = fold
        self.rev = rev
        self.url = "http://" in fold or "https://" in fold or "www." in fold

    def __call__(self, start: int) -> bool:
        """Whether the digits at ``start`` are not a figure."""
        if self._may_span(start) and self._in_span(start):
            return True
        pos = self._before_from(start)
        return pos is not None and self._after_word(start, pos)

    def _may_span(self, start: int) -> bool:
        """Whether a span of _NOT_FIGURES_RE may start at a run of digits at most 30 before the
        digits at ``start`` (the only place a span that counts starts): one where
        _MAYBE_NOT_FIGURE_RE, which has no look-ahead a cut window could fool, matches."""
        fold = self.fold
        for run in _RUN_START_RE.finditer(fold, max(0, start - _NOT_FIGURES_WINDOW), start + 1):
            if _MAYBE_NOT_FIGURE_RE.match(fold, run.start()):
                return True
        return False

    def _in_span(self, start: int) -> bool:
        fold = self.fold
        window = max(0, start - _NOT_FIGURES_WINDOW), start + _NOT_FIGURES_WINDOW
        for m in _NOT_FIGURES_RE.finditer(fold, *window):
            if (
                m.start() <= start < m.end()
                and (m.group("month") is None or m.group("month") in _MONTHS)
                and (m.start() == 0 or not fold[m.start() - 1].isdigit())
            ):
                return True
        return False

    def _before_from(self, start: int) -> int | None:
        """Where _BEFORE_RE's leftmost match ending at ``start`` starts at the earliest, or None
        when no match could make the digits no figure.

        Between a word and the digits _BEFORE_RE reads only characters of the run _BEFORE_BACK_RE
        reads first, so such a word ends inside that run ("articles 3, 4 et 12": the run is
        " 3, 4 et "); the only keywords made of these characters are "no." and "n°", which _NO_RE
        finds. So the keyword, if any, is the run of letters that ends where the run starts.
        A code ("x <= 3", "+5") starts at most two characters before the run (its spaces).
        """
        fold, rev, low = self.fold, self.rev, max(0, start - 60)
        if self.url and _URL_BEFORE_RE.search(fold, low, start):
            return low
        # The run, then the letters before it, read backwards: in the reversed text, position
        # len(fold) - i is fold[i - 1].
        back = _BEFORE_BACK_RE.match(rev, len(fold) - start)
        listed, word = len(fold) - back.start(1), len(fold) - back.end(1)  # where the run, the word start
        if listed == word and listed > 0 and fold[listed - 1] == "§":
            word = listed - 1
        sure = (
            (listed == 0 or fold[listed - 1] not in "=<>+")  # "x <= 3", "+5", "+\n5"
            and (word == listed or word < low or _KEYWORD_RE.match(fold, word) is None)
            and _NO_RE.search(fold, listed, start) is None
        )
        return None if sure else max(low, min(word, listed - 2))

    def _after_word(self, start: int, pos: int) -> bool:
        fold = self.fold
        before = _BEFORE_RE.search(fold, pos, start)
        if before is None:
            return False
        if before.group("code") is not None:
            return True
        word, listed = before.group("word"), before.group("list")
        if before.group("no") is not None:
            return True  # "programme n° 12": the number of an item
        if word in _MONTHS:
            return not listed and _DIGITS_RE.match(fold, start).end() - start <= 2  # July 1 (a day)
        if word.rstrip("s") in _TEXT_NUMBERS or word in _TEXT_NUMBERS:
            # "loi 09-08 et 10 millions": only a plural keyword opens a list joined by et/and/à/to
            return not re.search(r"[a-z]", listed) or word.endswith("s")
        return False


def _glued_before(plain: str, start: int) -> bool:
    """COP22, G20, COVID-19, x2: digits glued to a word (or to a hyphen after one) are a name."""
    if start == 0:
        return False
    before = plain[start - 1]
    if before.isalnum() or before == "_":
        return True
    return before == "-" and start >= 2 and plain[start - 2].isalpha()


# ---------------------------------------------------------------------------------------------
# Words


def _word_numbers(fold: str, french: bool) -> list[_Number]:
    """Numbers written in words: runs of number words joined by spaces or hyphens."""
    tokens = [(m.group(), m.start(), m.end()) for m in _WORD_RE.finditer(fold)]
    numbers: list[_Number] = []
    i = 0
    while i < len(tokens):
        approx = _approximate_at(tokens, i, fold)
        if approx is not None:
            numbers.append(approx[0])
            i = approx[1]
            continue
        run = _run_at(tokens, i, fold)
        if not run:
            i += 1
            continue
        words = [tokens[k][0] for k in run]
        start, end = tokens[run[0]][1], tokens[run[-1]][2]
        value = _words_value(words, french)
        if value is not None and words[-1] in _WORD_LARGE:
            demi = re.match(r"\s+(?:et\s+demie?|and\s+a\s+half)(?![a-z])", fold[end:])
            if demi:
                value += _large(words[-1], french) / 2
                end += demi.end()
        if value is not None:
            numbers.append(_Number(start, end, value, False, scaled=any(w in _WORD_LARGE for w in words)))
        i = run[-1] + 1
    return numbers


def _run_at(tokens: list[tuple[str, int, int]], i: int, fold: str) -> list[int]:
    """Indexes of the number words from token ``i`` on (empty when it starts none).

    ``et``/``and`` belong to a number only where the grammar puts them: ``vingt et un``,
    ``soixante et onze``, ``a hundred and five``; ``a`` only before hundred, thousand, million…
    """

    def joined(k: int) -> bool:
        return fold[tokens[k - 1][2] : tokens[k][1]] in (" ", "-")

    def multiplier(k: int) -> bool:
        return k < len(tokens) and joined(k) and tokens[k][0] in _MULTIPLIERS

    word = tokens[i][0]
    if word == "a" and not multiplier(i + 1):
        return []
    if word != "a" and not _is_number_word(word):
        return []
    run, j = [i], i + 1
    while j < len(tokens) and joined(j):
        w, previous = tokens[j][0], tokens[j - 1][0]
        if _is_number_word(w):
            run.append(j)
            j += 1
        elif (
            j + 1 < len(tokens)
            and joined(j + 1)
            and (
                (w == "et" and previous in _TENS and tokens[j + 1][0] in ("un", "une", "onze"))
                or (w == "and" and previous in _MULTIPLIERS and tokens[j + 1][0] in _WORD_SMALL)
            )
        ):
            j += 1  # the connector; the next word joins the run
        else:
            break
    return run


def _is_number_word(word: str) -> bool:
    return word in _WORD_SMALL or word in _MULTIPLIERS


def _large(word: str, french: bool) -> float:
    return _FRENCH_LARGE.get(word, _WORD_LARGE[word]) if french else _WORD_LARGE[word]


def _approximate_at(tokens: list[tuple[str, int, int]], i: int, fold: str) -> tuple[_Number, int] | None:
    """``une dizaine``, ``un millier``, ``a dozen``: (figure, index after it), or None."""
    if i + 1 >= len(tokens) or tokens[i][0] not in ("une", "un", "a"):
        return None
    word, _, end = tokens[i + 1]
    if fold[tokens[i][2] : tokens[i + 1][1]] != " ":
        return None
    if word == "dozen":
        return _Number(tokens[i][1], end, 12.0, False), i + 2
    if word in _APPROXIMATE:
        return _Number(tokens[i][1], end, float(_APPROXIMATE[word]), False, approximate=True), i + 2
    return None


def _words_value(words: list[str], french: bool) -> float | None:
    """The value of a run of number words, or None when it is only an article (un, une, one)."""
    if len(words) == 1 and words[0] in _ARTICLES:
        return None
    total, current = 0.0, 0.0
    previous = None
    for w in words:
        if w == "a":
            current += 1  # "a hundred", "a million"
        elif w in _WORD_SMALL:
            if w in ("vingt", "vingts") and previous == "quatre":
                current += 76  # quatre-vingt(s) is 4 x 20
            else:
                current += _WORD_SMALL[w]
        elif w in _WORD_HUNDRED:
            current = (current or 1) * 100
        elif w == "dozen":
            current = (current or 1) * 12  # "two dozen"; it used to reach _large() and raise KeyError
        elif w in _WORD_THOUSAND:
            total += (current or 1) * 1000
            current = 0
        else:
            scale = _large(w, french)
            total = (total + (current or 1)) * scale if 0 < total < scale else total + (current or 1) * scale
            current = 0
        previous = w
    return total + current


# ---------------------------------------------------------------------------------------------
# Around a number: scale, unit, qualifier


def _extend(number: _Number, plain: str, fold: str, rev: str, french: bool) -> None:
    """Read the scale and unit written after ``number`` and the currency and qualifier before it."""
    pos = number.end
    if not number.scaled and not number.approximate:
        scale = _SCALE_RE.match(plain, pos)
        if scale and not _letter_at(plain, scale.end()):
            groups = scale.groupdict()
            kind = next(k for k in ("bn", "fb", "tr", "mn", "k") if groups.get(k))
            spaced = bool(groups["space"])
            # k and B glued only ("5k", "$2B"): "plan B", "5 k" are not thousands or billions.
            if not (spaced and groups[kind] in ("k", "K", "B")):
                factor = (1e12 if french else 1e9) if kind == "fb" else _SCALE_GROUP[kind]
                factor *= 1.5 if groups.get("demi") else 1
                number.value *= factor
                number.factor *= factor
                number.scaled = True
                pos = scale.end()
    # A unit word after "de"/"d'"/"of" only follows a scale ("11 milliards de dirhams").
    starts = [pos]
    if number.scaled and (of := _OF_RE.match(fold, pos)):
        starts.insert(0, of.end())
    for at in starts:
        unit = _unit_after(plain, at)
        if unit is not None:
            number.unit_id, factor, pos = unit
            number.value *= factor
            number.factor *= factor
            break
    number.end = pos
    if number.unit_id is None:
        head = plain[max(0, number.start - 5) : number.start]
        before = _UNIT_BEFORE_RE.search(head) if _CURRENCY_CHARS.intersection(head) else None
        if before is not None and before.lastgroup:
            number.unit_id = _UNIT_BEFORE[before.lastgroup]
            number.start -= len(before.group())
    low = max(0, number.start - 30)
    qualifier = _QUALIFIER_BACK_RE.match(rev, len(fold) - number.start, len(fold) - low)
    if qualifier is not None:
        number.qualifier = qualifier.lastgroup
    if fold.find("autour", low, number.start) >= 0 and _STRUCTURE_RE.search(fold[low : number.start]):
        number.qualifier = EXACTLY  # "s'articulent autour de 13 verticales": around, not about
    else:
        if number.approximate:
            number.qualifier = ABOUT


def _unit_after(plain: str, pos: int) -> tuple[str, float, int] | None:
    first = _ANY_UNIT_AFTER_RE.match(plain, pos)
    if first is None:
        return None
    # Units before the first one that matches do not match; a unit glued to a letter ("5 Dhsx")
    # gives way to the next kind, as when each kind is tried in turn.
    for pattern, unit_id, factor in _UNIT_AFTER_RE[int(first.lastgroup[1:]) :]:
        match = pattern.match(plain, pos)
        if match is None or _letter_at(plain, match.end()):
            continue
        if factor is None:  # watts: the prefix gives the multiplier
            prefix = re.match(r"téra|tera|giga|méga|mega|kilo|[kMGT]", match.group().strip())
            factor = _PREFIX_MULTIPLIER[prefix.group()] if prefix else 1.0
        return unit_id, factor, match.end()
    return None


def _letter_at(plain: str, pos: int) -> bool:
    return pos < len(plain) and (plain[pos].isalnum() or plain[pos] == "_")


# ---------------------------------------------------------------------------------------------
# Years, ranges, deadlines


def _is_year(number: _Number) -> bool:
    """A four-digit whole number 1900-2100 with no unit, scale or qualifier ("plus de 2000" counts)."""
    return (
        number.plain_integer
        and number.end - number.start == 4
        and number.factor == 1
        and number.unit_id is None
        and number.qualifier == EXACTLY
        and YEAR_RANGE[0] <= number.value <= YEAR_RANGE[1]
    )


_RANGE_JOIN_RE = re.compile(r"\s*(?:-|a|to|et|and|au)\s*")
_RANGE_OPEN_RE = re.compile(r"(?<![a-z])(?:entre|between|de|from|d')\s*$")


def _ranges(numbers: list[_Number], fold: str) -> None:
    """Pairs ``entre A et B``, ``de A à B``, ``A to B``: shared scale and unit, at_least and up_to."""
    for low, high in itertools.pairwise(numbers):
        between = fold[low.end : high.start]
        join = _RANGE_JOIN_RE.fullmatch(between)
        if join is None or low.year or high.year:
            continue
        word = between.strip()
        opened = _RANGE_OPEN_RE.search(fold[max(0, low.start - 10) : low.start]) is not None
        if word in ("et", "and") and not opened:
            continue  # "10 et 20" is two figures unless "entre"/"between" opens the range
        if word == "-" and not (opened or high.unit_id or high.scaled):
            continue
        if low.unit_id is None and high.unit_id is not None:
            low.unit_id = high.unit_id
        if low.factor == 1 and high.factor != 1:
            low.value *= high.factor
            low.factor = high.factor
        if low.qualifier == EXACTLY:
            low.qualifier = AT_LEAST
        if high.qualifier == EXACTLY:
            high.qualifier = UP_TO


_SENTENCE_END_RE = re.compile(r"[.!?;](?=\s|$)|\n")


# The same ends read backwards: "$" or a space after the mark is before it in the reversed text.
_SENTENCE_END_BACK_RE = re.compile(r"\n|(?<!\S)[.!?;]")


def _sentence(fold: str, rev: str, at: int) -> tuple[int, int]:
    """(start, end) of the sentence ``fold[at]`` is in: from just after the last end of a sentence
    before it (or the start of the text) to just after the next one (or the end of the text)."""
    before = _SENTENCE_END_BACK_RE.search(rev, len(fold) - at)
    after = _SENTENCE_END_RE.search(fold, at)
    return len(fold) - before.start() if before else 0, after.end() if after else len(fold)


def _deadline(fold: str, start: int, end: int) -> int | None:
    match = _DEADLINE_RE.search(fold, start, end)
    if match is None:
        return None
    year = int(match.group(1))
    return year if YEAR_RANGE[0] <= year <= YEAR_RANGE[1] else None


# The commonest words of each language, as whole words.
_FRENCH_WORDS = {"le", "la", "les", "des", "du", "de", "et", "est", "une", "pour", "dans", "sur"}
_ENGLISH_WORDS = {"the", "of", "and", "is", "to", "for", "in", "on", "with", "by", "that"}
_FRENCH_WORDS_RE = re.compile(r"(?<![a-z])" + _trie(_FRENCH_WORDS) + "(?![a-z])")
_ENGLISH_WORDS_RE = re.compile(r"(?<![a-z])" + _trie(_ENGLISH_WORDS) + "(?![a-z])")


def _looks_french(fold: str) -> bool:
    french = len(_FRENCH_WORDS_RE.findall(fold))
    english = len(_ENGLISH_WORDS_RE.findall(fold))
    return french > english  # a tie (no words): "billion" is read as English, its commoner sense


# ---------------------------------------------------------------------------------------------
# Public API


_START = operator.attrgetter("start")


def _read(text: str, lang: str | None) -> tuple[str, str, list[_Number]]:
    """(folded text, folded text reversed, its numbers in order of position): the figures of
    ``find_figures`` and the years, before their sentences' deadlines are read."""
    plain, fold = views(text)
    rev = fold[::-1]  # what ends where a number starts is read backwards
    french = lang == "fr" if lang else _looks_french(fold)
    numbers = _digit_numbers(plain, fold, rev) + _word_numbers(fold, french)
    numbers.sort(key=_START)
    kept: list[_Number] = []
    for number in numbers:
        if kept and number.start < kept[-1].end:
            continue  # inside the previous figure ("pour cent" after 15, "mille" after 100)
        _extend(number, plain, fold, rev, french)
        if _letter_at(plain, number.end):
            continue  # glued to a word that is no scale or unit: 5G, 1er, 3ème, 21st, 4x4
        number.year = _is_year(number)
        kept.append(number)
    _ranges(kept, fold)
    return fold, rev, kept


def find_figures(text: str, lang: str | None = None) -> list[Figure]:
    """Every figure ``text`` states, in order of position.

    ``lang`` ('fr' or 'en') only decides what a ``billion`` is (10^12 in French, 10^9 in English);
    when None it is guessed from the text's commonest words.
    """
    fold, rev, kept = _read(text, lang)
    figures = []
    deadlines: dict[tuple[int, int], int | None] = {}  # by sentence
    for number in kept:
        if number.year:
            continue
        sentence = _sentence(fold, rev, number.start)
        if sentence not in deadlines:
            deadlines[sentence] = _deadline(fold, *sentence)
        figures.append(
            Figure(
                start=number.start,
                end=number.end,
                value=number.value,
                unit_id=number.unit_id,
                qualifier=number.qualifier,
                deadline_year=deadlines[sentence],
                text=text[number.start : number.end],
            )
        )
    return figures


def same_value(a: float, b: float) -> bool:
    """Equal as figures: base-unit products such as 1.5 x 10^9 are compared without float noise."""
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


def states_value(
    quote: str, value: float, unit_id: str | None, qualifier: str | None = None, stated: str | None = None
) -> bool:
    """Whether ``quote`` states ``value`` in ``unit_id`` (with ``qualifier`` and written as ``stated``
    when given).

    A figure that names no unit matches any unit (the unit may be given elsewhere in the text);
    one that names a unit matches that unit only: "103 %" states 103 percent, not 103 of a count.
    With ``unit_id`` None only the value is compared (a value without its unit is a problem of
    its own, reported by the rule ``value-has-unit``). ``stated`` is the figure's span as written
    (``Figure.text``: "11 milliards de dirhams", "40.000"), the qualifier words not included.
    """
    return any(f.text == stated or stated is None for f in _stating(quote, value, unit_id, qualifier))


# How much of the quote around a written figure (claims.value_stated) decides its reading: the
# grammar looks at most 60 characters back from digits (_BEFORE_RE: "articles 3, 4 et 12"), a range's
# low figure a few words before its high one ("entre 10 milliards et 20 milliards de dirhams"), and
# scale and unit words a few words after. Cuts fall on whitespace, never inside a word.
_WINDOW_BEFORE, _WINDOW_AFTER = 80, 40


def states_figure(
    quote: str, stated: str, value: float, unit_id: str | None, qualifier: str | None = None
) -> bool:
    """``states_value(quote, value, unit_id, qualifier, stated)``, reading only the text around each
    place ``quote`` writes ``stated``, and only the figure there when nothing joins it to another
    (the same verdict: tests/test_speed_paths2.py and tests/test_figures_focus.py compare them).

    A figure written as ``stated`` starts where ``stated`` occurs, so the figures elsewhere in a
    long quote need not be read. ``billion``'s reading still comes from the whole quote's language.
    """
    windows = _windows(quote, stated)
    if windows is None:
        windows = [(0, len(quote), None)]  # read whole, once
    lang = None
    for start, end, at in windows:
        window = quote[start:end]
        if lang is None and _names_billions(window):
            lang = "fr" if _looks_french(views(quote)[1]) else "en"
        # Without "billion" the language changes nothing.
        claim = (stated, value, unit_id, qualifier, lang or "en")
        verdict = _digits_state(window, at, claim)
        if verdict is None:
            verdict = _states_in(window, at, claim)
        if verdict:
            return True
    return False


# What states_figure asks of a text: (stated, value, unit_id, qualifier, lang).
_Claim = tuple[str, float, str | None, str | None, str]


def _states_in(text: str, at: int | None, claim: _Claim) -> bool:
    """Whether a figure of ``text`` (starting at ``at``, when given) is written ``stated`` and states
    ``value``: the figures of ``find_figures``, without the deadlines a verdict does not read."""
    stated, value, unit_id, qualifier, lang = claim
    for f in _read(text, lang)[2]:
        if (
            not f.year
            and (at is None or f.start == at)
            and text[f.start : f.end] == stated
            and _matches(f, value, unit_id, qualifier)
        ):
            return True
    return False


# A range's two figures are joined by one of these words (_RANGE_JOIN_RE): read backwards from where
# a figure starts, and forwards from where it ends.
_JOIN_BEFORE_RE = re.compile(r"\s*(?:-|a|ot|te|dna|ua)")  # on the reversed text
_JOIN_AFTER_RE = re.compile(r"\s*(?:-|a|to|et|and|au)")


def _digits_state(text: str, at: int | None, claim: _Claim) -> bool | None:
    """``_states_in``'s verdict read from the figure written ``stated`` alone, or None when the other
    figures of ``text`` may change it.

    When ``stated`` starts with a digit, the only figure it can be is the number of digits that
    starts where ``stated`` starts (a currency written before digits moves the figure's start onto
    the currency; words are no digits). Another number changes that figure only by making a range
    with it (``_ranges``), and only when nothing but spaces and a joining word ("-", "à", "to",
    "et", "and", "au") stands between them; it cannot cover it, since no scale or unit read after a
    number goes past a digit. So where no joining word touches the figure, the figure alone decides;
    where one does, None (``_states_in`` reads the whole text).
    """
    stated, value, unit_id, qualifier, lang = claim
    if _DIGITS_RE.match(stated) is None:
        return None
    if at is None:
        starts = set()
        at = text.find(stated)
        while at >= 0:
            starts.add(at)
            at = text.find(stated, at + 1)
    else:
        starts = {at}
    if not starts:
        return False
    plain, fold = views(text)
    rev = fold[::-1]
    not_a_figure = None
    for start in sorted(starts):
        numeral = _numeral_at(plain, start)
        if numeral is None:
            continue
        end, written, plain_integer = numeral
        if _named_or_version(plain, start, end, plain_integer):
            continue
        not_a_figure = not_a_figure or _NotFigures(fold, rev)
        if not_a_figure(start):
            continue
        number = _Number(start, end, written, plain_integer)
        _extend(number, plain, fold, rev, lang == "fr")
        if (
            number.start != start
            or number.end != start + len(stated)
            or _letter_at(plain, number.end)
            or _is_year(number)
        ):
            continue  # not a figure written as ``stated``
        if _JOIN_BEFORE_RE.match(rev, len(fold) - start) or _JOIN_AFTER_RE.match(fold, number.end):
            return None
        if _matches(number, value, unit_id, qualifier):
            return True
    return False


def _names_billions(text: str) -> bool:
    """Whether ``text`` has the only words whose value depends on the language (``_FRENCH_LARGE``)."""
    lower = text.lower()
    return "billion" in lower or "trillion" in lower


def _windows(quote: str, stated: str) -> list[tuple[int, int, int]] | None:
    """(start, end, where ``stated`` starts inside) of the text around each occurrence of ``stated``;
    None when they would add up to the whole quote (reading it once is then cheaper)."""
    if not stated:
        return None
    windows, total = [], 0
    at = quote.find(stated)
    while at >= 0:
        start = max(0, at - _WINDOW_BEFORE)
        while start > 0 and not quote[start - 1].isspace():
            start -= 1
        end = min(len(quote), at + len(stated) + _WINDOW_AFTER)
        while end < len(quote) and not quote[end].isspace():
            end += 1
        windows.append((start, end, at - start))
        total += end - start
        if total >= len(quote):
            return None
        at = quote.find(stated, at + 1)
    return windows


def stated_form(quote: str, value: float, unit_id: str | None, qualifier: str | None = None) -> str | None:
    """How ``quote`` writes ``value`` (claims.value_stated: "11 milliards de dirhams"), or None.

    The first figure that ``states_value`` would accept.
    """
    return next((f.text for f in _stating(quote, value, unit_id, qualifier)), None)


def _stating(quote: str, value: float, unit_id: str | None, qualifier: str | None) -> list[Figure]:
    return [f for f in find_figures(quote) if _matches(f, value, unit_id, qualifier)]


def _matches(f: Figure | _Number, value: float, unit_id: str | None, qualifier: str | None) -> bool:
    return (
        same_value(f.value, value)
        and (f.unit_id is None or unit_id is None or f.unit_id == unit_id)
        and (qualifier is None or f.qualifier == qualifier)
    )


def describe(figures: list[Figure]) -> str:
    """``103 percent ("103%"), 12 ("12")``: what a text states, for a report."""
    if not figures:
        return "no figure"
    return ", ".join(
        f"{f.value:.15g}{' ' + f.unit_id if f.unit_id else ''}"
        f"{'' if f.qualifier == EXACTLY else ' ' + f.qualifier} ({f.text!r})"
        for f in figures
    )

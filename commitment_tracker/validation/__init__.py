"""Validation in three layers (structure, content, provenance) and the report they fill.

Mechanical constraints are the Table Schema's and are judged once, by the structure layer
(``rowchecks``); rules of meaning live in ``validators/`` (Great Expectations suites and SQL rules)
and are judged by the content layer; ``provenance`` proves every quote against its archived seed.
"""

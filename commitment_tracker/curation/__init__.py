"""Changing the package safely: curation commands that stage, validate, then write all or nothing."""

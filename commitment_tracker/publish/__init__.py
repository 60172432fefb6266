"""Outputs for readers: the DuckDB/Parquet build, the static site, diffs, releases, summary, codebook."""

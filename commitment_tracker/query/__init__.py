"""Read-only SQL over the package: named queries from ``queries/``, limits, and result output."""

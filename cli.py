"""`python cli.py ...` from a checkout: the command line lives in commitment_tracker/cli.py."""

from commitment_tracker.cli import cli, main

__all__ = ["cli", "main"]

if __name__ == "__main__":
    main()

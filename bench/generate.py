"""`python -m bench.generate`: the benchmark dataset, as `timeledger bench generate`.

The generator itself is `timeledger.benchdata`, inside the installed package, so the
`timeledger` command has it wherever it runs; this module is the entry point from a
checkout and the import the scenarios use.
"""

import sys

from timeledger.benchdata import (
    DEFAULT_EMPLOYEES,
    DEFAULT_ENTRIES_PER_DAY,
    DEFAULT_SEED,
    DEFAULT_UNTIL,
    DEFAULT_YEARS,
    GeneratedDataset,
    default_workspace_name,
    generate_dataset,
)
from timeledger.cli import app

__all__ = [
    "DEFAULT_EMPLOYEES",
    "DEFAULT_ENTRIES_PER_DAY",
    "DEFAULT_SEED",
    "DEFAULT_UNTIL",
    "DEFAULT_YEARS",
    "GeneratedDataset",
    "default_workspace_name",
    "generate_dataset",
    "main",
]


def main(argv: list[str] | None = None) -> None:
    """Run `timeledger bench generate` with these arguments (default: the command line)."""
    arguments = sys.argv[1:] if argv is None else argv
    app(["bench", "generate", *arguments], prog_name="timeledger")


if __name__ == "__main__":
    main()

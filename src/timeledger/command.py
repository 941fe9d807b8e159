"""Where the `timeledger` command starts (pyproject's `[project.scripts]`)."""

import gc

YOUNG_OBJECTS_BEFORE_A_COLLECTION = 10_000
"""Python collects its youngest objects after 700 new ones by default, and every tenth
such collection then traverses the older ones, which a batch (an import's 5,000 entries,
their values and views) keeps alive long enough to make old: an import of 100,000 rows
ran 39 full collections (1.3 s of 16.4); at 10,000, 2 (0.06 s; 14.9 s in all)."""


def main() -> None:
    """Runs the command line (`timeledger.cli`), its modules loaded with the cycle
    collector paused and then frozen (`gc.freeze`). Loading them ran the collector over
    and over across the objects they define (half a second of every command's start), and
    each full collection afterwards traversed them all again. Frozen objects are still
    freed when nothing refers to them; the collector only stops traversing them."""
    gc.disable()
    from timeledger.cli import app

    gc.freeze()
    gc.set_threshold(YOUNG_OBJECTS_BEFORE_A_COLLECTION)
    gc.enable()
    app()

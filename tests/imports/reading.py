"""Reading the sample files and split results, for the tests of every reader."""

from pathlib import Path

from timeledger.imports.reader import read_import
from timeledger.imports.rows import ImportedRow, RowProblem

SAMPLES = Path(__file__).parent / "samples"
LIMIT = 10_000_000


def read_sample(source: str, name: str) -> list[ImportedRow | RowProblem]:
    with (SAMPLES / name).open("rb") as file:
        return list(read_import(source, file, max_bytes=LIMIT))


def read_text(source: str, text: str, *, day_first: bool = False) -> list[ImportedRow | RowProblem]:
    return list(read_import(source, text.encode(), max_bytes=LIMIT, day_first=day_first))


def rows_of(results: list[ImportedRow | RowProblem]) -> list[ImportedRow]:
    return [result for result in results if isinstance(result, ImportedRow)]


def problems_of(results: list[ImportedRow | RowProblem]) -> list[RowProblem]:
    return [result for result in results if isinstance(result, RowProblem)]

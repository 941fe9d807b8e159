"""One entry point for every kind of file: `read_import(source, data)`."""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any, BinaryIO

from timeledger.imports.clockify import CLOCKIFY_CSV
from timeledger.imports.csvfile import MAX_ROWS, CsvFormat, read_csv
from timeledger.imports.harvest import HARVEST_CSV
from timeledger.imports.kimai import KIMAI_CSV
from timeledger.imports.mapped import COLUMN_PARAMETER, ColumnMapping, mapped_csv_format
from timeledger.imports.mite import MITE_CSV, read_mite_json
from timeledger.imports.rows import ImportedRow, ImportFileRefused, RowProblem
from timeledger.imports.toggl import TOGGL_CSV
from timeledger.kit.db import Database


class ImportSource(StrEnum):
    MITE_CSV = "mite-csv"
    MITE_JSON = "mite-json"
    TOGGL_CSV = "toggl-csv"
    CLOCKIFY_CSV = "clockify-csv"
    KIMAI_CSV = "kimai-csv"
    HARVEST_CSV = "harvest-csv"
    MAPPED_CSV = "csv"
    """Any CSV, its columns named by a `ColumnMapping`."""
    TIMELEDGER = "timeledger"
    """A Timeledger workspace export, restored as a new workspace (not read as rows)."""


@dataclass(frozen=True)
class WorkspaceRestorer:
    """The restore of `timeledger` files, made by `transfer` and registered by `job_kinds`
    (a sibling layer: `imports` may not import it)."""

    exported_name: Callable[[BinaryIO, int], str]
    """The file's workspace name once its manifest is checked (`max_bytes`); a 422
    `Problem` for a refused file."""
    restore: Callable[
        [Database, Path, str | None, bool, int, Callable[[int, int], None] | None, bool],
        dict[str, Any],
    ]
    """(db, path, workspace name, apply, max_bytes, progress, whether progress writes the
    database) → the restore's result."""


RESTORERS: dict[ImportSource, WorkspaceRestorer] = {}


CSV_FORMATS: dict[ImportSource, CsvFormat] = {
    ImportSource.MITE_CSV: MITE_CSV,
    ImportSource.TOGGL_CSV: TOGGL_CSV,
    ImportSource.CLOCKIFY_CSV: CLOCKIFY_CSV,
    ImportSource.KIMAI_CSV: KIMAI_CSV,
    ImportSource.HARVEST_CSV: HARVEST_CSV,
}


def read_import(
    source: str,
    data: bytes | BinaryIO,
    *,
    max_bytes: int,
    max_rows: int = MAX_ROWS,
    day_first: bool = False,
    columns: ColumnMapping | None = None,
) -> Iterator[ImportedRow | RowProblem]:
    """The rows of a file of `source` (an `ImportSource` value), each an `ImportedRow` or,
    for a refused row, one `RowProblem` per fault, in file order.

    The file is opened and its header (or JSON) checked at once: a file that cannot be read
    raises `ImportFileRefused`. Rows are read lazily; a fault found further in (an encoding
    error, more than `max_bytes` bytes or `max_rows` rows) raises `ImportFileRefused` when
    reached, so a caller reads every row (a dry run) before applying any. `day_first` reads
    slashed and dashed dates (Clockify, Harvest) as D/M/YYYY rather than M/D/YYYY.
    `columns` names the columns of a `csv` file, and only of one.
    """
    try:
        kind = ImportSource(source)
    except ValueError:
        raise ImportFileRefused(
            "source",
            f"Unknown import source {source!r}; one of {', '.join(ImportSource)}.",
        ) from None
    if kind in RESTORERS or kind is ImportSource.TIMELEDGER:
        raise ImportFileRefused("source", f"A {kind.value} file is restored, not read as rows.")
    if kind is ImportSource.MAPPED_CSV and columns is None:
        raise ImportFileRefused(
            COLUMN_PARAMETER,
            f"A {kind.value} file is read through a column mapping: name the column of each "
            "field read as field=Header (date=Datum).",
        )
    if kind is not ImportSource.MAPPED_CSV and columns is not None:
        raise ImportFileRefused(
            COLUMN_PARAMETER,
            f"A {kind.value} file's columns are known; a column mapping is for source "
            f"{ImportSource.MAPPED_CSV.value}.",
        )
    if kind is ImportSource.MITE_JSON:
        return read_mite_json(data, max_bytes=max_bytes, max_rows=max_rows)
    file_format = CSV_FORMATS[kind] if columns is None else mapped_csv_format(kind.value, columns)
    return read_csv(file_format, data, max_bytes=max_bytes, max_rows=max_rows, day_first=day_first)

"""The dispatcher and a large file."""

import io

from timeledger.imports.reader import CSV_FORMATS, ImportSource, read_import
from timeledger.imports.rows import ImportedRow

TOGGL_HEADER = (
    "User,Email,Client,Project,Task,Description,Billable,Start date,Start time,End date,"
    "End time,Duration,Tags,Amount (EUR)\n"
)


def generated_toggl_file(rows: int) -> bytes:
    lines = [TOGGL_HEADER]
    for n in range(rows):
        person = n % 50
        lines.append(
            f"Person {person},p{person}@x.test,Client {n % 7},Project {n % 31},,"
            f"Work item {n},Yes,2026-{n % 12 + 1:02d}-{n % 28 + 1:02d},09:00:00,"
            f"2026-{n % 12 + 1:02d}-{n % 28 + 1:02d},10:{n % 60:02d}:{n % 59:02d},"
            f"01:{n % 60:02d}:{n % 59:02d},,12.50\n"
        )
    return "".join(lines).encode()


def test_every_csv_source_has_its_format_and_mite_json_its_reader() -> None:
    restored = {ImportSource.TIMELEDGER}  # a workspace export: tests/transfer/test_restore.py
    mapped = {ImportSource.MAPPED_CSV}  # its format is its mapping's: tests/imports/test_mapped.py
    assert set(CSV_FORMATS) | {ImportSource.MITE_JSON} | restored | mapped == set(ImportSource)
    assert {source.value for source in CSV_FORMATS} == {
        file_format.source for file_format in CSV_FORMATS.values()
    }


def test_a_hundred_thousand_rows_are_read_lazily_from_a_stream() -> None:
    data = generated_toggl_file(100_000)

    rows = read_import("toggl-csv", io.BytesIO(data), max_bytes=len(data))
    first = next(rows)
    count, minutes, seconds = 1, first.minutes, first.duration_seconds  # type: ignore[union-attr]
    for row in rows:
        assert isinstance(row, ImportedRow)
        count += 1
        minutes += row.minutes
        seconds += row.duration_seconds

    assert count == 100_000
    # Each of the 50 people's minutes is within half a minute of their exact seconds.
    assert abs(minutes - seconds / 60) <= 50 / 2

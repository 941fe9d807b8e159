"""What a reader gives: one normalized row per entry of the file, or the problems that
refused it."""

from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

FILE_ROW = 0
"""The row number of a problem of the whole file (its encoding, size, header)."""


@dataclass(frozen=True, slots=True)
class WallClockTime:
    """A local date and time as the product showed it, without a zone: none of these files
    carries a UTC offset. Their times are in the zone of the person who exported the file
    (their profile's zone in the product)."""

    day: date
    time: time

    def in_zone(self, zone: ZoneInfo) -> datetime:
        """The instant in `zone`; of a time that occurs twice (the hour the clocks go back)
        the first, and a time the clocks skip is read with the offset before the change."""
        return datetime.combine(self.day, self.time, tzinfo=zone)


@dataclass(frozen=True, slots=True)
class ImportedRow:
    """One time entry read from another product's file.

    `source_row_id` is the product's own id of the entry when the file has one, otherwise
    `sha256:` and a digest of the row's content (and of its occurrence, for identical rows),
    so reading the same file again gives every row the same id.

    `duration_seconds` is the duration exactly as the file states it; `minutes` is it in
    whole minutes, rounded so that a person's minutes, summed in file order, never stray
    more than half a minute from their exact seconds (`values.MinuteCarry`).
    """

    source: str
    source_row_id: str
    row: int
    person_name: str | None
    person_email: str | None
    customer: str | None
    project: str | None
    task: str | None
    activity: str | None
    day: date
    start: WallClockTime | None
    end: WallClockTime | None
    duration_seconds: Decimal
    minutes: int
    note: str
    billable: bool | None
    tags: tuple[str, ...]
    hourly_rate: Decimal | None
    amount: Decimal | None
    currency: str | None


@dataclass(frozen=True, slots=True)
class RowProblem:
    """Why a row (or, at row 0, the whole file) was refused; `field` is the column as the
    file names it."""

    row: int
    field: str
    problem: str


class ImportFileRefused(Exception):
    """The file cannot be read at all: wrong encoding, too large, missing columns, not CSV
    or JSON. Raised when the file is opened, or while its rows are read when the fault lies
    further in (an encoding error, the row limit)."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(problem)
        self.problem = RowProblem(FILE_ROW, field, problem)

"""Toggl Track: the CSV of a detailed report (Reports → Detailed → Export → CSV).

Columns: User, Email, Client, Project, Task, Description, Billable, Start date, Start time,
End date, End time, Duration, Tags, Amount (<currency>). Dates are `YYYY-MM-DD`, times of
day `HH:MM:SS` in the exporting person's zone; Duration follows the profile's duration
format (improved `1:02:03`, classic `62 min 03 sec`, or decimal `1.03 h`).
"""

from timeledger.imports.assembly import RowDraft
from timeledger.imports.csvfile import Column, CsvFormat, RowCells
from timeledger.imports.rows import WallClockTime

COLUMNS = (
    Column("user", ("User",), required=True),
    Column("email", ("Email",)),
    Column("client", ("Client",)),
    Column("project", ("Project",)),
    Column("task", ("Task",)),
    Column("description", ("Description",)),
    Column("billable", ("Billable",)),
    Column("start_date", ("Start date",), required=True),
    Column("start_time", ("Start time",)),
    Column("end_date", ("End date",)),
    Column("end_time", ("End time",)),
    Column("duration", ("Duration",), required=True),
    Column("tags", ("Tags",)),
    Column("amount", ("Amount",), currency_in_header=True),
)


def detailed_report_row(
    cells: RowCells, duration_key: str, rate_key: str | None = None
) -> RowDraft | None:
    """A row of a detailed report as Toggl and Clockify both write it (their columns under
    the same keys); `rate_key` names the hourly rate's column where the report has one."""
    day = cells.required("start_date", cells.date)
    seconds = cells.required(duration_key, cells.duration)
    start_time, end_time = cells.time("start_time"), cells.time("end_time")
    end_day = cells.date("end_date") or day
    billable = cells.flag("billable")
    rate = cells.amount(rate_key) if rate_key is not None else None
    amount = cells.amount("amount")
    if day is None or seconds is None:
        return None
    rate_currency = cells.header_currency(rate_key) if rate_key is not None else None
    return RowDraft(
        day=day,
        duration_seconds=seconds,
        person_name=cells.text("user"),
        person_email=cells.text("email"),
        customer=cells.text("client"),
        project=cells.text("project"),
        task=cells.text("task"),
        start=WallClockTime(day, start_time) if start_time is not None else None,
        end=WallClockTime(end_day, end_time) if end_time is not None and end_day else None,
        note=cells.text("description") or "",
        billable=billable,
        tags=cells.tags("tags"),
        hourly_rate=rate,
        amount=amount,
        currency=cells.header_currency("amount") or rate_currency,
    )


def build(cells: RowCells) -> RowDraft | None:
    return detailed_report_row(cells, "duration")


TOGGL_CSV = CsvFormat("toggl-csv", "Toggl Track", COLUMNS, build)

"""Clockify: the CSV of a detailed report (Reports → Detailed → Export → Save as CSV).

Columns: Project, Client, Description, Task, User, Group, Email, Tags, Billable, Start Date,
Start Time, End Date, End Time, Duration (h), Duration (decimal), Billable Rate (<currency>),
Billable Amount (<currency>). Dates and times follow the exporting person's settings
(`MM/DD/YYYY` by default, or `DD/MM/YYYY`, `DD.MM.YYYY`, `YYYY-MM-DD`; `02:30 PM` or
`14:30:00`), in their zone.
"""

from timeledger.imports.assembly import RowDraft
from timeledger.imports.csvfile import Column, CsvFormat, RowCells
from timeledger.imports.toggl import detailed_report_row

COLUMNS = (
    Column("project", ("Project",)),
    Column("client", ("Client",)),
    Column("description", ("Description",)),
    Column("task", ("Task",)),
    Column("user", ("User",), required=True),
    Column("email", ("Email",)),
    Column("tags", ("Tags",)),
    Column("billable", ("Billable",)),
    Column("start_date", ("Start Date",), required=True),
    Column("start_time", ("Start Time",)),
    Column("end_date", ("End Date",)),
    Column("end_time", ("End Time",)),
    Column("duration", ("Duration (h)",)),
    Column("duration_decimal", ("Duration (decimal)",)),
    Column("rate", ("Billable Rate",), currency_in_header=True),
    Column("amount", ("Billable Amount",), currency_in_header=True),
)


def build(cells: RowCells) -> RowDraft | None:
    duration_key = "duration" if cells.text("duration") else "duration_decimal"
    return detailed_report_row(cells, duration_key, rate_key="rate")


CLOCKIFY_CSV = CsvFormat(
    "clockify-csv",
    "Clockify",
    COLUMNS,
    build,
    required_any=(("duration", "duration_decimal"),),
)

"""Toggl Track's detailed report CSV, read from a sample written from its documented
columns (with the byte-order mark Toggl writes)."""

from datetime import date, time
from decimal import Decimal

from tests.imports.reading import problems_of, read_sample, read_text, rows_of
from timeledger.imports.rows import ImportedRow, WallClockTime

HEADER = (
    "User,Email,Client,Project,Task,Description,Billable,Start date,Start time,End date,"
    "End time,Duration,Tags,Amount (USD)\n"
)


def test_the_sample_is_read_field_by_field() -> None:
    results = read_sample("toggl-csv", "toggl_detailed.csv")

    assert problems_of(results) == []
    first = rows_of(results)[0]
    assert first == ImportedRow(
        source="toggl-csv",
        source_row_id=first.source_row_id,
        row=2,
        person_name="Anna Berg",
        person_email="anna@example.com",
        customer="Nordwind GmbH",
        project="Relaunch",
        task="Design",
        activity=None,
        day=date(2026, 3, 2),
        start=WallClockTime(date(2026, 3, 2), time(9, 0)),
        end=WallClockTime(date(2026, 3, 2), time(10, 30)),
        duration_seconds=Decimal(5400),
        minutes=90,
        note="Homepage, first draft",
        billable=True,
        tags=("design", "web"),
        hourly_rate=None,
        amount=Decimal("127.50"),
        currency="EUR",
    )
    # Pinned: the digest names the row in every later reading (docs/import-export.md).
    assert first.source_row_id == "sha256:eaa76a4df95325d68c3873cc6c57a658"


def test_seconds_are_carried_per_person_so_their_sum_loses_no_minute() -> None:
    rows = rows_of(read_sample("toggl-csv", "toggl_detailed.csv"))

    # Anna: 5400 s, 920 s, 920 s = 7240 s = 120.67 min; rounded alone 90 + 15 + 15 = 120.
    # Ben: 4540 s, 50 s = 4590 s = 76.5 min; rounded alone 76 + 1 = 77 by luck.
    assert [(row.person_name, row.duration_seconds, row.minutes) for row in rows] == [
        ("Anna Berg", Decimal(5400), 90),
        ("Anna Berg", Decimal(920), 15),
        ("Anna Berg", Decimal(920), 16),
        ("Ben Kraus", Decimal(4540), 76),
        ("Ben Kraus", Decimal(50), 1),
    ]
    assert sum(row.minutes for row in rows if row.person_name == "Anna Berg") == 121


def test_identical_rows_stay_two_rows_with_two_ids_each_time_the_file_is_read() -> None:
    first_reading = rows_of(read_sample("toggl-csv", "toggl_detailed.csv"))
    second_reading = rows_of(read_sample("toggl-csv", "toggl_detailed.csv"))

    ids = [row.source_row_id for row in first_reading]
    assert len(set(ids)) == 5
    assert ids == [row.source_row_id for row in second_reading]


def test_an_entry_past_midnight_ends_on_its_end_date() -> None:
    night = rows_of(read_sample("toggl-csv", "toggl_detailed.csv"))[3]

    assert night.day == date(2026, 3, 2)
    assert night.end == WallClockTime(date(2026, 3, 3), time(0, 45, 40))


def test_classic_and_decimal_duration_formats_are_read() -> None:
    results = read_text(
        "toggl-csv",
        HEADER
        + "Ann,a@x.test,,P,,one,No,2026-03-02,09:00:00,2026-03-02,09:47:06,47 min 06 sec,,\n"
        + "Ann,a@x.test,,P,,two,No,2026-03-02,10:00:00,2026-03-02,11:30:00,1.5 h,,12.00\n",
    )

    rows = rows_of(results)
    assert [row.duration_seconds for row in rows] == [2826, 5400]
    assert rows[1].currency == "USD"


def test_columns_in_another_order_and_columns_no_reader_reads_are_fine() -> None:
    results = read_text(
        "toggl-csv",
        "Duration,Workspace,Start date,User,End time,Start time\n"
        "01:00:00,Main,2026-03-02,Ann,10:00:00,09:00:00\n",
    )

    (row,) = rows_of(results)
    assert (row.person_name, row.minutes) == ("Ann", 60)
    assert row.end == WallClockTime(date(2026, 3, 2), time(10, 0))

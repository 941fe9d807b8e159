"""Clockify's detailed report CSV, in the default US date and 12-hour time format."""

from datetime import date, time
from decimal import Decimal

import pytest

from tests.imports.reading import problems_of, read_sample, read_text, rows_of
from timeledger.imports.reader import read_import
from timeledger.imports.rows import ImportFileRefused, RowProblem, WallClockTime

HEADER = "Project,Client,Description,Task,User,Email,Billable,Start Date,Start Time,Duration (h)\n"


def test_the_sample_is_read_field_by_field() -> None:
    results = read_sample("clockify-csv", "clockify_detailed.csv")

    assert problems_of(results) == []
    rows = rows_of(results)
    assert [
        (r.row, r.person_name, r.day, r.start, r.end, r.minutes, r.hourly_rate, r.amount)
        for r in rows
    ] == [
        (
            2,
            "Carla Diaz",
            date(2026, 3, 2),
            WallClockTime(date(2026, 3, 2), time(9, 15)),
            WallClockTime(date(2026, 3, 2), time(11, 45)),
            150,
            Decimal("80.00"),
            Decimal("200.00"),
        ),
        (
            3,
            "Carla Diaz",
            date(2026, 3, 2),
            WallClockTime(date(2026, 3, 2), time(14, 0)),
            WallClockTime(date(2026, 3, 2), time(14, 20)),
            20,
            Decimal("80.00"),
            Decimal("26.67"),
        ),
        (
            4,
            "Dan Ito",
            date(2026, 3, 3),
            WallClockTime(date(2026, 3, 3), time(23, 30)),
            WallClockTime(date(2026, 3, 4), time(0, 10)),
            40,
            Decimal("0.00"),
            Decimal("0.00"),
        ),
    ]
    first = rows[0]
    assert (first.customer, first.project, first.task, first.note) == (
        "Acme Inc.",
        "Website",
        "Copywriting",
        "Landing page copy",
    )
    assert (first.person_email, first.billable, first.tags, first.currency) == (
        "carla@example.com",
        True,
        ("content", "web"),
        "USD",
    )


def test_slashed_dates_are_month_first_unless_day_first_is_asked() -> None:
    text = HEADER + "P,C,d,,Ann,a@x.test,Yes,04/03/2026,09:00,01:00:00\n"

    (month_first,) = rows_of(read_text("clockify-csv", text))
    (day_first,) = rows_of(read_text("clockify-csv", text, day_first=True))

    assert month_first.day == date(2026, 4, 3)
    assert day_first.day == date(2026, 3, 4)


def test_a_day_first_date_read_month_first_is_refused_not_guessed() -> None:
    results = read_text(
        "clockify-csv", HEADER + "P,C,d,,Ann,a@x.test,Yes,25/03/2026,09:00,1:00:00\n"
    )

    assert results == [
        RowProblem(
            2,
            "Start Date",
            "'25/03/2026' is not a date (read as YYYY-MM-DD, D.M.YYYY or M/D/YYYY)",
        )
    ]


def test_the_decimal_duration_serves_when_the_clock_duration_is_missing() -> None:
    results = read_text(
        "clockify-csv",
        "User,Start Date,Duration (decimal)\nAnn,2026-03-02,0.75\n",
    )

    assert [row.minutes for row in rows_of(results)] == [45]


def test_a_file_without_any_duration_column_is_refused_naming_both() -> None:
    with pytest.raises(ImportFileRefused) as refused:
        read_import("clockify-csv", b"User,Start Date\nAnn,2026-03-02\n", max_bytes=1000)

    assert refused.value.problem.field == "Duration (h) or Duration (decimal)"

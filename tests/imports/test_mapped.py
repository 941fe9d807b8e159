"""Any CSV read through a column mapping (`source=csv`)."""

from datetime import date, time
from decimal import Decimal

import pytest

from tests.imports.reading import LIMIT, SAMPLES, problems_of, rows_of
from timeledger.imports.mapped import ColumnMapping
from timeledger.imports.reader import read_import
from timeledger.imports.rows import ImportedRow, ImportFileRefused, RowProblem, WallClockTime

SHEET_COLUMNS = ColumnMapping.parse(
    [
        "date=Datum", "person=Mitarbeiter", "email=E-Mail", "customer=Kunde",
        "project=Projekt", "activity=Leistung", "start=Von", "end=Bis", "duration=Stunden",
        "note=Bemerkung", "billable=Abrechenbar", "hourly_rate=Stundensatz",
        "amount=Betrag", "currency=Währung",
    ]
)  # fmt: skip
MINIMAL = ColumnMapping.parse(["date=Day", "person=Who", "duration=Time"])


def read_mapped(
    text: str, columns: ColumnMapping = MINIMAL, *, day_first: bool = False
) -> list[ImportedRow | RowProblem]:
    return list(
        read_import("csv", text.encode(), max_bytes=LIMIT, columns=columns, day_first=day_first)
    )


def refusal(text: str, columns: ColumnMapping = MINIMAL) -> RowProblem:
    with pytest.raises(ImportFileRefused) as refused:
        read_mapped(text, columns)
    return refused.value.problem


def test_the_sample_is_read_field_by_field_through_its_mapping() -> None:
    with (SAMPLES / "timesheet_de.csv").open("rb") as file:
        results = list(read_import("csv", file, max_bytes=LIMIT, columns=SHEET_COLUMNS))

    assert problems_of(results) == []
    portal, night, meeting = rows_of(results)
    assert (portal.source, portal.row, portal.day) == ("csv", 2, date(2026, 3, 2))
    assert (portal.person_name, portal.person_email) == ("Eva Lind", "eva@example.com")
    assert (portal.customer, portal.project, portal.task, portal.activity) == (
        "Stadtwerke", "Portal", None, "Entwicklung",
    )  # fmt: skip
    assert (portal.start, portal.end) == (
        WallClockTime(date(2026, 3, 2), time(9)), WallClockTime(date(2026, 3, 2), time(10, 30)),
    )  # fmt: skip
    assert (portal.duration_seconds, portal.minutes) == (Decimal(5400), 90)
    assert (portal.note, portal.billable) == ("Anmeldung überarbeitet", True)
    assert (portal.hourly_rate, portal.amount, portal.currency) == (
        Decimal("80.00"), Decimal("120.00"), "EUR",
    )  # fmt: skip
    # 22:15 to 00:45 ends the next day: 2 h 30 min.
    assert night.end == WallClockTime(date(2026, 3, 3), time(0, 45))
    assert (night.minutes, night.billable) == (150, False)
    # The duration cell states it where there are no times: 1,25 hours.
    assert (meeting.person_name, meeting.person_email, meeting.start) == (
        "Jonas Ritter", None, None,
    )  # fmt: skip
    assert (meeting.duration_seconds, meeting.minutes) == (Decimal(4500), 75)
    assert portal.source_row_id.startswith("sha256:")
    assert len({portal.source_row_id, night.source_row_id, meeting.source_row_id}) == 3


def test_the_duration_cell_outweighs_the_times_and_a_mapped_id_names_the_row() -> None:
    columns = ColumnMapping.parse(
        ["id=Nr", "date=Day", "email=Mail", "start=From", "end=To", "duration=Time"]
    )
    (row,) = read_mapped("Nr,Day,Mail,From,To,Time\n17,2026-03-02,a@x.test,09:00,10:00,0:45\n",
                         columns)  # fmt: skip

    assert isinstance(row, ImportedRow)
    assert (row.source_row_id, row.minutes, row.person_name) == ("17", 45, None)


def test_without_a_duration_column_the_times_are_required() -> None:
    columns = ColumnMapping.parse(["date=Day", "person=Who", "start=From", "end=To"])

    results = read_mapped("Day,Who,From,To\n2026-03-02,Ann,08:00,\n2026-03-02,Ann,8h,9:00\n",
                          columns)  # fmt: skip

    assert [(p.row, p.field) for p in problems_of(results)] == [(2, "To"), (3, "From")]
    assert "is empty" in results[0].problem  # type: ignore[union-attr]


def test_an_empty_duration_without_both_times_is_refused_under_its_header() -> None:
    columns = ColumnMapping.parse(["date=Day", "person=Who", "start=From", "duration=Time"])

    (problem,) = read_mapped("Day,Who,From,Time\n2026-03-02,Ann,08:00,\n", columns)

    assert problem == RowProblem(2, "Time", "is empty, and start and end do not both say when")


def test_cells_follow_the_rules_every_reader_shares() -> None:
    results = read_mapped(
        "Day,Who,Time\n"
        "03/02/2026,Ann,1:00\n"
        "2026-03-02,=HYPERLINK(1),1:00\n"
        ",Ann,1:00\n"
        "2026-03-02,Ann,soon\n",
        day_first=True,
    )

    first = results[0]
    assert isinstance(first, ImportedRow) and first.day == date(2026, 2, 3)
    assert [(p.row, p.field) for p in problems_of(results)] == [
        (3, "Who"), (4, "Day"), (5, "Time"),
    ]  # fmt: skip
    assert "formula" in results[1].problem  # type: ignore[union-attr]


def test_headers_match_without_regard_to_case_and_spacing_and_others_are_ignored() -> None:
    (row,) = read_mapped("  day ;WHO;Extra;time\n2026-03-02;Ann;x;0:30\n")

    assert isinstance(row, ImportedRow) and row.minutes == 30


def test_a_file_lacking_a_mapped_column_is_refused_naming_it() -> None:
    problem = refusal("Day,Time\n2026-03-02,1:00\n")

    assert problem == RowProblem(
        0, "Who", "The file lacks the column Who named by the column mapping"
    )


@pytest.mark.parametrize(
    ("pairs", "words"),
    [
        (["date"], "is not field=Header"),
        (["date= "], "is not field=Header"),
        (["day=Datum"], "'day' is not a field; one of id, date,"),
        (["date=A", "date=B"], "'date' is mapped twice"),
        (["date=" + "x" * 201], "longer than 200"),
        (["person=Who", "duration=Time"], "does not name date."),
        (["date=Day", "person=Who", "start=From"], "does not name duration (or start and end)"),
        (["date=Day", "duration=Time"], "does not name person or email"),
        (["date=Day", "person=Who", "duration=day"], "Two fields name the column 'day'"),
    ],
)
def test_a_mapping_that_cannot_read_a_file_is_refused(pairs: list[str], words: str) -> None:
    with pytest.raises(ImportFileRefused) as refused:
        ColumnMapping.parse(pairs)

    assert refused.value.problem.field == "column"
    assert words in refused.value.problem.problem


def test_a_header_holding_an_equals_sign_is_kept_whole() -> None:
    mapping = ColumnMapping.parse(["date=Day", "person=Who", "duration=Time = h"])

    assert mapping.pairs() == ["date=Day", "person=Who", "duration=Time = h"]
    assert ColumnMapping.parse(mapping.pairs()) == mapping


def test_only_a_csv_file_is_read_through_a_mapping_and_it_always_is() -> None:
    with pytest.raises(ImportFileRefused) as without:
        read_import("csv", b"Day,Who,Time\n", max_bytes=LIMIT)
    with pytest.raises(ImportFileRefused) as toggl:
        read_import("toggl-csv", b"User\n", max_bytes=LIMIT, columns=MINIMAL)

    assert without.value.problem.field == toggl.value.problem.field == "column"
    assert "read through a column mapping" in without.value.problem.problem
    assert "columns are known" in toggl.value.problem.problem

"""The limits of time every entry write keeps (docs/timesheet.md): instants the calendar
can show, no span in the future and no date beyond the planning horizon, at most 24 hours
per employee and day, spans of one employee apart. Single, PATCH and batch alike."""

from datetime import date, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event, update

from tests.access.support import assert_problem
from tests.timesheet.support import Person, create
from timeledger.entries import service
from timeledger.entries.team_totals import entry_minutes_by_day
from timeledger.kit.clock import utcnow
from timeledger.kit.db import Database
from timeledger.models import TimeEntry
from timeledger.timesheet.spans import PLANNING_HORIZON_DAYS

BATCH = "/api/timesheet/entries/batch"
DAY = "2026-03-10"
EDGES_OF_THE_CALENDAR = ["9999-12-31T23:00:00-12:00", "0001-01-01T00:10:00+14:00"]


def _span(start: str, end: str, activities: dict[str, int]) -> dict[str, Any]:
    return {"started_at": start, "ended_at": end, "activity_id": activities["work"]}


def _locations(problem: dict[str, Any]) -> list[str]:
    return [error["location"] for error in problem["errors"]]


def _today() -> date:
    # The workspace's zone is Europe/Berlin; a day either side does not matter here.
    return utcnow().date()


@pytest.mark.parametrize("instant", EDGES_OF_THE_CALENDAR)
def test_an_instant_at_the_edge_of_the_calendar_is_a_422_everywhere(
    client: TestClient, person: Person, activities: dict[str, int], instant: str
) -> None:
    as_start = _span(instant, "2026-03-10T09:00:00+00:00", activities)
    created = client.post(person.entries, json=as_start, headers=person.headers)
    assert "body.started_at" in _locations(assert_problem(created, 422))

    as_break = {
        **_span("2026-03-10T08:00:00+00:00", "2026-03-10T09:00:00+00:00", activities),
        "breaks": [{"started_at": instant, "ended_at": "2026-03-10T08:30:00+00:00"}],
    }
    created = client.post(person.entries, json=as_break, headers=person.headers)
    assert "body.breaks.0.started_at" in _locations(assert_problem(created, 422))

    entry = create(client, person, {"date": DAY, "minutes": 60, "activity_id": activities["work"]})
    patched = client.patch(
        f"{person.entries}/{entry['id']}",
        json={"started_at": instant, "ended_at": "2026-03-10T09:00:00+00:00"},
        headers=person.headers,
    )
    assert "body.started_at" in _locations(assert_problem(patched, 422))

    batch = {"items": [{**as_start, "employee_id": person.employee_id}]}
    batched = client.post(BATCH, json=batch, headers=person.headers)
    assert "body.items.0.started_at" in _locations(assert_problem(batched, 422))


def test_a_span_ending_in_the_future_is_refused(
    client: TestClient, person: Person, activities: dict[str, int]
) -> None:
    start, end = utcnow() + timedelta(hours=1), utcnow() + timedelta(hours=2)
    body = _span(start.isoformat(), end.isoformat(), activities)

    response = client.post(person.entries, json=body, headers=person.headers)

    assert _locations(assert_problem(response, 422)) == ["body.ended_at"]


def test_entries_are_planned_up_to_the_horizon_and_not_beyond(
    client: TestClient, person: Person, activities: dict[str, int]
) -> None:
    def planned(day: date) -> dict[str, Any]:
        return {"date": day.isoformat(), "minutes": 60, "activity_id": activities["work"]}

    create(client, person, planned(_today() + timedelta(days=PLANNING_HORIZON_DAYS - 1)))
    for day in (_today() + timedelta(days=PLANNING_HORIZON_DAYS + 2), date(2099, 1, 1)):
        response = client.post(person.entries, json=planned(day), headers=person.headers)
        assert _locations(assert_problem(response, 422)) == ["body.date"]

    entry = create(client, person, planned(_today()))
    moved = client.patch(
        f"{person.entries}/{entry['id']}", json={"date": "2099-01-01"}, headers=person.headers
    )
    assert _locations(assert_problem(moved, 422)) == ["body.date"]


def test_a_day_holds_at_most_24_hours_of_entries(
    client: TestClient, person: Person, activities: dict[str, int]
) -> None:
    def of(minutes: int) -> dict[str, Any]:
        return {"date": DAY, "minutes": minutes, "activity_id": activities["work"]}

    first = create(client, person, of(1000))
    second = create(client, person, of(440))
    too_much = client.post(person.entries, json=of(1), headers=person.headers)
    assert _locations(assert_problem(too_much, 422)) == ["body.minutes"]
    create(client, person, {**of(1), "date": "2026-03-11"})

    # A change counts the entry's new minutes instead of its old ones.
    fewer = client.patch(
        f"{person.entries}/{first['id']}", json={"minutes": 900}, headers=person.headers
    )
    assert fewer.status_code == 200, fewer.text
    more = client.patch(
        f"{person.entries}/{second['id']}", json={"minutes": 541}, headers=person.headers
    )
    assert _locations(assert_problem(more, 422)) == ["body.minutes"]
    exactly = client.patch(
        f"{person.entries}/{second['id']}", json={"minutes": 540}, headers=person.headers
    )
    assert exactly.status_code == 200, exactly.text


def test_a_batch_counts_its_own_items_against_the_day(
    client: TestClient, person: Person, activities: dict[str, int]
) -> None:
    item = {"employee_id": person.employee_id, "date": DAY, "activity_id": activities["work"]}
    items = [{**item, "minutes": 1000}, {**item, "minutes": 441}]

    response = client.post(BATCH, json={"items": items}, headers=person.headers)

    assert _locations(assert_problem(response, 422)) == ["body.items.1.minutes"]


def test_a_batch_counts_stored_minutes_of_dated_and_spanned_items_in_one_read(
    client: TestClient,
    db: Database,
    person: Person,
    activities: dict[str, int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    work = activities["work"]
    create(client, person, {"date": DAY, "minutes": 1400, "activity_id": work})
    create(client, person, {"date": "2026-03-11", "minutes": 1400, "activity_id": work})
    item = {"employee_id": person.employee_id, "activity_id": work}
    fits = [{**item, "date": f"2026-04-{day:02d}", "minutes": 30} for day in range(1, 29)]
    dated = {**item, "date": DAY, "minutes": 41}
    # 23:30 to 00:30 UTC is 00:30 to 01:30 on 2026-03-11 in Berlin: the stored day there.
    spanned = {**item, "started_at": "2026-03-10T23:30:00Z", "ended_at": "2026-03-11T00:11:00Z"}
    day_reads: list[Any] = []
    entry_sums: list[str] = []

    def read_counted(*arguments: Any) -> dict[tuple[int, date], int]:
        day_reads.append(arguments)
        return entry_minutes_by_day(*arguments)

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if "sum(time_entries.minutes)" in statement:
            entry_sums.append(statement)

    monkeypatch.setattr(service, "entry_minutes_by_day", read_counted)

    for engine in db.engines:
        event.listen(engine, "before_cursor_execute", count)
    try:
        response = client.post(
            BATCH, json={"items": [*fits, dated, spanned]}, headers=person.headers
        )
    finally:
        for engine in db.engines:
            event.remove(engine, "before_cursor_execute", count)

    assert _locations(assert_problem(response, 422)) == [
        "body.items.28.minutes",
        "body.items.29.minutes",
    ]
    assert len(day_reads) == 1
    assert entry_sums == []
    allowed = client.post(BATCH, json={"items": fits}, headers=person.headers)
    assert allowed.status_code == 201, allowed.text


def test_spans_of_one_employee_do_not_overlap(
    client: TestClient, person: Person, activities: dict[str, int]
) -> None:
    morning = _span("2026-03-10T08:00:00+00:00", "2026-03-10T12:00:00+00:00", activities)
    first = create(client, person, morning)

    again = client.post(person.entries, json=morning, headers=person.headers)
    problem = assert_problem(again, 409)
    assert problem["entry_id"] == first["id"]
    inside = _span("2026-03-10T11:00:00+00:00", "2026-03-10T13:00:00+00:00", activities)
    assert_problem(client.post(person.entries, json=inside, headers=person.headers), 409)

    touching = create(
        client, person, _span("2026-03-10T12:00:00+00:00", "2026-03-10T13:00:00+00:00", activities)
    )
    create(client, person, {"date": DAY, "minutes": 60, "activity_id": activities["work"]})
    moved = client.patch(
        f"{person.entries}/{touching['id']}",
        json={"started_at": "2026-03-10T11:59:00+00:00", "ended_at": "2026-03-10T13:00:00+00:00"},
        headers=person.headers,
    )
    assert assert_problem(moved, 409)["entry_id"] == first["id"]
    kept = client.patch(
        f"{person.entries}/{first['id']}",
        json={"started_at": "2026-03-10T07:00:00+00:00", "ended_at": "2026-03-10T12:00:00+00:00"},
        headers=person.headers,
    )
    assert kept.status_code == 200, kept.text


def test_a_batch_refuses_items_that_overlap_each_other(
    client: TestClient, person: Person, activities: dict[str, int]
) -> None:
    span = _span("2026-03-10T08:00:00+00:00", "2026-03-10T12:00:00+00:00", activities)
    items = [{**span, "employee_id": person.employee_id}] * 2

    response = client.post(BATCH, json={"items": items}, headers=person.headers)

    problem = assert_problem(response, 409)
    assert _locations(problem) == ["body.items.1"]


def test_entries_stored_before_the_limits_still_change_in_other_ways(
    client: TestClient, db: Database, person: Person, activities: dict[str, int]
) -> None:
    first = create(
        client, person, _span("2026-03-10T08:00:00+00:00", "2026-03-10T20:00:00+00:00", activities)
    )
    second = create(
        client, person, _span("2026-03-10T20:00:00+00:00", "2026-03-11T06:00:00+00:00", activities)
    )
    with db.transaction() as session:  # as an older server may have stored them
        session.execute(
            update(TimeEntry)
            .where(TimeEntry.id == second["id"])
            .values(
                started_at=datetime.fromisoformat(first["started_at"]),
                ended_at=datetime.fromisoformat(first["ended_at"]),
                minutes=1000,
            )
        )

    for entry in (first, second):
        noted = client.patch(
            f"{person.entries}/{entry['id']}", json={"note": "kept"}, headers=person.headers
        )
        assert noted.status_code == 200, noted.text
    moved = client.patch(
        f"{person.entries}/{second['id']}",
        json={"started_at": "2026-03-10T09:00:00+00:00", "ended_at": "2026-03-10T10:00:00+00:00"},
        headers=person.headers,
    )
    assert assert_problem(moved, 409)["entry_id"] == first["id"]

"""One test per time rule: each answers its own clear problem."""

from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient

from tests.access.support import assert_problem
from tests.conftest import WorkspaceFixture
from tests.presence.support import call, new_employee, record
from timeledger.kit.clock import utcnow

DAY = "2026-01-05"


def _at(clock: str) -> str:
    return f"{DAY}T{clock}:00+01:00"


def test_end_after_start(client: TestClient, workspace: WorkspaceFixture) -> None:
    headers = workspace.headers
    employee = new_employee(client, headers)
    for ended in (_at("08:00"), _at("07:00")):
        problem = assert_problem(
            call(client, headers, employee, "presence", started_at=_at("08:00"), ended_at=ended),
            422,
        )
        assert problem["errors"] == [
            {"location": "body.ended_at", "message": "must lie after the start"}
        ]
    assert call(client, headers, employee, "clock-in", at=_at("08:00")).status_code == 201
    problem = assert_problem(call(client, headers, employee, "clock-out", at=_at("07:59")), 422)
    assert problem["errors"][0]["location"] == "body.at"
    assert "must lie after the start" in problem["detail"]


def test_not_longer_than_24_hours(client: TestClient, workspace: WorkspaceFixture) -> None:
    headers = workspace.headers
    employee = new_employee(client, headers)
    problem = assert_problem(
        call(
            client, headers, employee, "presence",
            started_at=_at("08:00"), ended_at="2026-01-06T08:00:01+01:00",
        ),
        422,
    )  # fmt: skip
    assert "longer than 24 hours" in problem["detail"]
    exactly = record(client, headers, employee, _at("08:00"), "2026-01-06T08:00:00+01:00")
    assert exactly["minutes"] == 24 * 60
    assert (
        call(client, headers, employee, "clock-in", at="2026-01-07T08:00:00+01:00").status_code
        == 201
    )
    problem = assert_problem(
        call(client, headers, employee, "clock-out", at="2026-01-08T09:00:00+01:00"), 422
    )
    assert problem["errors"] == [{"location": "body.at", "message": "longer than 24 hours"}]


def test_not_in_the_future(client: TestClient, workspace: WorkspaceFixture) -> None:
    headers = workspace.headers
    employee = new_employee(client, headers)
    soon = utcnow() + timedelta(minutes=4)
    later = utcnow() + timedelta(minutes=6)
    problem = assert_problem(call(client, headers, employee, "clock-in", at=later.isoformat()), 422)
    assert problem["errors"] == [
        {"location": "body.at", "message": "more than 5 minutes in the future"}
    ]
    problem = assert_problem(
        call(
            client, headers, employee, "presence",
            started_at=(utcnow() - timedelta(hours=1)).isoformat(), ended_at=later.isoformat(),
        ),
        422,
    )  # fmt: skip
    assert problem["errors"][0]["location"] == "body.ended_at"
    assert call(client, headers, employee, "clock-in", at=soon.isoformat()).status_code == 201
    for operation in ("break-start", "clock-out"):
        assert_problem(call(client, headers, employee, operation, at=later.isoformat()), 422)


def test_no_overlap_names_the_other_interval(
    client: TestClient, workspace: WorkspaceFixture
) -> None:
    headers = workspace.headers
    employee = new_employee(client, headers)
    first = record(client, headers, employee, _at("08:00"), _at("12:00"))
    for started, ended in (
        (_at("11:00"), _at("13:00")),
        (_at("07:00"), _at("08:30")),
        (_at("09:00"), _at("10:00")),
        (_at("07:00"), _at("13:00")),
    ):
        problem = assert_problem(
            call(client, headers, employee, "presence", started_at=started, ended_at=ended), 409
        )
        assert problem["interval_id"] == first["id"]
        assert f"interval {first['id']}" in problem["detail"]
    # Touching is not overlapping; another employee is not concerned.
    record(client, headers, employee, _at("12:00"), _at("13:00"))
    record(client, headers, new_employee(client, headers, "E2"), _at("08:00"), _at("12:00"))


def test_of_several_overlapped_intervals_the_earliest_is_named(
    client: TestClient, workspace: WorkspaceFixture
) -> None:
    headers = workspace.headers
    employee = new_employee(client, headers)
    before = record(client, headers, employee, _at("06:00"), _at("07:00"))
    morning = record(client, headers, employee, _at("08:00"), _at("10:00"))
    noon = record(client, headers, employee, _at("11:00"), _at("12:00"))
    opened = call(client, headers, employee, "clock-in", at=_at("14:00")).json()
    for (started, ended), named in (
        ((_at("09:00"), _at("15:00")), morning),
        ((_at("10:30"), _at("15:00")), noon),
        ((_at("06:30"), _at("11:30")), before),
        ((_at("12:30"), _at("15:00")), opened),
    ):
        problem = assert_problem(
            call(client, headers, employee, "presence", started_at=started, ended_at=ended), 409
        )
        assert problem["interval_id"] == named["id"], (started, ended)
    record(client, headers, employee, _at("12:00"), _at("14:00"))


def test_an_open_interval_reaches_into_the_future(
    client: TestClient, workspace: WorkspaceFixture
) -> None:
    headers = workspace.headers
    employee = new_employee(client, headers)
    opened = call(client, headers, employee, "clock-in", at=_at("08:00")).json()
    problem = assert_problem(
        call(client, headers, employee, "presence", started_at=_at("09:00"), ended_at=_at("10:00")),
        409,
    )
    assert problem["interval_id"] == opened["id"]
    assert "still open" in problem["detail"]
    record(client, headers, employee, _at("06:00"), _at("08:00"))


def test_breaks_inside_their_interval(client: TestClient, workspace: WorkspaceFixture) -> None:
    headers = workspace.headers
    employee = new_employee(client, headers)

    def breaks_problem(*spans: tuple[str, str]) -> dict[str, Any]:
        breaks = [{"started_at": _at(start), "ended_at": _at(end)} for start, end in spans]
        response = call(
            client, headers, employee, "presence",
            started_at=_at("08:00"), ended_at=_at("16:00"), breaks=breaks,
        )  # fmt: skip
        return assert_problem(response, 422)

    outside = breaks_problem(("07:30", "08:30"))
    assert outside["errors"] == [{"location": "body.breaks.0", "message": "break outside its span"}]
    assert breaks_problem(("15:30", "16:30"))["errors"][0]["message"] == "break outside its span"
    overlapping = breaks_problem(("12:00", "12:30"), ("10:00", "12:15"))
    assert overlapping["errors"] == [{"location": "body.breaks.0", "message": "breaks overlap"}]
    backwards = breaks_problem(("12:00", "11:00"))
    assert backwards["errors"] == [
        {"location": "body.breaks.0.ended_at", "message": "must lie after the start"}
    ]
    made = record(
        client, headers, employee, _at("08:00"), _at("16:00"),
        breaks=[
            {"started_at": _at("12:00"), "ended_at": _at("12:30")},
            {"started_at": _at("10:00"), "ended_at": _at("10:15")},
        ],
    )  # fmt: skip
    assert (made["minutes"], made["break_minutes"]) == (8 * 60 - 45, 45)
    assert [b["started_at"][11:16] for b in made["breaks"]] == ["09:00", "11:00"]  # UTC


def test_break_times_while_clocked_in(client: TestClient, workspace: WorkspaceFixture) -> None:
    headers = workspace.headers
    employee = new_employee(client, headers)
    assert call(client, headers, employee, "clock-in", at=_at("08:00")).status_code == 201
    before = assert_problem(call(client, headers, employee, "break-start", at=_at("07:00")), 422)
    assert before["errors"] == [{"location": "body.at", "message": "break outside its span"}]
    assert call(client, headers, employee, "break-start", at=_at("10:00")).status_code == 200
    early_end = assert_problem(call(client, headers, employee, "break-end", at=_at("09:00")), 422)
    assert early_end["errors"] == [{"location": "body.at", "message": "must lie after the start"}]
    assert call(client, headers, employee, "break-end", at=_at("10:30")).status_code == 200
    overlap = assert_problem(call(client, headers, employee, "break-start", at=_at("10:15")), 422)
    assert overlap["errors"] == [{"location": "body.at", "message": "breaks overlap"}]
    cut = assert_problem(call(client, headers, employee, "clock-out", at=_at("10:20")), 422)
    assert cut["errors"] == [{"location": "body.at", "message": "break outside its span"}]
    assert call(client, headers, employee, "clock-out", at=_at("12:00")).status_code == 200

"""The `hours` report through the API, on both engines: groups and totals, the same rows
in JSON, CSV and XLSX, names as of the entries' dates, the caller's reach, bad input, and
the property that it equals the timesheet list's `group_by` for the same filters."""

import csv
import io
from datetime import date, timedelta
from typing import Any

import openpyxl  # type: ignore[import-untyped]
import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.approvals.support import set_managers
from tests.conftest import WorkspaceFixture
from tests.entries.support import (
    References,
    create_customer,
    create_project,
    create_references,
    delete_all_entries,
    insert_entries,
    list_all,
)
from tests.organization.support import create_unit
from tests.timesheet.support import Person, person_in
from timeledger.kit.clock import Clock
from timeledger.kit.db import Database

HOURS = "/api/reports/hours"
LIST = "/api/timesheet/entries"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LIST_KEYS = {
    "employee": "user",
    "customer": "customer",
    "project": "project",
    "activity": "activity",
    "day": "day",
    "week": "week",
    "month": "month",
    "year": "year",
}


@pytest.fixture
def people(
    client: TestClient, db: Database, workspace: WorkspaceFixture, person: Person
) -> list[Person]:
    return [person, person_in(client, db, workspace)]


@pytest.fixture
def refs(client: TestClient, workspace: WorkspaceFixture) -> References:
    return create_references(client, workspace.headers)


def _entries(people: list[Person], refs: References, activities: dict[str, int]) -> list[Any]:
    projects: list[dict[str, int | None]] = [
        {"project_id": None, "customer_id": None, "task_id": None},
        {"project_id": refs.project_id, "customer_id": refs.customer_id, "task_id": None},
        {"project_id": refs.project_id, "customer_id": refs.customer_id, "task_id": refs.task_id},
        {"project_id": refs.bare_project_id, "customer_id": None, "task_id": None},
    ]
    days = [date(2025, 12, 30), date(2026, 1, 5), date(2026, 1, 31), date(2026, 2, 2)]
    return [
        {
            "employee_id": people[i % 2].employee_id,
            "day": days[i % len(days)],
            "minutes": 15 + i * 7,
            "activity_id": (activities["work"], activities["vacation"])[i % 3 == 0],
            "billable": i % 2 == 0,
            "revenue_minor": None if i % 4 == 0 else i * 250,
            "note": ("alpha", "beta")[i % 2],
            **projects[i % len(projects)],
        }
        for i in range(20)
    ]


def _all_rows(
    client: TestClient, headers: dict[str, str], params: dict[str, Any]
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Every row of the JSON report, following `next_cursor`, and the totals."""
    query: dict[str, Any] = {"limit": 3, **params}
    rows: list[dict[str, Any]] = []
    totals: dict[str, Any] = {}
    for _ in range(100):
        response = client.get(HOURS, params=query, headers=headers)
        assert response.status_code == 200, response.text
        body = response.json()
        assert len(body["items"]) <= query["limit"]
        rows.extend(body["items"])
        assert not totals or body["totals"] == totals
        totals = body["totals"]
        if body["next_cursor"] is None:
            return rows, totals
        query["cursor"] = body["next_cursor"]
    raise AssertionError("more than 100 pages")


def _csv_rows(client: TestClient, headers: dict[str, str], params: dict[str, Any]) -> list[Any]:
    response = client.get(HOURS, params=params, headers={**headers, "Accept": "text/csv"})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"] == 'attachment; filename="hours.csv"'
    return list(csv.reader(io.StringIO(response.text, newline="")))


def _xlsx_rows(client: TestClient, headers: dict[str, str], params: dict[str, Any]) -> list[Any]:
    response = client.get(HOURS, params={**params, "format": "xlsx"}, headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == XLSX
    sheet = openpyxl.load_workbook(io.BytesIO(response.content))["hours"]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()[:10]
    return str(value)


def test_groups_with_names_and_totals_equal_to_their_sums(
    client: TestClient,
    db: Database,
    workspace: WorkspaceFixture,
    people: list[Person],
    refs: References,
    activities: dict[str, int],
) -> None:
    insert_entries(db, workspace.id, _entries(people, refs, activities))
    rows, totals = _all_rows(client, workspace.headers, {"group_by": "employee,month"})
    keys = [(row["employee_id"], row["month"]) for row in rows]
    assert keys == sorted(keys)
    assert len(keys) == len(set(keys)) == 4
    assert totals == {
        "minutes": sum(row["minutes"] for row in rows),
        "revenue_minor": sum(row["revenue_minor"] for row in rows),
        "currency": "EUR",
        "entries": 20,
    }
    assert totals["minutes"] == sum(15 + i * 7 for i in range(20))
    first = rows[0]
    assert set(first) == {
        "employee_id", "employee_name", "month", "minutes", "revenue_minor", "currency",
        "entries", "first_date", "last_date",
    }  # fmt: skip
    assert first["employee_id"] == people[0].employee_id
    assert first["employee_name"]
    assert first["month"] == "2025-12"

    by_task, _ = _all_rows(client, workspace.headers, {"group_by": "project,task"})
    assert [(row["project_id"], row["task_id"]) for row in by_task] == [
        (None, None),
        (refs.project_id, None),
        (refs.project_id, refs.task_id),
        (refs.bare_project_id, None),
    ]
    tasks = {row["task_id"]: row for row in by_task if row["project_id"] == refs.project_id}
    assert tasks[refs.task_id]["task_name"] == "Cover sheets"
    assert tasks[refs.task_id]["project_name"] == "TPS reports"
    assert tasks[None]["task_name"] is None


def test_the_unit_is_the_employees_unit_on_each_entrys_date(
    client: TestClient,
    db: Database,
    workspace: WorkspaceFixture,
    people: list[Person],
    activities: dict[str, int],
    clock: Clock,
) -> None:
    north = create_unit(client, workspace.headers, "North")
    south = create_unit(client, workspace.headers, "South")
    employee = f"/api/employees/{people[0].employee_id}"
    soon = clock.now().date()
    for unit, days in ((north, 1), (south, 10)):
        body = {"org_unit_id": unit["id"], "effective_from": str(soon + timedelta(days=days))}
        moved = client.patch(employee, json=body, headers=workspace.headers)
        assert moved.status_code == 200, moved.text
    work = activities["work"]
    insert_entries(
        db,
        workspace.id,
        [
            {"employee_id": people[0].employee_id, "day": soon + timedelta(days=5),
             "minutes": 60, "activity_id": work},
            {"employee_id": people[0].employee_id, "day": soon + timedelta(days=15),
             "minutes": 30, "activity_id": work},
            {"employee_id": people[1].employee_id, "day": soon + timedelta(days=15),
             "minutes": 5, "activity_id": work},
        ],
    )  # fmt: skip
    rows, totals = _all_rows(client, workspace.headers, {"group_by": "org_unit"})
    found = {row["org_unit_id"]: (row["org_unit_name"], row["minutes"]) for row in rows}
    assert found == {north["id"]: ("North", 60), south["id"]: ("South", 30), None: (None, 5)}
    assert totals["minutes"] == 95


def test_names_are_those_in_force_on_the_groups_latest_date(
    client: TestClient,
    db: Database,
    workspace: WorkspaceFixture,
    people: list[Person],
    activities: dict[str, int],
) -> None:
    customer = create_customer(client, workspace.headers, "Old name")
    project = create_project(client, workspace.headers, "Apollo", customer)
    renamed = client.patch(
        f"/api/customers/{customer}",
        json={"name": "New name", "effective_from": "2026-02-01"},
        headers=workspace.headers,
    )
    assert renamed.status_code == 200, renamed.text
    entry = {"employee_id": people[0].employee_id, "minutes": 10, "activity_id": activities["work"],
             "project_id": project, "customer_id": customer}  # fmt: skip
    insert_entries(
        db, workspace.id, [{**entry, "day": date(2026, 1, 31)}, {**entry, "day": date(2026, 2, 1)}]
    )
    rows, _ = _all_rows(client, workspace.headers, {"group_by": "customer,day"})
    assert [(row["day"], row["customer_name"]) for row in rows] == [
        ("2026-01-31", "Old name"),
        ("2026-02-01", "New name"),
    ]
    whole, _ = _all_rows(client, workspace.headers, {"group_by": "customer"})
    assert [(row["customer_name"], row["minutes"]) for row in whole] == [("New name", 20)]


def test_csv_and_xlsx_hold_the_rows_of_the_json_pages(
    client: TestClient,
    db: Database,
    workspace: WorkspaceFixture,
    people: list[Person],
    refs: References,
    activities: dict[str, int],
) -> None:
    insert_entries(db, workspace.id, _entries(people, refs, activities))
    for params in (
        {"group_by": "employee,customer,project,task,activity,week"},
        {"group_by": "year,org_unit", "billable": "true"},
        {"group_by": "day", "note": "alpha"},
    ):
        rows, _ = _all_rows(client, workspace.headers, params)
        columns = list(rows[0])
        expected = [[_as_text(row[column]) for column in columns] for row in rows]
        from_csv = _csv_rows(client, workspace.headers, params)
        assert from_csv[0] == columns
        assert from_csv[1:] == expected
        from_xlsx = _xlsx_rows(client, workspace.headers, params)
        assert from_xlsx[0] == columns
        assert [[_as_text(cell) for cell in row] for row in from_xlsx[1:]] == expected
        numbers = [row[columns.index("minutes")] for row in from_xlsx[1:]]
        assert all(isinstance(value, int) for value in numbers)


def test_text_cells_that_start_a_formula_are_neutralised_in_csv_and_xlsx(
    client: TestClient,
    db: Database,
    workspace: WorkspaceFixture,
    people: list[Person],
    activities: dict[str, int],
) -> None:
    evil = '=HYPERLINK("http://example.com","x")'
    customer = create_customer(client, workspace.headers, evil)
    insert_entries(
        db,
        workspace.id,
        [{"employee_id": people[0].employee_id, "day": date(2026, 1, 5), "minutes": 10,
          "activity_id": activities["work"], "customer_id": customer}],
    )  # fmt: skip
    params = {"group_by": "customer"}
    rows, _ = _all_rows(client, workspace.headers, params)
    assert rows[0]["customer_name"] == evil
    assert _csv_rows(client, workspace.headers, params)[1][1] == "'" + evil
    assert _xlsx_rows(client, workspace.headers, params)[1][1] == "'" + evil


def test_a_managers_report_holds_their_team_and_an_employees_their_own(
    client: TestClient,
    db: Database,
    workspace: WorkspaceFixture,
    people: list[Person],
    activities: dict[str, int],
) -> None:
    team = create_unit(client, workspace.headers, "Team")
    manager = person_in(client, db, workspace, role="manager")
    set_managers(client, workspace.headers, team["id"], [manager.principal.user_id])
    moved = client.patch(
        f"/api/employees/{people[0].employee_id}",
        json={"org_unit_id": team["id"]},
        headers=workspace.headers,
    )
    assert moved.status_code == 200, moved.text
    everyone = [people[0], people[1], manager]
    insert_entries(
        db,
        workspace.id,
        [{"employee_id": who.employee_id, "day": date(2026, 1, 5), "minutes": 10 + i,
          "activity_id": activities["work"]} for i, who in enumerate(everyone)],
    )  # fmt: skip

    def employees_in(headers: dict[str, str]) -> set[int]:
        rows, totals = _all_rows(client, headers, {"group_by": "employee"})
        assert totals["minutes"] == sum(row["minutes"] for row in rows)
        csv_rows = _csv_rows(client, headers, {"group_by": "employee"})
        assert {int(row[0]) for row in csv_rows[1:]} == {row["employee_id"] for row in rows}
        return {row["employee_id"] for row in rows}

    assert employees_in(workspace.headers) == {who.employee_id for who in everyone}
    assert employees_in(manager.headers) == {people[0].employee_id, manager.employee_id}
    assert employees_in(people[1].headers) == {people[1].employee_id}
    other = client.get(
        HOURS,
        params={"employee_id": people[1].employee_id},
        headers=people[0].headers,
    )
    assert other.status_code == 200
    assert other.json()["items"] == []
    assert other.json()["totals"]["minutes"] == 0


@pytest.mark.parametrize(
    ("params", "headers", "status", "location"),
    [
        ({"group_by": "user"}, {}, 422, "query.group_by"),
        ({"group_by": "day,day"}, {}, 422, "query.group_by"),
        ({"format": "pdf"}, {}, 422, "query.format"),
        ({}, {"Accept": "application/pdf"}, 406, "header.accept"),
        ({"cursor": "bm90IGEgY3Vyc29y"}, {}, 400, "query.cursor"),
        ({"limit": "201"}, {}, 422, "query.limit"),
        ({"from": "2026-02-01", "to": "2026-01-01"}, {}, 400, "query.from"),
        ({"activity_type": "nap"}, {}, 422, "query.activity_type"),
    ],
)
def test_bad_input_is_a_problem(
    client: TestClient,
    workspace: WorkspaceFixture,
    params: dict[str, Any],
    headers: dict[str, str],
    status: int,
    location: str,
) -> None:
    response = client.get(HOURS, params=params, headers={**workspace.headers, **headers})
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert location in [error["location"] for error in response.json()["errors"]]


def test_a_cursor_of_another_grouping_is_refused(
    client: TestClient,
    db: Database,
    workspace: WorkspaceFixture,
    people: list[Person],
    refs: References,
    activities: dict[str, int],
) -> None:
    insert_entries(db, workspace.id, _entries(people, refs, activities))
    first = client.get(
        HOURS, params={"group_by": "day", "limit": 1}, headers=workspace.headers
    ).json()
    assert first["next_cursor"] is not None
    response = client.get(
        HOURS,
        params={"group_by": "month", "cursor": first["next_cursor"]},
        headers=workspace.headers,
    )
    assert response.status_code == 400


def test_without_a_credential_there_is_no_report(client: TestClient) -> None:
    assert client.get(HOURS).status_code == 401


ENTRY = st.fixed_dictionaries(
    {
        "person": st.integers(0, 1),
        "day": st.dates(date(2025, 12, 20), date(2026, 2, 10)),
        "minutes": st.integers(0, 600),
        "activity": st.sampled_from(["work", "vacation"]),
        "project": st.integers(0, 2),
        "billable": st.booleans(),
        "revenue_minor": st.one_of(st.none(), st.integers(0, 100_000)),
        "note": st.sampled_from(["", "alpha", "beta"]),
        "locked": st.booleans(),
    }
)
FILTERS = st.sampled_from(
    [
        {},
        {"billable": "true"},
        {"note": "alpha"},
        {"project_id": "none"},
        {"activity_type": "work"},
        {"from": "2026-01-01"},
        {"at": "2026-01-05"},
        {"locked": "false", "to": "2026-01-20"},
        {"employee_id": "current"},
    ]
)
FIGURES = ("minutes", "revenue_minor", "entries", "first_date", "last_date")


def test_hours_equal_the_timesheet_lists_group_by(
    client: TestClient,
    db: Database,
    workspace: WorkspaceFixture,
    people: list[Person],
    refs: References,
    activities: dict[str, int],
) -> None:
    """Property: for random entries, keys and filters, the report's groups are the list's
    `group_by` groups (same keys, same figures, same order), and its totals their sums."""
    projects = [
        {"project_id": None, "customer_id": None},
        {"project_id": refs.project_id, "customer_id": refs.customer_id},
        {"project_id": refs.bare_project_id, "customer_id": None},
    ]
    caller = workspace.headers

    @given(
        entries=st.lists(ENTRY, max_size=12),
        keys=st.lists(st.sampled_from(sorted(LIST_KEYS)), unique=True, min_size=1, max_size=3),
        filters=FILTERS,
    )
    @settings(
        max_examples=10, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    def property_holds(
        entries: list[dict[str, Any]], keys: list[str], filters: dict[str, Any]
    ) -> None:
        delete_all_entries(db, workspace.id)
        rows = [
            {
                "employee_id": people[entry["person"]].employee_id,
                "day": entry["day"],
                "minutes": entry["minutes"],
                "activity_id": activities[entry["activity"]],
                "billable": entry["billable"],
                "revenue_minor": entry["revenue_minor"],
                "note": entry["note"],
                "locked": entry["locked"],
                **projects[entry["project"]],
            }
            for entry in entries
        ]
        insert_entries(db, workspace.id, rows)
        report, totals = _all_rows(client, caller, {**filters, "group_by": ",".join(keys)})
        group_by = ",".join(LIST_KEYS[key] for key in keys)
        groups = list_all(client, caller, LIST, {**filters, "group_by": group_by})
        key_fields = [f"{key}_id" if key in LIST_KEYS and key not in {"day", "week", "month",
                      "year"} else key for key in keys]  # fmt: skip
        assert [[row[field] for field in (*key_fields, *FIGURES)] for row in report] == [
            [group[field] for field in (*key_fields, *FIGURES)] for group in groups
        ]
        assert totals["minutes"] == sum(row["minutes"] for row in report)
        assert totals["revenue_minor"] == sum(row["revenue_minor"] for row in report)
        assert (
            totals["entries"]
            == sum(row["entries"] for row in report)
            == len(list_all(client, caller, LIST, filters))
        )

    property_holds()

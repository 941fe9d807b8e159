"""The `account-movements` report through the API, on both engines: movements by cause
per employee, account and period, opening and closing balances that chain and agree with
the timebank's own balances, the same rows in every format, and the caller's reach."""

import csv
import io
from datetime import date
from typing import Any

import openpyxl  # type: ignore[import-untyped]
import pytest
from fastapi.testclient import TestClient

from tests.conftest import WorkspaceFixture
from tests.timebank.test_movements import new_account
from tests.timesheet.support import Person, person_in
from timeledger.kit.clock import utcnow
from timeledger.kit.db import Database
from timeledger.models import TimebankMovement

REPORT = "/api/reports/account-movements"
CAUSES = ("adjustment", "entitlement", "usage", "settlement", "expiry", "reversal",
          "carry_over", "accrual")  # fmt: skip


@pytest.fixture
def people(
    client: TestClient, db: Database, workspace: WorkspaceFixture, person: Person
) -> list[Person]:
    return [person, person_in(client, db, workspace)]


def _insert(db: Database, workspace_id: int, rows: list[tuple[int, int, date, int, str]]) -> None:
    with db.transaction(workspace_id=workspace_id) as session:
        for employee_id, account_id, day, amount, cause in rows:
            session.add(
                TimebankMovement(
                    employee_id=employee_id,
                    account_id=account_id,
                    day=day,
                    amount=amount,
                    cause=cause,
                    note="",
                    created_at=utcnow(),
                )
            )


@pytest.fixture
def accounts(
    client: TestClient, db: Database, workspace: WorkspaceFixture, people: list[Person]
) -> tuple[int, int]:
    flex = new_account(client, workspace, "Flex")
    vacation = new_account(client, workspace, "Vacation", unit="days")
    first, second = (who.employee_id for who in people)
    _insert(
        db,
        workspace.id,
        [
            (first, flex, date(2025, 12, 15), 60, "adjustment"),
            (first, flex, date(2026, 1, 5), 120, "adjustment"),
            (first, flex, date(2026, 1, 20), -30, "usage"),
            (first, flex, date(2026, 2, 3), 45, "settlement"),
            (first, vacation, date(2026, 1, 1), 2500, "entitlement"),
            (first, vacation, date(2026, 2, 2), -100, "usage"),
            (second, flex, date(2026, 1, 10), 10, "adjustment"),
        ],
    )
    return flex, vacation


def _figures(row: dict[str, Any]) -> tuple[Any, ...]:
    moved = {cause: row[cause] for cause in CAUSES if row[cause]}
    return (row["employee_id"], row["account_id"], row["month"], row["opening_balance"], moved,
            row["net"], row["closing_balance"])  # fmt: skip


def test_movements_by_cause_with_chained_balances(
    client: TestClient,
    workspace: WorkspaceFixture,
    people: list[Person],
    accounts: tuple[int, int],
) -> None:
    flex, vacation = accounts
    first, second = (who.employee_id for who in people)
    response = client.get(REPORT, params={"from": "2026-01-01"}, headers=workspace.headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert [_figures(row) for row in body["items"]] == [
        (first, flex, "2026-01", 60, {"adjustment": 120, "usage": -30}, 90, 150),
        (first, flex, "2026-02", 150, {"settlement": 45}, 45, 195),
        (first, vacation, "2026-01", 0, {"entitlement": 2500}, 2500, 2500),
        (first, vacation, "2026-02", 2500, {"usage": -100}, -100, 2400),
        (second, flex, "2026-01", 0, {"adjustment": 10}, 10, 10),
    ]
    first_row = body["items"][0]
    assert (first_row["account_name"], first_row["unit"]) == ("Flex", "hours")
    assert body["items"][2]["unit"] == "days"
    assert body["totals"] == {
        name: sum(row[name] for row in body["items"]) for name in (*CAUSES, "net")
    }
    whole = client.get(REPORT, params={"period": "year"}, headers=workspace.headers).json()
    flex_years = [
        (row["year"], row["opening_balance"], row["closing_balance"])
        for row in whole["items"]
        if row["employee_id"] == first and row["account_id"] == flex
    ]
    assert flex_years == [(2025, 0, 60), (2026, 60, 195)]
    balances = client.get(
        f"/api/employees/{first}/timebank/balances",
        params={"as_of": "2026-12-31"},
        headers=workspace.headers,
    ).json()["items"]
    closing = {row["account_id"]: row["closing_balance"] for row in body["items"][:4]}
    assert {item["account_id"]: item["balance"] for item in balances} == closing


def test_pages_csv_and_xlsx_hold_the_same_rows(
    client: TestClient, workspace: WorkspaceFixture, accounts: tuple[int, int]
) -> None:
    whole = client.get(REPORT, headers=workspace.headers).json()["items"]
    paged: list[dict[str, Any]] = []
    params: dict[str, Any] = {"limit": 2}
    for _ in range(10):
        body = client.get(REPORT, params=params, headers=workspace.headers).json()
        paged.extend(body["items"])
        if body["next_cursor"] is None:
            break
        params["cursor"] = body["next_cursor"]
    assert paged == whole
    assert len(whole) == 6
    columns = list(whole[0])
    expected = [[str(row[column]) for column in columns] for row in whole]
    as_csv = client.get(REPORT, params={"format": "csv"}, headers=workspace.headers)
    assert list(csv.reader(io.StringIO(as_csv.text, newline=""))) == [columns, *expected]
    as_xlsx = client.get(REPORT, params={"format": "xlsx"}, headers=workspace.headers)
    sheet = openpyxl.load_workbook(io.BytesIO(as_xlsx.content))["account-movements"]
    cells = [[str(cell) for cell in row] for row in sheet.iter_rows(values_only=True)]
    assert cells == [columns, *expected]


def test_an_employee_sees_their_own_accounts_only(
    client: TestClient,
    workspace: WorkspaceFixture,
    people: list[Person],
    accounts: tuple[int, int],
) -> None:
    body = client.get(REPORT, headers=people[1].headers).json()
    assert [row["employee_id"] for row in body["items"]] == [people[1].employee_id]
    assert body["totals"]["net"] == 10
    other = client.get(
        REPORT, params={"employee_id": people[0].employee_id}, headers=people[1].headers
    ).json()
    assert other["items"] == []
    narrowed = client.get(
        REPORT, params={"account_id": accounts[1]}, headers=workspace.headers
    ).json()
    assert {row["account_id"] for row in narrowed["items"]} == {accounts[1]}


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"period": "day"}, 422),
        ({"from": "2026-02-01", "to": "2026-01-01"}, 422),
        ({"account_id": "x"}, 422),
        ({"cursor": "W10"}, 400),
    ],
)
def test_bad_input_is_a_problem(
    client: TestClient, workspace: WorkspaceFixture, params: dict[str, Any], status: int
) -> None:
    response = client.get(REPORT, params=params, headers=workspace.headers)
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"

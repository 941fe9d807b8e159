"""Timebank movements and balances under /api/employees/{id}/timebank: posting by hand,
listing, deleting, balances as of a date, and who reaches whose timebank."""

from datetime import date, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import select

from tests.access.support import assert_problem
from tests.conftest import WorkspaceFixture
from tests.organization.support import create_unit
from tests.timesheet.support import Person, person_in
from timeledger.kit.clock import utcnow
from timeledger.kit.db import Database
from timeledger.kit.timeutil import local_date
from timeledger.models import Change, TimebankMovement

ACCOUNTS = "/api/settings/timebank-accounts"


def movements(employee_id: int) -> str:
    return f"/api/employees/{employee_id}/timebank/movements"


def balances_url(employee_id: int) -> str:
    return f"/api/employees/{employee_id}/timebank/balances"


def new_account(
    client: TestClient,
    workspace: WorkspaceFixture,
    name: str,
    unit: str = "hours",
    effective_from: str = "2024-01-01",
) -> int:
    response = client.post(
        ACCOUNTS,
        json={"name": name, "unit": unit, "effective_from": effective_from},
        headers=workspace.headers,
    )
    assert response.status_code == 201, response.text
    account_id: int = response.json()["id"]
    return account_id


def post(
    client: TestClient,
    headers: dict[str, str],
    employee_id: int,
    account_id: int,
    day: str,
    amount: int,
    cause: str = "adjustment",
    note: str = "",
) -> dict[str, Any]:
    body = {"account_id": account_id, "day": day, "amount": amount, "cause": cause, "note": note}
    response = client.post(movements(employee_id), json=body, headers=headers)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


def listed(
    client: TestClient, headers: dict[str, str], employee_id: int, **query: Any
) -> list[dict[str, Any]]:
    response = client.get(movements(employee_id), params=query, headers=headers)
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def balances(
    client: TestClient, headers: dict[str, str], employee_id: int, as_of: str | None = None
) -> dict[str, Any]:
    params = {"as_of": as_of} if as_of is not None else {}
    response = client.get(balances_url(employee_id), params=params, headers=headers)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def error_locations(response: Response) -> list[str]:
    body = assert_problem(response, 422)
    return [error["location"] for error in body["errors"]]


def test_post_get_list_and_delete_a_movement(
    client: TestClient, db: Database, workspace: WorkspaceFixture, person: Person
) -> None:
    account = new_account(client, workspace, "Flex")
    before = utcnow()

    response = client.post(
        movements(person.employee_id),
        json={
            "account_id": account,
            "day": "2026-03-02",
            "amount": -90,
            "cause": "adjustment",
            "note": "Left early on Friday",
        },
        headers=workspace.headers,
    )

    assert response.status_code == 201, response.text
    made = response.json()
    assert response.headers["Location"] == f"{movements(person.employee_id)}/{made['id']}"
    assert {key: value for key, value in made.items() if key not in ("id", "created_at")} == {
        "employee_id": person.employee_id,
        "account_id": account,
        "day": "2026-03-02",
        "amount": -90,
        "cause": "adjustment",
        "note": "Left early on Friday",
        "created_by_user_id": workspace.owner_id,
        "statement_id": None,
        "statement_revision": None,
        "settlement_step": None,
        "timeoff_policy_id": None,
        "timeoff_request_id": None,
        "timeoff_key": None,
    }
    assert before <= datetime.fromisoformat(made["created_at"]) <= utcnow()
    fetched = client.get(response.headers["Location"], headers=workspace.headers)
    assert fetched.status_code == 200, fetched.text
    assert fetched.json() == made
    assert listed(client, workspace.headers, person.employee_id) == [made]

    deleted = client.delete(response.headers["Location"], headers=workspace.headers)

    assert deleted.status_code == 204, deleted.text
    assert listed(client, workspace.headers, person.employee_id) == []
    assert_problem(client.get(response.headers["Location"], headers=workspace.headers), 404)
    assert_problem(client.delete(response.headers["Location"], headers=workspace.headers), 404)
    with db.transaction() as session:
        changes = session.scalars(
            select(Change)
            .where(Change.entity == "timebank-movement", Change.entity_id == made["id"])
            .order_by(Change.revision)
        ).all()
        recorded = [
            (change.op, change.actor_user_id, change.data.get("amount")) for change in changes
        ]
    assert recorded == [("created", workspace.owner_id, -90), ("deleted", workspace.owner_id, None)]


def test_the_list_is_newest_first_paged_and_filtered(
    client: TestClient, workspace: WorkspaceFixture, person: Person
) -> None:
    flex = new_account(client, workspace, "Flex")
    vacation = new_account(client, workspace, "Vacation", unit="days")
    headers = workspace.headers
    first = post(client, headers, person.employee_id, flex, "2026-01-05", 60)
    second = post(client, headers, person.employee_id, vacation, "2026-01-10", 2500, "entitlement")
    third = post(client, headers, person.employee_id, flex, "2026-01-05", 30)
    fourth = post(client, headers, person.employee_id, flex, "2026-02-01", -15)

    page_one = client.get(movements(person.employee_id), params={"limit": 3}, headers=headers)
    assert page_one.status_code == 200, page_one.text
    cursor = page_one.json()["next_cursor"]
    assert cursor is not None
    page_two = client.get(
        movements(person.employee_id), params={"limit": 3, "cursor": cursor}, headers=headers
    )

    ids = [item["id"] for item in page_one.json()["items"] + page_two.json()["items"]]
    assert ids == [fourth["id"], second["id"], third["id"], first["id"]]
    assert page_two.json()["next_cursor"] is None
    only_flex = listed(client, headers, person.employee_id, account_id=flex)
    assert [item["id"] for item in only_flex] == [fourth["id"], third["id"], first["id"]]
    in_january = listed(
        client, headers, person.employee_id, **{"from": "2026-01-06", "to": "2026-01-31"}
    )
    assert [item["id"] for item in in_january] == [second["id"]]
    assert_problem(
        client.get(movements(person.employee_id), params={"cursor": "garbage"}, headers=headers),
        400,
    )
    assert error_locations(
        client.get(
            movements(person.employee_id),
            params={"from": "2026-02-01", "to": "2026-01-01"},
            headers=headers,
        )
    ) == ["query.from"]


def test_balances_sum_the_movements_up_to_as_of(
    client: TestClient, db: Database, workspace: WorkspaceFixture, person: Person
) -> None:
    headers = workspace.headers
    flex = new_account(client, workspace, "A flex")
    vacation = new_account(client, workspace, "B vacation", unit="days")
    empty = new_account(client, workspace, "C empty")
    employee = person.employee_id
    last_year = post(client, headers, employee, flex, "2025-12-31", 600, "entitlement")
    entitled = post(client, headers, employee, flex, "2026-01-10", 2400, "entitlement")
    used = post(client, headers, employee, flex, "2026-02-01", -90)
    post(client, headers, employee, flex, "2026-03-01", 30)
    granted = post(client, headers, employee, vacation, "2026-01-01", 2500, "entitlement")
    post(client, headers, employee, vacation, "2026-02-15", -150)
    other = person_in(client, db, workspace)
    post(client, headers, other.employee_id, flex, "2026-01-02", 999)

    in_february = balances(client, headers, employee, "2026-02-10")
    at_new_year = balances(client, headers, employee, "2025-12-31")
    in_march = balances(client, headers, employee, "2026-03-01")

    assert in_february == {
        "as_of": "2026-02-10",
        "items": [
            {
                "account_id": flex,
                "account_name": "A flex",
                "unit": "hours",
                "balance": 600 + 2400 - 90,
                "entitlement": 2400,
                "last_movement_at": used["created_at"],
            },
            {
                "account_id": vacation,
                "account_name": "B vacation",
                "unit": "days",
                "balance": 2500,
                "entitlement": 2500,
                "last_movement_at": granted["created_at"],
            },
            {
                "account_id": empty,
                "account_name": "C empty",
                "unit": "hours",
                "balance": 0,
                "entitlement": 0,
                "last_movement_at": None,
            },
        ],
    }
    assert [(item["balance"], item["entitlement"]) for item in at_new_year["items"]] == [
        (600, 600),
        (0, 0),
        (0, 0),
    ]
    assert at_new_year["items"][0]["last_movement_at"] == last_year["created_at"]
    assert [(item["balance"], item["entitlement"]) for item in in_march["items"]] == [
        (600 + 2400 - 90 + 30, 2400),
        (2500 - 150, 2500),
        (0, 0),
    ]
    assert entitled["cause"] == "entitlement"


@pytest.mark.frozen_clock
def test_balances_default_to_today_and_leave_out_deleted_and_future_accounts(
    client: TestClient, workspace: WorkspaceFixture, person: Person
) -> None:
    headers = workspace.headers
    flex = new_account(client, workspace, "Flex")
    gone = new_account(client, workspace, "Gone")
    new_account(client, workspace, "Later", effective_from="2999-01-01")
    post(client, headers, person.employee_id, flex, "2026-01-05", 45)
    deleted = client.delete(f"{ACCOUNTS}/{gone}", headers=headers)
    assert deleted.status_code == 204, deleted.text

    found = balances(client, headers, person.employee_id)

    assert date.fromisoformat(found["as_of"]) == local_date(utcnow(), "Europe/Copenhagen")
    assert [(item["account_name"], item["balance"]) for item in found["items"]] == [("Flex", 45)]


def test_invalid_movements_are_422(
    client: TestClient, workspace: WorkspaceFixture, person: Person
) -> None:
    headers = workspace.headers
    account = new_account(client, workspace, "Flex")
    gone = new_account(client, workspace, "Gone")
    assert client.delete(f"{ACCOUNTS}/{gone}", headers=headers).status_code == 204
    later = new_account(client, workspace, "Later", effective_from="2026-03-01")
    valid = {"account_id": account, "day": "2026-03-02", "amount": 60, "cause": "adjustment"}

    def attempt(**changes: Any) -> list[str]:
        body = {**valid, **changes}
        return error_locations(
            client.post(movements(person.employee_id), json=body, headers=headers)
        )

    assert attempt(account_id=987654) == ["body.account_id"]
    assert attempt(account_id=gone) == ["body.account_id"]
    assert attempt(account_id=later, day="2026-02-28") == ["body.account_id"]
    assert attempt(amount=0) == ["body.amount"]
    assert attempt(amount=10_000_001) == ["body.amount"]
    assert attempt(amount=-10_000_001) == ["body.amount"]
    assert attempt(cause="usage") == ["body.cause"]
    assert attempt(cause="settlement") == ["body.cause"]
    assert attempt(extra=1) == ["body.extra"]
    assert attempt(note="nul\x00") == ["body.note"]
    assert listed(client, headers, person.employee_id) == []
    # The boundaries themselves are fine, as is the first day an account is in force.
    assert post(client, headers, person.employee_id, account, "2026-03-02", 10_000_000)["amount"]
    assert post(client, headers, person.employee_id, later, "2026-03-01", -10_000_000)["amount"]
    assert [item["amount"] for item in listed(client, headers, person.employee_id)] == [
        10_000_000,
        -10_000_000,
    ]


def test_movements_written_by_the_rules_count_but_cannot_be_deleted(
    client: TestClient, db: Database, workspace: WorkspaceFixture, person: Person
) -> None:
    account = new_account(client, workspace, "Vacation", unit="days")
    post(client, workspace.headers, person.employee_id, account, "2026-01-01", 2500, "entitlement")
    with db.transaction(workspace_id=workspace.id) as session:
        usage = TimebankMovement(
            employee_id=person.employee_id,
            account_id=account,
            day=date(2026, 2, 2),
            amount=-100,
            cause="usage",
            note="",
            created_at=utcnow(),
        )
        session.add(usage)
        session.flush()
        usage_id = usage.id

    refused = client.delete(
        f"{movements(person.employee_id)}/{usage_id}", headers=workspace.headers
    )

    body = assert_problem(refused, 409)
    assert body["cause"] == "usage"
    assert listed(client, workspace.headers, person.employee_id)[0]["cause"] == "usage"
    found = balances(client, workspace.headers, person.employee_id, "2026-12-31")
    assert [(item["balance"], item["entitlement"]) for item in found["items"]] == [(2400, 2500)]


def test_an_employee_reads_their_own_timebank_but_cannot_post(
    client: TestClient, db: Database, workspace: WorkspaceFixture, person: Person
) -> None:
    account = new_account(client, workspace, "Flex")
    made = post(client, workspace.headers, person.employee_id, account, "2026-01-05", 120)
    other = person_in(client, db, workspace)
    body = {"account_id": account, "day": "2026-01-05", "amount": 60, "cause": "adjustment"}

    own = balances(client, person.headers, person.employee_id, "2026-01-31")
    posted = client.post(movements(person.employee_id), json=body, headers=person.headers)
    deleted = client.delete(f"{movements(person.employee_id)}/{made['id']}", headers=person.headers)

    assert [(item["account_id"], item["balance"]) for item in own["items"]] == [(account, 120)]
    assert listed(client, person.headers, person.employee_id) == [made]
    assert assert_problem(posted, 403)["required_permission"] == "timebank:adjust:*"
    assert assert_problem(deleted, 403)["required_permission"] == "timebank:adjust:*"
    assert_problem(client.get(balances_url(other.employee_id), headers=person.headers), 404)
    assert_problem(client.get(movements(other.employee_id), headers=person.headers), 404)
    assert listed(client, workspace.headers, person.employee_id) == [made]


def test_a_manager_reads_their_team_only(
    client: TestClient, db: Database, workspace: WorkspaceFixture
) -> None:
    manager = person_in(client, db, workspace, role="manager")
    unit_a = create_unit(client, workspace.headers, "A")
    below_a = create_unit(client, workspace.headers, "A1", parent_id=unit_a["id"])
    unit_b = create_unit(client, workspace.headers, "B")
    managers = client.put(
        f"/api/org-units/{unit_a['id']}/managers",
        json={"user_ids": [manager.principal.user_id]},
        headers=workspace.headers,
    )
    assert managers.status_code == 200, managers.text
    in_team = person_in(client, db, workspace)
    outside = person_in(client, db, workspace)
    for member, unit in ((in_team, below_a), (outside, unit_b)):
        moved = client.patch(
            f"/api/employees/{member.employee_id}",
            json={"org_unit_id": unit["id"]},
            headers=workspace.headers,
        )
        assert moved.status_code == 200, moved.text
    account = new_account(client, workspace, "Flex")
    made = post(client, workspace.headers, in_team.employee_id, account, "2026-01-05", 75)
    post(client, workspace.headers, outside.employee_id, account, "2026-01-05", 15)
    body = {"account_id": account, "day": "2026-01-05", "amount": 60, "cause": "adjustment"}

    team = balances(client, manager.headers, in_team.employee_id, "2026-01-05")

    assert [(item["account_id"], item["balance"]) for item in team["items"]] == [(account, 75)]
    assert listed(client, manager.headers, in_team.employee_id) == [made]
    assert_problem(client.get(balances_url(outside.employee_id), headers=manager.headers), 404)
    assert_problem(client.get(movements(outside.employee_id), headers=manager.headers), 404)
    posted = client.post(movements(in_team.employee_id), json=body, headers=manager.headers)
    deleted = client.delete(
        f"{movements(in_team.employee_id)}/{made['id']}", headers=manager.headers
    )
    assert assert_problem(posted, 403)["required_permission"] == "timebank:adjust:*"
    assert assert_problem(deleted, 403)["required_permission"] == "timebank:adjust:*"
    assert listed(client, workspace.headers, in_team.employee_id) == [made]


def test_another_workspaces_ids_are_not_found(
    client: TestClient,
    db: Database,
    workspace: WorkspaceFixture,
    other_workspace: WorkspaceFixture,
    person: Person,
) -> None:
    ours = new_account(client, workspace, "Flex")
    made = post(client, workspace.headers, person.employee_id, ours, "2026-01-05", 30)
    stranger = person_in(client, db, other_workspace)
    theirs = new_account(client, other_workspace, "Their flex")
    their_movement = post(
        client, other_workspace.headers, stranger.employee_id, theirs, "2026-01-05", 45
    )
    body = {"account_id": ours, "day": "2026-01-05", "amount": 60, "cause": "adjustment"}
    headers = workspace.headers

    assert_problem(client.get(balances_url(stranger.employee_id), headers=headers), 404)
    assert_problem(client.get(movements(stranger.employee_id), headers=headers), 404)
    assert_problem(client.post(movements(stranger.employee_id), json=body, headers=headers), 404)
    their_location = f"{movements(stranger.employee_id)}/{their_movement['id']}"
    assert_problem(client.delete(their_location, headers=headers), 404)
    # B's movement under A's employee, and B's account in A's body.
    assert_problem(
        client.get(f"{movements(person.employee_id)}/{their_movement['id']}", headers=headers),
        404,
    )
    assert_problem(
        client.delete(f"{movements(person.employee_id)}/{their_movement['id']}", headers=headers),
        404,
    )
    assert error_locations(
        client.post(
            movements(person.employee_id), json={**body, "account_id": theirs}, headers=headers
        )
    ) == ["body.account_id"]
    assert listed(client, headers, person.employee_id, account_id=theirs) == []
    assert [
        item["account_id"] for item in balances(client, headers, person.employee_id)["items"]
    ] == [ours]
    assert listed(client, headers, person.employee_id) == [made]
    assert listed(client, other_workspace.headers, stranger.employee_id) == [their_movement]


def test_an_account_with_movements_is_not_deleted(
    client: TestClient, db: Database, workspace: WorkspaceFixture
) -> None:
    account = client.post(
        "/api/settings/timebank-accounts",
        json={"name": "Flex", "unit": "hours", "effective_from": "2024-01-01"},
        headers=workspace.headers,
    ).json()["id"]
    employee = person_in(client, db, workspace)
    moved = client.post(
        f"/api/employees/{employee.employee_id}/timebank/movements",
        json={"account_id": account, "day": "2026-01-05", "amount": 60, "cause": "adjustment"},
        headers=workspace.headers,
    )
    assert moved.status_code == 201, moved.text
    refused = client.delete(f"/api/settings/timebank-accounts/{account}", headers=workspace.headers)
    assert refused.status_code == 409
    assert "1 timebank movements" in refused.json()["detail"]

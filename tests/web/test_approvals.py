"""The approval inbox page: a manager's team's items and not another team's, filtered by
kind and paged; items approved and rejected in bulk or one by one (a statement's
rejection needs a comment), an item decided meanwhile refused beside it while the others
are decided; a forged form, an employee's empty inbox, signed out."""

import html
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from tests.access.support import Principal, new_person
from tests.approvals.support import (
    Org,
    approvals_org,
    decide,
    set_managers,
    statement,
    statement_submitted,
    vacation_requested,
)
from tests.organization.support import create_unit
from tests.statements.support import a_long_monday_week
from tests.timeoff.support import request
from tests.web.support import PASSWORD, create_role, post_form, sign_in, sign_in_after_reset
from timeledger.access.credentials import PasswordHashing
from timeledger.kit.db import Database
from timeledger.web import approvals

MONDAY = "2026-03-02"
MAY = ("2026-05-04", "2026-05-08")
JUNE = ("2026-06-01", "2026-06-05")


@pytest.fixture
def org(client: TestClient, db: Database, hashing: PasswordHashing) -> Org:
    return approvals_org(client, db, hashing)


def _manager(db: Database, hashing: PasswordHashing, org: Org, name: str) -> Principal:
    workspace_id = org.leave.office.oslo.workspace.id
    return new_person(db, workspace_id, "manager", password=PASSWORD, hashing=hashing, name=name)


@pytest.fixture
def lead(client: TestClient, db: Database, hashing: PasswordHashing, org: Org) -> Principal:
    """The manager of the employee's team, signed in."""
    nora = _manager(db, hashing, org, "Nora North")
    set_managers(client, org.owner, org.team_id, [nora.user_id])
    assert nora.email is not None
    sign_in(client, nora.email)
    return nora


def _timeoff_status(client: TestClient, org: Org, request_id: int) -> str:
    response = client.get(f"{org.leave.base}/{request_id}", headers=org.owner)
    assert response.status_code == 200, response.text
    status: str = response.json()["status"]
    return status


def _ticked(*items: tuple[str, object]) -> dict[str, str]:
    return {approvals.item_field(kind, str(item_id)): "1" for kind, item_id in items}


def _decide(client: TestClient, fields: dict[str, Any]) -> Response:
    return post_form(client, "/approvals", fields, from_page="/approvals")


def _statement_and_vacation(client: TestClient, org: Org) -> tuple[dict[str, Any], dict[str, Any]]:
    """The employee's statement of a long Monday week submitted, and their May vacation
    requested."""
    a_long_monday_week(client, org.leave.office)
    return statement_submitted(client, org, MONDAY), vacation_requested(client, org, *MAY)


def test_a_manager_sees_their_teams_items_and_not_another_teams(
    client: TestClient, db: Database, hashing: PasswordHashing, org: Org, lead: Principal
) -> None:
    vacation = vacation_requested(client, org, *MAY)
    support = create_unit(client, org.owner, "Support", parent_id=org.company_id)
    other = _manager(db, hashing, org, "Sven Support")
    set_managers(client, org.owner, support["id"], [other.user_id])
    employee_name = client.get(f"/api/employees/{org.employee_id}", headers=org.owner).json()
    name = html.escape(f"{employee_name['first_name']} {employee_name['last_name']}")

    mine = client.get("/approvals")
    statements_only = client.get("/approvals", params={"kind": "statement"})
    client.cookies.clear()
    assert other.email is not None
    sign_in(client, other.email)
    theirs = client.get("/approvals")

    assert mine.status_code == 200
    assert f"Time off of {name}" in mine.text
    assert approvals.item_field("timeoff", str(vacation["id"])) in mine.text
    assert "5 days" in mine.text
    assert "Nothing awaits" not in mine.text
    assert "Nothing of this kind awaits your decision." in statements_only.text
    assert name not in statements_only.text
    assert theirs.status_code == 200
    assert name not in theirs.text
    assert "Nothing awaits your decision." in theirs.text


def test_two_items_are_approved_in_bulk(client: TestClient, org: Org, lead: Principal) -> None:
    may = vacation_requested(client, org, *MAY)
    june = request(client, org.leave, *JUNE)

    nothing_ticked = _decide(client, {"decision": "approve"})
    approved = _decide(
        client, {"decision": "approve", **_ticked(("timeoff", may["id"]), ("timeoff", june["id"]))}
    )

    assert nothing_ticked.status_code == 422
    assert "Select at least one item" in nothing_ticked.text
    assert approved.status_code == 303
    assert approved.headers["location"] == "/approvals?decided=2"
    assert [_timeoff_status(client, org, item["id"]) for item in (may, june)] == [
        "approved",
        "approved",
    ]
    after = client.get(approved.headers["location"])
    assert "Decided: 2." in after.text
    assert "Nothing awaits your decision." in after.text


def test_a_statement_is_rejected_only_with_a_comment_and_time_off_without(
    client: TestClient, org: Org, lead: Principal
) -> None:
    submitted, vacation = _statement_and_vacation(client, org)
    statement_key = f"reject:statement:{submitted['id']}"

    without_comment = _decide(client, {"decide_one": statement_key})
    with_comment = _decide(client, {"decide_one": statement_key, "note": "Tuesday is missing"})
    timeoff_rejected = _decide(client, {"decide_one": f"reject:timeoff:{vacation['id']}"})

    assert without_comment.status_code == 422
    assert 'id="f-note-problem"' in without_comment.text
    assert 'aria-invalid="true"' in without_comment.text
    assert with_comment.status_code == 303
    assert with_comment.headers["location"] == "/approvals?decided=1"
    rejected = statement(client, org, submitted["id"])
    assert rejected["status"] == "draft"
    assert timeoff_rejected.status_code == 303
    assert _timeoff_status(client, org, vacation["id"]) == "rejected"


def test_an_item_decided_meanwhile_is_refused_beside_it_and_the_rest_decided(
    client: TestClient, org: Org, lead: Principal
) -> None:
    may = vacation_requested(client, org, *MAY)
    june = request(client, org.leave, *JUNE)
    seen = client.get("/approvals")
    assert approvals.item_field("timeoff", str(may["id"])) in seen.text
    decide(client, org.owner, [{"kind": "timeoff", "id": str(may["id"]), "decision": "approve"}])

    answer = _decide(
        client, {"decision": "reject", **_ticked(("timeoff", may["id"]), ("timeoff", june["id"]))}
    )

    again = decide(
        client, lead.headers, [{"kind": "timeoff", "id": str(may["id"]), "decision": "reject"}]
    )
    assert again[0]["status"] == 409
    assert answer.status_code == 200
    assert html.escape(again[0]["problem"]["detail"]) in answer.text
    assert "Not decided:" in answer.text
    assert "Decided: 1." in answer.text
    assert _timeoff_status(client, org, may["id"]) == "approved"
    assert _timeoff_status(client, org, june["id"]) == "rejected"


def test_a_refused_item_still_waiting_keeps_its_problem_beside_it(
    client: TestClient, org: Org, lead: Principal
) -> None:
    submitted, vacation = _statement_and_vacation(client, org)

    answer = _decide(
        client,
        {
            "decision": "reject",
            **_ticked(("statement", submitted["id"]), ("timeoff", vacation["id"])),
        },
    )

    assert answer.status_code == 200
    assert f'id="item-statement-{submitted["id"]}-problem"' in answer.text
    assert 'id="f-note-problem"' in answer.text
    assert "Decided: 1." in answer.text
    assert statement(client, org, submitted["id"])["status"] == "submitted"
    assert _timeoff_status(client, org, vacation["id"]) == "rejected"


def test_the_inbox_is_paged_with_its_cursor(
    client: TestClient, org: Org, lead: Principal, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(approvals, "PAGE_SIZE", 1)
    may = vacation_requested(client, org, *MAY)
    june = request(client, org.leave, *JUNE)

    first = client.get("/approvals")
    next_link = first.text.split('rel="next"')[0].rsplit('href="', 1)[1].split('"')[0]
    second = client.get(html.unescape(next_link))

    assert approvals.item_field("timeoff", str(may["id"])) in first.text
    assert approvals.item_field("timeoff", str(june["id"])) not in first.text
    assert approvals.item_field("timeoff", str(june["id"])) in second.text
    assert approvals.item_field("timeoff", str(may["id"])) not in second.text
    assert "First page" in second.text


def test_a_forged_form_is_refused(client: TestClient, org: Org, lead: Principal) -> None:
    vacation = vacation_requested(client, org, *MAY)

    forged = client.post(
        "/approvals",
        data={"decide_one": f"approve:timeoff:{vacation['id']}"},
        follow_redirects=False,
    )

    assert forged.status_code == 403
    assert _timeoff_status(client, org, vacation["id"]) == "requested"


def test_an_employee_has_an_empty_inbox_without_their_own_request(
    client: TestClient, org: Org
) -> None:
    vacation_requested(client, org, *MAY)
    sign_in_after_reset(client, org.leave.office.person, org.owner)

    inbox = client.get("/approvals")

    assert inbox.status_code == 200
    assert "Nothing awaits your decision." in inbox.text
    assert 'name="item:' not in inbox.text


def test_signed_out_goes_to_the_sign_in_page(client: TestClient, org: Org) -> None:
    answer = client.get("/approvals", follow_redirects=False)

    assert answer.status_code == 303
    assert answer.headers["location"] == "/sign-in?next=/approvals"


def test_a_role_without_deciding_is_refused_with_a_403_page(
    client: TestClient, db: Database, hashing: PasswordHashing, org: Org
) -> None:
    create_role(client, org.owner, "onlooker", ["me:read:own", "timesheet:read:own"])
    workspace_id = org.leave.office.oslo.workspace.id
    onlooker = new_person(db, workspace_id, "onlooker", password=PASSWORD, hashing=hashing)
    assert onlooker.email is not None
    sign_in(client, onlooker.email)

    refused = client.get("/approvals")

    assert refused.status_code == 403
    assert "approvals:decide:own" in refused.text

"""The approvals inbox through the API on both engines: what reaches whom (the team's
manager, up the org tree when a unit has no manager besides the employee, the holders of
`approve:*` at the top, never the employee), the items' shape, the filters, the order
and paging, the count, and items leaving once decided or cancelled."""

import base64
import json
from datetime import datetime
from typing import Any

from fastapi.testclient import TestClient

from tests.access.support import MISSING_ID, assert_problem
from tests.approvals.support import (
    INBOX,
    Org,
    give_role,
    inbox,
    inbox_count,
    set_managers,
    statement_submitted,
    vacation_requested,
)
from tests.statements.support import a_long_monday_week
from tests.timeoff.support import decide, request

MONDAY = "2026-03-02"
MAY = ("2026-05-04", "2026-05-08")
JUNE = ("2026-06-01", "2026-06-05")
EMPLOYEE_NAME = "Ada Lovelace O1"


def instant(text: str) -> datetime:
    return datetime.fromisoformat(text)


def ids(items: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [(item["kind"], item["id"]) for item in items]


def three_items(client: TestClient, org: Org) -> list[tuple[str, str]]:
    """Vacation in May, then the week of 2 March's statement, then vacation in June, in
    that order: the inbox's oldest first."""
    may = vacation_requested(client, org, *MAY)
    statement = statement_submitted(client, org, MONDAY)
    june = request(client, org.leave, *JUNE)
    return [
        ("timeoff", str(may["id"])),
        ("statement", str(statement["id"])),
        ("timeoff", str(june["id"])),
    ]


def test_the_team_lead_sees_the_request_and_the_statement_and_nobody_above_does(
    client: TestClient, org: Org
) -> None:
    a_long_monday_week(client, org.leave.office)
    made = vacation_requested(client, org, *MAY)
    submitted = statement_submitted(client, org, MONDAY, payout_minutes=60)

    timeoff, statement = inbox(client, org.team_lead.headers)

    assert timeoff == {
        "kind": "timeoff",
        "id": str(made["id"]),
        "employee_id": org.employee_id,
        "employee_name": EMPLOYEE_NAME,
        "project_id": None,
        "period_start": "2026-05-04",
        "period_end": "2026-05-08",
        "summary": {
            "amount": 500,
            "unit": "days",
            "minutes": None,
            "norm_minutes": None,
            "overtime_minutes": None,
            "entries": None,
        },
        "requested_at": timeoff["requested_at"],
        "via": "manager",
        "on_behalf_of_user_id": None,
        "href": f"/api/employees/{org.employee_id}/timeoffs/{made['id']}",
    }
    assert instant(timeoff["requested_at"]) == instant(made["created_at"])
    assert statement == {
        "kind": "statement",
        "id": str(submitted["id"]),
        "employee_id": org.employee_id,
        "employee_name": EMPLOYEE_NAME,
        "project_id": None,
        "period_start": MONDAY,
        "period_end": "2026-03-08",
        "summary": {
            "amount": None,
            "unit": None,
            "minutes": 2430,
            "norm_minutes": 2250,
            "overtime_minutes": 90,
            "entries": None,
        },
        "requested_at": statement["requested_at"],
        "via": "manager",
        "on_behalf_of_user_id": None,
        "href": f"/api/timesheet/statements/{submitted['id']}",
    }
    assert instant(statement["requested_at"]) == instant(submitted["submitted_at"])
    for item, status in ((timeoff, "requested"), (statement, "submitted")):
        shown = client.get(item["href"], headers=org.team_lead.headers)
        assert shown.status_code == 200, shown.text
        assert (str(shown.json()["id"]), shown.json()["status"]) == (item["id"], status)

    assert inbox(client, org.sales_head.headers) == []
    assert inbox(client, org.owner) == []
    assert inbox(client, org.employee) == []
    assert inbox(client, org.deputy.headers) == []
    assert inbox_count(client, org.team_lead.headers) == {
        "count": 2,
        "by_kind": {"timeoff": 1, "statement": 1, "project_entries": 0},
    }
    assert inbox_count(client, org.sales_head.headers)["count"] == 0
    assert inbox_count(client, org.owner)["count"] == 0


def test_items_go_up_the_tree_while_units_have_no_manager_and_then_to_the_owner(
    client: TestClient, org: Org
) -> None:
    made = vacation_requested(client, org, *MAY)
    item = ("timeoff", str(made["id"]))
    assert ids(inbox(client, org.team_lead.headers)) == [item]

    # A manager who may not approve time off (the deputy reads but approves nothing) is
    # passed over like none at all.
    set_managers(client, org.owner, org.team_id, [org.deputy.user_id])
    assert inbox(client, org.deputy.headers) == []
    assert inbox(client, org.team_lead.headers) == []
    assert ids(inbox(client, org.sales_head.headers)) == [item]

    set_managers(client, org.owner, org.team_id, [])
    assert inbox(client, org.team_lead.headers) == []
    (at_sales,) = inbox(client, org.sales_head.headers)
    assert ((at_sales["kind"], at_sales["id"]), at_sales["via"]) == (item, "manager")
    assert inbox(client, org.owner) == []

    set_managers(client, org.owner, org.sales_id, [])
    assert inbox(client, org.sales_head.headers) == []
    (at_the_top,) = inbox(client, org.owner)
    assert ((at_the_top["kind"], at_the_top["id"]), at_the_top["via"]) == (item, "manager")
    assert at_the_top["on_behalf_of_user_id"] is None
    assert inbox_count(client, org.owner)["by_kind"]["timeoff"] == 1
    assert inbox(client, org.deputy.headers) == []
    assert inbox(client, org.employee) == []


def test_an_employee_managing_their_own_team_never_gets_their_own_request(
    client: TestClient, org: Org
) -> None:
    employee_user = org.leave.office.person.user_id
    give_role(client, org, employee_user, "manager")
    made = vacation_requested(client, org, *MAY)
    item = ("timeoff", str(made["id"]))

    set_managers(client, org.owner, org.team_id, [employee_user, org.team_lead.user_id])
    assert ids(inbox(client, org.team_lead.headers)) == [item]
    assert inbox(client, org.employee) == []
    assert inbox(client, org.sales_head.headers) == []

    set_managers(client, org.owner, org.team_id, [employee_user])
    assert inbox(client, org.employee) == []
    assert inbox_count(client, org.employee)["count"] == 0
    assert inbox(client, org.team_lead.headers) == []
    (at_sales,) = inbox(client, org.sales_head.headers)
    assert ((at_sales["kind"], at_sales["id"]), at_sales["via"]) == (item, "manager")

    set_managers(client, org.owner, org.sales_id, [employee_user])
    assert inbox(client, org.employee) == []
    assert inbox(client, org.sales_head.headers) == []
    assert ids(inbox(client, org.owner)) == [item]


def test_filters_by_kind_employee_and_period_keep_the_oldest_first(
    client: TestClient, org: Org
) -> None:
    may, statement, june = everything = three_items(client, org)
    lead = org.team_lead.headers

    listed = inbox(client, lead)
    assert ids(listed) == everything
    stamps = [instant(item["requested_at"]) for item in listed]
    assert stamps == sorted(stamps)
    assert len(set(stamps)) == 3

    assert ids(inbox(client, lead, kind="timeoff")) == [may, june]
    assert ids(inbox(client, lead, kind="statement")) == [statement]
    assert ids(inbox(client, lead, kind=["statement", "timeoff"])) == everything
    assert inbox(client, lead, kind="project_entries") == []
    assert ids(inbox(client, lead, employee_ids=str(org.employee_id))) == everything
    assert ids(inbox(client, lead, employee_ids=f"{MISSING_ID},{org.employee_id}")) == everything
    assert inbox(client, lead, employee_ids=str(MISSING_ID)) == []
    assert ids(inbox(client, lead, period_from="2026-05-08")) == [may, june]
    assert ids(inbox(client, lead, period_from="2026-05-09")) == [june]
    assert ids(inbox(client, lead, period_to="2026-05-04")) == [may, statement]
    assert ids(inbox(client, lead, period_to="2026-03-01")) == []
    assert ids(inbox(client, lead, period_from="2026-03-08", period_to="2026-03-08")) == [statement]
    assert inbox(client, lead, period_from="2026-05-09", period_to="2026-05-31") == []
    assert ids(inbox(client, lead, kind="timeoff", period_to="2026-05-31")) == [may]

    assert inbox_count(client, lead) == {
        "count": 3,
        "by_kind": {"timeoff": 2, "statement": 1, "project_entries": 0},
    }
    assert inbox_count(client, lead, kind="timeoff", period_to="2026-05-31") == {
        "count": 1,
        "by_kind": {"timeoff": 1, "statement": 0, "project_entries": 0},
    }
    assert inbox_count(client, lead, employee_ids=str(MISSING_ID))["count"] == 0

    for bad in ({"kind": "invoice"}, {"period_from": "May"}, {"employee_ids": "x"}):
        assert_problem(client.get(INBOX, params=bad, headers=lead), 422)
        assert_problem(client.get(f"{INBOX}/count", params=bad, headers=lead), 422)


def test_pages_of_one_walk_every_item_once(client: TestClient, org: Org) -> None:
    everything = three_items(client, org)
    lead = org.team_lead.headers

    walked: list[tuple[str, str]] = []
    cursor: str | None = None
    pages = 0
    while True:
        params: dict[str, Any] = {"limit": 1}
        if cursor is not None:
            params["cursor"] = cursor
        response = client.get(INBOX, params=params, headers=lead)
        assert response.status_code == 200, response.text
        page = response.json()
        assert len(page["items"]) == 1, page
        walked += ids(page["items"])
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            break
        assert pages < 10, walked
    assert walked == everything
    assert pages == 3

    two = client.get(INBOX, params={"limit": 2}, headers=lead).json()
    assert ids(two["items"]) == everything[:2]
    rest = client.get(INBOX, params={"limit": 2, "cursor": two["next_cursor"]}, headers=lead)
    assert (ids(rest.json()["items"]), rest.json()["next_cursor"]) == (everything[2:], None)
    whole = client.get(INBOX, params={"limit": 3}, headers=lead).json()
    assert (ids(whole["items"]), whole["next_cursor"]) == (everything, None)

    forged = base64.urlsafe_b64encode(json.dumps([1, "timeoff", "1"]).encode()).decode()
    for garbage in ("not-a-cursor", "!!!", forged, two["next_cursor"][:-3]):
        assert_problem(client.get(INBOX, params={"cursor": garbage}, headers=lead), 400)
    for limit in (0, 201):
        assert_problem(client.get(INBOX, params={"limit": limit}, headers=lead), 422)


def test_decided_and_cancelled_requests_leave_the_inbox(client: TestClient, org: Org) -> None:
    approved = vacation_requested(client, org, *MAY)
    rejected = request(client, org.leave, *JUNE)
    cancelled = request(client, org.leave, "2026-08-03", "2026-08-04")
    kept = request(client, org.leave, "2026-09-07", "2026-09-07")
    lead = org.team_lead.headers
    assert inbox_count(client, lead)["count"] == 4

    decide(client, org.leave, approved["id"], "approve", headers=lead)
    decide(client, org.leave, rejected["id"], "reject", headers=lead)
    decide(client, org.leave, cancelled["id"], "cancel", headers=org.employee)

    assert ids(inbox(client, lead)) == [("timeoff", str(kept["id"]))]
    assert inbox_count(client, lead) == {
        "count": 1,
        "by_kind": {"timeoff": 1, "statement": 0, "project_entries": 0},
    }

"""The inbox reads each kind in its order a batch at a time: items requested at the same
instant keep one order (kind, then id as a number) on every page size, and a page reads on
past the items of its kind that are routed to someone else."""

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import update

from tests.access.support import assert_problem
from tests.approvals.support import INBOX, Org, inbox_count, statement_submitted
from tests.organization.support import create_employee
from tests.statements.support import a_long_monday_week
from tests.timeoff.support import grant, request
from timeledger.kit.db import Database
from timeledger.kit.pagination import encode_position
from timeledger.models import Statement, TimeoffRequest

ELEVEN_WEEKDAYS = [f"2026-06-{day:02d}" for day in (1, 2, 3, 4, 5, 8, 9, 10, 11, 12, 15)]
SAME_INSTANT = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)


def walk(client: TestClient, headers: dict[str, str], limit: int) -> list[tuple[str, str]]:
    walked: list[tuple[str, str]] = []
    cursor: str | None = None
    for _ in range(100):
        params: dict[str, Any] = {"limit": limit}
        if cursor is not None:
            params["cursor"] = cursor
        response = client.get(INBOX, params=params, headers=headers)
        assert response.status_code == 200, response.text
        page = response.json()
        walked += [(item["kind"], item["id"]) for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            return walked
    raise AssertionError(f"no last page: {walked}")


def test_items_requested_at_one_instant_keep_one_order_on_every_page_size(
    client: TestClient, org: Org, db: Database
) -> None:
    """Eleven requests (ids past 9, so text order would differ) and a statement, all at one
    instant: the statement first (kind), then the requests by id as numbers."""
    a_long_monday_week(client, org.leave.office)
    statement = statement_submitted(client, org, "2026-03-02")
    grant(client, org.leave, 2500)
    requests = [request(client, org.leave, day, day)["id"] for day in ELEVEN_WEEKDAYS]
    assert max(requests) >= 10
    with db.transaction(workspace_id=org.leave.office.oslo.workspace.id) as session:
        session.execute(update(TimeoffRequest).values(created_at=SAME_INSTANT))
        session.execute(update(Statement).values(submitted_at=SAME_INSTANT))

    expected = [("statement", str(statement["id"]))] + [
        ("timeoff", str(request_id)) for request_id in sorted(requests)
    ]
    lead = org.team_lead.headers
    for limit in (200, 1, 2, 3, 5):
        assert walk(client, lead, limit) == expected, limit
    assert inbox_count(client, lead)["count"] == len(expected)


def test_a_page_reads_on_past_its_kinds_items_routed_to_someone_else(
    client: TestClient, org: Org
) -> None:
    """The Sales head's teams hold Team's employee, whose six requests go to Team's lead,
    and a colleague placed in Sales itself, whose one newer request goes to the head: a
    page of one is that request, read past the six (batches of 2, then 4, then 8)."""
    headers = org.owner
    terms_id = org.leave.office.oslo.terms_id
    colleague = create_employee(
        client,
        headers,
        "S1",
        org_unit_id=org.sales_id,
        employment_terms_id=terms_id,
        timezone="Europe/Oslo",
        weekly_pattern_minutes=[450, 450, 450, 450, 450, 0, 0],
    )
    employment = client.post(
        f"/api/employees/{colleague['id']}/employments",
        json={"starts_on": "2024-01-01"},
        headers=headers,
    )
    assert employment.status_code == 201, employment.text
    oslo = replace(org.leave.office.oslo, employee_id=colleague["id"])
    in_sales = replace(org.leave, office=replace(org.leave.office, oslo=oslo))

    grant(client, org.leave, 2500)
    for day in ELEVEN_WEEKDAYS[:6]:
        request(client, org.leave, day, day)
    grant(client, in_sales, 2500)
    theirs = request(client, in_sales, "2026-07-01", "2026-07-01", headers=headers)

    head = org.sales_head.headers
    first = client.get(INBOX, params={"limit": 1}, headers=head)
    assert first.status_code == 200, first.text
    page = first.json()
    assert [(item["kind"], item["id"]) for item in page["items"]] == [
        ("timeoff", str(theirs["id"]))
    ]
    assert page["next_cursor"] is None
    assert inbox_count(client, head)["by_kind"]["timeoff"] == 1
    assert len(walk(client, org.team_lead.headers, 1)) == 6


def test_a_cursor_naming_no_kind_or_a_kinds_impossible_id_is_a_bad_request(
    client: TestClient, org: Org
) -> None:
    for forged in (
        (SAME_INSTANT, "invoice", "1"),
        (SAME_INSTANT, "timeoff", "one"),
        (SAME_INSTANT, "statement", "1" * 19),
        (SAME_INSTANT, "timeoff", 7),
    ):
        response = client.get(
            INBOX, params={"cursor": encode_position(forged)}, headers=org.team_lead.headers
        )
        assert_problem(response, 400)
    fine = encode_position((SAME_INSTANT, "project_entries", "1-2-2026-05-04"))
    assert client.get(INBOX, params={"cursor": fine}, headers=org.team_lead.headers).json() == {
        "items": [],
        "next_cursor": None,
    }

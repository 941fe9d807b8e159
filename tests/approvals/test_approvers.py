"""What routing reads (`approvals/approvers.py`), against the database on both engines: a
manager's teams worked out from the org chart are the employees the organization's own
team reach finds; each unit's employees are read once, and routing their items reads no
placement again."""

from fastapi.testclient import TestClient
from sqlalchemy import event

from tests.approvals.support import Org, set_managers
from tests.organization.support import create_employee, create_unit
from timeledger.approvals.approvers import routing_book
from timeledger.kit.db import Database
from timeledger.organization.repository import EmployeeRepository


def test_teams_from_the_chart_are_the_organizations_teams(
    client: TestClient, org: Org, db: Database
) -> None:
    headers = org.owner
    below_team = create_unit(client, headers, "Squad", parent_id=org.team_id)
    elsewhere = create_unit(client, headers, "Support", parent_id=org.company_id)
    create_employee(client, headers, "Q1", org_unit_id=below_team["id"])
    create_employee(client, headers, "S1", org_unit_id=elsewhere["id"])
    gone = create_employee(client, headers, "G1", org_unit_id=org.team_id)
    assert client.delete(f"/api/employees/{gone['id']}", headers=headers).status_code == 204
    set_managers(client, headers, elsewhere["id"], [org.deputy.user_id])

    workspace_id = org.leave.office.oslo.workspace.id
    managers_sets = [
        [org.team_lead.user_id],
        [org.sales_head.user_id],
        [org.deputy.user_id],
        [org.team_lead.user_id, org.deputy.user_id],
        [org.leave.office.person.user_id],
    ]
    with db.transaction(workspace_id=workspace_id) as session:
        book = routing_book(session, workspace_id)
        employees = EmployeeRepository(session)
        for managers in managers_sets:
            assert book.teams(managers) == employees.teams_employee_ids(managers, book.day)
        assert len(book.teams([org.sales_head.user_id])) == 2  # Team's and Squad's

    with db.transaction(workspace_id=workspace_id) as session:
        book = routing_book(session, workspace_id)
        placements_read: list[str] = []

        def count(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
            if "employee_versions" in statement:
                placements_read.append(statement)

        for engine in db.engines:
            event.listen(engine, "before_cursor_execute", count)
        try:
            both = book.teams([org.sales_head.user_id, org.deputy.user_id])
            within = book.teams([org.team_lead.user_id])
            for employee_id in both:
                book.route("timeoff", employee_id)
        finally:
            for engine in db.engines:
                event.remove(engine, "before_cursor_execute", count)
        assert within < both
        assert len(placements_read) == 1, placements_read

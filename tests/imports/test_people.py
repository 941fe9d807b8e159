"""The people an import creates, on both engines: an employee with an open employment
from their first row's day, in the workspace's root unit or the one named, once."""

from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import delete, func, select

from tests.conftest import WorkspaceFixture
from tests.organization.support import create_unit
from timeledger.access.caller import Caller, caller_acting_as
from timeledger.imports.planning import ImportPlan
from timeledger.imports.service import apply_plan, plan_file
from timeledger.kit.db import Database
from timeledger.models import Employee, EmployeeVersion, Employment, ExternalId, TimeEntry, User

HEADER = ("User,Email,Client,Project,Task,Description,Billable,Start date,Start time,"
          "End date,End time,Duration,Tags,Amount (EUR)\n")  # fmt: skip
XENA_AND_CHER = (
    HEADER + "Xena Maria Vogel,xena@example.com,,Internal,,Call,No,2026-03-02,08:00:00,2026-03-02,"
    "08:30:00,00:30:00,,\n"
    + "Xena Vogel,XENA@example.com,,Internal,,Mail,No,2026-02-27,09:00:00,2026-02-27,"
    "09:15:00,00:15:00,,\n"
    + "Cher,,,Internal,,Song,No,2026-03-03,10:00:00,2026-03-03,11:00:00,01:00:00,,\n"
).encode()


@pytest.fixture
def owner(db: Database, workspace: WorkspaceFixture) -> Caller:
    with db.transaction(workspace_id=workspace.id) as session:
        user = session.get(User, workspace.owner_id)
        assert user is not None
        return caller_acting_as(user, "test")


def _plan(db: Database, workspace_id: int, org_unit_id: int | None = None) -> ImportPlan:
    with db.transaction(workspace_id=workspace_id) as session:
        return plan_file(session, workspace_id, "toggl-csv", XENA_AND_CHER, max_bytes=10_000,
                         org_unit_id=org_unit_id)  # fmt: skip


def _people(db: Database, workspace_id: int) -> list[tuple[str, str, str, str | None, int | None]]:
    """(number, first name, last name, email, org unit) of the employees without a user, as
    they are on their first day."""
    with db.transaction(workspace_id=workspace_id) as session:
        rows = session.execute(
            select(Employee.employee_number, EmployeeVersion.first_name,
                   EmployeeVersion.last_name, EmployeeVersion.email, EmployeeVersion.org_unit_id)
            .join(EmployeeVersion, EmployeeVersion.employee_id == Employee.id)
            .where(Employee.user_id.is_(None))
            .order_by(Employee.employee_number, EmployeeVersion.effective_from)
        )  # fmt: skip
        return [tuple(row) for row in rows]  # type: ignore[misc]


def _count(db: Database, workspace_id: int, model: type[object]) -> int:
    with db.transaction(workspace_id=workspace_id) as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def test_people_not_found_are_created_with_an_employment_and_their_entries(
    client: TestClient, db: Database, workspace: WorkspaceFixture, owner: Caller
) -> None:
    root = create_unit(client, workspace.headers, "Acme", effective_from="2020-01-01")
    employees = _count(db, workspace.id, Employee)
    plan = _plan(db, workspace.id)
    assert _count(db, workspace.id, Employee) == employees
    assert plan.summary()["people"] == {
        "matched": 0, "created": {"count": 2, "names": ["Xena Maria Vogel", "Cher"]},
    }  # fmt: skip
    assert (plan.problems, len(plan.entries)) == ([], 3)
    applied = apply_plan(db, owner, "toggl-csv", plan)
    assert (applied.created_entries, applied.refused) == (3, [])
    assert _people(db, workspace.id) == [
        ("IMP-0001", "Xena Maria", "Vogel", "xena@example.com", root["id"]),
        ("IMP-0002", "Cher", "", None, root["id"]),
    ]
    with db.transaction(workspace_id=workspace.id) as session:
        employments = session.execute(
            select(Employee.employee_number, Employment.starts_on, Employment.ends_on)
            .join(Employment, Employment.employee_id == Employee.id)
            .where(Employee.employee_number.like("IMP-%"))
            .order_by(Employee.employee_number)
        ).all()
        assert [tuple(row) for row in employments] == [
            ("IMP-0001", date(2026, 2, 27), None), ("IMP-0002", date(2026, 3, 3), None),
        ]  # fmt: skip
        booked = session.execute(
            select(Employee.employee_number, TimeEntry.day, TimeEntry.minutes)
            .join(Employee, Employee.id == TimeEntry.employee_id)
            .order_by(TimeEntry.day)
        ).all()
        assert [tuple(row) for row in booked] == [
            ("IMP-0001", date(2026, 2, 27), 15), ("IMP-0001", date(2026, 3, 2), 30),
            ("IMP-0002", date(2026, 3, 3), 60),
        ]  # fmt: skip


def test_a_rerun_creates_no_second_person(
    client: TestClient, db: Database, workspace: WorkspaceFixture, owner: Caller
) -> None:
    create_unit(client, workspace.headers, "Acme", effective_from="2020-01-01")
    apply_plan(db, owner, "toggl-csv", _plan(db, workspace.id))
    employees = _count(db, workspace.id, Employee)
    with db.transaction(workspace_id=workspace.id) as session:
        # A rerun of rows imported before matches; so does one of new rows of these people.
        session.execute(delete(ExternalId).where(ExternalId.entity == "entry"))
    again = _plan(db, workspace.id)
    assert again.summary()["people"] == {"matched": 2, "created": {"count": 0, "names": []}}
    assert apply_plan(db, owner, "toggl-csv", again).created_entries == 3
    assert _count(db, workspace.id, Employee) == employees


def test_without_one_root_unit_rows_of_new_people_are_refused(
    client: TestClient, db: Database, workspace: WorkspaceFixture
) -> None:
    nothing = _plan(db, workspace.id)
    assert (nothing.entries, nothing.new_people, nothing.refused_rows) == ([], {}, 3)
    assert [(p.row, p.field) for p in nothing.problems] == [(2, "person"), (3, "person"),
                                                            (4, "person")]  # fmt: skip
    assert nothing.problems[0].problem == (
        "No employee of the workspace is 'xena@example.com' or 'Xena Maria Vogel', and the "
        "import creates none: the workspace has no org unit; name the unit for new people "
        "with the option org_unit_id."
    )
    create_unit(client, workspace.headers, "Acme")
    create_unit(client, workspace.headers, "Globex")
    two = _plan(db, workspace.id)
    assert two.refused_rows == 3
    assert "the workspace has 2 root org units" in two.problems[0].problem


def test_the_org_unit_option_places_new_people_from_the_units_first_day(
    client: TestClient, db: Database, workspace: WorkspaceFixture, owner: Caller
) -> None:
    create_unit(client, workspace.headers, "Acme", effective_from="2020-01-01")
    later = create_unit(client, workspace.headers, "Later", effective_from="2026-03-01")
    missing = _plan(db, workspace.id, org_unit_id=later["id"] + 100)
    assert missing.refused_rows == 3
    assert missing.problems[0].problem.endswith(
        f"org unit {later['id'] + 100} (option org_unit_id) does not exist today."
    )
    applied = apply_plan(db, owner, "toggl-csv", _plan(db, workspace.id, later["id"]))
    assert (applied.created_entries, applied.refused) == (3, [])
    assert _people(db, workspace.id) == [
        ("IMP-0001", "Xena Maria", "Vogel", "xena@example.com", None),
        ("IMP-0001", "Xena Maria", "Vogel", "xena@example.com", later["id"]),
        ("IMP-0002", "Cher", "", None, later["id"]),
    ]


def test_employee_numbers_skip_those_taken(
    client: TestClient, db: Database, workspace: WorkspaceFixture, owner: Caller
) -> None:
    create_unit(client, workspace.headers, "Acme", effective_from="2020-01-01")
    taken = client.post(
        "/api/employees",
        json={"employee_number": "IMP-0001", "first_name": "Ada", "last_name": "Byron",
              "effective_from": "2024-01-01"},
        headers=workspace.headers,
    )  # fmt: skip
    assert taken.status_code == 201, taken.text
    apply_plan(db, owner, "toggl-csv", _plan(db, workspace.id))
    assert [person[0] for person in _people(db, workspace.id)] == [
        "IMP-0001", "IMP-0002", "IMP-0003",
    ]  # fmt: skip

"""The demo workspace `make run` creates on first start."""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy.orm import Session

from timeledger.access.caller import Caller, caller_acting_as
from timeledger.access.credentials import PasswordHashing, generate_password
from timeledger.kit.db import Database
from timeledger.models import User
from timeledger.organization.repository import EmployeeRepository
from timeledger.organization.schemas import ManagersPut, OrgUnitCreate
from timeledger.organization.service import add_employee, create_unit, put_managers
from timeledger.organization.today import workspace_today
from timeledger.projects.schemas import NEW_PROJECT_VALUES, Member, Members
from timeledger.projects.service import CUSTOMERS, PROJECTS, TASKS, put_members
from timeledger.settings.service import (
    ACTIVITIES,
    EMPLOYMENT_TERMS,
    HOLIDAY_CALENDARS,
    TIMEBANK_ACCOUNTS,
    TIMEOFF_POLICIES,
)
from timeledger.settings.store import Actor, ConfigKind
from timeledger.timeoff.accrual import accrue
from timeledger.timeoff.schemas import TimeoffCreate
from timeledger.timeoff.service import create_request
from timeledger.users.repository import RoleRepository
from timeledger.users.schemas import ApiKeyCreate
from timeledger.users.service import add_person, add_service_user, issue_api_key
from timeledger.workspaces.repository import WorkspaceRepository
from timeledger.workspaces.service import create_workspace

DEMO_WORKSPACE = "Demo"
DEMO_OWNER = "owner@demo.timeledger.test"
OFFICE_WEEK = (450, 450, 450, 450, 450, 0, 0)
DEMO_PEOPLE = (
    ("Maria Jensen", "maria@demo.timeledger.test", "admin"),
    ("Lars Nielsen", "lars@demo.timeledger.test", "manager"),
    ("Sofie Hansen", "sofie@demo.timeledger.test", "employee"),
    ("Ahmed Karimi", "ahmed@demo.timeledger.test", "employee"),
    ("Julia Berg", "julia@demo.timeledger.test", "employee"),
)


@dataclass(frozen=True)
class DemoCredentials:
    owner_email: str
    owner_password: str
    api_key: str


def create_demo(db: Database, hashing: PasswordHashing) -> DemoCredentials | None:
    """Creates the demo workspace unless it exists; None when it already did."""
    with db.transaction() as session:
        if WorkspaceRepository(session).by_name(DEMO_WORKSPACE) is not None:
            return None
        password = generate_password()
        created = create_workspace(
            session,
            name=DEMO_WORKSPACE,
            owner_email=DEMO_OWNER,
            owner_password=password,
            hashing=hashing,
            timezone="Europe/Copenhagen",
            locale="en",
            currency="DKK",
        )
        owner = caller_acting_as(created.owner, "demo")
        since = date(workspace_today(session, created.workspace.id).year, 1, 1)
        office, _ = create_unit(
            session, owner, OrgUnitCreate(name="Copenhagen office", effective_from=since)
        )
        vacation = _demo_employees(session, created.workspace.id, office.id)
        roles = RoleRepository(session)
        people = []
        for name, email, role_name in DEMO_PEOPLE:
            role = roles.by_name(role_name)
            assert role is not None
            person = add_person(
                session,
                workspace_id=created.workspace.id,
                email=email,
                name=name,
                role=role,
                password_hash=hashing.hash(generate_password()),
                timezone="Europe/Copenhagen",
            )
            people.append(person.id)
        _demo_projects(session, created.workspace.id, people)
        developer = roles.by_name("developer")
        assert developer is not None
        integration = add_service_user(
            session,
            workspace_id=created.workspace.id,
            name="payroll-export",
            role=developer,
            actor=None,
        )
        issue_api_key(session, integration, ApiKeyCreate(name="Payroll export"), actor=None)
        workspace_id = created.workspace.id
        employees = EmployeeRepository(session)
        staff = [record.id for record in map(employees.by_user, people) if record is not None]
        today = workspace_today(session, workspace_id)
        accrue(session, workspace_id, None, staff, today)
        _demo_approvals(session, owner, office.id, vacation, people, staff, today)
        return DemoCredentials(DEMO_OWNER, password, created.api_key)


def _demo_approvals(
    session: Session,
    owner: Caller,
    office_id: int,
    vacation_policy_id: int,
    people: list[int],
    staff: list[int],
    today: date,
) -> None:
    """Lars manages the office; Sofie has asked for a week of vacation a month ahead, so
    his approvals inbox holds it (docs/approvals.md)."""
    manager, requester = people[1], people[2]
    put_managers(session, owner, office_id, ManagersPut(user_ids=[manager]), lambda _etag: None)
    monday = today + timedelta(days=28 - today.weekday())
    sofie = session.get(User, requester)
    assert sofie is not None
    create_request(
        session,
        caller_acting_as(sofie, "demo"),
        staff[2],
        TimeoffCreate(
            timeoff_policy_id=vacation_policy_id,
            start_day=monday,
            end_day=monday + timedelta(days=4),
            note="Family visit",
        ),
    )


def _demo_employees(session: Session, workspace_id: int, office_id: int) -> int:
    """The demo people's employee records in the office, made before the people so that
    each person is linked to theirs: office terms since the first of the year, with the
    Danish holidays, vacation (25 days a year, 5 carried into the first quarter, a manager
    approves) and sick leave (no balance, no approval). Answers the vacation policy."""
    actor = Actor(workspace_id=workspace_id, user_id=None)
    today = workspace_today(session, workspace_id)
    since = date(today.year, 1, 1)

    def create(kind: ConfigKind[Any, Any], **values: Any) -> int:
        return int(kind.create(session, actor, values=values, effective_from=since).entity.id)

    vacation_account = create(TIMEBANK_ACCOUNTS, name="Vacation", unit="days", archived=False)
    calendar = create(
        HOLIDAY_CALENDARS, name="Denmark", country="DK", subdivision=None, archived=False
    )
    leave = {"allow_negative": False, "min_notice_days": 0, "archived": False}
    vacation = create(
        TIMEOFF_POLICIES,
        name="Vacation",
        activity_id=_activity_id(session, "vacation"),
        account_id=vacation_account,
        approval="manager",
        usage={"plugin_id": "workdays", "config": {}},
        accrual={"plugin_id": "annual_grant", "config": {"amount": 2500, "on": "01-01"}},
        expiration={
            "plugin_id": "carry_over_cap",
            "config": {"on": "12-31", "max_carry": 500, "valid_until": "03-31"},
        },
        half_days=True,
        **leave,
    )
    sick = create(
        TIMEOFF_POLICIES,
        name="Sick leave",
        activity_id=_activity_id(session, "sick"),
        account_id=None,
        approval="none",
        usage={"plugin_id": "workdays", "config": {}},
        accrual=None,
        expiration=None,
        half_days=False,
        **leave,
    )
    terms = create(
        EMPLOYMENT_TERMS,
        name="Office, 37.5 hours",
        norm_minutes=list(OFFICE_WEEK),
        holiday_calendar_id=calendar,
        flex_account_id=None,
        reason_ids=[],
        timeoff_policy_ids=[vacation, sick],
        allowance_policy_ids=[],
        worktime_policy_id=None,
        settlement_policy_id=None,
        timesheet_approval="none",
    )
    for number, (name, email, _role) in enumerate(DEMO_PEOPLE, start=1):
        first, last = name.split(" ", 1)
        add_employee(
            session,
            workspace_id=workspace_id,
            employee_number=f"D{number}",
            values={
                "first_name": first,
                "last_name": last,
                "email": email,
                "org_unit_id": office_id,
                "employment_terms_id": terms,
                "timezone": "Europe/Copenhagen",
                "weekly_pattern_minutes": list(OFFICE_WEEK),
                "hourly_rate_minor": None,
            },
            effective_from=since,
        )
    return vacation


def _activity_id(session: Session, key: str) -> int:
    activity = ACTIVITIES.by_key(session, key)
    assert activity is not None, key
    return int(activity.id)


def _demo_projects(session: Session, workspace_id: int, people: list[int]) -> None:
    """Two customers with a project each, tasks and a subtask; the manager leads both."""
    actor = Actor(workspace_id=workspace_id, user_id=None)
    today = workspace_today(session, workspace_id)
    manager, *staff = people[1:]
    for customer_name, rate, project_name, project_values, tasks in (
        ("Nordlys Energi", 95000, "Customer portal",
         {"budget_kind": "hours", "budget_amount": 400 * 60, "rounding_method": "up",
          "rounding_minutes": 15},
         (("Design", None), ("Development", None), ("Frontend", "Development"),
          ("Backend", "Development"))),
        ("Havn & Co", 85000, "Brand refresh",
         {"budget_kind": "money", "budget_amount": 120_000_00, "hourly_rate_minor": 90000},
         (("Workshops", None), ("Visual identity", None))),
    ):  # fmt: skip
        customer = CUSTOMERS.create(
            session,
            actor,
            values={
                "name": customer_name,
                "note": "",
                "hourly_rate_minor": rate,
                "archived": False,
            },
            effective_from=today,
        )
        project = PROJECTS.create(
            session,
            actor,
            values={
                **NEW_PROJECT_VALUES,
                **project_values,
                "name": project_name,
                "customer_id": customer.entity.id,
            },
            effective_from=today,
        )
        put_members(
            session,
            actor,
            project.entity.id,
            Members(
                items=[Member(user_id=manager, is_manager=True)]
                + [Member(user_id=user_id) for user_id in staff]
            ),
            lambda _etag: None,
        )
        task_ids: dict[str, int] = {}
        for task_name, parent in tasks:
            task = TASKS.create(
                session,
                actor,
                values={
                    "name": task_name,
                    "billable": True,
                    "hourly_rate_minor": None,
                    "budget_minutes": None,
                    "archived": False,
                },
                effective_from=today,
                extra={
                    "project_id": project.entity.id,
                    "parent_task_id": task_ids[parent] if parent else None,
                },
            )
            task_ids[task_name] = task.entity.id

"""Project weeks: an employee's entries of one week on one project, awaiting the project
manager's approval, are one item. A project week awaits when some of its entries are
`under_approval` (submitted by the employee, or by their statement's submission) and the
project requires a manager's approval or the employee's terms say `project_manager`
(both as in force today)."""

import re
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import exists, or_, select
from sqlalchemy.orm import Session

from timeledger.approvals.repository import DAY, WORKSPACE, ApprovalRepository, ProjectDay
from timeledger.kit.prepared import PreparedQuery, rows_in_session
from timeledger.models import Employee, EmployeeVersion, EmploymentTermsVersion, ProjectVersion
from timeledger.organization.repository import EMPLOYEE_VERSIONS
from timeledger.organization.today import workspace_basics
from timeledger.projects.service import PROJECTS
from timeledger.settings.service import EMPLOYMENT_TERMS

ITEM_ID = re.compile(r"^(\d{1,18})-(\d{1,18})-(\d{4}-\d{2}-\d{2})$")
WEEKS_MAY_AWAIT = PreparedQuery(
    select(
        or_(
            exists().where(
                ProjectVersion.workspace_id == WORKSPACE,
                PROJECTS.history.in_force_on(DAY),
                ProjectVersion.requires_manager_approval.is_(True),
            ),
            exists().where(
                EmploymentTermsVersion.workspace_id == WORKSPACE,
                EMPLOYMENT_TERMS.history.in_force_on(DAY),
                EmploymentTermsVersion.timesheet_approval == "project_manager",
            ),
        ).label("may_await")
    )
)


@dataclass(frozen=True)
class ProjectWeek:
    employee_id: int
    project_id: int
    week_start: date
    minutes: int
    entries: int
    requested_at: datetime

    @property
    def week_end(self) -> date:
        return self.week_start + timedelta(days=6)

    @property
    def item_id(self) -> str:
        return item_id_of(self.employee_id, self.project_id, self.week_start)


def item_id_of(employee_id: int, project_id: int, week_start: date) -> str:
    """`{employee_id}-{project_id}-{first day of the week}`, e.g. `12-7-2026-11-23`."""
    return f"{employee_id}-{project_id}-{week_start.isoformat()}"


def parse_item_id(text: str) -> tuple[int, int, date] | None:
    match = ITEM_ID.match(text)
    if match is None:
        return None
    try:
        return int(match.group(1)), int(match.group(2)), date.fromisoformat(match.group(3))
    except ValueError:
        return None


def week_start_of(session: Session, workspace_id: int, day: date) -> date:
    basics = workspace_basics(session, workspace_id)
    first_weekday = basics.week_start if basics is not None else 1
    return day - timedelta(days=(day.isoweekday() - first_weekday) % 7)


@dataclass(frozen=True)
class ApprovalNeeds:
    """What makes a project week await today: the projects requiring a manager's approval,
    and the employees whose terms say `project_manager`."""

    projects: frozenset[int]
    employees: frozenset[int]

    def __bool__(self) -> bool:
        return bool(self.projects or self.employees)

    def of(self, employee_id: int, project_id: int) -> bool:
        """Whether the employee's week on the project awaits once entries are submitted."""
        return project_id in self.projects or employee_id in self.employees


def approval_needs(session: Session, today: date) -> ApprovalNeeds:
    """The projects and employees whose weeks await a project manager today (two or three
    short reads)."""
    return ApprovalNeeds(
        frozenset(_projects_needing_approval(session, today)),
        frozenset(_employees_with_project_manager_terms(session, today)),
    )


def awaiting_project_weeks(
    session: Session,
    workspace_id: int,
    today: date,
    *,
    employee_ids: Collection[int] | None = None,
    project_ids: Collection[int] | None = None,
    first: date | None = None,
    last: date | None = None,
    needs: ApprovalNeeds | None = None,
) -> list[ProjectWeek]:
    """The project weeks awaiting a decision, of the given employees or projects (None:
    any), with a day from `first` to `last`; `needs`: `approval_needs` of `today`, when
    the caller read them already."""
    if needs is None:
        needs = approval_needs(session, today)
    if not needs:
        return []
    days = ApprovalRepository(session).awaiting_project_days(
        employee_ids=employee_ids, project_ids=project_ids, first=first, last=last
    )
    weeks: dict[tuple[int, int, date], list[ProjectDay]] = defaultdict(list)
    for row in days:
        if needs.of(row.employee_id, row.project_id):
            key = (row.employee_id, row.project_id, week_start_of(session, workspace_id, row.day))
            weeks[key].append(row)
    return [
        ProjectWeek(
            employee_id=employee_id,
            project_id=project_id,
            week_start=week_start,
            minutes=sum(row.minutes for row in rows),
            entries=sum(row.entries for row in rows),
            requested_at=max(row.last_updated_at for row in rows),
        )
        for (employee_id, project_id, week_start), rows in weeks.items()
    ]


def project_weeks_may_await(session: Session, workspace_id: int, today: date) -> bool:
    """Whether any project week can await a decision today: some project requires a
    manager's approval, or some terms say `project_manager` (one short read; when
    neither, an inbox need not work out whose weeks it would read)."""
    found = rows_in_session(session, WEEKS_MAY_AWAIT, workspace_id=workspace_id, day=today)
    return bool(found[0][0])


def project_week(
    session: Session, workspace_id: int, today: date, employee_id: int, project_id: int, week: date
) -> ProjectWeek | None:
    """The one project week, if it awaits a decision."""
    found = awaiting_project_weeks(
        session,
        workspace_id,
        today,
        employee_ids=[employee_id],
        project_ids=[project_id],
        first=week,
        last=week + timedelta(days=6),
    )
    return next((w for w in found if w.week_start == week), None)


def _projects_needing_approval(session: Session, day: date) -> set[int]:
    return set(
        session.scalars(
            select(ProjectVersion.project_id).where(
                PROJECTS.history.in_force_on(day),
                ProjectVersion.requires_manager_approval.is_(True),
            )
        )
    )


def _project_manager_terms(session: Session, day: date) -> set[int]:
    return set(
        session.scalars(
            select(EmploymentTermsVersion.employment_terms_id).where(
                EMPLOYMENT_TERMS.history.in_force_on(day),
                EmploymentTermsVersion.timesheet_approval == "project_manager",
            )
        )
    )


def _employees_with_project_manager_terms(session: Session, day: date) -> set[int]:
    terms = _project_manager_terms(session, day)
    if not terms:
        return set()
    return set(
        session.scalars(
            select(EmployeeVersion.employee_id)
            .join(Employee, Employee.id == EmployeeVersion.employee_id)
            .where(
                Employee.deleted_at.is_(None),
                EMPLOYEE_VERSIONS.in_force_on(day),
                EmployeeVersion.employment_terms_id.in_(sorted(terms)),
            )
        )
    )

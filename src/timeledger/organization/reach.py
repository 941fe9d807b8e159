"""Reach: whether a caller may act on an employee's timesheet, timebank or time off.

Each area names the permission actions that read it and that change it
(docs/permissions.md). The scope of the caller's widest permission for an action reaches:
`own` their own employee record, `team` also the employees whose version in force today
lies in an org unit they manage (recursively), `*` everyone.

404 before 403: an employee outside the read scope does not exist for the caller; one
inside it but outside the scope of the action answers 403. Every service that acts on an
employee asks here, so the routes and faces that call those services check nothing.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import Enum
from functools import partial
from typing import Annotated, Any

from fastapi import Depends
from sqlalchemy import CompoundSelect, Select
from sqlalchemy.orm import Session

from timeledger.access.caller import Caller, authenticate
from timeledger.access.permissions import Scope, widest_scope
from timeledger.kit.errors import Forbidden, NotFound, Unprocessable
from timeledger.kit.kept import KeptAnswers
from timeledger.kit.routing import ResourceId
from timeledger.kit.uow import UnitOfWork, check_before_the_endpoint
from timeledger.models import Employee, EmployeeVersion, OrgUnit, OrgUnitManager, OrgUnitVersion
from timeledger.organization.repository import EmployeeRepository, ids_in_scope_statement
from timeledger.organization.today import workspace_today

REMEMBERED_KEY = "employees_reached"
REACHED = KeptAnswers(
    [
        model.__tablename__
        for model in (Employee, EmployeeVersion, OrgUnit, OrgUnitManager, OrgUnitVersion)
    ]
)
"""The employees a caller's scope reaches on a day, kept between requests: a manager's
team is read from the org tree with one recursive query (2.4 ms on SQLite, about 5.7 ms of
planning and running on PostgreSQL for a head of 391 employees), and every team list,
inbox and count of theirs asks it again."""
Reached = frozenset[int] | None
"""The ids reached; None means every employee."""
GRANTED_KEY = "employee_reach_granted"


@dataclass(frozen=True)
class AreaActions:
    permission_area: str
    noun: str
    read: str
    write: str
    approve: str | None
    submit: str | None = None


class Area(Enum):
    TIMESHEET = AreaActions("timesheet", "timesheet", "read", "write", "approve", "submit")
    TIMEBANK = AreaActions("timebank", "timebank", "read", "adjust", None)
    TIME_OFF = AreaActions("timeoff", "time off", "read", "write", "approve")


class Access(Enum):
    READ = "read"
    WRITE = "write"
    APPROVE = "approve"
    SUBMIT = "submit"


def action_of(area: Area, access: Access) -> str | None:
    """The permission action of `access` in `area`; None when the area has none."""
    actions = area.value
    match access:
        case Access.READ:
            return actions.read
        case Access.WRITE:
            return actions.write
        case Access.APPROVE:
            return actions.approve
        case Access.SUBMIT:
            return actions.submit


def _scope(permissions: Iterable[str], area: Area, access: Access) -> Scope | None:
    action = action_of(area, access)
    if action is None:
        return None
    return widest_scope(permissions, area.value.permission_area, action)


def reached_by_scopes(
    permissions: Iterable[str], area: Area, access: Access, *, own: bool
) -> bool | None:
    """Whether the caller holding `permissions` reaches an employee for `access`, decided
    from the scopes alone: `own` says whether the employee is the caller's own record.
    None when it depends on the teams the caller manages."""
    held = frozenset(permissions)
    scopes = {_scope(held, area, Access.READ), _scope(held, area, access)}
    if None in scopes:
        return False
    if own or scopes == {Scope.ALL}:
        return True
    return None if Scope.OWN not in scopes else False


def employee_ids_reached(
    session: Session, caller: Caller, area: Area, access: Access, today: date | None = None
) -> set[int] | None:
    """The live employees whose `area` the caller reaches for `access`; None means all.
    Remembered for the rest of the session's transaction (a request asks several times)."""
    on = today if today is not None else workspace_today(session, caller.workspace_id)
    scope = _scope(caller.permissions, area, access)
    remembered: dict[tuple[int, Scope | None, date], Reached] = session.info.setdefault(
        REMEMBERED_KEY, {}
    )
    key = (caller.user_id, scope, on)
    if key not in remembered:
        remembered[key] = _ids_in_scope(session, caller, scope, on)
    found = remembered[key]
    return None if found is None else set(found)


def _ids_in_scope(session: Session, caller: Caller, scope: Scope | None, on: date) -> Reached:
    """`EmployeeRepository.ids_in_scope`, kept between requests (`REACHED`)."""
    if scope is Scope.ALL:
        return None

    def read() -> Reached:
        found = EmployeeRepository(session).ids_in_scope(caller, scope, on)
        return None if found is None else frozenset(found)

    return REACHED.answer(session, (caller.workspace_id, caller.user_id, scope, on), read)


def employees_reached_statement(
    caller: Caller, area: Area, access: Access, today: date
) -> Select[int] | CompoundSelect[int] | None:
    """`employee_ids_reached` as a statement, to filter another query by in the same
    round trip; None means all."""
    return ids_in_scope_statement(caller, _scope(caller.permissions, area, access), today)


LIST_SCOPES = {"own": Scope.OWN, "team": Scope.TEAM, "all": Scope.ALL}
"""The `scope` of a list of an area's records: the caller's own, their teams', everyone's."""


def employee_ids_of_list_scope(
    session: Session, caller: Caller, area: Area, scope: str
) -> set[int] | None:
    """The employees a list of `area` with `scope=own|team|all` holds (None: everyone); 403
    when the caller's read permission is narrower than the scope asked."""
    permission_area = area.value.permission_area
    held = caller.scope_for(permission_area, area.value.read)
    wanted = LIST_SCOPES[scope]
    if held is None or held < wanted:
        area_read = f"{permission_area}:read"
        you_hold = f"{area_read}:{held.token}" if held is not None else f"no {area_read}"
        raise Forbidden(
            f"scope={scope} needs {area_read}:{'*' if scope == 'all' else scope}; you hold "
            f"{you_hold}."
        )
    today = workspace_today(session, caller.workspace_id)
    return EmployeeRepository(session).ids_in_scope(caller, wanted, today)


def reaches(session: Session, caller: Caller, area: Area, access: Access, employee_id: int) -> bool:
    """Whether the caller's scope for `access` in `area` includes the employee."""
    reached = employee_ids_reached(session, caller, area, access)
    return reached is None or employee_id in reached


def reached_employee_id(
    session: Session, caller: Caller, area: Area, employee_id: int, access: Access = Access.READ
) -> int:
    """`employee_id` if the employee is live and the caller may `access` their `area`:
    404 when the caller cannot even read it, 403 when they can read it but not `access`
    it. Decided from the caller's scopes when they suffice, else from the org tree. A
    reach granted is remembered for the rest of the session's transaction, as the teams
    are (`employee_ids_reached`): a route checks its path's employee, then its service
    does."""
    granted: set[tuple[int, frozenset[str], Area, Access, int]] = session.info.setdefault(
        GRANTED_KEY, set()
    )
    decision = (caller.user_id, caller.permissions, area, access, employee_id)
    if decision in granted:
        return employee_id
    live = EmployeeRepository(session).live(caller.workspace_id, employee_id)
    own = live is not None and live.user_id == caller.user_id
    if live is None or not _reaches_live(session, caller, area, Access.READ, employee_id, own):
        raise NotFound(f"No employee with id {employee_id}.")
    if access is not Access.READ and not _reaches_live(
        session, caller, area, access, employee_id, own
    ):
        raise Forbidden(
            f"You may read the {area.value.noun} of employee {employee_id} but not "
            f"{action_of(area, access) or access.value} it."
        )
    granted.add(decision)
    return employee_id


def _reaches_live(
    session: Session, caller: Caller, area: Area, access: Access, employee_id: int, own: bool
) -> bool:
    decided = reached_by_scopes(caller.permissions, area, access, own=own)
    if decided is None:
        return reaches(session, caller, area, access, employee_id)
    return decided


def reached_employee(
    session: Session, caller: Caller, area: Area, employee_id: int, access: Access = Access.READ
) -> Employee:
    """The live employee (see `reached_employee_id`), loaded."""
    reached_employee_id(session, caller, area, employee_id, access)
    employee = session.get(Employee, employee_id)
    assert employee is not None
    return employee


def reached_employee_of_user(
    session: Session, caller: Caller, area: Area, user_id: int, access: Access = Access.READ
) -> Employee:
    """The employee record of user `user_id` (the faces name people by user): 404 when the
    caller cannot read their `area`, 403 when they can read but not `access` it, 422 when
    the caller names themselves and has no employee record."""
    employee = EmployeeRepository(session).by_user(user_id)
    if employee is None or employee.deleted_at is not None:
        if user_id == caller.user_id:
            raise Unprocessable.at(
                "user_id",
                "You have no employee record, so you cannot record time; an administrator "
                "can link you to one.",
                "no employee record",
            )
        raise NotFound(f"No user {user_id} recording time.")
    try:
        return reached_employee(session, caller, area, employee.id, access)
    except NotFound:
        raise NotFound(f"No user {user_id} recording time.") from None


def _reached_in_path(area: Area, access: Access) -> Any:
    """A route's `{employee_id}`, checked as its service will check it, but before FastAPI
    validates the body: an employee out of reach answers 404 (or 403) whatever was sent."""

    async def employee_id_reached(
        employee_id: ResourceId,
        session: UnitOfWork,
        caller: Annotated[Caller, Depends(authenticate)],
    ) -> int:
        check_before_the_endpoint(
            partial(reached_employee_id, session, caller, area, employee_id, access)
        )
        return employee_id

    return Depends(employee_id_reached)


TimesheetReadable = Annotated[int, _reached_in_path(Area.TIMESHEET, Access.READ)]
TimesheetWritable = Annotated[int, _reached_in_path(Area.TIMESHEET, Access.WRITE)]
TimesheetSubmittable = Annotated[int, _reached_in_path(Area.TIMESHEET, Access.SUBMIT)]
TimebankReadable = Annotated[int, _reached_in_path(Area.TIMEBANK, Access.READ)]
TimebankWritable = Annotated[int, _reached_in_path(Area.TIMEBANK, Access.WRITE)]
TimeoffReadable = Annotated[int, _reached_in_path(Area.TIME_OFF, Access.READ)]
TimeoffWritable = Annotated[int, _reached_in_path(Area.TIME_OFF, Access.WRITE)]


def own_employee_id(session: Session, caller: Caller) -> int | None:
    """The caller's own employee record, if they have one (`user_id=current`)."""
    employee = EmployeeRepository(session).by_user(caller.user_id)
    return employee.id if employee is not None and employee.deleted_at is None else None

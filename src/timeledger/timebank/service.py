"""Rules of timebank movements and balances.

Whose timebank a caller reaches: `timebank:<action>:own` their own employee record,
`:team` also the employees of the org units they manage (recursively), `:*` everyone.
404 before 403: an employee outside the read scope does not exist for the caller; one
inside it but outside the scope of `action` answers 403. Every public function checks
this itself, so a face calling it needs no check of its own.
"""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from timeledger.changes.service import record_change
from timeledger.configuration.store import require_effective, workspace_today
from timeledger.identity.access import Caller
from timeledger.kit.clock import utcnow
from timeledger.kit.errors import Conflict, Forbidden, NotFound, Unprocessable
from timeledger.kit.pagination import DEFAULT_LIMIT, Direction, PageRequest, fetch_page
from timeledger.models import Employee, TimebankMovement
from timeledger.organization.repository import EmployeeRepository
from timeledger.settings.service import TIMEBANK_ACCOUNTS
from timeledger.timebank.repository import TimebankRepository
from timeledger.timebank.schemas import (
    MAX_AMOUNT,
    POSTED_CAUSES,
    MovementCreate,
    MovementRead,
)

AREA = "timebank"
READ = "read"
ADJUST = "adjust"
ENTITY = "timebank-movement"
SCOPES_KEY = "timebank_scopes"
NEWEST_FIRST = "day"


@dataclass(frozen=True)
class Balance:
    """An employee's balance on one account as of a date, in the account's unit (minutes
    for `hours`, hundredths of a day for `days`)."""

    account_id: int
    account_name: str
    unit: str
    balance: int
    entitlement: int
    """Sum of the entitlement movements of the as-of date's calendar year up to it."""
    last_movement_at: datetime | None
    """When the latest movement counted in `balance` was recorded; None without one."""


# Reach


def today(session: Session, caller: Caller) -> date:
    """Today in the caller's workspace: the default `as_of` of balances."""
    return workspace_today(session, caller.workspace_id)


def _ids_in_scope(session: Session, caller: Caller, action: str, on: date) -> set[int] | None:
    """The employees whose timebank `action` reaches for the caller on a day (teams change
    over time); None means all. Remembered for the rest of the session's transaction (a
    request asks several times)."""
    scope = caller.scope_for(AREA, action)
    remembered: dict[tuple[int, object, date], set[int] | None] = session.info.setdefault(
        SCOPES_KEY, {}
    )
    key = (caller.user_id, scope, on)
    if key not in remembered:
        remembered[key] = EmployeeRepository(session).ids_in_scope(caller, scope, on)
    found = remembered[key]
    return None if found is None else set(found)


def reachable_employee(
    session: Session, caller: Caller, employee_id: int, action: str = READ
) -> Employee:
    """The live employee if the caller may `action` (`read` | `adjust`) their timebank:
    404 when the caller cannot even read it, 403 when they can read but not `action`."""
    on = today(session, caller)
    employee = session.get(Employee, employee_id)
    readable = _ids_in_scope(session, caller, READ, on)
    if (
        employee is None
        or employee.deleted_at is not None
        or (readable is not None and employee.id not in readable)
    ):
        raise NotFound(f"No employee with id {employee_id}.")
    if action != READ:
        allowed = _ids_in_scope(session, caller, action, on)
        if allowed is not None and employee.id not in allowed:
            raise Forbidden(
                f"You may read the timebank of employee {employee_id} but not {action} it."
            )
    return employee


# Movements


def movement_location(movement: TimebankMovement) -> str:
    return f"/api/employees/{movement.employee_id}/timebank/movements/{movement.id}"


def movements_of(
    session: Session,
    caller: Caller,
    employee_id: int,
    *,
    account_id: int | None = None,
    first: date | None = None,
    last: date | None = None,
    limit: int = DEFAULT_LIMIT,
    cursor: str | None = None,
) -> tuple[list[TimebankMovement], str | None]:
    """One page of an employee's movements, newest first (by day, then id), narrowed to an
    account and to days from `first` to `last` (inclusive); with the next page's cursor."""
    reachable_employee(session, caller, employee_id, READ)
    if first is not None and last is not None and first > last:
        raise Unprocessable.at("query.from", f"from ({first}) lies after to ({last}).", "after to")
    statement = TimebankRepository(session).listing(
        employee_id, account_id=account_id, first=first, last=last
    )
    request = PageRequest(limit=limit, sort=NEWEST_FIRST, direction=Direction.DESC, cursor=cursor)
    return fetch_page(
        session,
        statement,
        request,
        sort_columns={NEWEST_FIRST: TimebankMovement.day},
        id_column=TimebankMovement.id,
    )


def get_movement(
    session: Session, caller: Caller, employee_id: int, movement_id: int
) -> TimebankMovement:
    reachable_employee(session, caller, employee_id, READ)
    movement = TimebankRepository(session).get(employee_id, movement_id)
    if movement is None:
        raise NotFound(f"Employee {employee_id} has no timebank movement {movement_id}.")
    return movement


def _check_posted(data: MovementCreate) -> None:
    """The rules of a movement posted by hand (the schema states them too; a face may
    build its data without validation)."""
    if str(data.cause) not in POSTED_CAUSES:
        raise Unprocessable.at(
            "body.cause",
            f"Only {' and '.join(sorted(POSTED_CAUSES))} movements can be posted; the "
            "others are written by the rules.",
            "cause cannot be posted",
        )
    if data.amount == 0 or abs(data.amount) > MAX_AMOUNT:
        raise Unprocessable.at(
            "body.amount",
            f"amount must be non-zero and at most {MAX_AMOUNT} either way.",
            "zero or too large",
        )


def _log(session: Session, caller: Caller, movement_id: int, op: str, data: dict[str, Any]) -> None:
    record_change(
        session,
        workspace_id=caller.workspace_id,
        actor_user_id=caller.user_id,
        entity=ENTITY,
        entity_id=movement_id,
        op=op,
        data=data,
    )


def post_movement(
    session: Session, caller: Caller, employee_id: int, data: MovementCreate
) -> TimebankMovement:
    """A movement of cause adjustment or entitlement on an account live and in force on
    `data.day` (422 otherwise); needs `timebank:adjust` reaching the employee."""
    reachable_employee(session, caller, employee_id, ADJUST)
    _check_posted(data)
    require_effective(
        session, TIMEBANK_ACCOUNTS, [data.account_id], data.day, location="body.account_id"
    )
    movement = TimebankRepository(session).add(
        TimebankMovement(
            workspace_id=caller.workspace_id,
            employee_id=employee_id,
            account_id=data.account_id,
            day=data.day,
            amount=data.amount,
            cause=str(data.cause),
            note=data.note,
            created_by_user_id=caller.user_id,
            created_at=utcnow(),
        )
    )
    _log(
        session,
        caller,
        movement.id,
        "created",
        MovementRead.model_validate(movement).model_dump(mode="json"),
    )
    return movement


def delete_movement(session: Session, caller: Caller, employee_id: int, movement_id: int) -> None:
    """Take back a movement posted by hand (adjustment or entitlement; others 409)."""
    reachable_employee(session, caller, employee_id, ADJUST)
    movement = get_movement(session, caller, employee_id, movement_id)
    if movement.cause not in POSTED_CAUSES:
        raise Conflict(
            f"Movement {movement_id} is a {movement.cause} written by the rules and cannot be "
            "deleted; post an adjustment to correct the balance.",
            extra={"cause": movement.cause},
        )
    data = {"id": movement.id, "employee_id": employee_id, "account_id": movement.account_id}
    TimebankRepository(session).delete(movement)
    _log(session, caller, movement_id, "deleted", data)


# Balances


def balances(
    session: Session, caller: Caller, employee_id: int, as_of: date | None = None
) -> list[Balance]:
    """The employee's balance on every live account in force on `as_of` (default today in
    the workspace), by account name: 0 on an account without movements."""
    reachable_employee(session, caller, employee_id, READ)
    day = as_of if as_of is not None else today(session, caller)
    repository = TimebankRepository(session)
    accounts = repository.accounts_in_force(day)
    totals = repository.totals(
        employee_id,
        [account.timebank_account_id for account in accounts],
        day,
        date(day.year, 1, 1),
    )
    result = []
    for account in accounts:
        found = totals.get(account.timebank_account_id)
        result.append(
            Balance(
                account_id=account.timebank_account_id,
                account_name=account.name,
                unit=account.unit,
                balance=found.balance if found else 0,
                entitlement=found.entitlement if found else 0,
                last_movement_at=found.last_movement_at if found else None,
            )
        )
    return result

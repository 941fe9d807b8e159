"""Rules of timebank movements and balances.

Every public function asks `organization.reach` whether the caller reaches the employee's
timebank (`timebank:read`, `timebank:adjust`), so a route or face calling it checks
nothing itself.
"""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from timeledger.access.caller import Caller
from timeledger.changelog.service import ChangeOf, record_change, record_changes
from timeledger.kit.clock import utcnow
from timeledger.kit.errors import Conflict, NotFound, Unprocessable
from timeledger.kit.pagination import DEFAULT_LIMIT, Direction, PageRequest, fetch_page
from timeledger.models import TimebankMovement
from timeledger.organization.reach import Access, Area, employee_ids_reached, reached_employee_id
from timeledger.organization.today import workspace_today
from timeledger.settings.service import TIMEBANK_ACCOUNTS
from timeledger.settings.store import require_effective
from timeledger.timebank.repository import TimebankRepository
from timeledger.timebank.schemas import (
    MAX_AMOUNT,
    POSTED_CAUSES,
    MovementCreate,
    MovementRead,
)
from timeledger.users.repository import UserRepository

ENTITY = "timebank-movement"
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


def today(session: Session, caller: Caller) -> date:
    """Today in the caller's workspace: the default `as_of` of balances."""
    return workspace_today(session, caller.workspace_id)


def _reached(session: Session, caller: Caller, employee_id: int, access: Access) -> None:
    reached_employee_id(session, caller, Area.TIMEBANK, employee_id, access)


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
    _reached(session, caller, employee_id, Access.READ)
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
    _reached(session, caller, employee_id, Access.READ)
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
    _reached(session, caller, employee_id, Access.WRITE)
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


def record_movements(
    session: Session,
    workspace_id: int,
    actor_user_id: int | None,
    movements: list[TimebankMovement],
) -> None:
    """Store movements the rules wrote (time off's usage, accruals, expiries) with one
    change each; the caller has checked who may."""
    if not movements:
        return
    TimebankRepository(session).add_all(movements)
    record_changes(
        session,
        workspace_id=workspace_id,
        actor_user_id=actor_user_id,
        changes=[
            ChangeOf(
                ENTITY,
                movement.id,
                "created",
                MovementRead.model_validate(movement).model_dump(mode="json"),
            )
            for movement in movements
        ],
    )


def delete_movement(session: Session, caller: Caller, employee_id: int, movement_id: int) -> None:
    """Take back a movement posted by hand (adjustment or entitlement; others 409)."""
    _reached(session, caller, employee_id, Access.WRITE)
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


@dataclass(frozen=True)
class PersonBalances:
    user_id: int
    employee_id: int
    balances: list[Balance]


def balances(
    session: Session, caller: Caller, employee_id: int, as_of: date | None = None
) -> list[Balance]:
    """The employee's balance on every live account in force on `as_of` (default today in
    the workspace), by account name: 0 on an account without movements."""
    _reached(session, caller, employee_id, Access.READ)
    return _balances_of(session, [employee_id], as_of or today(session, caller))[employee_id]


def balances_of_people(
    session: Session, caller: Caller, *, limit: int, offset: int, as_of: date | None = None
) -> list[PersonBalances]:
    """The balances of the people whose timebank the caller reads (people with an employee
    record), in user id order, `limit` of them from `offset`; in a few queries whatever
    the page's size."""
    reached = employee_ids_reached(session, caller, Area.TIMEBANK, Access.READ)
    people = UserRepository(session).people_with_records(reached, limit=limit, offset=offset)
    found = _balances_of(
        session, [employee_id for _, employee_id in people], as_of or today(session, caller)
    )
    return [
        PersonBalances(user_id, employee_id, found[employee_id]) for user_id, employee_id in people
    ]


def _balances_of(session: Session, employee_ids: list[int], day: date) -> dict[int, list[Balance]]:
    repository = TimebankRepository(session)
    accounts = repository.accounts_in_force(day)
    totals = repository.totals(
        employee_ids,
        [account.timebank_account_id for account in accounts],
        day,
        date(day.year, 1, 1),
    )
    result: dict[int, list[Balance]] = {}
    for employee_id in employee_ids:
        result[employee_id] = []
        for account in accounts:
            found = totals.get((employee_id, account.timebank_account_id))
            result[employee_id].append(
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

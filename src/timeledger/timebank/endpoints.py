"""Routes of one employee's timebank movements and balances: parse, call the service,
render."""

from typing import Annotated

from fastapi import Query, Response, status

from timeledger.access.caller import Allowed, Caller
from timeledger.kit.pagination import DEFAULT_LIMIT, MAX_LIMIT, Page
from timeledger.kit.routing import MAX_ID, ResourceId, api_router, created
from timeledger.kit.timeutil import IsoDate
from timeledger.kit.uow import UnitOfWork
from timeledger.organization.reach import TimebankReadable, TimebankWritable
from timeledger.timebank import service
from timeledger.timebank.schemas import BalanceRead, Balances, MovementCreate, MovementRead

timebank_router = api_router("Time off & timebank")

BASE = "/employees/{employee_id}/timebank"
READ = "timebank:read:own"
ADJUST = "timebank:adjust:*"


@timebank_router.get(
    f"{BASE}/movements", response_model=Page[MovementRead], summary="List timebank movements"
)
def list_movements(
    session: UnitOfWork,
    caller: Annotated[Caller, Allowed(READ)],
    employee_id: TimebankReadable,
    account_id: Annotated[
        int | None, Query(ge=1, le=MAX_ID, description="Only this account.")
    ] = None,
    first: Annotated[
        IsoDate | None, Query(alias="from", description="First day (inclusive).")
    ] = None,
    last: Annotated[IsoDate | None, Query(alias="to", description="Last day (inclusive).")] = None,
    limit: Annotated[
        int,
        Query(
            ge=1,
            le=MAX_LIMIT,
            description=f"Page size (default {DEFAULT_LIMIT}, at most {MAX_LIMIT}).",
        ),
    ] = DEFAULT_LIMIT,
    cursor: Annotated[
        str | None, Query(max_length=512, description="`next_cursor` of the previous page.")
    ] = None,
) -> Page[MovementRead]:
    """Newest first: by the day a movement counts from, then the latest recorded."""
    rows, next_cursor = service.movements_of(
        session,
        caller,
        employee_id,
        account_id=account_id,
        first=first,
        last=last,
        limit=limit,
        cursor=cursor,
    )
    return Page(items=[MovementRead.model_validate(row) for row in rows], next_cursor=next_cursor)


@timebank_router.post(
    f"{BASE}/movements",
    status_code=status.HTTP_201_CREATED,
    response_model=MovementRead,
    summary="Post a timebank adjustment or entitlement",
)
def post_movement(
    response: Response,
    session: UnitOfWork,
    caller: Annotated[Caller, Allowed(ADJUST)],
    employee_id: TimebankWritable,
    body: MovementCreate,
) -> MovementRead:
    """422 when the account is not live and in force on `day`."""
    movement = service.post_movement(session, caller, employee_id, body)
    created(response, service.movement_location(movement))
    return MovementRead.model_validate(movement)


@timebank_router.get(
    f"{BASE}/movements/{{movement_id}}",
    response_model=MovementRead,
    summary="Get a timebank movement",
)
def get_movement(
    movement_id: ResourceId,
    session: UnitOfWork,
    caller: Annotated[Caller, Allowed(READ)],
    employee_id: TimebankReadable,
) -> MovementRead:
    return MovementRead.model_validate(
        service.get_movement(session, caller, employee_id, movement_id)
    )


@timebank_router.delete(
    f"{BASE}/movements/{{movement_id}}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Delete a timebank adjustment or entitlement",
)
def delete_movement(
    movement_id: ResourceId,
    session: UnitOfWork,
    caller: Annotated[Caller, Allowed(ADJUST)],
    employee_id: TimebankWritable,
) -> None:
    """Only movements posted by hand; one written by the rules answers 409."""
    service.delete_movement(session, caller, employee_id, movement_id)


@timebank_router.get(f"{BASE}/balances", response_model=Balances, summary="Timebank balances")
def get_balances(
    session: UnitOfWork,
    caller: Annotated[Caller, Allowed(READ)],
    employee_id: TimebankReadable,
    as_of: Annotated[
        IsoDate | None, Query(description="Count movements up to this day (default: today).")
    ] = None,
) -> Balances:
    """The balance on every live account in force `as_of`, 0 without movements."""
    day = as_of if as_of is not None else service.today(session, caller)
    found = service.balances(session, caller, employee_id, day)
    return Balances(
        as_of=day,
        items=[BalanceRead.model_validate(balance) for balance in found],
    )

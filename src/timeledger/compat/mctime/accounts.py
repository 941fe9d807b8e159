"""McTime's accounts: the timebank balances of the users whose timebank the key reads."""

from datetime import datetime
from typing import Annotated, Any

from fastapi import Request, Response

from timeledger.access.caller import Caller
from timeledger.compat.mctime import translate
from timeledger.compat.mctime.requests import NOT_VISIBLE, accounts_page_size, visible_employee
from timeledger.compat.mctime.wire import (
    McTimeAllowed,
    envelope,
    ids,
    item,
    mctime_router,
    page_number,
)
from timeledger.kit.clock import utcnow
from timeledger.kit.errors import NotFound, Unauthorized
from timeledger.kit.uow import UnitOfWork
from timeledger.organization.reach import Access
from timeledger.timebank.service import Balance, balances, balances_of_people

HOURS, DAYS = "hours", "days"
MINUTES_PER_HOUR = 60
HUNDREDTHS_PER_DAY = 100  # days accounts count hundredths of a day

accounts_router = mctime_router()


def _account_view(user_id: int, found: list[Balance], now: datetime) -> dict[str, Any]:
    hours = [balance for balance in found if balance.unit == HOURS]
    days = [balance for balance in found if balance.unit == DAYS]

    def as_of(of: list[Balance]) -> int:
        latest = [b.last_movement_at for b in of if b.last_movement_at is not None]
        return translate.epoch_ms(max(latest) if latest else now)

    return {
        "userId": str(user_id),
        "timeBalanceHours": sum(b.balance for b in hours) / MINUTES_PER_HOUR,
        "timeBalanceAsOf": as_of(hours),
        "vacationBalanceDays": sum(b.balance for b in days) / HUNDREDTHS_PER_DAY,
        "vacationBalanceAsOf": as_of(days),
        "vacationEntitlementDays": sum(b.entitlement for b in days) / HUNDREDTHS_PER_DAY,
        "vacationEntitlementAsOf": as_of(days),
    }


@accounts_router.get("/accounts")
def get_accounts(
    request: Request,
    session: UnitOfWork,
    caller: Annotated[Caller, McTimeAllowed("timebank:read:own")],
) -> Response:
    """Balances of the users whose timebank the key reads, `pageSize` (≤ 10) a page."""
    size, page = accounts_page_size(request), page_number(request)
    people = balances_of_people(session, caller, limit=size, offset=(page - 1) * size)
    now = utcnow()
    return envelope([item(_account_view(p.user_id, p.balances, now)) for p in people])


@accounts_router.get("/accounts/{user_id}")
def get_account(
    user_id: str,
    session: UnitOfWork,
    caller: Annotated[Caller, McTimeAllowed("timebank:read:own")],
) -> Response:
    wanted = ids([user_id], "userId")[0]
    employee_id = visible_employee(session, caller, wanted, Access.READ)
    try:
        found = balances(session, caller, employee_id)
    except NotFound:
        raise Unauthorized(NOT_VISIBLE.format(what=f"user {wanted}"), headers={}) from None
    return envelope([item(_account_view(wanted, found, utcnow()))])

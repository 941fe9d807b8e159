"""The minutes employees registered, day by day: one read of the day totals kept with the
entries (`day_totals`) for a whole team or a batch's employees, compiled once
(`kit/prepared`)."""

from collections.abc import Collection
from datetime import date

from sqlalchemy import BigInteger, bindparam, cast, func, select
from sqlalchemy.orm import Session

from timeledger.kit.membership import one_of
from timeledger.kit.prepared import PreparedQuery, rows_in_session
from timeledger.kit.tenancy import session_workspace_id
from timeledger.models import EntryDayTotal

MINUTES_BY_DAY = PreparedQuery(
    select(
        EntryDayTotal.employee_id,
        EntryDayTotal.day,
        cast(func.sum(EntryDayTotal.minutes), BigInteger).label("minutes"),
    )
    .where(
        EntryDayTotal.workspace_id == bindparam("workspace_id"),
        one_of(EntryDayTotal.employee_id, "employee_ids"),
        EntryDayTotal.day >= bindparam("first", type_=EntryDayTotal.day.type),
        EntryDayTotal.day <= bindparam("last", type_=EntryDayTotal.day.type),
    )
    .group_by(EntryDayTotal.employee_id, EntryDayTotal.day)
)


def entry_minutes_by_day(
    session: Session, employee_ids: Collection[int], first: date, last: date
) -> dict[tuple[int, date], int]:
    """The minutes of the employees' entries per (employee, day) of [first, last]; a day
    without entries is left out."""
    if not employee_ids:
        return {}
    rows = rows_in_session(
        session,
        MINUTES_BY_DAY,
        workspace_id=session_workspace_id(session),
        employee_ids=employee_ids,
        first=first,
        last=last,
    )
    return {(row.employee_id, row.day): int(row.minutes or 0) for row in rows}

"""The minutes a team registered, day by day: one read of the day totals kept with the
entries (`day_totals`) for the whole team."""

from collections.abc import Collection
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from timeledger.kit.membership import among
from timeledger.models import EntryDayTotal


def entry_minutes_by_day(
    session: Session, employee_ids: Collection[int], first: date, last: date
) -> dict[tuple[int, date], int]:
    """The minutes of the employees' entries per (employee, day) of [first, last]; a day
    without entries is left out."""
    if not employee_ids:
        return {}
    rows = session.execute(
        select(EntryDayTotal.employee_id, EntryDayTotal.day, func.sum(EntryDayTotal.minutes))
        .where(
            among(EntryDayTotal.employee_id, employee_ids),
            EntryDayTotal.day >= first,
            EntryDayTotal.day <= last,
        )
        .group_by(EntryDayTotal.employee_id, EntryDayTotal.day)
    )
    return {(employee_id, day): int(minutes or 0) for employee_id, day, minutes in rows}

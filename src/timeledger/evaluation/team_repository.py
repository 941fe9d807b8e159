"""The records the evaluation of a whole team reads, one query for all of its employees:
the selects `evaluation.repository` reads for one employee, for a list of them."""

from collections.abc import Collection
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from timeledger.evaluation.repository import entries_of_days_select, intervals_starting_select
from timeledger.kit.membership import among
from timeledger.models import PresenceInterval, TimeEntry


def intervals_starting_of(
    session: Session, employee_ids: Collection[int], starts_from: datetime, starts_before: datetime
) -> list[Any]:
    """The employees' intervals starting in [starts_from, starts_before), a row per break
    (`break_started_at` null for an interval without breaks), in time order."""
    if not employee_ids:
        return []
    employees = among(PresenceInterval.employee_id, employee_ids)
    bounds = {"starts_from": starts_from, "starts_before": starts_before}
    return list(session.execute(intervals_starting_select(employees), bounds))


def entries_of_days_of(
    session: Session, employee_ids: Collection[int], first: date, last: date
) -> list[Any]:
    """The employees' entries of [first, last] with the type of their activity on their
    day, running timers left out, in order of day."""
    if not employee_ids:
        return []
    employees = among(TimeEntry.employee_id, employee_ids)
    days = {"first": first, "last": last}
    return list(session.execute(entries_of_days_select(employees), days))

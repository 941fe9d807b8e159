"""The `activity` report: per employee and period, the minutes of each activity type.

An entry counts under the type of its activity's latest version (an activity's type does
not change in practice, and a child activity shares its parent's). The sums are SQL sums
over the same groups as `hours` (`entry_groups`), one per type.
"""

from collections.abc import Mapping, Sequence
from enum import StrEnum
from typing import Any, get_args

from sqlalchemy import ColumnElement, Connection, case, func, select

from timeledger.entries.grouping import GroupSource
from timeledger.models.settings import ActivityVersion
from timeledger.reports.entry_groups import Figures, HoursKey, Sum
from timeledger.settings.schemas import ActivityType

ACTIVITY_TYPES: tuple[str, ...] = get_args(ActivityType)


class Period(StrEnum):
    WEEK = "week"
    MONTH = "month"
    YEAR = "year"


def keys_of(period: Period) -> tuple[HoursKey, ...]:
    return HoursKey.EMPLOYEE, HoursKey(period.value)


def column_of(activity_type: str) -> str:
    return f"{activity_type.replace('-', '_')}_minutes"


def activities_by_type(connection: Connection, workspace_id: int) -> dict[str, list[int]]:
    """The workspace's activities by the type of their latest version."""
    versions = ActivityVersion.__table__.c
    rows = connection.execute(
        select(versions.activity_id, versions.type)
        .where(versions.workspace_id == workspace_id)
        .order_by(versions.activity_id, versions.effective_from, versions.id)
    )
    latest = {activity_id: activity_type for activity_id, activity_type in rows}
    by_type: dict[str, list[int]] = {activity_type: [] for activity_type in ACTIVITY_TYPES}
    for activity_id, activity_type in latest.items():
        by_type.setdefault(activity_type, []).append(activity_id)
    return by_type


def _minutes_of(activity_ids: Sequence[int]) -> Sum:
    def total(source: GroupSource) -> ColumnElement[Any]:
        columns = source.table.c
        of_type = columns.activity_id.in_(sorted(activity_ids))
        return func.coalesce(func.sum(case((of_type, columns.minutes), else_=0)), 0)

    return total


def activity_figures(by_type: Mapping[str, Sequence[int]]) -> Figures:
    """Minutes of each type, then of all types."""
    per_type = tuple(
        (column_of(activity_type), _minutes_of(by_type.get(activity_type, ())))
        for activity_type in ACTIVITY_TYPES
    )
    return Figures(sums=(*per_type, ("total_minutes", lambda source: source.minutes)))

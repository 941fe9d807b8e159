"""Queries of the Settings area beyond the shared configuration store; tenant scoping
comes from the session."""

from datetime import date
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from timeledger.kit.prepared import PreparedQuery, rows_in_session
from timeledger.models import HolidayCustomDay, Project, ProjectActivityRate

CUSTOM_DAYS_OF_YEAR = PreparedQuery(
    select(HolidayCustomDay.day, HolidayCustomDay.name, HolidayCustomDay.removed)
    .where(
        HolidayCustomDay.workspace_id == bindparam("workspace_id"),
        HolidayCustomDay.holiday_calendar_id == bindparam("calendar_id"),
        HolidayCustomDay.day >= bindparam("first"),
        HolidayCustomDay.day <= bindparam("last"),
    )
    .order_by(HolidayCustomDay.day)
)


def custom_day_rows(
    session: Session, workspace_id: int, calendar_id: int, first: date, last: date
) -> list[Any]:
    """The calendar's custom days from `first` to `last` as rows (day, name, removed)."""
    return rows_in_session(
        session,
        CUSTOM_DAYS_OF_YEAR,
        workspace_id=workspace_id,
        calendar_id=calendar_id,
        first=first,
        last=last,
    )


class HolidayDayRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def on(self, calendar_id: int, day: date) -> HolidayCustomDay | None:
        return self.session.scalars(
            select(HolidayCustomDay).where(
                HolidayCustomDay.holiday_calendar_id == calendar_id, HolidayCustomDay.day == day
            )
        ).one_or_none()

    def of(
        self, calendar_id: int, first: date | None = None, last: date | None = None
    ) -> list[HolidayCustomDay]:
        statement = select(HolidayCustomDay).where(
            HolidayCustomDay.holiday_calendar_id == calendar_id
        )
        if first is not None:
            statement = statement.where(HolidayCustomDay.day >= first)
        if last is not None:
            statement = statement.where(HolidayCustomDay.day <= last)
        return list(self.session.scalars(statement.order_by(HolidayCustomDay.day)))

    def add(self, custom: HolidayCustomDay) -> HolidayCustomDay:
        self.session.add(custom)
        self.session.flush()
        return custom

    def delete(self, custom: HolidayCustomDay) -> None:
        self.session.delete(custom)
        self.session.flush()


def projects_rating_activity(session: Session, activity_id: int) -> list[int]:
    """Live projects with a per-activity rate for the activity."""
    return list(
        session.scalars(
            select(ProjectActivityRate.project_id)
            .join(Project, Project.id == ProjectActivityRate.project_id)
            .where(ProjectActivityRate.activity_id == activity_id, Project.deleted_at.is_(None))
            .order_by(ProjectActivityRate.project_id)
        )
    )

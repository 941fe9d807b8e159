"""SQL of time entries."""

from collections.abc import Collection
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Table, func, or_, select, update
from sqlalchemy.orm import Session

from timeledger.kit.bulk import insert_rows
from timeledger.kit.clock import utcnow
from timeledger.kit.jsonio import json_text
from timeledger.kit.rows import reserve_ids, take_ids
from timeledger.models import Employee, TimeEntry
from timeledger.models.timesheet import awaiting_approval

ENTRIES: Table = TimeEntry.__table__  # type: ignore[assignment]
JSON_COLUMNS = ("breaks", "dimension_values")
"""Written as `kit.jsonio.json_text` writes them (the column's own serializer, the
standard library's, took a tenth of an import's time)."""


class EntryRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def serialize_writes_of(self, *employee_ids: int) -> None:
        """Lock the employees' rows until commit, in the order of their ids, so writes to
        one employee's timesheet run one after another (PostgreSQL; SQLite writers are
        serialized already, and their dialect sends no FOR UPDATE: no statement)."""
        if self.session.get_bind().dialect.name == "sqlite":
            return
        self.session.execute(
            select(Employee.id)
            .where(Employee.id.in_(sorted(employee_ids)))
            .order_by(Employee.id)
            .with_for_update()
        )

    def of_employee(self, employee_id: int, entry_id: int) -> TimeEntry | None:
        entry = self.session.get(TimeEntry, entry_id)
        return entry if entry is not None and entry.employee_id == employee_id else None

    def get(self, entry_id: int) -> TimeEntry | None:
        return self.session.get(TimeEntry, entry_id)

    def minutes_on(self, employee_id: int, day: date, *, exclude_id: int | None) -> int:
        """The minutes of the employee's entries dated `day`, but for entry `exclude_id`."""
        statement = select(func.coalesce(func.sum(TimeEntry.minutes), 0)).where(
            TimeEntry.employee_id == employee_id, TimeEntry.day == day
        )
        if exclude_id is not None:
            statement = statement.where(TimeEntry.id != exclude_id)
        return int(self.session.scalar(statement) or 0)

    def overlapping(
        self, employee_id: int, day: date, started_at: datetime, ended_at: datetime,
        *, exclude_id: int | None,
    ) -> TimeEntry | None:  # fmt: skip
        """The employee's earliest entry whose span shares time with this one, dated `day`
        (a span lasts at most a day, so the other's date is at most two days away)."""
        statement = select(TimeEntry).where(
            TimeEntry.employee_id == employee_id,
            TimeEntry.day.between(day - timedelta(days=2), day + timedelta(days=2)),
            TimeEntry.started_at < ended_at,
            TimeEntry.ended_at > started_at,
        )
        if exclude_id is not None:
            statement = statement.where(TimeEntry.id != exclude_id)
        return self.session.scalars(
            statement.order_by(TimeEntry.started_at, TimeEntry.id).limit(1)
        ).first()

    def running_timer(self, employee_id: int) -> TimeEntry | None:
        return self.session.scalars(
            select(TimeEntry).where(
                TimeEntry.employee_id == employee_id, TimeEntry.timer_started_at.is_not(None)
            )
        ).first()

    def booked_on(self, project_ids: Collection[int], task_ids: Collection[int]) -> list[TimeEntry]:
        """The entries booked on any of these projects or tasks, by id."""
        if not project_ids and not task_ids:
            return []
        return list(
            self.session.scalars(
                select(TimeEntry)
                .where(
                    or_(
                        TimeEntry.project_id.in_(sorted(project_ids)),
                        TimeEntry.task_id.in_(sorted(task_ids)),
                    )
                )
                .order_by(TimeEntry.id)
            )
        )

    def employees_with_timers_started_before(self, cutoff: datetime) -> list[int]:
        """The employees whose running timer started before `cutoff`, by id."""
        return list(
            self.session.scalars(
                select(TimeEntry.employee_id)
                .where(TimeEntry.timer_started_at < cutoff)
                .order_by(TimeEntry.employee_id)
            )
        )

    def under_approval_on_project(
        self, employee_id: int, project_id: int, first: date, last: date
    ) -> list[TimeEntry]:
        """The employee's entries on the project from `first` to `last` awaiting approval,
        locked for update."""
        return list(
            self.session.scalars(
                select(TimeEntry)
                .where(
                    TimeEntry.employee_id == employee_id,
                    TimeEntry.project_id == project_id,
                    TimeEntry.day.between(first, last),
                    awaiting_approval(),
                )
                .order_by(TimeEntry.day, TimeEntry.id)
                .with_for_update()
            )
        )

    def approval_statuses_on_project(
        self, employee_id: int, project_id: int, first: date, last: date
    ) -> set[str]:
        """The approval statuses of the employee's entries on the project from `first` to
        `last`."""
        return set(
            self.session.scalars(
                select(TimeEntry.approval_status)
                .where(
                    TimeEntry.employee_id == employee_id,
                    TimeEntry.project_id == project_id,
                    TimeEntry.day.between(first, last),
                )
                .distinct()
            )
        )

    def set_approval_status_of_days(
        self,
        employee_id: int,
        first: date,
        last: date,
        status: str,
        *,
        keep: Collection[str] = (),
    ) -> int:
        """Give every entry of the employee from `first` to `last` the approval status (a
        statement's step moves them all), but those whose status is among `keep`; returns
        how many changed."""
        result = self.session.execute(
            update(TimeEntry)
            .where(
                TimeEntry.employee_id == employee_id,
                TimeEntry.day.between(first, last),
                TimeEntry.approval_status.not_in([status, *sorted(keep)]),
            )
            .values(
                approval_status=status,
                updated_at=utcnow(),
                row_version=TimeEntry.row_version + 1,
            )
            .execution_options(synchronize_session=False)
        )
        return int(result.rowcount)  # type: ignore[attr-defined]

    def ids_after(self, after_id: int, limit: int) -> list[int]:
        """The workspace's entry ids above `after_id`, ascending: all its entries read a
        page at a time."""
        return list(
            self.session.scalars(
                select(TimeEntry.id)
                .where(TimeEntry.id > after_id)
                .order_by(TimeEntry.id)
                .limit(limit)
            )
        )

    def add(self, entry: TimeEntry) -> None:
        self.session.add(entry)
        self.session.flush()

    def add_all(self, entries: list[TimeEntry]) -> None:
        """Insert `entries` in one flush: one multi-row INSERT (see `take_ids`)."""
        taken = take_ids(self.session, ENTRIES, len(entries))
        for entry, entry_id in zip(entries, taken, strict=True):
            if entry_id is not None:
                entry.id = entry_id
        self.session.add_all(entries)
        self.session.flush()

    def draw_ids(self, rows: list[dict[str, Any]]) -> None:
        """Gives each new entry's row its `id` (`reserve_ids`), for `insert_new`."""
        if not rows:
            return
        for row, entry_id in zip(rows, reserve_ids(self.session, ENTRIES, len(rows)), strict=True):
            row["id"] = entry_id

    def insert_new(self, rows: list[dict[str, Any]]) -> None:
        """Insert new entries, their column values (`workspace_id` and the `id` of
        `draw_ids` included, each row the same columns), all at once
        (`kit.bulk.insert_rows`: no ORM object, nor the unit of work's or the ORM bulk
        insert's bookkeeping, per entry)."""
        if not rows:
            return
        written = [{**row, **{name: json_text(row[name]) for name in JSON_COLUMNS}} for row in rows]
        insert_rows(self.session, ENTRIES, written, json_as_text=JSON_COLUMNS)

    def of_timeoff_request(self, employee_id: int, timeoff_request_id: int) -> list[TimeEntry]:
        return list(
            self.session.scalars(
                select(TimeEntry)
                .where(
                    TimeEntry.employee_id == employee_id,
                    TimeEntry.timeoff_request_id == timeoff_request_id,
                )
                .order_by(TimeEntry.day, TimeEntry.id)
            )
        )

    def delete(self, entry: TimeEntry) -> None:
        self.session.delete(entry)
        self.session.flush()

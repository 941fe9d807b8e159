"""Per-day totals of entries, kept in the transaction that changes the entries.

Grouped listings (`group_by=user,week`, ...) read `entry_day_totals` instead of scanning
every entry. Each entry write turns into "subtract the old figures, add the new ones" on
the one totals row its key names, as an atomic upsert (`INSERT ... ON CONFLICT DO UPDATE`
on both SQLite and PostgreSQL), so concurrent writers never lose an increment. Rows whose
last entry went away are deleted, so the table equals a recomputation from the entries.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from timeledger.entries.month_totals import (
    ADD_TO_MONTHS,
    DAY_TOTALS,
    add_to_months,
    added_sums,
    first_of_month,
    month_rows,
    rebuild_months,
    rewrite_months,
)
from timeledger.kit.bulk import Upsert
from timeledger.models import EntryDayTotal, TimeEntry, Workspace

NO_REFERENCE = 0
KEY_COLUMNS = ("employee_id", "day", "activity_id", "project_key", "customer_key", "billable")


@dataclass(frozen=True)
class EntryFigures:
    """What an entry contributes to the totals."""

    employee_id: int
    day: date
    activity_id: int
    project_id: int | None
    customer_id: int | None
    billable: bool
    minutes: int
    revenue_minor: int | None

    @classmethod
    def of(cls, entry: TimeEntry) -> "EntryFigures":
        return cls(
            employee_id=entry.employee_id,
            day=entry.day,
            activity_id=entry.activity_id,
            project_id=entry.project_id,
            customer_id=entry.customer_id,
            billable=entry.billable,
            minutes=entry.minutes,
            revenue_minor=entry.revenue_minor,
        )

    def key(self) -> tuple[Any, ...]:
        return (
            self.employee_id,
            self.day,
            self.activity_id,
            self.project_id or NO_REFERENCE,
            self.customer_id or NO_REFERENCE,
            self.billable,
        )


def week_start_of(day: date, week_start: int) -> date:
    """First day of the week holding `day`; `week_start` is an ISO weekday (1 = Monday)."""
    return day - timedelta(days=(day.isoweekday() - week_start) % 7)


def record_entry_change(
    session: Session,
    workspace_id: int,
    before: EntryFigures | None,
    after: EntryFigures | None,
) -> None:
    """Move the totals from an entry's `before` figures to its `after` figures (None for
    an entry being created or deleted)."""
    if before == after:
        return
    week_start = _week_start_setting(session, workspace_id)
    if before is not None:
        _add(session, workspace_id, week_start, before, sign=-1)
    if after is not None:
        _add(session, workspace_id, week_start, after, sign=1)
    if before is not None:
        _drop_if_empty(session, before)
        touched = [figures for figures in (before, after) if figures is not None]
        rewrite_months(session, workspace_id, _months_of(touched))
    elif after is not None:
        add_to_months(session, workspace_id, [_figures_row(workspace_id, week_start, after)])


def _months_of(figures: Iterable[EntryFigures]) -> set[tuple[int, date]]:
    return {(entry.employee_id, first_of_month(entry.day)) for entry in figures}


def _week_start_setting(session: Session, workspace_id: int) -> int:
    workspace = session.get(Workspace, workspace_id)
    assert workspace is not None
    return workspace.week_start


def record_entries_created(
    session: Session, workspace_id: int, created: Iterable[EntryFigures]
) -> None:
    """Add many new entries to the totals at once (`totals_of_created`, then
    `add_created_totals`)."""
    add_created_totals(session, totals_of_created(session, workspace_id, created))


@dataclass(frozen=True)
class CreatedTotals:
    """What new entries add to the totals: one row per day totals row and per month totals
    row they touch, summed."""

    day_rows: list[dict[str, Any]]
    month_rows: list[dict[str, Any]]


def totals_of_created(
    session: Session, workspace_id: int, created: Iterable[EntryFigures]
) -> CreatedTotals:
    """New entries' figures summed per totals row, nothing written (the workspace's week
    start read)."""
    week_start = _week_start_setting(session, workspace_id)
    sums = _sums_by_key(created)
    rows = [_total_row(workspace_id, week_start, key, *figures) for key, figures in sums.items()]
    return CreatedTotals(rows, month_rows(workspace_id, rows))


def add_created_totals(session: Session, totals: CreatedTotals) -> None:
    """Adds `totals_of_created` to the stored totals: one upsert statement for the days and
    one for the months."""
    if totals.day_rows:
        _upsert(session, totals.day_rows)
        ADD_TO_MONTHS.run(session, totals.month_rows)


def _sums_by_key(figures: Iterable[EntryFigures]) -> dict[tuple[Any, ...], list[int]]:
    """Minutes, revenue and entry count per totals row."""
    sums: dict[tuple[Any, ...], list[int]] = {}
    for entry in figures:
        totals = sums.setdefault(entry.key(), [0, 0, 0])
        totals[0] += entry.minutes
        totals[1] += entry.revenue_minor or 0
        totals[2] += 1
    return sums


def _total_row(
    workspace_id: int,
    week_start: int,
    key: tuple[Any, ...],
    minutes: int,
    revenue_minor: int,
    entries: int,
) -> dict[str, Any]:
    row = dict(zip(KEY_COLUMNS, key, strict=True))
    row.update(
        workspace_id=workspace_id,
        week_start=week_start_of(row["day"], week_start),
        month_start=first_of_month(row["day"]),
        minutes=minutes,
        revenue_minor=revenue_minor,
        entries=entries,
    )
    return row


def _figures_row(
    workspace_id: int, week_start: int, figures: EntryFigures, *, sign: int = 1
) -> dict[str, Any]:
    return _total_row(
        workspace_id,
        week_start,
        figures.key(),
        sign * figures.minutes,
        sign * (figures.revenue_minor or 0),
        sign,
    )


def _add(
    session: Session, workspace_id: int, week_start: int, figures: EntryFigures, *, sign: int
) -> None:
    _upsert(session, [_figures_row(workspace_id, week_start, figures, sign=sign)])


def _upsert(session: Session, rows: list[dict[str, Any]]) -> None:
    """Add the figures of `rows` to the stored rows of their keys (at most one row per key:
    PostgreSQL refuses to update a row twice in one statement)."""
    ADD_TO_DAYS.run(session, rows)


ADD_TO_DAYS = Upsert(
    DAY_TOTALS,
    (*KEY_COLUMNS, "workspace_id", "week_start", "month_start", "minutes", "revenue_minor",
     "entries"),
    ("workspace_id", *KEY_COLUMNS),
    added_sums,
)  # fmt: skip


def _drop_if_empty(session: Session, figures: EntryFigures) -> None:
    conditions = [
        getattr(EntryDayTotal, name) == value
        for name, value in zip(KEY_COLUMNS, figures.key(), strict=True)
    ]
    session.execute(delete(EntryDayTotal).where(*conditions, EntryDayTotal.entries <= 0))


def restate_week_starts(session: Session, week_start: int) -> None:
    """Move every totals row of the session's workspace to the week holding its day under
    a new week start: one UPDATE per distinct day, not per row."""
    days = session.scalars(select(EntryDayTotal.day).distinct()).all()
    for day in days:
        session.execute(
            update(EntryDayTotal)
            .where(EntryDayTotal.day == day)
            .values(week_start=week_start_of(day, week_start))
            .execution_options(synchronize_session=False)
        )


def recompute_totals(session: Session, workspace_id: int) -> None:
    """Rebuild the workspace's day and month totals from its entries (after a change of
    week start, or to repair); the session is scoped to the workspace."""
    session.execute(delete(EntryDayTotal))
    week_start = _week_start_setting(session, workspace_id)
    rows = [
        _total_row(workspace_id, week_start, key, *sums)
        for key, sums in _sums_by_key(_all_entry_figures(session)).items()
    ]
    if rows:
        session.execute(insert(EntryDayTotal), rows)
    rebuild_months(session, workspace_id)


def _all_entry_figures(session: Session) -> Iterable[EntryFigures]:
    columns = (
        TimeEntry.employee_id,
        TimeEntry.day,
        TimeEntry.activity_id,
        TimeEntry.project_id,
        TimeEntry.customer_id,
        TimeEntry.billable,
        TimeEntry.minutes,
        TimeEntry.revenue_minor,
    )
    for row in session.execute(select(*columns).execution_options(yield_per=5000)):
        yield EntryFigures(*row)

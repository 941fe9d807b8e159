"""Per-month totals of entries: the day totals of each (employee, month) summed again.

After every change of the day totals (`day_totals.py`), the months it touched are
rewritten from the day totals in the same transaction: their rows deleted, then inserted
from one grouped select. Rewriting rather than adding keeps each month's first and last
day with entries exact when entries go away, and is safe under concurrency because writes
to one employee's timesheet run one after another (`EntryRepository.serialize_writes_of`).
"""

from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, and_, delete, func, insert, or_, select
from sqlalchemy.orm import Session

from timeledger.models import EntryDayTotal, EntryMonthTotal

DAYS = EntryDayTotal.__table__.c
MONTHS = EntryMonthTotal.__table__.c
GROUP_COLUMNS = (
    "employee_id",
    "month_start",
    "activity_id",
    "project_key",
    "customer_key",
    "billable",
)
RANGES_PER_STATEMENT = 300
"""Three parameters a range: well within SQLite's 32,766 and one plan per chunk size."""


def first_of_month(day: date) -> date:
    return day.replace(day=1)


def _following_month(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def month_runs(months: Iterable[tuple[int, date]]) -> Iterator[tuple[int, date, date]]:
    """Each employee's touched months as runs of consecutive months: (employee, first
    month, last month)."""
    run: list[Any] = []
    for employee_id, month in sorted(set(months)):
        if run and run[0] == employee_id and month == _following_month(run[2]):
            run[2] = month
            continue
        if run:
            yield run[0], run[1], run[2]
        run = [employee_id, month, month]
    if run:
        yield run[0], run[1], run[2]


def _in_runs(columns: Any, runs: Iterable[tuple[int, date, date]]) -> ColumnElement[bool]:
    return or_(
        *(
            and_(
                columns.employee_id == employee_id,
                columns.month_start >= first,
                columns.month_start <= last,
            )
            for employee_id, first, last in runs
        )
    )


def _grouped_days(workspace_id: int, *conditions: ColumnElement[bool]) -> Any:
    keys = [DAYS[name] for name in GROUP_COLUMNS]
    return (
        select(
            DAYS.workspace_id,
            *keys,
            func.sum(DAYS.minutes),
            func.sum(DAYS.revenue_minor),
            func.sum(DAYS.entries),
            func.min(DAYS.day),
            func.max(DAYS.day),
        )
        .where(DAYS.workspace_id == workspace_id, DAYS.entries > 0, *conditions)
        .group_by(DAYS.workspace_id, *keys)
    )


def _insert_grouped(session: Session, selected: Any) -> None:
    columns = [
        "workspace_id", *GROUP_COLUMNS, "minutes", "revenue_minor", "entries", "first_day",
        "last_day",
    ]  # fmt: skip
    session.execute(insert(EntryMonthTotal).from_select(columns, selected))


def rewrite_months(session: Session, workspace_id: int, months: Iterable[tuple[int, date]]) -> None:
    """Rewrite the month totals of these (employee, first of month) pairs from the day
    totals: two statements for every `RANGES_PER_STATEMENT` runs of months."""
    every_run = list(month_runs(months))
    for start in range(0, len(every_run), RANGES_PER_STATEMENT):
        runs = every_run[start : start + RANGES_PER_STATEMENT]
        session.execute(
            delete(EntryMonthTotal).where(
                MONTHS.workspace_id == workspace_id, _in_runs(MONTHS, runs)
            )
        )
        # The day totals carry no range on month_start in an index, but on day: the
        # runs' days are read through the (workspace, employee, day) key.
        day_ranges = or_(
            *(
                and_(
                    DAYS.employee_id == employee_id,
                    DAYS.day >= first,
                    DAYS.day < _following_month(last),
                )
                for employee_id, first, last in runs
            )
        )
        _insert_grouped(session, _grouped_days(workspace_id, day_ranges))


def rebuild_months(session: Session, workspace_id: int) -> None:
    """Rewrite every month total of the workspace from its day totals."""
    session.execute(delete(EntryMonthTotal).where(MONTHS.workspace_id == workspace_id))
    _insert_grouped(session, _grouped_days(workspace_id))

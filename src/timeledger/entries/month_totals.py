"""Per-month totals of entries: the day totals of each (employee, month) summed again.

Kept in the transaction that changes the day totals (`day_totals.py`). New entries are
added as the day totals add them, with one upsert (sums added, the first and last day
widened). A change or a deletion rewrites the months it touched from the day totals:
their rows deleted, then inserted from one grouped select, because a month's first or
last day with entries cannot be narrowed by subtracting. Rewriting is safe under
concurrency because writes to one employee's timesheet run one after another
(`EntryRepository.serialize_writes_of`).
"""

from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Table, and_, delete, func, insert, or_, select
from sqlalchemy.orm import Session

from timeledger.kit.bulk import Upsert
from timeledger.models import EntryDayTotal, EntryMonthTotal

DAY_TOTALS: Table = EntryDayTotal.__table__  # type: ignore[assignment]
MONTH_TOTALS: Table = EntryMonthTotal.__table__  # type: ignore[assignment]
DAYS = DAY_TOTALS.c
MONTHS = MONTH_TOTALS.c
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
    session.execute(insert(MONTH_TOTALS).from_select(columns, selected))


def rewrite_months(session: Session, workspace_id: int, months: Iterable[tuple[int, date]]) -> None:
    """Rewrite the month totals of these (employee, first of month) pairs from the day
    totals: two statements for every `RANGES_PER_STATEMENT` runs of months."""
    every_run = list(month_runs(months))
    for start in range(0, len(every_run), RANGES_PER_STATEMENT):
        runs = every_run[start : start + RANGES_PER_STATEMENT]
        session.execute(
            delete(MONTH_TOTALS).where(MONTHS.workspace_id == workspace_id, _in_runs(MONTHS, runs))
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
    session.execute(delete(MONTH_TOTALS).where(MONTHS.workspace_id == workspace_id))
    _insert_grouped(session, _grouped_days(workspace_id))


def add_to_months(session: Session, workspace_id: int, day_rows: Iterable[dict[str, Any]]) -> None:
    """Add new entries' day totals (rows of `entry_day_totals`' columns, as `day_totals`
    writes them) to their months: summed per month row first, then one upsert."""
    ADD_TO_MONTHS.run(session, month_rows(workspace_id, day_rows))


def month_rows(workspace_id: int, day_rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The day totals rows summed per month row (the rows `add_to_months` adds)."""
    months: dict[tuple[Any, ...], dict[str, Any]] = {}
    for row in day_rows:
        key = tuple(row[name] for name in GROUP_COLUMNS)
        month = months.get(key)
        if month is None:
            months[key] = {
                **{name: row[name] for name in GROUP_COLUMNS},
                "workspace_id": workspace_id,
                "minutes": row["minutes"],
                "revenue_minor": row["revenue_minor"],
                "entries": row["entries"],
                "first_day": row["day"],
                "last_day": row["day"],
            }
            continue
        month["minutes"] += row["minutes"]
        month["revenue_minor"] += row["revenue_minor"]
        month["entries"] += row["entries"]
        month["first_day"] = min(month["first_day"], row["day"])
        month["last_day"] = max(month["last_day"], row["day"])
    return list(months.values())


def added_sums(stored: Any, added: Any, _dialect: str) -> dict[str, Any]:
    """A totals row's sums added to the stored row of its key (an `Upsert`'s changes)."""
    return {
        "minutes": stored.minutes + added.minutes,
        "revenue_minor": stored.revenue_minor + added.revenue_minor,
        "entries": stored.entries + added.entries,
    }


def _added_month(stored: Any, added: Any, dialect: str) -> dict[str, Any]:
    """A month row's sums added to the stored row of its key, its first and last day
    widened."""
    earlier, later = (
        (func.least, func.greatest) if dialect == "postgresql" else (func.min, func.max)
    )
    return {
        **added_sums(stored, added, dialect),
        "first_day": earlier(stored.first_day, added.first_day),
        "last_day": later(stored.last_day, added.last_day),
    }


ADD_TO_MONTHS = Upsert(
    MONTH_TOTALS,
    (*GROUP_COLUMNS, "workspace_id", "minutes", "revenue_minor", "entries", "first_day",
     "last_day"),
    ("workspace_id", *GROUP_COLUMNS),
    _added_month,
)  # fmt: skip

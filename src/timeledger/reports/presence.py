"""The `presence` report: per employee and day (the local date an interval starts on),
what the presence intervals and their breaks add up to.

Worked minutes are those of the closed intervals less their closed breaks; an interval
still open counts in `open_intervals` (and in `missing_clock_outs` when it started on a
day before today) but not in the minutes. Instants are stored as epoch microseconds on
both engines, so durations are integer sums in SQL. "Late" is not reported: nothing in the
configuration says when a person's day is planned to start (the weekly patterns and
worktime policies hold minutes per day, not start times).
"""

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Connection, Select, Subquery, and_, case, func, select
from sqlalchemy.orm import Session

from timeledger.access.caller import Caller
from timeledger.entries.grouping import keys_after
from timeledger.kit.errors import Unprocessable
from timeledger.kit.filters import parse_id_list
from timeledger.models import PresenceBreak, PresenceInterval
from timeledger.organization.reach import Access, Area, employee_ids_reached
from timeledger.organization.today import workspace_today
from timeledger.reports.answers import PageOfRows, Rows
from timeledger.reports.entry_groups import (
    HoursKey,
    as_date,
    decode_keys_cursor,
    encode_keys_cursor,
)
from timeledger.reports.names import NamedKind, name_histories

INTERVALS = PresenceInterval.__table__
BREAKS = PresenceBreak.__table__
KEYS = (HoursKey.EMPLOYEE, HoursKey.DAY)
MICROS_PER_MINUTE = 60_000_000
FIGURES = ("worked_minutes", "break_minutes", "open_intervals", "missing_clock_outs")
COLUMNS = ("employee_id", "employee_name", "day", "first_in", "last_out", *FIGURES)


@dataclass(frozen=True)
class PresenceFilters:
    workspace_id: int
    today: date
    employee_ids: frozenset[int] | None
    """None: every employee; empty: nobody."""
    first_day: date | None
    last_day: date | None


def presence_filters(
    session: Session,
    caller: Caller,
    employee_ids: Sequence[str] | None,
    first_day: date | None,
    last_day: date | None,
) -> PresenceFilters:
    """The caller's read scope on timesheets, narrowed to the employees and dates asked
    for; 422 when `from` lies after `to`."""
    if first_day is not None and last_day is not None and first_day > last_day:
        raise Unprocessable.at("query.from", f"from ({first_day}) lies after to ({last_day}).",
                               "after to")  # fmt: skip
    today = workspace_today(session, caller.workspace_id)
    chosen = employee_ids_reached(session, caller, Area.TIMESHEET, Access.READ, today)
    named = parse_id_list(employee_ids, parameter="employee_id")
    if named is not None:
        chosen = set(named) if chosen is None else chosen & set(named)
    return PresenceFilters(
        workspace_id=caller.workspace_id,
        today=today,
        employee_ids=frozenset(chosen) if chosen is not None else None,
        first_day=first_day,
        last_day=last_day,
    )


def _conditions(filters: PresenceFilters) -> list[ColumnElement[bool]]:
    c = INTERVALS.c
    conditions = [c.workspace_id == filters.workspace_id]
    if filters.employee_ids is not None:
        conditions.append(c.employee_id.in_(sorted(filters.employee_ids)))
    if filters.first_day is not None:
        conditions.append(c.day >= filters.first_day)
    if filters.last_day is not None:
        conditions.append(c.day <= filters.last_day)
    return conditions


def _closed_breaks(filters: PresenceFilters) -> Subquery:
    """Microseconds of closed breaks per interval."""
    micros = func.sum(BREAKS.c.ended_at - BREAKS.c.started_at)
    return (
        select(BREAKS.c.interval_id, micros.label("us"))
        .where(BREAKS.c.workspace_id == filters.workspace_id, BREAKS.c.ended_at.is_not(None))
        .group_by(BREAKS.c.interval_id)
        .subquery()
    )


def _sums(filters: PresenceFilters, closed_breaks: Subquery) -> list[ColumnElement[Any]]:
    c = INTERVALS.c
    closed = c.ended_at.is_not(None)
    open_ = c.ended_at.is_(None)
    presence = func.sum(case((closed, c.ended_at - c.started_at), else_=0))
    breaks = func.sum(case((closed, func.coalesce(closed_breaks.c.us, 0)), else_=0))
    return [
        presence.label("presence_us"),
        breaks.label("break_us"),
        func.sum(case((open_, 1), else_=0)).label("open_intervals"),
        func.sum(case((and_(open_, c.day < filters.today), 1), else_=0)).label(
            "missing_clock_outs"
        ),
    ]


def _statement(filters: PresenceFilters, *, grouped: bool) -> Select[Any]:
    c = INTERVALS.c
    closed_breaks = _closed_breaks(filters)
    sums = _sums(filters, closed_breaks)
    table = INTERVALS.outerjoin(closed_breaks, closed_breaks.c.interval_id == c.id)
    if not grouped:
        return select(*sums).select_from(table).where(*_conditions(filters))
    return (
        select(
            c.employee_id.label("k0"),
            c.day.label("k1"),
            func.min(c.started_at).label("first_in"),
            func.max(c.ended_at).label("last_out"),
            *sums,
        )
        .select_from(table)
        .where(*_conditions(filters))
        .group_by(c.employee_id, c.day)
        .order_by(c.employee_id, c.day)
    )


def _minutes(micros: Any) -> int:
    return int(micros or 0) // MICROS_PER_MINUTE


def _figures(row: Any) -> list[int]:
    presence, breaks = int(row.presence_us or 0), int(row.break_us or 0)
    return [
        _minutes(presence - breaks),
        _minutes(breaks),
        int(row.open_intervals or 0),
        int(row.missing_clock_outs or 0),
    ]


def _rendered(connection: Connection, filters: PresenceFilters, rows: Sequence[Any]) -> Rows:
    names = name_histories(
        connection, filters.workspace_id, NamedKind.EMPLOYEE, (row.k0 for row in rows)
    )
    rendered = []
    for row in rows:
        day = as_date(row.k1)
        history = names.get(row.k0)
        name = history.on(day) if history else None
        cells = (row.k0, name, day, row.first_in, row.last_out, *_figures(row))
        rendered.append(cells)
    return rendered


def presence_totals(connection: Connection, filters: PresenceFilters) -> dict[str, int]:
    if filters.employee_ids is not None and not filters.employee_ids:
        return dict.fromkeys(FIGURES, 0)
    row = connection.execute(_statement(filters, grouped=False)).one()
    return dict(zip(FIGURES, _figures(row), strict=True))


def presence_page(
    connection: Connection, filters: PresenceFilters, *, limit: int, cursor: str | None
) -> PageOfRows:
    after = decode_keys_cursor(KEYS, cursor) if cursor is not None else None
    totals = presence_totals(connection, filters)
    if filters.employee_ids is not None and not filters.employee_ids:
        return PageOfRows([], None, totals)
    statement = _statement(filters, grouped=True).limit(limit + 1)
    if after is not None:
        keys = (INTERVALS.c.employee_id, INTERVALS.c.day)
        statement = statement.where(keys[0] >= after[0], keys_after(keys, after))
    rows = connection.execute(statement).all()
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        next_cursor = encode_keys_cursor(KEYS, [rows[-1].k0, as_date(rows[-1].k1)])
    return PageOfRows(_rendered(connection, filters, rows), next_cursor, totals)


def presence_batches(
    connection: Connection, filters: PresenceFilters, *, batch: int
) -> Iterator[Rows]:
    if filters.employee_ids is not None and not filters.employee_ids:
        return
    streaming = connection.execution_options(stream_results=True, yield_per=batch)
    for rows in streaming.execute(_statement(filters, grouped=True)).partitions():
        yield _rendered(connection, filters, rows)

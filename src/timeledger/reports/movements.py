"""The `account-movements` report: per employee, timebank account and period, the
movements by cause with the balance before and after them.

The movements counted are those dated within `from`..`to`. A row's opening balance is the
balance before its first day counted (every movement of the account dated earlier, also
before `from`), its closing balance the opening plus the row's net movement; a period
without movements has no row (the balance did not change). Amounts are in the account's
unit: minutes for an `hours` account, hundredths of a day for a `days` account. All of it
is one SQL statement: sums per period, and a running sum over the periods (a window).
"""

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, Connection, Select, case, func, literal, select
from sqlalchemy.orm import Session

from timeledger.access.caller import Caller
from timeledger.entries.grouping import keys_after, month_of, week_of, year_of
from timeledger.kit.errors import Unprocessable
from timeledger.kit.filters import parse_id_list
from timeledger.models import TimebankMovement
from timeledger.organization.reach import Access, Area, employee_ids_reached
from timeledger.organization.today import workspace_basics, workspace_today
from timeledger.reports.activity import Period
from timeledger.reports.answers import PageOfRows, Rows
from timeledger.reports.entry_groups import (
    as_date,
    decode_keys_cursor,
    encode_keys_cursor,
    normalized_key,
)
from timeledger.reports.names import NamedKind, name_histories
from timeledger.timebank.schemas import Cause


class MovementKey(StrEnum):
    """The keys of a row, in order (named as `HoursKey` names the same kinds of key)."""

    EMPLOYEE = "employee"
    ACCOUNT = "account"
    WEEK = "week"
    MONTH = "month"
    YEAR = "year"


MOVEMENTS = TimebankMovement.__table__
CAUSES = tuple(cause.value for cause in Cause)
SUMS = (*CAUSES, "net")


@dataclass(frozen=True)
class MovementFilters:
    workspace_id: int
    week_start: int
    period: Period
    employee_ids: frozenset[int] | None
    """None: every employee; empty: nobody."""
    account_ids: frozenset[int] | None
    first_day: date | None
    last_day: date | None

    @property
    def matches_nothing(self) -> bool:
        return self.employee_ids is not None and not self.employee_ids

    @property
    def keys(self) -> tuple[MovementKey, ...]:
        return MovementKey.EMPLOYEE, MovementKey.ACCOUNT, MovementKey(self.period.value)


def columns_of(period: Period) -> tuple[str, ...]:
    return (
        "employee_id", "employee_name", "account_id", "account_name", "unit", period.value,
        "opening_balance", *CAUSES, "net", "closing_balance",
    )  # fmt: skip


def movement_filters(
    session: Session,
    caller: Caller,
    period: Period,
    employee_ids: Sequence[str] | None,
    account_ids: Sequence[str] | None,
    first_day: date | None,
    last_day: date | None,
) -> MovementFilters:
    """The caller's read scope on timebanks, narrowed to the employees, accounts and dates
    asked for; 422 when `from` lies after `to`."""
    if first_day is not None and last_day is not None and first_day > last_day:
        raise Unprocessable.at("query.from", f"from ({first_day}) lies after to ({last_day}).",
                               "after to")  # fmt: skip
    basics = workspace_basics(session, caller.workspace_id)
    assert basics is not None
    today = workspace_today(session, caller.workspace_id)
    chosen = employee_ids_reached(session, caller, Area.TIMEBANK, Access.READ, today)
    named = parse_id_list(employee_ids, parameter="employee_id")
    if named is not None:
        chosen = set(named) if chosen is None else chosen & set(named)
    accounts = parse_id_list(account_ids, parameter="account_id")
    return MovementFilters(
        workspace_id=caller.workspace_id,
        week_start=basics.week_start,
        period=period,
        employee_ids=frozenset(chosen) if chosen is not None else None,
        account_ids=frozenset(accounts) if accounts is not None else None,
        first_day=first_day,
        last_day=last_day,
    )


def _period_of(filters: MovementFilters, dialect: str) -> ColumnElement[Any]:
    day = MOVEMENTS.c.day
    match filters.period:
        case Period.WEEK:
            return week_of(day, filters.week_start, dialect)
        case Period.MONTH:
            return month_of(day, dialect)
        case Period.YEAR:
            return year_of(day)


def _owned(filters: MovementFilters) -> list[ColumnElement[bool]]:
    c = MOVEMENTS.c
    conditions = [c.workspace_id == filters.workspace_id]
    if filters.employee_ids is not None:
        conditions.append(c.employee_id.in_(sorted(filters.employee_ids)))
    if filters.account_ids is not None:
        conditions.append(c.account_id.in_(sorted(filters.account_ids)))
    return conditions


def _amount_of(cause: str) -> ColumnElement[Any]:
    c = MOVEMENTS.c
    return func.sum(case((c.cause == cause, c.amount), else_=0)).label(cause)


def _rows_statement(filters: MovementFilters, dialect: str) -> Select[Any]:
    """Every row, with its columns k0 (employee), k1 (account), k2 (period), the sums,
    `closing` and `last_date`, ordered by its keys."""
    c = MOVEMENTS.c
    period = _period_of(filters, dialect)
    counted = _owned(filters)
    if filters.first_day is not None:
        counted.append(c.day >= filters.first_day)
    if filters.last_day is not None:
        counted.append(c.day <= filters.last_day)
    grouped = (
        select(
            c.employee_id.label("k0"),
            c.account_id.label("k1"),
            period.label("k2"),
            *(_amount_of(cause) for cause in CAUSES),
            func.sum(c.amount).label("net"),
            func.max(c.day).label("last_date"),
        )
        .where(*counted)
        .group_by(c.employee_id, c.account_id, period)
        .subquery()
    )
    running = func.sum(grouped.c.net).over(
        partition_by=(grouped.c.k0, grouped.c.k1), order_by=grouped.c.k2
    )
    if filters.first_day is None:
        before: ColumnElement[Any] = literal(0)
        source: Any = grouped
    else:
        earlier = (
            select(c.employee_id, c.account_id, func.sum(c.amount).label("amount"))
            .where(*_owned(filters), c.day < filters.first_day)
            .group_by(c.employee_id, c.account_id)
            .subquery()
        )
        before = func.coalesce(earlier.c.amount, 0)
        source = grouped.outerjoin(
            earlier,
            (earlier.c.employee_id == grouped.c.k0) & (earlier.c.account_id == grouped.c.k1),
        )
    windowed = (
        select(*grouped.c, (before + running).label("closing")).select_from(source).subquery()
    )
    keys = (windowed.c.k0, windowed.c.k1, windowed.c.k2)
    return select(windowed).order_by(*keys)


def _rendered(connection: Connection, filters: MovementFilters, rows: Sequence[Any]) -> Rows:
    employees = name_histories(
        connection, filters.workspace_id, NamedKind.EMPLOYEE, (row.k0 for row in rows)
    )
    account_ids = {row.k1 for row in rows}
    accounts = name_histories(connection, filters.workspace_id, NamedKind.ACCOUNT, account_ids)
    units = name_histories(connection, filters.workspace_id, NamedKind.ACCOUNT_UNIT, account_ids)
    period_key = MovementKey(filters.period.value)
    rendered = []
    for row in rows:
        last_date = as_date(row.last_date)
        employee = employees.get(row.k0)
        account, unit = accounts.get(row.k1), units.get(row.k1)
        period = normalized_key(period_key, row.k2)
        shown = period.strftime("%Y-%m") if filters.period is Period.MONTH else period
        net, closing = int(row.net or 0), int(row.closing or 0)
        rendered.append(
            (
                row.k0,
                employee.on(last_date) if employee else None,
                row.k1,
                account.on(last_date) if account else None,
                unit.on(last_date) if unit else None,
                shown,
                closing - net,
                *(int(row._mapping[cause] or 0) for cause in CAUSES),
                net,
                closing,
            )
        )
    return rendered


def movements_totals(connection: Connection, filters: MovementFilters) -> dict[str, int]:
    """The sums of the rows' movement columns (balances are not summed: accounts may have
    different units)."""
    if filters.matches_nothing:
        return dict.fromkeys(SUMS, 0)
    rows = _rows_statement(filters, connection.dialect.name).subquery()
    statement = select(*(func.coalesce(func.sum(rows.c[name]), 0) for name in SUMS))
    found = connection.execute(statement).one()
    return {name: int(value) for name, value in zip(SUMS, found, strict=True)}


def movements_page(
    connection: Connection, filters: MovementFilters, *, limit: int, cursor: str | None
) -> PageOfRows:
    after = decode_keys_cursor(filters.keys, cursor) if cursor is not None else None
    totals = movements_totals(connection, filters)
    if filters.matches_nothing:
        return PageOfRows([], None, totals)
    rows_of = _rows_statement(filters, connection.dialect.name).subquery()
    keys = (rows_of.c.k0, rows_of.c.k1, rows_of.c.k2)
    statement = select(rows_of).order_by(*keys).limit(limit + 1)
    if after is not None:
        statement = statement.where(keys_after(keys, after))
    rows = connection.execute(statement).all()
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        last = [normalized_key(key, rows[-1][i]) for i, key in enumerate(filters.keys)]
        next_cursor = encode_keys_cursor(filters.keys, last)
    return PageOfRows(_rendered(connection, filters, rows), next_cursor, totals)


def movements_batches(
    connection: Connection, filters: MovementFilters, *, batch: int
) -> Iterator[Rows]:
    if filters.matches_nothing:
        return
    streaming = connection.execution_options(stream_results=True, yield_per=batch)
    result = streaming.execute(_rows_statement(filters, connection.dialect.name))
    for rows in result.partitions():
        yield _rendered(connection, filters, rows)

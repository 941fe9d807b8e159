"""`group_by`: minutes, revenue and entry counts per group of entries, paged over groups.

Groups are read from `entry_day_totals` whenever the filters allow it (people, customer,
project, activity and activity type, billable, dates), else from a GROUP BY over
`time_entries`. Either way the groups come ordered by their keys in the order `group_by`
names them, so a page is a keyset range of keys: `group_by=user,week` streams from the
`(workspace_id, employee_id, week_start)` index of the totals without sorting.

Each group carries `entries_params`: the request's filters, with the group's own values
in place of the filters they refine, so listing with them yields exactly its entries.
"""

import base64
import binascii
import functools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Date,
    FromClause,
    Integer,
    Select,
    String,
    and_,
    cast,
    extract,
    func,
    literal,
    or_,
    select,
    type_coerce,
)
from sqlalchemy.orm import Session

from timeledger.entries.day_totals import week_start_of
from timeledger.entries.listing import (
    EMPLOYEES,
    ENTRIES,
    MONTH_TOTALS,
    NONE,
    TOTALS,
    EntryFilters,
    EntryShape,
    entry_conditions_of,
)
from timeledger.kit.errors import BadRequest
from timeledger.kit.filters import MAX_ID
from timeledger.kit.jsonio import dump_json, load_json


class GroupKey(StrEnum):
    USER = "user"
    CUSTOMER = "customer"
    PROJECT = "project"
    ACTIVITY = "activity"
    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    YEAR = "year"


ID_KEYS = frozenset({GroupKey.USER, GroupKey.CUSTOMER, GroupKey.PROJECT, GroupKey.ACTIVITY})
MAX_YEAR = 9999
DATE_KEYS = frozenset({GroupKey.DAY, GroupKey.WEEK, GroupKey.MONTH})
MONTH_KEYS = frozenset(GroupKey) - {GroupKey.DAY, GroupKey.WEEK}
"""The keys the month totals can group by."""


def _problem(parameter: str, message: str) -> BadRequest:
    return BadRequest(
        f"{parameter}: {message}.", errors=[{"location": f"query.{parameter}", "message": message}]
    )


def parse_group_by(values: Sequence[str] | None) -> tuple[GroupKey, ...]:
    """`group_by=user,week` (or repeated): the keys in order; empty when not grouping."""
    tokens = [part.strip() for value in values or () for part in value.split(",")]
    tokens = [token for token in tokens if token]
    keys: list[GroupKey] = []
    allowed = ", ".join(key.value for key in GroupKey)
    for token in tokens:
        try:
            key = GroupKey(token.lower())
        except ValueError:
            raise _problem("group_by", f"{token[:40]!r} is not one of {allowed}") from None
        if key in keys:
            raise _problem("group_by", f"{key.value} appears twice")
        keys.append(key)
    return tuple(keys)


# Where the groups come from


@dataclass(frozen=True)
class GroupSource:
    table: FromClause
    keys: dict[GroupKey, ColumnElement[Any]]
    """The keys this source can group by."""
    minutes: ColumnElement[Any]
    revenue: ColumnElement[Any]
    entries: ColumnElement[Any]
    first_day: ColumnElement[Any]
    last_day: ColumnElement[Any]
    conditions: Sequence[ColumnElement[bool]]
    index_orders: tuple[tuple[GroupKey, ...], ...] = ()
    """Key orders an index of the table holds after the workspace (`index_order_hint`)."""


def year_of(day: Any) -> ColumnElement[Any]:
    return cast(extract("year", day), Integer)


def _summed_totals(
    table: Any,
    periods: dict[GroupKey, ColumnElement[Any]],
    days: tuple[Any, Any],
    conditions: Sequence[ColumnElement[bool]],
    indexed_period: GroupKey,
) -> GroupSource:
    """A totals table as a source: the same people, customer, project and activity keys
    and sums, its own period keys, first and last days, conditions and indexes."""
    c = table.c
    user = GroupKey.USER
    return GroupSource(
        table=table,
        keys={
            user: c.employee_id,
            GroupKey.CUSTOMER: c.customer_key,
            GroupKey.PROJECT: c.project_key,
            GroupKey.ACTIVITY: c.activity_id,
            **periods,
        },
        minutes=func.sum(c.minutes),
        revenue=func.sum(c.revenue_minor),
        entries=func.sum(c.entries),
        first_day=func.min(days[0]),
        last_day=func.max(days[1]),
        conditions=conditions,
        index_orders=((user,), (user, indexed_period), (indexed_period,), (indexed_period, user)),
    )


def totals_source(filters: EntryFilters) -> GroupSource:
    c = TOTALS.c
    periods = {
        GroupKey.DAY: c.day,
        GroupKey.WEEK: c.week_start,
        GroupKey.MONTH: c.month_start,
        GroupKey.YEAR: year_of(c.day),
    }
    return _summed_totals(
        TOTALS, periods, (c.day, c.day), filters.totals_conditions(), GroupKey.WEEK
    )


def month_totals_source(filters: EntryFilters) -> GroupSource:
    c = MONTH_TOTALS.c
    periods = {GroupKey.MONTH: c.month_start, GroupKey.YEAR: year_of(c.month_start)}
    conditions = filters.totals_conditions(by_month=True)
    return _summed_totals(
        MONTH_TOTALS, periods, (c.first_day, c.last_day), conditions, GroupKey.MONTH
    )


def week_of(day: Any, week_start: int, dialect: str) -> ColumnElement[Any]:
    """First day of the week holding `day` (week_start: ISO weekday, 1 = Monday)."""
    if dialect == "postgresql":
        offset = (cast(extract("isodow", day), Integer) - week_start + 7) % 7
        return type_coerce(day - offset, Date)
    weekday = cast(func.strftime("%w", day), Integer)  # 0 = Sunday, as week_start 7 % 7
    offset = (weekday + 7 - week_start % 7) % 7
    shift = literal("-", String).concat(cast(offset, String)).concat(" days")
    return type_coerce(func.date(day, shift), Date)


def month_of(day: Any, dialect: str) -> ColumnElement[Any]:
    if dialect == "postgresql":
        return cast(func.date_trunc("month", day), Date)
    return type_coerce(func.date(day, "start of month"), Date)


def entries_source(filters: EntryFilters, dialect: str) -> GroupSource:
    c = ENTRIES.c
    week_start = filters.workspace.week_start
    return GroupSource(
        table=ENTRIES,
        keys={
            GroupKey.USER: c.employee_id,
            GroupKey.CUSTOMER: func.coalesce(c.customer_id, 0),
            GroupKey.PROJECT: func.coalesce(c.project_id, 0),
            GroupKey.ACTIVITY: c.activity_id,
            GroupKey.DAY: c.day,
            GroupKey.WEEK: week_of(c.day, week_start, dialect),
            GroupKey.MONTH: month_of(c.day, dialect),
            GroupKey.YEAR: year_of(c.day),
        },
        minutes=func.sum(c.minutes),
        revenue=func.sum(func.coalesce(c.revenue_minor, 0)),
        entries=func.count(c.id),
        first_day=func.min(c.day),
        last_day=func.max(c.day),
        conditions=filters.entry_conditions(),
    )


def group_source(filters: EntryFilters, keys: Sequence[GroupKey], dialect: str) -> GroupSource:
    """The fewest rows that answer these filters and keys: the month totals when they
    carry every filter and key and the dates are whole months, else the day totals when
    they carry every filter, else the entries."""
    if filters.answerable_from_totals:
        if filters.in_whole_months and all(key in MONTH_KEYS for key in keys):
            return month_totals_source(filters)
        return totals_source(filters)
    return entries_source(filters, dialect)


# Cursors over group keys


def _encode_cursor(keys: tuple[GroupKey, ...], values: Sequence[Any]) -> str:
    plain = [value.isoformat() if isinstance(value, date) else value for value in values]
    payload = [",".join(key.value for key in keys), plain]
    return base64.urlsafe_b64encode(dump_json(payload)).decode().rstrip("=")


def _decode_cursor(keys: tuple[GroupKey, ...], cursor: str | None) -> list[Any] | None:
    if cursor is None:
        return None
    invalid = _problem("cursor", "not a cursor this server issued for this group_by")
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        spec, raw = load_json(base64.urlsafe_b64decode(padded))
    except (ValueError, TypeError, binascii.Error):
        raise invalid from None
    if spec != ",".join(key.value for key in keys) or not isinstance(raw, list):
        raise invalid
    if len(raw) != len(keys):
        raise invalid
    values: list[Any] = []
    for key, value in zip(keys, raw, strict=True):
        if key in DATE_KEYS:
            try:
                values.append(date.fromisoformat(value))
            except (TypeError, ValueError):
                raise invalid from None
        elif type(value) is int and 0 <= value <= (MAX_YEAR if key is GroupKey.YEAR else MAX_ID):
            values.append(value)
        else:
            raise invalid
    return values


def keys_after(expressions: Sequence[ColumnElement[Any]], values: Sequence[Any]) -> Any:
    """Key tuples after `values` in ascending lexicographic order."""
    alternatives = []
    for position, expression in enumerate(expressions):
        equal = [expressions[i] == values[i] for i in range(position)]
        alternatives.append(and_(*equal, expression > values[position]))
    return or_(*alternatives)


# The groups


def _month_range(first: date) -> tuple[date, date]:
    following = date(first.year + (first.month == 12), first.month % 12 + 1, 1)
    return first, following - timedelta(days=1)


def _entries_params(
    filters: EntryFilters, keys: tuple[GroupKey, ...], values: Sequence[Any]
) -> dict[str, Any]:
    params = dict(filters.params)
    first, last = filters.first_day, filters.last_day
    for key, value in zip(keys, values, strict=True):
        match key:
            case GroupKey.USER:
                params.pop("user_id", None)
                params.pop("org_unit_id", None)
                params["employee_id"] = value
            case GroupKey.CUSTOMER:
                params["customer_id"] = value or NONE
            case GroupKey.PROJECT:
                params["project_id"] = value or NONE
            case GroupKey.ACTIVITY:
                params.pop("activity_type", None)
                params["activity_id"] = value
            case _:
                span = _span_of(key, value, filters.workspace.week_start)
                first = span[0] if first is None else max(first, span[0])
                last = span[1] if last is None else min(last, span[1])
    if first is not None:
        params["from"] = first.isoformat()
    if last is not None:
        params["to"] = last.isoformat()
    return params


def _span_of(key: GroupKey, value: Any, week_start: int) -> tuple[date, date]:
    match key:
        case GroupKey.DAY:
            return value, value
        case GroupKey.WEEK:
            start = week_start_of(value, week_start)
            return start, start + timedelta(days=6)
        case GroupKey.MONTH:
            return _month_range(value.replace(day=1))
        case _:
            return date(value, 1, 1), date(value, 12, 31)


def _shown(key: GroupKey, value: Any) -> tuple[str, Any]:
    match key:
        case GroupKey.USER:
            return "employee_id", value
        case GroupKey.CUSTOMER:
            return "customer_id", value or None
        case GroupKey.PROJECT:
            return "project_id", value or None
        case GroupKey.ACTIVITY:
            return "activity_id", value
        case GroupKey.MONTH:
            return "month", value.strftime("%Y-%m")
        case _:
            return key.value, value


def list_groups(
    session: Session,
    filters: EntryFilters,
    keys: tuple[GroupKey, ...],
    *,
    limit: int,
    cursor: str | None,
) -> tuple[list[dict[str, Any]], str | None]:
    """One page of groups, ordered by their keys, and the cursor of the next page."""
    after = _decode_cursor(keys, cursor)
    if filters.matches_nothing:
        return [], None
    connection = session.connection()
    dialect = connection.dialect.name
    source = group_source(filters, keys, dialect)
    expressions = [source.keys[key] for key in keys]
    statement = (
        select(
            *(expression.label(f"k{i}") for i, expression in enumerate(expressions)),
            source.minutes.label("minutes"),
            source.revenue.label("revenue_minor"),
            source.entries.label("entries"),
            source.first_day.label("first_date"),
            source.last_day.label("last_date"),
        )
        .select_from(source.table)
        .where(*source.conditions)
        .group_by(*expressions)
        .order_by(*expressions)
        .limit(limit + 1)
    )
    if after is not None:
        # The bound on the leading key alone lets an index seek to the page's start.
        statement = statement.where(expressions[0] >= after[0], keys_after(expressions, after))
    else:
        statement = statement.where(*index_order_hint(source, keys))
    rows = connection.execute(statement, filters.parameters()).all()
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        next_cursor = _encode_cursor(keys, rows[-1][: len(keys)])
    user_ids = _user_ids(session, filters, keys, rows)
    currency = filters.workspace.currency
    items = []
    for row in rows:
        values = [_normalized(key, row[i]) for i, key in enumerate(keys)]
        item: dict[str, Any] = {}
        for key, value in zip(keys, values, strict=True):
            name, shown = _shown(key, value)
            item[name] = shown
            if key is GroupKey.USER:
                item["user_id"] = user_ids.get(value)
        item["minutes"] = int(row.minutes or 0)
        item["revenue_minor"] = int(row.revenue_minor or 0)
        item["currency"] = currency
        item["entries"] = int(row.entries or 0)
        item["first_date"] = _normalized(GroupKey.DAY, row.first_date)
        item["last_date"] = _normalized(GroupKey.DAY, row.last_date)
        item["entries_params"] = _entries_params(filters, keys, values)
        items.append(item)
    return items, next_cursor


LOWEST = {GroupKey.USER: 0, GroupKey.WEEK: date.min, GroupKey.MONTH: date.min}


def index_order_hint(source: GroupSource, keys: Sequence[GroupKey]) -> list[ColumnElement[bool]]:
    """A range on the leading key that every row meets, when the keys' order is that of
    an index of the totals. SQLite, whose sampled statistics see two equally good indexes
    on `workspace_id`, may pick the one in the wrong order and sort every row before the
    first page; a range on the index's second column makes it stream the groups in order.
    Measured over a million day totals, it made every filter combination tried faster
    (0.5 ms instead of 1.5 s for the first page of `user,week`) and none slower."""
    if tuple(keys[:2]) not in source.index_orders:
        return []
    return [source.keys[keys[0]] >= LOWEST[keys[0]]]


def _normalized(key: GroupKey, value: Any) -> Any:
    if key in DATE_KEYS and isinstance(value, str):
        return date.fromisoformat(value)
    if key in ID_KEYS or key is GroupKey.YEAR:
        return int(value)
    return value


def _user_ids(
    session: Session, filters: EntryFilters, keys: tuple[GroupKey, ...], rows: Sequence[Any]
) -> dict[int, int | None]:
    if GroupKey.USER not in keys or not rows:
        return {}
    position = keys.index(GroupKey.USER)
    employee_ids = sorted({int(row[position]) for row in rows})
    found = session.connection().execute(
        select(EMPLOYEES.c.id, EMPLOYEES.c.user_id).where(
            EMPLOYEES.c.workspace_id == filters.workspace.id, EMPLOYEES.c.id.in_(employee_ids)
        )
    )
    return {row.id: row.user_id for row in found}


@functools.lru_cache(maxsize=64)
def _by_task_statement(shape: EntryShape) -> Select[Any]:
    c = ENTRIES.c
    return (
        select(
            c.project_id,
            c.task_id,
            func.sum(c.minutes).label("minutes"),
            func.sum(func.coalesce(c.revenue_minor, 0)).label("revenue_minor"),
            func.count(c.id).label("entries"),
        )
        .where(*entry_conditions_of(shape))
        .group_by(c.project_id, c.task_id)
        .order_by(func.coalesce(c.project_id, 0), func.coalesce(c.task_id, 0))
    )


def totals_by_task(session: Session, filters: EntryFilters) -> list[dict[str, Any]]:
    """Minutes, revenue and entries per project and task (`None` for entries without
    one), ordered by project then task: a summary by task, which the day totals cannot
    answer (they carry no task)."""
    if filters.matches_nothing:
        return []
    statement = _by_task_statement(filters.shape)
    rows = session.connection().execute(statement, filters.parameters()).all()
    currency = filters.workspace.currency
    return [
        {
            "project_id": row.project_id,
            "task_id": row.task_id,
            "minutes": int(row.minutes or 0),
            "revenue_minor": int(row.revenue_minor or 0),
            "currency": currency,
            "entries": int(row.entries),
        }
        for row in rows
    ]

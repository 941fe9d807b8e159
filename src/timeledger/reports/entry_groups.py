"""Reports over groups of time entries (`hours`, `activity`): sums per group, in SQL.

The entries are those of the timesheet list for the same filters and caller (its parsing,
read scope and conditions, `entries.listing.resolve_filters`), grouped in SQL like the
list's `group_by` (`entries.grouping.group_source`: from the month or day totals whenever
the filters and keys allow it, else from the entries), with two more keys: `task` and
`org_unit` (the employee's unit on each entry's date). Groups come ordered by their keys, paged by a
keyset cursor over them. Names are those in force on the group's latest entry date.
What a report sums per group is its `Figures`.
"""

import base64
import binascii
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, Connection, FromClause, Select, func, select

from timeledger.entries.grouping import (
    GroupKey,
    GroupSource,
    entries_source,
    group_source,
    index_order_hint,
    keys_after,
)
from timeledger.entries.listing import ENTRIES, EntryFilters
from timeledger.kit.errors import BadRequest, Unprocessable
from timeledger.kit.filters import MAX_ID
from timeledger.kit.jsonio import dump_json, load_json
from timeledger.models import EmployeeVersion, TimeEntry
from timeledger.organization.repository import EMPLOYEE_VERSIONS
from timeledger.reports.answers import PageOfRows, Rows
from timeledger.reports.names import NameBook, NamedKind


class HoursKey(StrEnum):
    EMPLOYEE = "employee"
    ORG_UNIT = "org_unit"
    CUSTOMER = "customer"
    PROJECT = "project"
    TASK = "task"
    ACTIVITY = "activity"
    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    YEAR = "year"


LIST_KEYS = {
    HoursKey.EMPLOYEE: GroupKey.USER,
    HoursKey.CUSTOMER: GroupKey.CUSTOMER,
    HoursKey.PROJECT: GroupKey.PROJECT,
    HoursKey.ACTIVITY: GroupKey.ACTIVITY,
    HoursKey.DAY: GroupKey.DAY,
    HoursKey.WEEK: GroupKey.WEEK,
    HoursKey.MONTH: GroupKey.MONTH,
    HoursKey.YEAR: GroupKey.YEAR,
}
"""The keys the timesheet list's `group_by` also knows (`user` there is `employee` here)."""

NAMED_KEYS = {
    HoursKey.EMPLOYEE: NamedKind.EMPLOYEE,
    HoursKey.ORG_UNIT: NamedKind.ORG_UNIT,
    HoursKey.CUSTOMER: NamedKind.CUSTOMER,
    HoursKey.PROJECT: NamedKind.PROJECT,
    HoursKey.TASK: NamedKind.TASK,
    HoursKey.ACTIVITY: NamedKind.ACTIVITY,
}
DATE_KEYS = frozenset({HoursKey.DAY, HoursKey.WEEK, HoursKey.MONTH})
MAX_YEAR = 9999
DEFAULT_KEYS = (HoursKey.EMPLOYEE,)
DATES = ("first_date", "last_date")

Sum = Callable[[GroupSource], ColumnElement[Any]]


@dataclass(frozen=True)
class Figures:
    """What a report sums per group (integers, by column name), whether the workspace's
    currency follows them; the group's first and last entry dates always end the row."""

    sums: tuple[tuple[str, Sum], ...]
    currency: bool = False

    @property
    def columns(self) -> tuple[str, ...]:
        return (*(name for name, _ in self.sums), *(("currency",) if self.currency else ()))


HOURS = Figures(
    sums=(
        ("minutes", lambda source: source.minutes),
        ("revenue_minor", lambda source: source.revenue),
        ("entries", lambda source: source.entries),
    ),
    currency=True,
)


def _problem(parameter: str, message: str, status: type[BadRequest | Unprocessable]) -> Any:
    return status(
        f"{parameter}: {message}.", errors=[{"location": f"query.{parameter}", "message": message}]
    )


def parse_keys(values: Sequence[str] | None) -> tuple[HoursKey, ...]:
    """`group_by=employee,month` (or repeated): the keys in order; `employee` when none."""
    tokens = [part.strip() for value in values or () for part in value.split(",")]
    keys: list[HoursKey] = []
    allowed = ", ".join(key.value for key in HoursKey)
    for token in filter(None, tokens):
        try:
            key = HoursKey(token.lower())
        except ValueError:
            message = f"{token[:40]!r} is not one of {allowed}"
            raise _problem("group_by", message, Unprocessable) from None
        if key in keys:
            raise _problem("group_by", f"{key.value} appears twice", Unprocessable)
        keys.append(key)
    return tuple(keys) or DEFAULT_KEYS


def columns_of(keys: Sequence[HoursKey], figures: Figures) -> tuple[str, ...]:
    """The report's columns: each key's value (and name), then the figures."""
    columns: list[str] = []
    for key in keys:
        if key in NAMED_KEYS:
            columns += [f"{key.value}_id", f"{key.value}_name"]
        else:
            columns.append(key.value)
    return (*columns, *figures.columns, *DATES)


# The statements


@dataclass(frozen=True)
class _Plan:
    source: GroupSource
    table: FromClause
    expressions: tuple[ColumnElement[Any], ...]
    order_hint: tuple[ColumnElement[bool], ...]


def _plan(filters: EntryFilters, keys: Sequence[HoursKey], dialect: str) -> _Plan:
    list_keys = [LIST_KEYS[key] for key in keys if key in LIST_KEYS]
    source = (
        group_source(filters, list_keys, dialect)
        if len(list_keys) == len(keys)
        else entries_source(filters, dialect)
    )
    table = source.table
    expressions: list[ColumnElement[Any]] = []
    for key in keys:
        if key in LIST_KEYS:
            expressions.append(source.keys[LIST_KEYS[key]])
        elif key is HoursKey.TASK:
            expressions.append(func.coalesce(ENTRIES.c.task_id, 0))
        else:
            version = EmployeeVersion.__table__
            table = table.outerjoin(
                version, EMPLOYEE_VERSIONS.joined_in_force(TimeEntry.employee_id, ENTRIES.c.day)
            )
            expressions.append(func.coalesce(version.c.org_unit_id, 0))
    return _Plan(source, table, tuple(expressions), tuple(index_order_hint(source, list_keys)))


def _grouped(plan: _Plan, figures: Figures) -> Select[Any]:
    source = plan.source
    return (
        select(
            *(expression.label(f"k{i}") for i, expression in enumerate(plan.expressions)),
            *(total(source).label(name) for name, total in figures.sums),
            source.first_day.label("first_date"),
            source.last_day.label("last_date"),
        )
        .select_from(plan.table)
        .where(*source.conditions, *plan.order_hint)
        .group_by(*plan.expressions)
        .order_by(*plan.expressions)
    )


# Cursors over the keys


def encode_keys_cursor(keys: Sequence[StrEnum], values: Sequence[Any]) -> str:
    """An opaque cursor after the row with these key values (`decode_keys_cursor`)."""
    plain = [value.isoformat() if isinstance(value, date) else value for value in values]
    payload = [",".join(keys), plain]
    return base64.urlsafe_b64encode(dump_json(payload)).decode().rstrip("=")


def decode_keys_cursor(keys: Sequence[StrEnum], cursor: str) -> list[Any]:
    """The key values of a cursor issued for these keys (a key named like an `HoursKey`
    date key holds a date, any other an id or a year); 400 for any other text."""
    invalid = _problem("cursor", "not a cursor this server issued for this group_by", BadRequest)
    try:
        spec, raw = load_json(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, TypeError, binascii.Error):
        raise invalid from None
    if spec != ",".join(keys) or not isinstance(raw, list) or len(raw) != len(keys):
        raise invalid
    values: list[Any] = []
    for key, value in zip(keys, raw, strict=True):
        if key in DATE_KEYS:
            try:
                values.append(date.fromisoformat(value))
            except (TypeError, ValueError):
                raise invalid from None
        elif type(value) is int and 0 <= value <= (MAX_YEAR if key == HoursKey.YEAR else MAX_ID):
            values.append(value)
        else:
            raise invalid
    return values


# Rows


def normalized_key(key: StrEnum, value: Any) -> Any:
    if key in DATE_KEYS:
        return date.fromisoformat(value) if isinstance(value, str) else value
    return int(value)


def as_date(value: Any) -> date:
    return date.fromisoformat(value) if isinstance(value, str) else value


def _key_column(key: HoursKey, values: Iterable[Any]) -> list[Any]:
    if key in DATE_KEYS:
        return [as_date(value) for value in values]
    return [int(value) for value in values]


def _rendered(
    names: NameBook,
    filters: EntryFilters,
    keys: Sequence[HoursKey],
    figures: Figures,
    rows: Sequence[Any],
) -> Rows:
    """Rows in the order of `columns_of(keys, figures)`, built a column at a time (the
    selected row is the keys, the sums, then the first and last dates)."""
    last_dates = [as_date(row[-1]) for row in rows]
    columns: list[list[Any]] = []
    for position, key in enumerate(keys):
        values = _key_column(key, (row[position] for row in rows))
        if key in NAMED_KEYS:
            histories = names.histories(NAMED_KEYS[key], values)
            columns.append([value or None for value in values])
            columns.append(
                [
                    history.on(day) if (history := histories.get(value)) is not None else None
                    for value, day in zip(values, last_dates, strict=True)
                ]
            )
        elif key is HoursKey.MONTH:
            columns.append([value.strftime("%Y-%m") for value in values])
        else:
            columns.append(values)
    for offset in range(len(figures.sums)):
        position = len(keys) + offset
        columns.append([int(row[position] or 0) for row in rows])
    if figures.currency:
        columns.append([filters.workspace.currency] * len(rows))
    columns.append([as_date(row[-2]) for row in rows])
    columns.append(last_dates)
    return list(zip(*columns, strict=True))


def groups_page(
    connection: Connection,
    filters: EntryFilters,
    keys: Sequence[HoursKey],
    figures: Figures,
    *,
    limit: int,
    cursor: str | None,
) -> PageOfRows:
    """One page of groups, the cursor of the next, and the totals of every group."""
    after = decode_keys_cursor(keys, cursor) if cursor is not None else None
    totals = groups_totals(connection, filters, figures)
    if filters.matches_nothing:
        return PageOfRows([], None, totals)
    plan = _plan(filters, keys, connection.dialect.name)
    statement = _grouped(plan, figures).limit(limit + 1)
    if after is not None:
        expressions = plan.expressions
        statement = statement.where(expressions[0] >= after[0], keys_after(expressions, after))
    rows = connection.execute(statement, filters.parameters()).all()
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        last = rows[-1]
        next_cursor = encode_keys_cursor(
            keys, [normalized_key(k, last[i]) for i, k in enumerate(keys)]
        )
    names = NameBook(connection, filters.workspace.id)
    return PageOfRows(_rendered(names, filters, keys, figures, rows), next_cursor, totals)


def groups_totals(
    connection: Connection, filters: EntryFilters, figures: Figures
) -> dict[str, Any]:
    """The figures of all the filtered entries: the sums of every group."""
    sums: dict[str, Any] = dict.fromkeys((name for name, _ in figures.sums), 0)
    if not filters.matches_nothing:
        source = group_source(filters, (), connection.dialect.name)
        statement = (
            select(*(total(source) for _, total in figures.sums))
            .select_from(source.table)
            .where(*source.conditions)
        )
        found = connection.execute(statement, filters.parameters()).one()
        sums = {name: int(value or 0) for (name, _), value in zip(figures.sums, found, strict=True)}
    if figures.currency:
        sums["currency"] = filters.workspace.currency
    return sums


def groups_batches(
    connection: Connection,
    filters: EntryFilters,
    keys: Sequence[HoursKey],
    figures: Figures,
    *,
    batch: int,
) -> Iterator[Rows]:
    """Every group, in order, `batch` at a time, read through a streaming cursor."""
    if filters.matches_nothing:
        return
    plan = _plan(filters, keys, connection.dialect.name)
    streaming = connection.execution_options(stream_results=True, yield_per=batch)
    result = streaming.execute(_grouped(plan, figures), filters.parameters())
    names = NameBook(connection, filters.workspace.id)
    for rows in result.partitions():
        yield _rendered(names, filters, keys, figures, rows)

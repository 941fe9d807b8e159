"""Each report kind prepared for a caller from its parsed parameters: what both its `GET`
and its runs (the job) answer from."""

from collections.abc import Sequence
from datetime import date

from sqlalchemy.orm import Session

from timeledger.access.caller import Caller
from timeledger.entries.listing import EntryQuery, resolve_filters
from timeledger.reports.activity import Period, activities_by_type, activity_figures, keys_of
from timeledger.reports.answers import BATCH_ROWS, PreparedReport
from timeledger.reports.entry_groups import (
    HOURS,
    columns_of,
    groups_batches,
    groups_page,
    parse_keys,
)
from timeledger.reports.movements import columns_of as movement_columns
from timeledger.reports.movements import movement_filters, movements_batches, movements_page
from timeledger.reports.presence import COLUMNS as PRESENCE_COLUMNS
from timeledger.reports.presence import presence_batches, presence_filters, presence_page


def prepare_hours(
    session: Session, caller: Caller, query: EntryQuery, group_by: Sequence[str] | None
) -> PreparedReport:
    keys = parse_keys(group_by)
    filters = resolve_filters(session, caller, query)
    return PreparedReport(
        columns=columns_of(keys, HOURS),
        page=lambda connection, limit, cursor: groups_page(
            connection, filters, keys, HOURS, limit=limit, cursor=cursor
        ),
        batches=lambda connection: groups_batches(
            connection, filters, keys, HOURS, batch=BATCH_ROWS
        ),
    )


def prepare_activity(
    session: Session, caller: Caller, query: EntryQuery, period: Period
) -> PreparedReport:
    filters = resolve_filters(session, caller, query)
    figures = activity_figures(activities_by_type(session.connection(), caller.workspace_id))
    keys = keys_of(period)
    return PreparedReport(
        columns=columns_of(keys, figures),
        page=lambda connection, limit, cursor: groups_page(
            connection, filters, keys, figures, limit=limit, cursor=cursor
        ),
        batches=lambda connection: groups_batches(
            connection, filters, keys, figures, batch=BATCH_ROWS
        ),
    )


def prepare_presence(
    session: Session,
    caller: Caller,
    employee_id: Sequence[str] | None,
    first: date | None,
    last: date | None,
) -> PreparedReport:
    filters = presence_filters(session, caller, employee_id, first, last)
    return PreparedReport(
        columns=PRESENCE_COLUMNS,
        page=lambda connection, limit, cursor: presence_page(
            connection, filters, limit=limit, cursor=cursor
        ),
        batches=lambda connection: presence_batches(connection, filters, batch=BATCH_ROWS),
    )


def prepare_movements(
    session: Session,
    caller: Caller,
    period: Period,
    employee_id: Sequence[str] | None,
    account_id: Sequence[str] | None,
    days: tuple[date | None, date | None],
) -> PreparedReport:
    first, last = days
    filters = movement_filters(session, caller, period, employee_id, account_id, first, last)
    return PreparedReport(
        columns=movement_columns(period),
        page=lambda connection, limit, cursor: movements_page(
            connection, filters, limit=limit, cursor=cursor
        ),
        batches=lambda connection: movements_batches(connection, filters, batch=BATCH_ROWS),
    )

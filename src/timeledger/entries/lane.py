"""The fast lane (see `kit.fastlane`) of `GET /api/employees/{id}/timesheet/entries`: one
employee's entries over a date range, the request a timesheet screen sends every time it
opens, answered without FastAPI's routing and dependency solving and with two prepared
queries.

It serves `from`, `to` (dates) and `limit` alone, for a caller whose read scope is their
own timesheet or everyone's, and declines everything else to the full operation in
`list_endpoints`: keywords and timestamps, every other filter, cursors, sorting, a
manager's team scope, errors. What it answers is what the full operation answers, byte
for byte (tests/entries/test_lane.py compares them).
"""

import re
from datetime import date
from typing import Any

import orjson
from sqlalchemy import Integer, bindparam, select

from timeledger.access.caller import recently_verified
from timeledger.access.permissions import Scope, grants, widest_scope
from timeledger.entries.listing import ENTRIES, ENTRY_COLUMNS, EntrySort, next_cursor_of, page_of
from timeledger.entries.rendering import render_entry
from timeledger.kit.clock import utcnow
from timeledger.kit.db import Database
from timeledger.kit.fastlane import LaneReply, LaneRequest, LaneRoute
from timeledger.kit.pagination import DEFAULT_LIMIT, MAX_LIMIT
from timeledger.kit.prepared import PreparedQuery, driver_connection
from timeledger.kit.routing import MAX_ID
from timeledger.models import Employee, Workspace
from timeledger.organization.reach import Access, Area, reached_by_scopes

READ_PERMISSION = "timesheet:read:own"
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_LIMIT = re.compile(r"[1-9]\d{0,3}")
# Bounds standing for "no bound": every stored date lies between them on both engines.
EARLIEST = date(1, 1, 1)
LATEST = date(9999, 12, 31)

EMPLOYEES = Employee.__table__
WORKSPACES = Workspace.__table__

REACHABLE_EMPLOYEE = PreparedQuery(
    select(EMPLOYEES.c.user_id, WORKSPACES.c.currency)
    .select_from(EMPLOYEES.join(WORKSPACES, WORKSPACES.c.id == EMPLOYEES.c.workspace_id))
    .where(
        EMPLOYEES.c.workspace_id == bindparam("workspace_id"),
        EMPLOYEES.c.id == bindparam("employee_id"),
        EMPLOYEES.c.deleted_at.is_(None),
    )
)
ENTRIES_OF_EMPLOYEE = PreparedQuery(
    select(*ENTRY_COLUMNS)
    .where(
        ENTRIES.c.workspace_id == bindparam("workspace_id"),
        ENTRIES.c.employee_id == bindparam("employee_id"),
        ENTRIES.c.day >= bindparam("first", type_=ENTRIES.c.day.type),
        ENTRIES.c.day <= bindparam("last", type_=ENTRIES.c.day.type),
    )
    .order_by(ENTRIES.c.day.desc(), ENTRIES.c.id.desc())
    .limit(bindparam("rows", type_=Integer()))
)


def _day(value: str | None, default: date) -> date | None:
    if value is None:
        return default
    if not _DATE.fullmatch(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def answer_employee_entries(request: LaneRequest) -> LaneReply | None:
    credential = recently_verified(request.header(b"authorization"))
    if credential is None or not grants(credential.permissions, READ_PERMISSION):
        return None
    scope = widest_scope(credential.permissions, "timesheet", "read")
    if scope not in (Scope.OWN, Scope.ALL):
        return None
    employee_id = int(request.path_params["employee_id"])
    if not 1 <= employee_id <= MAX_ID:
        return None
    first = _day(request.query.get("from"), EARLIEST)
    last = _day(request.query.get("to"), LATEST)
    limit_text = request.query.get("limit", str(DEFAULT_LIMIT))
    if first is None or last is None or first > last or not _LIMIT.fullmatch(limit_text):
        return None
    limit = int(limit_text)
    if limit > MAX_LIMIT:
        return None
    db: Database = request.state.db
    with driver_connection(db.engine) as connection:
        reached = REACHABLE_EMPLOYEE.rows(
            connection,
            db.engine.dialect,
            workspace_id=credential.workspace_id,
            employee_id=employee_id,
        )
        own = bool(reached) and reached[0].user_id == credential.user_id
        decided = reached_by_scopes(credential.permissions, Area.TIMESHEET, Access.READ, own=own)
        if not reached or decided is not True:
            return None
        rows = ENTRIES_OF_EMPLOYEE.rows(
            connection,
            db.engine.dialect,
            workspace_id=credential.workspace_id,
            employee_id=employee_id,
            first=first,
            last=last,
            rows=limit + 1,
        )
    user_id, currency = reached[0]
    cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        page = page_of(limit=limit, cursor=None, sort=EntrySort.DATE, direction=None)
        cursor = next_cursor_of(page, EntrySort.DATE, rows[-1])
    now = utcnow()
    items: list[dict[str, Any]] = [
        render_entry(row, user_id=user_id, currency=currency, now=now) for row in rows
    ]
    return LaneReply(
        orjson.dumps(
            {"items": items, "next_cursor": cursor},
            option=orjson.OPT_NON_STR_KEYS | orjson.OPT_UTC_Z,
        )
    )


EMPLOYEE_ENTRIES_LANE = LaneRoute(
    path="/api/employees/{employee_id:int}/timesheet/entries",
    accepted_params=frozenset({"from", "to", "limit"}),
    answer=answer_employee_entries,
)

"""Routes listing time entries (and their `group_by` sums): parse, resolve, render.

Both answer with `FastJSONResponse` built from Core rows; the declared response models
only document the shape.
"""

from dataclasses import dataclass, fields, replace
from functools import cache
from typing import Annotated, Any

from fastapi import Depends, Query
from fastapi._compat import ModelField
from fastapi.dependencies.utils import get_dependant, request_params_to_args
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session
from starlette.datastructures import QueryParams

from timeledger.access.caller import Allowed, Caller
from timeledger.entries.grouping import list_groups, parse_group_by
from timeledger.entries.listing import (
    CURRENT,
    MAX_TIMESTAMP_WINDOW_DAYS,
    NONE,
    EntryFilters,
    EntryQuery,
    EntrySort,
    list_entries,
    page_of,
    resolve_filters,
)
from timeledger.entries.schemas import EntryRead
from timeledger.kit.errors import Problem, Unprocessable, validation_errors
from timeledger.kit.filters import MAX_ID_LIST_LENGTH, IdListValue, id_list_pattern
from timeledger.kit.jsonio import FastJSONResponse
from timeledger.kit.pagination import DEFAULT_LIMIT, MAX_LIMIT, Direction, Page
from timeledger.kit.routing import ResourceId, api_router, with_dependencies
from timeledger.kit.text import WITHOUT_NUL
from timeledger.kit.timeutil import IsoDate
from timeledger.kit.uow import UnitOfWork

entries_list_router = api_router("Timesheet")

Ids = Annotated[list[IdListValue] | None, Query(description="Ids, comma-separated or repeated.")]
IdsOrNone = Annotated[
    list[Annotated[str, Field(max_length=MAX_ID_LIST_LENGTH, pattern=id_list_pattern(NONE))]]
    | None,
    Query(description="Ids, comma-separated or repeated; `none` matches entries without one."),
]
IdsOrCurrent = Annotated[
    list[Annotated[str, Field(max_length=MAX_ID_LIST_LENGTH, pattern=id_list_pattern(CURRENT))]]
    | None,
    Query(description="Ids, comma-separated or repeated; `current` names the caller's own."),
]
Choices = Annotated[
    list[Annotated[str, Field(max_length=200, pattern=WITHOUT_NUL)]] | None,
    Query(description="One or more values, comma-separated or repeated."),
]
DateOrKeyword = Annotated[str | None, Field(max_length=64, pattern=WITHOUT_NUL)]
DATE_FORMS = (
    "A date (YYYY-MM-DD), a keyword (today, yesterday, this_week, last_week, this_month, "
    "last_month, this_year, last_year; in the workspace's time zone and week start) or an "
    "ISO timestamp with offset, meaning the local date holding it."
)


class EntryGroup(BaseModel):
    """Sums of one group; only the keys named by `group_by` are present."""

    employee_id: int | None = None
    user_id: int | None = None
    customer_id: int | None = None
    project_id: int | None = None
    activity_id: int | None = None
    day: IsoDate | None = None
    week: IsoDate | None = Field(default=None, description="First day of the week.")
    month: str | None = Field(default=None, pattern=r"^\d{4}-\d{2}$")
    year: int | None = None
    minutes: int
    revenue_minor: int
    currency: str
    entries: int
    first_date: IsoDate = Field(description="Date of the group's earliest entry.")
    last_date: IsoDate = Field(description="Date of the group's latest entry.")
    entries_params: dict[str, Any] = Field(
        description="Query parameters of this list that list exactly this group's entries."
    )


EntriesOrGroups = Page[EntryRead] | Page[EntryGroup]


async def _common_query(
    customer_id: IdsOrNone = None,
    project_id: IdsOrNone = None,
    task_id: IdsOrNone = None,
    activity_id: Ids = None,
    activity_type: Annotated[
        Choices, Query(description="work, timeoff, non-work or allowance.")
    ] = None,
    note: Annotated[
        list[Annotated[str, Field(max_length=200, pattern=WITHOUT_NUL)]] | None,
        Query(description="Part of the note, case-insensitive; several values are ORed."),
    ] = None,
    at: Annotated[DateOrKeyword, Query(description=f"The entries' date. {DATE_FORMS}")] = None,
    date_from: Annotated[
        DateOrKeyword,
        Query(
            alias="from",
            description=f"First date. {DATE_FORMS} With timestamps, from and to must both be "
            f"given, at most {MAX_TIMESTAMP_WINDOW_DAYS} days apart.",
        ),
    ] = None,
    date_to: Annotated[
        DateOrKeyword, Query(alias="to", description="Last date, as `from`.")
    ] = None,
    billable: bool | None = None,
    locked: bool | None = None,
    tracking: Annotated[bool | None, Query(description="A timer runs on the entry.")] = None,
    approval_status: Annotated[
        Choices,
        Query(description="not_approved_yet, under_approval, approved, disapproved, exported."),
    ] = None,
    billing_state: Annotated[Choices, Query(description="unbilled, billed, paid.")] = None,
    creation_type: Annotated[
        Choices, Query(description="times, clock, wtm, or null for none.")
    ] = None,
) -> EntryQuery:
    return EntryQuery(
        customer_id=customer_id,
        project_id=project_id,
        task_id=task_id,
        activity_id=activity_id,
        activity_type=activity_type,
        note=note,
        at=at,
        date_from=date_from,
        date_to=date_to,
        billable=billable,
        locked=locked,
        tracking=tracking,
        approval_status=approval_status,
        billing_state=billing_state,
        creation_type=creation_type,
    )


CommonQuery = Annotated[EntryQuery, Depends(_common_query)]


@dataclass(frozen=True)
class ListOptions:
    limit: int
    cursor: str | None
    sort: EntrySort
    direction: Direction | None
    group_by: list[str] | None


async def _list_options(
    limit: Annotated[
        int,
        Query(
            ge=1,
            le=MAX_LIMIT,
            description=f"Page size (default {DEFAULT_LIMIT}, at most {MAX_LIMIT}); entries, "
            "or groups with `group_by`.",
        ),
    ] = DEFAULT_LIMIT,
    cursor: Annotated[
        str | None, Query(max_length=512, description="`next_cursor` of the previous page.")
    ] = None,
    sort: Annotated[
        EntrySort,
        Query(
            description="user, customer, project and activity sort by id. Ignored with "
            "`group_by` (groups come in the order of their keys)."
        ),
    ] = EntrySort.DATE,
    direction: Annotated[
        Direction | None,
        Query(description="Default: desc for date, minutes and revenue, else asc."),
    ] = None,
    group_by: Annotated[
        list[Annotated[str, Field(max_length=200, pattern=WITHOUT_NUL)]] | None,
        Query(
            description="Comma-separated combination of user, customer, project, activity, "
            "day, week, month, year; the order is the groups' order."
        ),
    ] = None,
) -> ListOptions:
    return ListOptions(limit, cursor, sort, direction, group_by)


Options = Annotated[ListOptions, Depends(_list_options)]


def _respond(session: Any, filters: EntryFilters, options: ListOptions) -> FastJSONResponse:
    keys = parse_group_by(options.group_by)
    if keys:
        items, cursor = list_groups(
            session, filters, keys, limit=options.limit, cursor=options.cursor
        )
    else:
        page = page_of(
            limit=options.limit,
            cursor=options.cursor,
            sort=options.sort,
            direction=options.direction,
        )
        items, cursor = list_entries(session, filters, page)
    return FastJSONResponse({"items": items, "next_cursor": cursor})


@entries_list_router.get(
    "/timesheet/entries",
    response_model=EntriesOrGroups,
    summary="List time entries of everyone in reach",
)
def list_time_entries(
    session: UnitOfWork,
    caller: Annotated[Caller, Allowed("timesheet:read:own")],
    query: CommonQuery,
    options: Options,
    employee_id: IdsOrCurrent = None,
    user_id: IdsOrCurrent = None,
    org_unit_id: Annotated[
        Ids, Query(description="Employees in these org units or below them, as of today.")
    ] = None,
) -> FastJSONResponse:
    """The entries of the employees whose timesheet the caller may read (their own, their
    team's, or everyone's), filtered, sorted and paged; with `group_by`, the sums per
    group instead."""
    people = replace(query, employee_id=employee_id, user_id=user_id, org_unit_id=org_unit_id)
    filters = resolve_filters(session, caller, people)
    return _respond(session, filters, options)


@entries_list_router.get(
    "/employees/{employee_id}/timesheet/entries",
    response_model=EntriesOrGroups,
    summary="List an employee's time entries",
)
def list_employee_time_entries(
    employee_id: ResourceId,
    session: UnitOfWork,
    caller: Annotated[Caller, Allowed("timesheet:read:own")],
    query: CommonQuery,
    options: Options,
) -> FastJSONResponse:
    """As the workspace-wide list, for one employee (404 when out of the caller's reach)."""
    filters = resolve_filters(session, caller, query, employee_id=employee_id)
    return _respond(session, filters, options)


@cache
def _declared_list_parameters() -> tuple[ModelField, ...]:
    """The query parameters `GET /api/timesheet/entries` declares, as FastAPI reads them."""
    return tuple(
        field
        for dependant in with_dependencies(get_dependant(path="", call=list_time_entries))
        for field in dependant.query_params
    )


def check_saved_list_query(session: Session, caller: Caller, query_string: str) -> None:
    """Refuses a query string that `GET /api/timesheet/entries` would refuse: its declared
    parameters, then the same parsing and resolution, for this caller (no rows read)."""
    declared = _declared_list_parameters()
    values, errors = request_params_to_args(declared, QueryParams(query_string))
    try:
        if errors:
            raise Unprocessable("The list refuses this query.", errors=validation_errors(errors))
        query = EntryQuery(**{field.name: values[field.name] for field in fields(EntryQuery)})
        resolve_filters(session, caller, query)
        if not parse_group_by(values["group_by"]):
            page_of(limit=values["limit"], cursor=None, sort=values["sort"], direction=None)
    except Problem as refused:
        reasons = "; ".join(f"{e['location']}: {e['message']}" for e in refused.errors)
        raise Unprocessable(
            f"The time-entry list would refuse this query: {refused.detail}",
            errors=[{"location": "body.query", "message": reasons or refused.detail}],
        ) from None

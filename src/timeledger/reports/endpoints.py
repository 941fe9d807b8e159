"""Routes of the reports (tag Reports): parse, resolve the caller's rows, answer in the
format asked for."""

import functools
from collections.abc import Callable
from dataclasses import fields, replace
from typing import Annotated, Any

from fastapi import Depends, Query, status
from fastapi._compat import ModelField
from fastapi.dependencies.utils import get_dependant, request_params_to_args
from pydantic import Field
from sqlalchemy.orm import Session
from starlette.datastructures import QueryParams
from starlette.responses import Response

from timeledger.access.caller import Allowed, Caller
from timeledger.entries.list_endpoints import CommonQuery, Ids, IdsOrCurrent
from timeledger.entries.listing import EntryQuery
from timeledger.kit.db import Database
from timeledger.kit.errors import Unprocessable, validation_errors
from timeledger.kit.pagination import DEFAULT_LIMIT
from timeledger.kit.routing import ResourceId, api_router, created, with_dependencies
from timeledger.kit.text import WITHOUT_NUL
from timeledger.kit.timeutil import IsoDate
from timeledger.kit.uow import UnitOfWork, database
from timeledger.reports import runs
from timeledger.reports.activity import Period
from timeledger.reports.answers import (
    FILE_RESPONSES,
    Cursor,
    Limit,
    PreparedReport,
    answer,
    media_type_of,
    report_format,
)
from timeledger.reports.entry_groups import (
    HoursKey,
)
from timeledger.reports.formats import MEDIA_TYPES, ReportFormat
from timeledger.reports.kinds import (
    prepare_activity,
    prepare_hours,
    prepare_movements,
    prepare_presence,
)
from timeledger.reports.schemas import (
    AccountMovementsReport,
    ActivityReport,
    HoursReport,
    PresenceReport,
    ReportRunCreate,
    ReportRunRead,
)

reports_router = api_router("Reports", prefix="/reports")

Format = Annotated[ReportFormat, Depends(report_format)]
Db = Annotated[Database, Depends(database)]


async def _entry_query(
    query: CommonQuery,
    employee_id: IdsOrCurrent = None,
    user_id: IdsOrCurrent = None,
    org_unit_id: Annotated[
        Ids, Query(description="Employees in these org units or below them, as of today.")
    ] = None,
) -> EntryQuery:
    return replace(query, employee_id=employee_id, user_id=user_id, org_unit_id=org_unit_id)


EntryFilterQuery = Annotated[EntryQuery, Depends(_entry_query)]
"""The filters of `GET /api/timesheet/entries`, with the same names and meaning."""


@reports_router.get(
    "/hours",
    response_model=HoursReport,
    responses=FILE_RESPONSES,
    summary="Registered minutes and revenue per group of time entries",
)
def hours_report(
    session: UnitOfWork,
    db: Db,
    caller: Annotated[Caller, Allowed("timesheet:read:own")],
    chosen: Format,
    query: EntryFilterQuery,
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
    group_by: Annotated[
        list[Annotated[str, Field(max_length=200, pattern=WITHOUT_NUL)]] | None,
        Query(
            description="Comma-separated combination of "
            f"{', '.join(key.value for key in HoursKey)}; the order is the rows' order "
            "(default: employee)."
        ),
    ] = None,
) -> Response:
    """The entries the timesheet list shows this caller for the same filters (their own,
    their team's or everyone's), grouped: each group's minutes, revenue and entry count,
    and the names of its employee, unit, customer, project, task and activity as they were
    on the group's latest entry date. The totals are the sums of all groups."""
    report = prepare_hours(session, caller, query, group_by)
    return answer(chosen, kind="hours", report=report, page=(limit, cursor), session=session, db=db)


@reports_router.get(
    "/activity",
    response_model=ActivityReport,
    responses=FILE_RESPONSES,
    summary="Minutes per activity type, employee and period",
)
def activity_report(
    session: UnitOfWork,
    db: Db,
    caller: Annotated[Caller, Allowed("timesheet:read:own")],
    chosen: Format,
    query: EntryFilterQuery,
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
    period: Annotated[Period, Query(description="The rows' period.")] = Period.MONTH,
) -> Response:
    """Per employee (of those whose timesheet the caller reads) and week, month or year:
    the minutes of work, time off, non-work and allowance activities and of all of them,
    from the entries the timesheet list shows for the same filters. Without the norm (see
    docs/reports.md)."""
    report = prepare_activity(session, caller, query, period)
    return answer(
        chosen, kind="activity", report=report, page=(limit, cursor), session=session, db=db
    )


@reports_router.get(
    "/presence",
    response_model=PresenceReport,
    responses=FILE_RESPONSES,
    summary="Worked minutes, breaks, first in and last out per employee and day",
)
def presence_report(
    session: UnitOfWork,
    db: Db,
    caller: Annotated[Caller, Allowed("timesheet:read:own")],
    chosen: Format,
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
    employee_id: Ids = None,
    first: Annotated[
        IsoDate | None, Query(alias="from", description="First local date (inclusive).")
    ] = None,
    last: Annotated[
        IsoDate | None, Query(alias="to", description="Last local date (inclusive).")
    ] = None,
) -> Response:
    """From the presence intervals (and their breaks) of the employees whose timesheet the
    caller reads, per employee and the local date an interval starts on. Worked minutes
    are those of closed intervals less their closed breaks; open intervals are counted,
    and those begun before today are missing clock-outs. No "late": nothing configures a
    planned start of the day."""
    report = prepare_presence(session, caller, employee_id, first, last)
    return answer(
        chosen, kind="presence", report=report, page=(limit, cursor), session=session, db=db
    )


@reports_router.get(
    "/account-movements",
    response_model=AccountMovementsReport,
    responses=FILE_RESPONSES,
    summary="Timebank movements by account, cause and period, with balances",
)
def account_movements_report(
    session: UnitOfWork,
    db: Db,
    caller: Annotated[Caller, Allowed("timebank:read:own")],
    chosen: Format,
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
    period: Annotated[Period, Query(description="The rows' period.")] = Period.MONTH,
    employee_id: Ids = None,
    account_id: Annotated[Ids, Query(description="Timebank account ids.")] = None,
    first: Annotated[
        IsoDate | None, Query(alias="from", description="First movement date (inclusive).")
    ] = None,
    last: Annotated[
        IsoDate | None, Query(alias="to", description="Last movement date (inclusive).")
    ] = None,
) -> Response:
    """Per employee (of those whose timebank the caller reads), account and period with
    movements: the movements by cause and in all, and the balance before and after them
    (the opening balance counts every earlier movement, also before `from`). Amounts are
    in the account's unit: minutes (`hours`) or hundredths of a day (`days`)."""
    report = prepare_movements(session, caller, period, employee_id, account_id, (first, last))
    return answer(
        chosen,
        kind="account-movements",
        report=report,
        page=(limit, cursor),
        session=session,
        db=db,
    )


# Runs: the same reports as a job writing the whole file


@functools.cache
def _declared_query_parameters(endpoint: Callable[..., Any]) -> tuple[ModelField, ...]:
    """The query parameters a report's GET declares, as FastAPI reads them."""
    return tuple(
        field
        for dependant in with_dependencies(get_dependant(path="", call=endpoint))
        for field in dependant.query_params
    )


def _query_values(endpoint: Callable[..., Any], query: str) -> dict[str, Any]:
    """A run's query string read as the report's GET reads its own; 422 at `body.query`
    with what the GET would refuse."""
    values, errors = request_params_to_args(
        _declared_query_parameters(endpoint), QueryParams(query)
    )
    if errors:
        refused = validation_errors(errors)
        reasons = "; ".join(f"{error['location']}: {error['message']}" for error in refused)
        raise Unprocessable.at("body.query", f"The report refuses this query: {reasons}", reasons)
    return values


def _entry_query_of(values: dict[str, Any]) -> EntryQuery:
    return EntryQuery(**{field.name: values[field.name] for field in fields(EntryQuery)})


def _hours_of(session: Session, caller: Caller, query: str) -> PreparedReport:
    values = _query_values(hours_report, query)
    return prepare_hours(session, caller, _entry_query_of(values), values["group_by"])


def _activity_of(session: Session, caller: Caller, query: str) -> PreparedReport:
    values = _query_values(activity_report, query)
    return prepare_activity(session, caller, _entry_query_of(values), values["period"])


def _presence_of(session: Session, caller: Caller, query: str) -> PreparedReport:
    values = _query_values(presence_report, query)
    return prepare_presence(session, caller, values["employee_id"], values["first"], values["last"])


def _movements_of(session: Session, caller: Caller, query: str) -> PreparedReport:
    values = _query_values(account_movements_report, query)
    days = (values["first"], values["last"])
    return prepare_movements(
        session, caller, values["period"], values["employee_id"], values["account_id"], days
    )


RUN_FILE_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The run's file: CSV (RFC 4180, UTF-8, a header row) or XLSX.",
        "content": {
            MEDIA_TYPES[ReportFormat.CSV]: {"schema": {"type": "string"}},
            MEDIA_TYPES[ReportFormat.XLSX]: {"schema": {"type": "string", "format": "binary"}},
        },
    }
}


def _add_run_routes(kind: str, permission: str, prepare: runs.Preparer) -> None:
    runs.PREPARERS[kind] = prepare
    Reader = Annotated[Caller, Allowed(permission)]  # noqa: N806 (a type alias)

    @reports_router.post(
        f"/{kind}/runs",
        status_code=status.HTTP_202_ACCEPTED,
        response_model=ReportRunRead,
        summary=f"Run the {kind} report as a job writing its whole file",
        name=f"start_{kind.replace('-', '_')}_run",
    )
    def start_run(
        body: ReportRunCreate, response: Response, session: UnitOfWork, caller: Reader
    ) -> ReportRunRead:
        """For a report of more than 100,000 rows: the job writes the file its GET would
        answer for the same query string, as the caller; 422 at once for what the GET
        would refuse. Follow `Location` for the progress, then download the file."""
        run = runs.start_run(session, caller, kind, body.format, body.query)
        created(response, runs.run_location(run))
        return runs.run_view(session, run)

    @reports_router.get(
        f"/{kind}/runs/{{run_id}}",
        response_model=ReportRunRead,
        summary=f"Get a run of the {kind} report",
        name=f"get_{kind.replace('-', '_')}_run",
    )
    def get_run(run_id: ResourceId, session: UnitOfWork, caller: Reader) -> ReportRunRead:
        """Its status and progress (in rows), read afresh while it runs; only whoever
        started it sees it."""
        return runs.run_view(session, runs.get_run(session, caller, kind, run_id))

    @reports_router.get(
        f"/{kind}/runs/{{run_id}}/file",
        response_class=Response,
        response_model=None,
        responses=RUN_FILE_RESPONSES,
        summary=f"Download the file of a run of the {kind} report",
        name=f"download_{kind.replace('-', '_')}_run",
    )
    def download_run(run_id: ResourceId, session: UnitOfWork, caller: Reader) -> Response:
        """409 while the job has not written the file, and when it failed."""
        found = runs.run_file(session, caller, kind, run_id)
        assert found.content is not None
        return Response(
            found.content,
            media_type=media_type_of(ReportFormat(found.format)),
            headers={
                "Content-Disposition": f'attachment; filename="{runs.file_name(found)}"',
                "ETag": f'"{found.sha256}"',
            },
        )


_add_run_routes("hours", "timesheet:read:own", _hours_of)
_add_run_routes("activity", "timesheet:read:own", _activity_of)
_add_run_routes("presence", "timesheet:read:own", _presence_of)
_add_run_routes("account-movements", "timebank:read:own", _movements_of)

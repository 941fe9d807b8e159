"""The employee's time off (balances, requests, the request form) and statements (the
list, submitting with the payout-or-flex choice), through their services."""

from typing import Annotated

from fastapi import Request, Response
from sqlalchemy.orm import Session

from timeledger.access.caller import Caller
from timeledger.kit.errors import Problem
from timeledger.kit.pagination import MAX_LIMIT, Direction, PageRequest
from timeledger.kit.routing import ResourceId, unconditional
from timeledger.kit.uow import UnitOfWork
from timeledger.statements import service as statements
from timeledger.statements.schemas import SubmitRequest
from timeledger.timeoff import balances as timeoff_balances
from timeledger.timeoff import service as timeoff
from timeledger.timeoff.schemas import TimeoffCreate
from timeledger.web.forms import FormErrors, PostedForm, attempt, typed_minutes
from timeledger.web.routing import Signed, see_other, web_router
from timeledger.web.viewer import Viewer, page, viewer_of

leave_router = web_router()

TIMEOFF_FIELDS = {
    "timeoff_policy_id": "timeoff_policy_id",
    "start_day": "start_day",
    "end_day": "end_day",
    "portion": "portion",
    "note": "note",
}
SUBMIT_FIELDS = {"payout_minutes": "payout"}
NEWEST_FIRST = Direction.DESC


def _timeoff_page(
    request: Request,
    session: Session,
    viewer: Viewer,
    *,
    typed: dict[str, str] | None = None,
    errors: FormErrors | None = None,
    status: int = 200,
) -> Response:
    employee_id = viewer.employee()
    requests, _ = timeoff.list_of_employee(
        session,
        viewer.caller,
        employee_id,
        first=None,
        last=None,
        statuses=[],
        page=PageRequest(limit=MAX_LIMIT, sort="start_day", direction=NEWEST_FIRST, cursor=None),
    )
    balances = timeoff_balances.balances(session, viewer.caller, employee_id, None)
    blank = {name: "" for name in TIMEOFF_FIELDS} | {"portion": "full"}
    return page(
        request,
        viewer,
        "timeoff.html",
        status=status,
        requests=requests,
        balances=balances,
        policy_names={balance.timeoff_policy_id: balance.name for balance in balances},
        typed=blank | (typed or {}),
        errors=errors or FormErrors(),
    )


@leave_router.get("/time-off")
def my_timeoff(
    request: Request, session: UnitOfWork, caller: Annotated[Caller, Signed("timeoff:read:own")]
) -> Response:
    return _timeoff_page(request, session, viewer_of(session, caller))


@leave_router.post("/time-off")
def request_timeoff(
    request: Request,
    form: PostedForm,
    session: UnitOfWork,
    caller: Annotated[Caller, Signed("timeoff:write:own")],
) -> Response:
    viewer = viewer_of(session, caller)
    values = {name: form.get(name) for name in TIMEOFF_FIELDS}
    created = attempt(
        session,
        lambda: timeoff.create_request(
            session,
            caller,
            viewer.employee(),
            TimeoffCreate.model_validate(
                {name: value for name, value in values.items() if value or name == "note"}
            ),
        ),
    )
    if isinstance(created, Problem):
        errors = FormErrors.of_problem(created, TIMEOFF_FIELDS)
        return _timeoff_page(
            request, session, viewer, typed=values, errors=errors, status=created.status
        )
    return see_other(request, "/time-off")


@leave_router.post("/time-off/{timeoff_id}/cancel")
def cancel_timeoff(
    timeoff_id: ResourceId,
    request: Request,
    form: PostedForm,
    session: UnitOfWork,
    caller: Annotated[Caller, Signed("timeoff:write:own")],
) -> Response:
    viewer = viewer_of(session, caller)
    timeoff.cancel(session, caller, viewer.employee(), timeoff_id)
    return see_other(request, "/time-off")


def _statements_page(
    request: Request,
    session: Session,
    viewer: Viewer,
    *,
    submitting: int | None = None,
    typed: dict[str, str] | None = None,
    errors: FormErrors | None = None,
    status: int = 200,
) -> Response:
    rows, _ = statements.list_of_employee(
        session,
        viewer.caller,
        viewer.employee(),
        statuses=[],
        page=PageRequest(limit=MAX_LIMIT, sort="period_start", direction=NEWEST_FIRST, cursor=None),
    )
    return page(
        request,
        viewer,
        "statements.html",
        status=status,
        statements=rows,
        submitting=submitting,
        typed=typed or {"payout": ""},
        errors=errors or FormErrors(),
        empty_errors=FormErrors(),
    )


@leave_router.get("/statements")
def my_statements(
    request: Request, session: UnitOfWork, caller: Annotated[Caller, Signed("timesheet:read:own")]
) -> Response:
    return _statements_page(request, session, viewer_of(session, caller))


@leave_router.post("/statements/{statement_id}/submit")
def submit_statement(
    statement_id: ResourceId,
    request: Request,
    form: PostedForm,
    session: UnitOfWork,
    caller: Annotated[Caller, Signed("timesheet:submit:own")],
) -> Response:
    viewer = viewer_of(session, caller)
    # Another's statement is 404 before what was typed is looked at.
    statements.get_statement(session, caller, statement_id)
    submitted = attempt(
        session,
        lambda: statements.submit(
            session,
            caller,
            statement_id,
            SubmitRequest(
                payout_minutes=typed_minutes(
                    form.get("payout") or "0",
                    "body.payout_minutes",
                    viewer.strings.duration_unreadable,
                )
            ).payout_minutes,
            unconditional,
        ),
    )
    if not isinstance(submitted, Problem):
        return see_other(request, "/statements")
    return _statements_page(
        request,
        session,
        viewer,
        submitting=statement_id,
        typed={"payout": form.get("payout")},
        errors=FormErrors.of_problem(submitted, SUBMIT_FIELDS),
        status=submitted.status,
    )

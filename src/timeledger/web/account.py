"""Signing in and out, and changing one's password, through the sign-in and user
services: a sign-in starts an ordinary session whose token the session cookie holds."""

from datetime import timedelta
from typing import Annotated

from fastapi import Query, Request, Response
from pydantic import ValidationError

from timeledger.access.caller import Caller, client_address
from timeledger.access.hashing import Hashing
from timeledger.kit.errors import Conflict, Problem
from timeledger.kit.uow import DatabaseDep, UnitOfWork
from timeledger.signin import service as signin
from timeledger.signin.schemas import LoginRequest
from timeledger.users.schemas import PasswordChange
from timeledger.users.service import change_password
from timeledger.web.forms import FormErrors, PostedForm, attempt, problem_of_invalid
from timeledger.web.rendering import render
from timeledger.web.routing import SIGN_IN_PATH, Signed, local_path, see_other, web_router
from timeledger.web.security import clear_session_cookie, set_session_cookie
from timeledger.web.viewer import page, viewer_of

account_router = web_router()

SIGN_IN_FIELDS = {"email": "email", "password": "password", "workspace": "workspace"}
PASSWORD_FIELDS = {"current_password": "current_password", "new_password": "new_password"}
Next = Annotated[str | None, Query(alias="next", max_length=2000)]


def _sign_in_page(
    request: Request,
    *,
    target: str,
    email: str = "",
    errors: FormErrors | None = None,
    workspaces: list[str] | None = None,
    status: int = 200,
    signed_out: bool = False,
) -> Response:
    return render(
        request,
        "sign_in.html",
        status=status,
        target=target,
        email=email,
        errors=errors or FormErrors(),
        workspaces=workspaces or [],
        signed_out=signed_out,
    )


@account_router.get(SIGN_IN_PATH)
def sign_in_page(request: Request, target: Next = None, signed_out: bool = False) -> Response:
    return _sign_in_page(request, target=local_path(target), signed_out=signed_out)


@account_router.post(SIGN_IN_PATH)
def sign_in(
    request: Request, form: PostedForm, session: UnitOfWork, db: DatabaseDep, hashing: Hashing
) -> Response:
    target = local_path(form.get("next"))
    client = signin.ClientInfo(
        address=client_address(request) or "unknown",
        user_agent=request.headers.get("user-agent"),
    )
    ttl = timedelta(hours=request.app.state.settings.session_ttl_hours)
    # Not in a savepoint: a refused sign-in writes nothing to the request's unit of work,
    # and records its failure in a transaction of its own, which on SQLite would wait for
    # the write lock a savepoint takes.
    try:
        started = signin.sign_in(
            db,
            session,
            LoginRequest(
                email=form.get("email"),
                password=form.values.get("password", ""),
                workspace=form.optional("workspace"),
            ),
            client,
            hashing,
            ttl,
        )
    except (Problem, ValidationError) as refused:
        problem = refused if isinstance(refused, Problem) else problem_of_invalid(refused)
        workspaces = problem.extra.get("workspaces", []) if isinstance(problem, Conflict) else []
        response = _sign_in_page(
            request,
            target=target,
            email=form.get("email"),
            errors=FormErrors.of_problem(problem, SIGN_IN_FIELDS, default_field="password"),
            workspaces=[str(name) for name in workspaces],
            status=problem.status,
        )
        if "Retry-After" in problem.headers:
            response.headers["Retry-After"] = problem.headers["Retry-After"]
        return response
    response = see_other(request, target)
    set_session_cookie(request, response, started.token, int(ttl.total_seconds()))
    return response


@account_router.post("/sign-out")
def sign_out(
    request: Request,
    form: PostedForm,
    session: UnitOfWork,
    caller: Annotated[Caller, Signed("sessions:delete:own")],
) -> Response:
    signin.log_out(session, caller)
    response = see_other(request, f"{SIGN_IN_PATH}?signed_out=true")
    clear_session_cookie(request, response)
    return response


@account_router.get("/password")
def password_page(
    request: Request, session: UnitOfWork, caller: Annotated[Caller, Signed("me:update:own")]
) -> Response:
    return page(request, viewer_of(session, caller), "password.html", errors=FormErrors())


@account_router.post("/password")
def password_change(
    request: Request,
    form: PostedForm,
    session: UnitOfWork,
    caller: Annotated[Caller, Signed("me:update:own")],
    hashing: Hashing,
) -> Response:
    viewer = viewer_of(session, caller)
    changed = attempt(
        session,
        lambda: change_password(
            session,
            caller,
            PasswordChange(
                current_password=form.values.get("current_password", ""),
                new_password=form.values.get("new_password", ""),
            ),
            hashing,
        ),
    )
    if isinstance(changed, Problem):
        errors = FormErrors.of_problem(changed, PASSWORD_FIELDS, default_field="current_password")
        return page(request, viewer, "password.html", status=changed.status, errors=errors)
    return page(request, viewer, "password.html", errors=FormErrors(), changed=True)

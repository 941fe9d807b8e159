"""Routes of the web app: who is signed in (the session cookie), what they may do (the
same permission declarations as the API), and every refusal as a page.

A refusal is a page, never a problem document or a stack trace: signed out (or a session
ended) goes to the sign-in page and back; a function the role lacks is 403; what the
person may not see is 404, as in the API."""

from collections.abc import Callable, Coroutine
from typing import Any
from urllib.parse import quote

import structlog
from fastapi import APIRouter, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse

from timeledger.access.caller import Allowed, Caller, caller_of_token
from timeledger.access.credentials import TokenKind
from timeledger.kit.errors import NotFound, Problem, Unauthorized
from timeledger.kit.tenancy import scope_session_to_workspace
from timeledger.kit.uow import UnitOfWork, UnitOfWorkRoute
from timeledger.web.rendering import is_htmx, render, with_page_headers
from timeledger.web.security import SESSION_COOKIE, FormForged, clear_session_cookie
from timeledger.web.strings import ENGLISH

SIGN_IN_PATH = "/sign-in"
HX_REDIRECT = "HX-Redirect"

log = structlog.get_logger(__name__)


async def signed_in_caller(request: Request, session: UnitOfWork) -> Caller:
    """The person of the session cookie (401, shown as the sign-in page, without one)."""
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        raise Unauthorized("Sign in to continue.")
    caller = await caller_of_token(request, token)
    if caller.credential_kind is not TokenKind.SESSION:
        raise Unauthorized("Sign in to continue.")
    scope_session_to_workspace(session, caller.workspace_id)
    return caller


def Signed(permission: str) -> Any:  # noqa: N802
    """The permission a page or form declares, for the signed-in person."""
    return Allowed(permission, people_only=True, authenticator=signed_in_caller)


def local_path(target: str | None) -> str:
    """`target` if it is a path of this site (never `//elsewhere` or a URL), else `/`."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return "/"


def see_other(request: Request, location: str) -> Response:
    """After a form: the page to show next (an htmx request follows it itself)."""
    if is_htmx(request):
        return Response(status_code=204, headers={HX_REDIRECT: location})
    return RedirectResponse(location, status_code=303)


def _to_sign_in(request: Request) -> Response:
    target = request.url.path
    if request.method == "GET" and request.url.query:
        target += "?" + request.url.query
    location = SIGN_IN_PATH if target == "/" else f"{SIGN_IN_PATH}?next={quote(target)}"
    response = see_other(request, location)
    if SESSION_COOKIE in request.cookies:
        clear_session_cookie(request, response)
    return response


def problem_page(request: Request, problem: Problem) -> Response:
    if isinstance(problem, Unauthorized) and request.url.path != SIGN_IN_PATH:
        return _to_sign_in(request)
    detail = ENGLISH.csrf_refused if isinstance(problem, FormForged) else problem.detail
    response = render(
        request,
        "_error.html" if is_htmx(request) else "error.html",
        status=problem.status,
        title=ENGLISH.error_title.get(problem.status, ENGLISH.error_title[400]),
        detail=detail,
    )
    if "Retry-After" in problem.headers:
        response.headers["Retry-After"] = problem.headers["Retry-After"]
    if is_htmx(request):
        response.headers["HX-Retarget"] = "main"
        response.headers["HX-Reswap"] = "innerHTML"
    return response


def page_of_problem(request: Request, problem: Problem) -> Response:
    """A problem of a request outside every route (an unknown path, a method a page does
    not answer) as a page: people type and follow links, so they get a page, never JSON."""
    return with_page_headers(problem_page(request, problem))


def _failure_page(request: Request) -> Response:
    request_id = getattr(request.state, "request_id", "")
    log.exception("unhandled_error", path=request.url.path, request_id=request_id)
    return render(
        request,
        "_error.html" if is_htmx(request) else "error.html",
        status=500,
        title=ENGLISH.error_title[500],
        detail=ENGLISH.error_request_id.format(request_id=request_id),
    )


class WebRoute(UnitOfWorkRoute):
    """Route class of the web app: the request's unit of work, and every answer a page
    with the web app's headers."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def answered_as_page(request: Request) -> Response:
            try:
                response = await handler(request)
            except Problem as problem:
                response = problem_page(request, problem)
            except RequestValidationError:
                response = problem_page(request, NotFound(f"No page at {request.url.path}."))
            except Exception:
                response = _failure_page(request)
            return with_page_headers(response)

        return answered_as_page


def web_router() -> APIRouter:
    """A router of the web app: pages at their paths, none in the OpenAPI document."""
    return APIRouter(
        route_class=WebRoute, include_in_schema=False, default_response_class=HTMLResponse
    )

"""Errors as RFC 9457 problem details (application/problem+json)."""

from collections.abc import Sequence
from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from timeledger.kit.jsonio import dump_json

PROBLEM_MEDIA_TYPE = "application/problem+json"
PROBLEM_TYPE_BASE = "urn:timeledger:problem:"
NAIVE_DATETIME_ERROR = "timezone_aware"

log = structlog.get_logger(__name__)


class Problem(Exception):
    """A failure the client can act on; rendered as a problem document with `status`."""

    status = 400
    slug = "bad-request"
    title = "Bad request"

    def __init__(
        self,
        detail: str,
        *,
        errors: Sequence[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = list(errors or [])
        self.headers = headers or {}
        self.extra = extra or {}


class BadRequest(Problem):
    pass


class Unauthorized(Problem):
    status, slug, title = 401, "unauthorized", "Authentication required"

    def __init__(self, detail: str = "A valid credential is required.", **kw: Any) -> None:
        kw.setdefault("headers", {"WWW-Authenticate": "Bearer"})
        super().__init__(detail, **kw)


class Forbidden(Problem):
    status, slug, title = 403, "forbidden", "Forbidden"


class NotFound(Problem):
    status, slug, title = 404, "not-found", "Not found"


class Conflict(Problem):
    status, slug, title = 409, "conflict", "Conflict"


class PreconditionFailed(Problem):
    status, slug, title = 412, "precondition-failed", "Precondition failed"


class PayloadTooLarge(Problem):
    status, slug, title = 413, "payload-too-large", "Request body too large"


class Unprocessable(Problem):
    status, slug, title = 422, "validation", "Invalid request"


class Locked(Problem):
    status, slug, title = 423, "locked", "Locked"


class TooManyRequests(Problem):
    status, slug, title = 429, "too-many-requests", "Too many requests"


_STATUS_PROBLEMS: dict[int, type[Problem]] = {
    cls.status: cls
    for cls in (
        BadRequest,
        Unauthorized,
        Forbidden,
        NotFound,
        Conflict,
        PreconditionFailed,
        PayloadTooLarge,
        Unprocessable,
        Locked,
        TooManyRequests,
    )
}


def problem_response(
    status: int,
    *,
    slug: str,
    title: str,
    detail: str,
    instance: str | None = None,
    errors: Sequence[dict[str, Any]] = (),
    headers: dict[str, str] | None = None,
    extra: dict[str, Any] | None = None,
) -> Response:
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE_BASE + slug,
        "title": title,
        "status": status,
        "detail": detail,
    }
    if instance:
        body["instance"] = instance
    if errors:
        body["errors"] = list(errors)
    body.update(extra or {})
    return Response(
        dump_json(body), status_code=status, media_type=PROBLEM_MEDIA_TYPE, headers=headers
    )


def render_problem(request: Request, problem: Problem) -> Response:
    return problem_response(
        problem.status,
        slug=problem.slug,
        title=problem.title,
        detail=problem.detail,
        instance=request.url.path,
        errors=problem.errors,
        headers=problem.headers,
        extra=problem.extra,
    )


def validation_errors(raw_errors: Sequence[Any]) -> list[dict[str, Any]]:
    """Pydantic errors without the offending input, which may be a secret."""
    return [
        {
            "location": ".".join(str(part) for part in error.get("loc", ())),
            "message": error.get("msg", "invalid value"),
            "type": error.get("type", "value_error"),
        }
        for error in raw_errors
    ]


async def _on_problem(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, Problem)
    return render_problem(request, exc)


async def _on_validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    errors = validation_errors(exc.errors())
    if errors and all(error["type"] == NAIVE_DATETIME_ERROR for error in errors):
        names = ", ".join(error["location"] for error in errors)
        problem: Problem = BadRequest(
            f"Timestamps must carry a UTC offset (for example 2026-01-31T08:00:00+01:00): {names}.",
            errors=errors,
        )
    else:
        problem = Unprocessable("The request did not pass validation.", errors=errors)
    return render_problem(request, problem)


async def _on_http_exception(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    known = _STATUS_PROBLEMS.get(exc.status_code)
    detail = exc.detail if isinstance(exc.detail, str) else "The request could not be handled."
    if exc.status_code == 404 and detail == "Not Found":
        detail = f"No resource at {request.url.path}."
    if exc.status_code == 405:
        detail = f"{request.method} is not allowed on {request.url.path}."
    return problem_response(
        exc.status_code,
        slug=known.slug if known else f"http-{exc.status_code}",
        title=known.title if known else "Request failed",
        detail=detail,
        instance=request.url.path,
        headers=dict(exc.headers or {}),
    )


async def _on_unexpected(request: Request, exc: Exception) -> Response:
    request_id = getattr(request.state, "request_id", "")
    log.exception("unhandled_error", path=request.url.path, method=request.method)
    return problem_response(
        500,
        slug="internal",
        title="Internal server error",
        detail=f"An unexpected error occurred. Quote request id {request_id} when reporting it.",
        instance=request.url.path,
        headers={"X-Request-ID": request_id} if request_id else None,
        extra={"request_id": request_id},
    )


def install_problem_handlers(app: FastAPI) -> None:
    app.add_exception_handler(Problem, _on_problem)
    app.add_exception_handler(RequestValidationError, _on_validation_error)
    app.add_exception_handler(StarletteHTTPException, _on_http_exception)
    app.add_exception_handler(Exception, _on_unexpected)

"""Errors as RFC 9457 problem details (application/problem+json)."""

from collections.abc import Callable, Sequence
from typing import Any

import structlog
from fastapi import FastAPI, Request, routing
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from timeledger.kit.jsonio import dump_json
from timeledger.kit.route_table import every_route

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


class MethodNotAllowed(Problem):
    status, slug, title = 405, "method-not-allowed", "Method not allowed"


class Conflict(Problem):
    status, slug, title = 409, "conflict", "Conflict"


class PreconditionFailed(Problem):
    status, slug, title = 412, "precondition-failed", "Precondition failed"


class PayloadTooLarge(Problem):
    status, slug, title = 413, "payload-too-large", "Request body too large"


class UriTooLong(Problem):
    status, slug, title = 414, "uri-too-long", "URI too long"


class Unprocessable(Problem):
    status, slug, title = 422, "validation", "Invalid request"

    @classmethod
    def at(cls, location: str, detail: str, message: str) -> "Unprocessable":
        """A 422 about one field: `detail` for people, `message` short, at `location`."""
        return cls(detail, errors=[{"location": location, "message": message}])


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
        MethodNotAllowed,
        Conflict,
        PreconditionFailed,
        PayloadTooLarge,
        UriTooLong,
        Unprocessable,
        Locked,
        TooManyRequests,
    )
}


def problem_document(
    status: int,
    *,
    slug: str,
    title: str,
    detail: str,
    instance: str | None = None,
    errors: Sequence[dict[str, Any]] = (),
    extra: dict[str, Any] | None = None,
) -> bytes:
    return dump_json(_problem_body(status, slug, title, detail, instance, errors, extra or {}))


def _problem_body(
    status: int,
    slug: str,
    title: str,
    detail: str,
    instance: str | None,
    errors: Sequence[dict[str, Any]],
    extra: dict[str, Any],
) -> dict[str, Any]:
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
    body.update(extra)
    return body


def problem_fields(problem: Problem) -> dict[str, Any]:
    """The problem details of `problem` as a mapping: for answers that carry one problem
    per item of a batch."""
    return _problem_body(
        problem.status,
        problem.slug,
        problem.title,
        problem.detail,
        None,
        problem.errors,
        problem.extra,
    )


def problem_response(
    status: int,
    *,
    headers: dict[str, str] | None = None,
    **document: Any,
) -> Response:
    return Response(
        problem_document(status, **document),
        status_code=status,
        media_type=PROBLEM_MEDIA_TYPE,
        headers=headers,
    )


def native_problem_document(problem: Problem, instance: str) -> bytes:
    """The problem+json document of `problem` raised by a native operation at `instance`."""
    return problem_document(
        problem.status,
        slug=problem.slug,
        title=problem.title,
        detail=problem.detail,
        instance=instance,
        errors=problem.errors,
        extra=problem.extra,
    )


ProblemRenderer = Callable[[Request, Problem], Response]
"""How a face answers a problem in its vendor's error format instead of problem+json."""
FACE_RENDERERS_STATE = "face_problem_renderers"


def render_problems_of_face(app: FastAPI, path_prefix: str, renderer: ProblemRenderer) -> None:
    """Problems of requests under `path_prefix` are rendered by `renderer`; of several
    prefixes of a path, the longest decides."""
    renderers: dict[str, ProblemRenderer] = getattr(app.state, FACE_RENDERERS_STATE, {})
    renderers[path_prefix.rstrip("/") + "/"] = renderer
    by_length = dict(sorted(renderers.items(), key=lambda item: len(item[0]), reverse=True))
    setattr(app.state, FACE_RENDERERS_STATE, by_length)


def _face_renderer(request: Request) -> ProblemRenderer:
    renderers: dict[str, ProblemRenderer] = getattr(request.app.state, FACE_RENDERERS_STATE, {})
    path = request.url.path
    for prefix, renderer in renderers.items():
        if path.startswith(prefix) or path == prefix.rstrip("/"):
            return renderer
    return render_native_problem


def render_native_problem(request: Request, problem: Problem) -> Response:
    """The problem as the native API's `application/problem+json` document."""
    return Response(
        native_problem_document(problem, request.url.path),
        status_code=problem.status,
        media_type=PROBLEM_MEDIA_TYPE,
        headers=problem.headers,
    )


def render_problem(request: Request, problem: Problem) -> Response:
    return _face_renderer(request)(request, problem)


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
    headers = dict(exc.headers or {})
    if exc.status_code == 405:
        headers["Allow"] = ", ".join(_allowed_methods(request))
    problem = (known or Problem)(detail, headers=headers)
    if known is None:
        problem.status = exc.status_code
        problem.slug, problem.title = f"http-{exc.status_code}", "Request failed"
    return render_problem(request, problem)


def _allowed_methods(request: Request) -> list[str]:
    """Every method some route answers at this path; the router names only the first
    route's, while each method of a path is a route of its own."""
    allowed: set[str] = set()
    for route in routing.iter_route_contexts(list(every_route(request.app.routes))):
        match, _ = route.matches(request.scope)
        if match is not Match.NONE:
            allowed |= route.methods or set()
    return sorted(allowed)


async def _on_unexpected(request: Request, exc: Exception) -> Response:
    request_id = getattr(request.state, "request_id", "")
    # Named explicitly: the request context (and its bound request id) has already been left
    # when the outermost error middleware calls this handler.
    log.exception(
        "unhandled_error", path=request.url.path, method=request.method, request_id=request_id
    )
    return problem_response(
        500,
        slug="internal",
        title="Internal server error",
        detail=f"An unexpected error occurred. Quote request id {request_id} when reporting it.",
        instance=request.url.path,
        headers={"X-Request-ID": request_id} if request_id else None,
        extra={"request_id": request_id},
    )


def too_large_detail(limit: int) -> str:
    return f"The request body is larger than the {limit} bytes this server accepts."


def install_problem_handlers(app: FastAPI) -> None:
    app.add_exception_handler(Problem, _on_problem)
    app.add_exception_handler(RequestValidationError, _on_validation_error)
    app.add_exception_handler(StarletteHTTPException, _on_http_exception)
    app.add_exception_handler(Exception, _on_unexpected)

"""What no route may receive: an overlong URL, a NUL in it, a body over the limit.

A refusal of the URL or of a declared body is decided from the request's head alone, before
any route sees the request (`refusal_of`), and answered in the format of the face its path
belongs to (`answer_refusal`). A body sent without a Content-Length (chunked) is counted
while it is read (`counted_body`).
"""

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.types import Message, Receive, Scope, Send

from timeledger.kit.errors import (
    BadRequest,
    PayloadTooLarge,
    Problem,
    UriTooLong,
    render_problem,
    too_large_detail,
)

MAX_URL_BYTES = 32_768
"""Longest request target (path and query) the application serves: 414 above. The web
server's own limit (65,535 bytes, docs/api-conventions.md) lies above it, so every
refusal up to there is a problem document."""

OWN_BODY_LIMIT_PATHS: set[str] = set()
"""Paths of uploads whose route counts its body itself, against a setting of its own (the
import's `save_upload`); the application's limit does not apply to them."""


def refusal_of(scope: Scope, declared_length: bytes | None, body_limit: int) -> Problem | None:
    """Why the request cannot be served, judged from its target and its Content-Length
    (`declared_length`, as sent); None when nothing in its head is refused."""
    raw_path: bytes = scope.get("raw_path") or scope["path"].encode()
    query: bytes = scope.get("query_string", b"")
    if len(raw_path) + (len(query) + 1 if query else 0) > MAX_URL_BYTES:
        return UriTooLong(
            f"The URL is longer than the {MAX_URL_BYTES} bytes this server accepts; "
            "send long filters in several requests."
        )
    # No parameter of any face means a NUL, and PostgreSQL text cannot hold one: refused
    # here once rather than by a pattern on every parameter.
    if "\x00" in scope["path"] or b"%00" in query or b"\x00" in query:
        return BadRequest("The URL holds a NUL character (%00), which no parameter accepts.")
    if (
        declared_length is not None
        and declared_length.isdigit()
        and int(declared_length) > body_limit
        and scope["path"] not in OWN_BODY_LIMIT_PATHS
    ):
        return PayloadTooLarge(too_large_detail(body_limit))
    return None


async def answer_refusal(problem: Problem, scope: Scope, receive: Receive, send: Send) -> None:
    """Answers `problem` in the format of the face the path belongs to, and closes the
    connection: what is left of the request is unread."""
    problem.headers["Connection"] = "close"
    await render_problem(Request(scope), problem)(scope, receive, send)


def counted_body(scope: Scope, receive: Receive, body_limit: int) -> Receive:
    """`receive` for a request without a Content-Length: its body is counted as it is read
    and refused with a 413 once it exceeds `body_limit`. A declared body needs no counting
    (the server reads no more than it declared, and `refusal_of` judged the declaration),
    nor does one a route limits itself."""
    if scope["path"] in OWN_BODY_LIMIT_PATHS:
        return receive
    received = 0

    async def receive_counted() -> Message:
        nonlocal received
        message = await receive()
        if message["type"] == "http.request":
            received += len(message.get("body", b""))
            if received > body_limit:
                # An HTTPException, which FastAPI lets through while it reads a body.
                raise HTTPException(413, too_large_detail(body_limit))
        return message

    return receive_counted

"""The fast lane answers what its routes serve and hands everything else to the app."""

import asyncio
from typing import Any

from starlette.types import Message, Receive, Scope, Send

from timeledger.kit.fastlane import FastLane, LaneReply, LaneRequest, LaneRoute
from timeledger.kit.observability import route_template


def _answer(request: LaneRequest) -> LaneReply | None:
    if request.query.get("serve") != "yes":
        return None
    return LaneReply(f'{{"id": {request.path_params["thing_id"]}}}'.encode())


ROUTE = LaneRoute("/things/{thing_id:int}", frozenset({"serve", "other"}), _answer)


class Behind:
    """The application behind the lane: records what reached it."""

    def __init__(self) -> None:
        self.reached: list[str] = []
        self.bodies: list[bytes] = []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        self.reached.append(f"{scope['method']} {scope['path']}?{scope['query_string'].decode()}")
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body", False):
                break
        self.bodies.append(body)
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b""})


def _call(
    lane: FastLane,
    method: str,
    path: str,
    query: str = "",
    body: bytes = b"",
    *,
    declared: bool = True,
) -> tuple[list[Message], Scope]:
    headers = [(b"content-length", str(len(body)).encode())] if declared else []
    scope: dict[str, Any] = {
        "type": "http",
        "method": method,
        "path": path,
        "query_string": query.encode(),
        "headers": headers,
    }
    sent: list[Message] = []
    # The body arrives in two messages, as a server may deliver it.
    pending = [
        {"type": "http.request", "body": body[:3], "more_body": True},
        {"type": "http.request", "body": body[3:], "more_body": False},
    ]

    async def receive() -> Message:
        return pending.pop(0) if pending else {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        sent.append(message)

    asyncio.run(lane(scope, receive, send))
    return sent, scope


def test_a_served_request_is_answered_by_the_lane_with_its_route_for_metrics() -> None:
    behind = Behind()

    sent, scope = _call(FastLane(behind, [ROUTE]), "GET", "/things/7", "serve=yes")

    assert behind.reached == []
    assert sent[0]["status"] == 200
    assert dict(sent[0]["headers"])[b"content-type"] == b"application/json"
    assert dict(sent[0]["headers"])[b"content-length"] == str(len(b'{"id": 7}')).encode()
    assert sent[1]["body"] == b'{"id": 7}'
    assert scope["route"] is ROUTE
    assert route_template(scope) == "/things/{thing_id}"


def test_everything_else_reaches_the_app() -> None:
    behind = Behind()
    lane = FastLane(behind, [ROUTE])
    declined = [
        ("GET", "/things/7", "serve=no"),
        ("GET", "/things/7", "serve=yes&unknown=1"),
        ("GET", "/things/7", "serve=yes&serve=yes"),
        ("GET", "/things/seven", "serve=yes"),
        ("GET", "/things/7/more", "serve=yes"),
        ("POST", "/things/7", "serve=yes"),
    ]

    for method, path, query in declined:
        sent, _ = _call(lane, method, path, query)
        assert sent[0]["status"] == 204

    assert behind.reached == [f"{method} {path}?{query}" for method, path, query in declined]

"""The request handler answers what FastAPI's answers: the same status, headers and body
for bodies read, refused and validated, answers serialized by a response model or given
as responses, status codes and headers set through the `Response` parameter, background
tasks and answers without a body; and it leaves to FastAPI the routes it does not cover,
which no route of the application is."""

from collections.abc import Iterator
from typing import Annotated, Any

import pytest
from fastapi import BackgroundTasks, Body, FastAPI, Query, Response, params, status
from fastapi.exceptions import ResponseValidationError
from fastapi.responses import PlainTextResponse, StreamingResponse
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from pydantic import BaseModel, Field

from timeledger.app import ROUTE_TABLE
from timeledger.kit.request_handler import Handler, request_handler
from timeledger.kit.uow import UnitOfWorkRoute


class Item(BaseModel):
    name: str = Field(min_length=1)
    count: int = 1
    note: str | None = None


class Shown(BaseModel):
    name: str
    doubled: int
    secret: str | None = None


class HandledRoute(APIRoute):
    """A route answered by `request_handler`."""

    def get_route_handler(self) -> Handler:
        handler = request_handler(self)
        assert handler is not None, f"{self.path} is covered"
        return handler


def _application(route_class: type[APIRoute], ran: list[str]) -> FastAPI:
    app = FastAPI()
    router = app.router
    router.route_class = route_class

    @router.post("/items", response_model=Shown, status_code=status.HTTP_201_CREATED)
    async def create(item: Item, response: Response, tag: str | None = None) -> Any:
        response.headers["X-Tag"] = tag or "none"
        return {"name": item.name, "doubled": item.count * 2, "secret": "s", "extra": 1}

    @router.put("/items/{item_id}", response_model=Shown, response_model_exclude_none=True)
    async def replace(item_id: int, item: Annotated[Item, Body(embed=True)]) -> Any:
        return Shown(name=item.name, doubled=item_id * 2)

    @router.get("/items")
    async def search(limit: Annotated[int, Query(ge=1, le=10)] = 5) -> dict[str, int]:
        return {"limit": limit}

    @router.get("/text", response_class=PlainTextResponse)
    async def text() -> str:
        return "plain"

    @router.get("/given")
    async def given(response: Response, tasks: BackgroundTasks) -> Response:
        response.status_code = 299
        tasks.add_task(ran.append, "given")
        return PlainTextResponse("given", headers={"X-Given": "yes"})

    @router.delete("/items/{item_id}", status_code=status.HTTP_204_NO_CONTENT)
    async def remove(item_id: int, tasks: BackgroundTasks) -> None:
        tasks.add_task(ran.append, f"removed {item_id}")

    @router.post("/status")
    async def chosen_status(response: Response) -> dict[str, bool]:
        response.status_code = status.HTTP_202_ACCEPTED
        return {"accepted": True}

    @router.post("/bad-answer", response_model=Shown)
    async def bad_answer() -> Any:
        return {"name": "x"}

    return app


def _typed(content: bytes, content_type: str) -> dict[str, Any]:
    return {"content": content, "headers": {"content-type": content_type}}


REQUESTS: list[tuple[str, str, dict[str, Any]]] = [
    ("POST", "/items?tag=a", {"json": {"name": "n", "count": 3}}),
    ("POST", "/items", {"json": {"name": ""}}),
    ("POST", "/items", {"json": {"count": "many"}}),
    ("POST", "/items", _typed(b'{"name": "n",', "application/json")),
    ("POST", "/items", _typed(b'{"name": "n"}', "text/plain")),
    ("POST", "/items", _typed(b'{"name": "n"}', "")),
    ("POST", "/items", _typed(b'{"name": "n"}', "app/x+json")),
    ("POST", "/items", _typed(b'{"name": "v"}', "application/vnd.x+json")),
    ("POST", "/items", {}),
    ("PUT", "/items/4", {"json": {"item": {"name": "p"}}}),
    ("PUT", "/items/4", {"json": {"name": "p"}}),
    ("PUT", "/items/x", {"json": {"item": {"name": "p"}}}),
    ("GET", "/items?limit=3", {}),
    ("GET", "/items?limit=0", {}),
    ("GET", "/text", {}),
    ("GET", "/given", {}),
    ("DELETE", "/items/7", {}),
    ("POST", "/status", {}),
]  # fmt: skip


@pytest.fixture
def clients() -> Iterator[tuple[TestClient, TestClient, list[str], list[str]]]:
    fastapis: list[str] = []
    ours: list[str] = []
    with (
        TestClient(_application(APIRoute, fastapis)) as theirs,
        TestClient(_application(HandledRoute, ours)) as handled,
    ):
        yield theirs, handled, fastapis, ours


@pytest.mark.parametrize(("method", "path", "sent"), REQUESTS)
def test_the_handler_answers_what_fastapis_answers(
    clients: tuple[TestClient, TestClient, list[str], list[str]],
    method: str,
    path: str,
    sent: dict[str, Any],
) -> None:
    theirs, handled, fastapis_tasks, our_tasks = clients
    expected = theirs.request(method, path, **sent)
    answered = handled.request(method, path, **sent)
    assert (answered.status_code, answered.content) == (expected.status_code, expected.content)
    assert answered.headers == expected.headers
    assert our_tasks == fastapis_tasks


def test_an_answer_its_model_refuses_is_an_error_in_both(
    clients: tuple[TestClient, TestClient, list[str], list[str]],
) -> None:
    theirs, handled, _, _ = clients
    for client in (theirs, handled):
        with pytest.raises(ResponseValidationError):
            client.post("/bad-answer")


def test_streamed_answers_and_forms_keep_fastapis_handler() -> None:
    app = FastAPI()

    @app.get("/stream")
    async def stream() -> StreamingResponse:
        return StreamingResponse(iter([b"a"]))

    def lines() -> Iterator[bytes]:
        yield b"a"

    app.get("/lines", response_class=StreamingResponse)(lines)

    @app.post("/body")
    async def body(item: Item) -> str:
        return item.name

    routes = {route.path: route for route in app.routes if isinstance(route, APIRoute)}
    assert request_handler(routes["/stream"]) is not None
    assert request_handler(routes["/lines"]) is None
    assert request_handler(routes["/body"]) is not None
    # The application installs no form parser (python-multipart), so no route of it can
    # declare a form: a body field declared as one stands for such a route.
    form_route = routes["/body"]
    assert form_route.body_field is not None
    form_route.body_field.field_info = params.Form()
    assert request_handler(form_route) is None


def test_every_route_of_the_application_is_answered_by_the_handler() -> None:
    left_to_fastapi = [
        f"{sorted(route.methods or ())} {route.path}"
        for route in ROUTE_TABLE.routes
        if isinstance(route, UnitOfWorkRoute) and request_handler(route) is None
    ]
    assert left_to_fastapi == []

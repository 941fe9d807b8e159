"""Solving by plans answers what FastAPI's own solver answers: the same values, errors,
calls and cleanups, for every parameter of every route and dependency trees of every
shape."""

from collections.abc import AsyncIterator, Iterator
from typing import Annotated, Any

import fastapi.dependencies.utils as solving
import fastapi.routing
import pytest
from fastapi import (
    BackgroundTasks,
    Body,
    Cookie,
    Depends,
    FastAPI,
    Header,
    Path,
    Query,
    Request,
    Response,
    Security,
)
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from fastapi.security import SecurityScopes
from fastapi.testclient import TestClient
from pydantic import BaseModel
from starlette.datastructures import Headers, QueryParams

from timeledger.app import ROUTE_TABLE, create_app
from timeledger.kit.dependency_plans import (
    ORIGINAL_SOLVE,
    ROUTING_NAME,
    Parameter,
    _values_of,
    plan_of,
    solve_dependencies,
)
from timeledger.kit.routing import with_dependencies

SAMPLES = ["1", "0", "-5", "abc", "", "2025-01-31", "true", "1,2", "x" * 600]


def _api_routes() -> list[APIRoute]:
    create_app()
    return [route for route in ROUTE_TABLE.routes if isinstance(route, APIRoute)]


def test_an_app_solves_by_plans() -> None:
    create_app()
    assert getattr(fastapi.routing, ROUTING_NAME) is solve_dependencies


def test_every_route_of_the_app_has_a_plan() -> None:
    routes = _api_routes()
    assert len(routes) > 300
    assert [route.path for route in routes if plan_of(route.dependant) is None] == []


def _same(planned: tuple[dict[str, Any], list[Any]], fastapis: tuple[Any, Any]) -> None:
    assert repr(planned[0]) == repr(fastapis[0])
    assert repr(planned[1]) == repr(fastapis[1])


def _received(location: str, pairs: list[tuple[str, str]]) -> Any:
    if location == "query":
        return QueryParams(pairs)
    if location == "header":
        return Headers(raw=[(name.lower().encode(), value.encode()) for name, value in pairs])
    return dict(pairs)


def _groups(dependant: Dependant) -> list[tuple[str, list[Any]]]:
    return [
        ("path", dependant.path_params),
        ("query", dependant.query_params),
        ("header", dependant.header_params),
        ("cookie", dependant.cookie_params),
    ]


def _planned_group(dependant: Dependant, location: str) -> tuple[Parameter, ...]:
    plan = plan_of(dependant)
    assert plan is not None
    return next(group for group, _ in plan.parameter_groups if group[0].location == location)


def test_every_parameter_of_every_route_reads_as_fastapi_reads_it() -> None:
    compared = 0
    for route in _api_routes():
        for dependant in with_dependencies(route.dependant):
            for location, fields in _groups(dependant):
                if not fields:
                    continue
                planned = _planned_group(dependant, location)
                keys = [alias for parameter in planned for _, alias in parameter.aliases]
                inputs: list[list[tuple[str, str]]] = [[]]
                inputs += [[(key, sample)] for key in keys for sample in SAMPLES]
                inputs += [[(key, "1"), (key, "2")] for key in keys]
                inputs.append([(key, "1") for key in keys])
                for pairs in inputs:
                    received = _received(location, pairs)
                    _same(
                        _values_of(planned, received),
                        solving.request_params_to_args(fields, received),
                    )
                    compared += 1
    assert compared > 3000


class Item(BaseModel):
    name: str
    hours: int


def _shapes_app(calls: list[str]) -> FastAPI:
    """Routes of every shape of declaration the plans cover, and some they leave to
    FastAPI; each call and cleanup of a dependency is logged to `calls`."""
    app = FastAPI()

    async def page(limit: Annotated[int, Query(ge=1, le=100)] = 10) -> int:
        calls.append(f"page {limit}")
        return limit

    def synchronous_caller(x_caller: Annotated[str, Header()] = "nobody") -> str:
        calls.append(f"caller {x_caller}")
        return x_caller

    async def async_session() -> AsyncIterator[str]:
        calls.append("open async")
        yield "async session"
        calls.append("close async")

    def sync_session() -> Iterator[str]:
        calls.append("open sync")
        yield "sync session"
        calls.append("close sync")

    def counted(page_size: Annotated[int, Depends(page)]) -> int:
        calls.append("counted")
        return page_size * 2

    def uncached(limit: Annotated[int, Depends(page, use_cache=False)]) -> int:
        return limit

    def scoped(scopes: SecurityScopes) -> list[str]:
        return scopes.scopes

    @app.get("/shapes/{item_id}")
    def shapes(
        item_id: Annotated[int, Path(ge=1)],
        request: Request,
        response: Response,
        tasks: BackgroundTasks,
        limit: Annotated[int, Depends(page)],
        again: Annotated[int, Depends(counted)],
        fresh: Annotated[int, Depends(uncached)],
        caller: Annotated[str, Depends(synchronous_caller)],
        first: Annotated[str, Depends(async_session)],
        second: Annotated[str, Depends(sync_session)],
        tags: Annotated[list[str] | None, Query()] = None,
        session_id: Annotated[str | None, Cookie()] = None,
    ) -> dict[str, Any]:
        response.headers["X-Shape"] = "yes"
        response.status_code = 202
        tasks.add_task(calls.append, "background")
        return {
            "item_id": item_id,
            "path": request.url.path,
            "limit": limit,
            "again": again,
            "fresh": fresh,
            "caller": caller,
            "sessions": [first, second],
            "tags": tags,
            "session_id": session_id,
        }

    @app.post("/items/{item_id}")
    async def create(
        item_id: int,
        item: Item,
        note: Annotated[str, Body(max_length=5)],
        limit: int = Depends(page),
    ) -> dict[str, Any]:
        return {"item_id": item_id, "item": item.model_dump(), "note": note, "limit": limit}

    @app.get("/scoped")
    def scoped_route(scopes: Annotated[list[str], Security(scoped, scopes=["read"])]) -> Any:
        return scopes

    return app


REQUESTS: list[tuple[str, str, dict[str, Any]]] = [
    ("GET", "/shapes/3", {}),
    ("GET", "/shapes/3?limit=7&tags=a&tags=b", {"headers": {"X-Caller": "ann"}}),
    ("GET", "/shapes/3", {"cookies": {"session_id": "c1"}}),
    ("GET", "/shapes/0?limit=500", {}),
    ("GET", "/shapes/x?limit=abc", {"headers": {"X-Caller": "bo"}}),
    ("POST", "/items/4?limit=2", {"json": {"item": {"name": "a", "hours": 2}, "note": "hi"}}),
    ("POST", "/items/4", {"json": {"item": {"name": "a"}, "note": "too long"}}),
    ("POST", "/items/4", {"content": b"{", "headers": {"Content-Type": "application/json"}}),
    ("GET", "/scoped", {}),
]


def _answers(app: FastAPI, calls: list[str]) -> list[tuple[int, Any, str | None, list[str]]]:
    answers = []
    with TestClient(app) as client:
        for method, url, options in REQUESTS:
            calls.clear()
            client.cookies.clear()
            client.cookies.update(options.get("cookies", {}))
            sent = {key: value for key, value in options.items() if key != "cookies"}
            response = client.request(method, url, **sent)
            answers.append(
                (response.status_code, response.json(), response.headers.get("x-shape"), [*calls])
            )
    return answers


def test_routes_of_every_shape_answer_as_with_fastapis_solver(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[str] = []
    app = _shapes_app(calls)
    by_plans = _answers(app, calls)
    monkeypatch.setattr(fastapi.routing, ROUTING_NAME, ORIGINAL_SOLVE)
    by_fastapi = _answers(_shapes_app(calls), calls)
    assert by_plans == by_fastapi
    first = by_plans[1]
    assert first[0] == 202 and first[2] == "yes"
    assert first[1]["again"] == 14 and first[1]["tags"] == ["a", "b"]
    # The cached dependency ran once and the uncached one again; the generators' cleanups
    # come after the background task, the last opened first.
    assert first[3] == [
        "page 7",
        "counted",
        "page 7",
        "caller ann",
        "open async",
        "open sync",
        "background",
        "close sync",
        "close async",
    ]
    assert by_plans[3][0] == 422 and by_plans[4][0] == 422
    assert by_plans[8] == (200, ["read"], None, [])


def test_the_shapes_are_planned_but_security_scopes_are_left_to_fastapi() -> None:
    app = _shapes_app([])
    planned = {
        route.path: plan_of(route.dependant) is not None
        for route in app.routes
        if isinstance(route, APIRoute)
    }
    assert planned == {"/shapes/{item_id}": True, "/items/{item_id}": True, "/scoped": False}


def test_an_override_is_solved_by_fastapi() -> None:
    calls: list[str] = []
    app = _shapes_app(calls)
    shapes = next(
        r for r in app.routes if isinstance(r, APIRoute) and r.path == "/shapes/{item_id}"
    )
    page = next(d.call for d in shapes.dependant.dependencies if d.name == "limit")
    assert page is not None
    app.dependency_overrides[page] = lambda: 99
    with TestClient(app) as client:
        answer = client.get("/shapes/3?limit=7").json()
    assert answer["limit"] == 99

"""The route table finds, for any request, the route a scan of every route would find."""

import re
from pathlib import Path

import pytest
from fastapi import APIRouter
from hypothesis import given, settings
from hypothesis import strategies as st
from starlette.routing import BaseRoute, Match, Route
from starlette.types import Scope

from timeledger.app import ROUTE_TABLE, create_app
from timeledger.config import Settings
from timeledger.kit.db import Database
from timeledger.kit.route_table import RouteTable, every_route

METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]
_PARAMETER = re.compile(r"\{[^}]+\}")


def _scope(method: str, path: str) -> Scope:
    return {"type": "http", "method": method, "path": path, "root_path": ""}


def _scanned(routes: tuple[BaseRoute, ...], scope: Scope) -> tuple[Match, BaseRoute | None]:
    """What Starlette's router does: the first full match, else the first partial one."""
    partial: BaseRoute | None = None
    for route in routes:
        match, _ = route.matches(scope)
        if match is Match.FULL:
            return match, route
        if match is Match.PARTIAL and partial is None:
            partial = route
    return (Match.PARTIAL, partial) if partial is not None else (Match.NONE, None)


def _found(table: RouteTable, scope: Scope) -> tuple[Match, BaseRoute | None]:
    match, child_scope = table.matches(scope)
    return match, child_scope.get("route")


def _concrete_paths() -> list[str]:
    """Each template of the table with its parameters filled in as digits and as words."""
    templates = {getattr(route, "path", "") for route in ROUTE_TABLE.routes}
    return sorted(
        _PARAMETER.sub(filling, template) for template in templates for filling in ("7", "abc")
    )


def test_every_documented_path_finds_the_route_a_full_scan_finds() -> None:
    paths = _concrete_paths()
    assert len(paths) > 200
    for path in paths:
        for method in METHODS:
            scope = _scope(method, path)
            assert _found(ROUTE_TABLE, scope) == _scanned(ROUTE_TABLE.routes, scope), (
                method,
                path,
            )


SEGMENTS = sorted(
    {
        segment
        for route in ROUTE_TABLE.routes
        for segment in getattr(route, "path", "").split("/")
        if segment and "{" not in segment
    }
    | {"7", "x", ""}
)


@settings(max_examples=400, deadline=None)
@given(
    method=st.sampled_from(METHODS),
    segments=st.lists(st.sampled_from(SEGMENTS), min_size=0, max_size=7),
)
def test_any_path_finds_the_route_a_full_scan_finds(method: str, segments: list[str]) -> None:
    scope = _scope(method, "/" + "/".join(segments))
    assert _found(ROUTE_TABLE, scope) == _scanned(ROUTE_TABLE.routes, scope)


def _endpoint() -> None:
    return None


def test_a_route_of_any_length_is_a_candidate_of_every_path_in_its_order() -> None:
    first = Route("/files/{rest:path}", _endpoint, name="files")
    exact = Route("/files/a", _endpoint, name="exact")
    table = RouteTable([first, exact])
    assert table.candidates("/files/a") == (first, exact)
    assert _found(table, _scope("GET", "/files/a/b/c")) == (Match.FULL, first)
    assert table.url_path_for("exact") == "/files/a"


def test_a_router_including_another_is_refused() -> None:
    outer, inner = APIRouter(prefix="/outer"), APIRouter()
    inner.add_api_route("/inner", _endpoint)
    outer.include_router(inner)
    with pytest.raises(TypeError, match="give the table its routers apart"):
        RouteTable.of([outer])


def test_apps_share_one_table_and_route_nothing_outside_it(tmp_path: Path) -> None:
    settings_ = Settings(database_url="sqlite://", data_dir=tmp_path / "var", secret_key="k")
    apps = [create_app(settings_, Database(settings_.database_url)) for _ in range(2)]
    for app in apps:
        assert app.router.routes[0] is ROUTE_TABLE, "tried first: every request goes there"
        outside = {
            getattr(route, "path", "") for route in app.router.routes if route is not ROUTE_TABLE
        }
        assert outside == {"/api/openapi.json", "/api/docs", "/docs/oauth2-redirect"}
    assert len(list(every_route(apps[0].routes))) == len(ROUTE_TABLE.routes) + len(outside)

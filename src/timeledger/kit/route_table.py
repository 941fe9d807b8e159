"""Every route of the application, built once per process and found through an index.

FastAPI includes a router lazily: each app rebuilds the state of every route it includes
(dependency graph, validators) when it first routes a request, and then tests every route
in turn, twice, for each request. The table holds routes that were built once, when their
modules were imported, with their full paths, and finds a request's route among the few
that could match its path: those with as many segments and the same first two literal
segments. Candidates keep the order they were given in, so the first route that matches
is the one a linear scan would have found.
"""

from collections.abc import Iterable, Iterator, Sequence
from itertools import chain
from typing import Any

from fastapi import APIRouter
from starlette.datastructures import URLPath
from starlette.routing import BaseRoute, Match, NoMatchFound, Route
from starlette.types import Receive, Scope, Send

IndexKey = tuple[int, str | None, str | None]
"""Segment count and the first two segments (None where a route has a parameter)."""

_SEGMENTS_INDEXED = 2


def _segments(path: str) -> list[str]:
    return path.split("/")[1:]


def _template_key(path: str) -> IndexKey | None:
    """The key of a route's path template; None when it matches any number of segments."""
    if ":path}" in path:
        return None
    segments = _segments(path)
    first, second = _leading(segments)
    return (len(segments), _literal(first), _literal(second))


def _literal(segment: str | None) -> str | None:
    return None if segment is None or "{" in segment else segment


def _leading(segments: list[str]) -> tuple[str | None, str | None]:
    first, second, *_ = (*segments[:_SEGMENTS_INDEXED], None, None)
    return first, second


def _request_key(path: str) -> IndexKey:
    segments = _segments(path)
    return (len(segments), *_leading(segments))


class RouteTable(BaseRoute):
    """A route standing for many: it matches when one of its routes does and hands the
    request to that one (which `scope["route"]` names from then on)."""

    def __init__(self, routes: Iterable[BaseRoute]) -> None:
        self.routes: tuple[BaseRoute, ...] = tuple(routes)
        self._buckets: dict[IndexKey, list[int]] = {}
        self._any_length: list[int] = []
        for position, route in enumerate(self.routes):
            key = _template_key(getattr(route, "path", "/{any:path}"))
            if key is None:
                self._any_length.append(position)
            else:
                self._buckets.setdefault(key, []).append(position)
        self._candidates: dict[IndexKey, tuple[BaseRoute, ...]] = {}

    @classmethod
    def of(cls, routers: Sequence[APIRouter], *routes: BaseRoute) -> "RouteTable":
        """The routes of `routers` (each with its full prefix, none including another)
        and `routes`, in that order."""
        for router in routers:
            for route in router.routes:
                if not isinstance(route, Route):
                    raise TypeError(f"{route!r} in {router!r}: give the table its routers apart")
        return cls(chain((route for router in routers for route in router.routes), routes))

    def candidates(self, path: str) -> tuple[BaseRoute, ...]:
        """The routes that could match `path`, in their order."""
        key = _request_key(path)
        found = self._candidates.get(key)
        if found is not None:
            return found
        count, first, second = key
        positions = sorted(
            {
                *self._buckets.get((count, first, second), ()),
                *self._buckets.get((count, first, None), ()),
                *self._buckets.get((count, None, second), ()),
                *self._buckets.get((count, None, None), ()),
                *self._any_length,
            }
        )
        found = tuple(self.routes[position] for position in positions)
        if (count, first, second) in self._buckets:
            # Remembered only for paths whose literals some route names: a bounded set.
            self._candidates[key] = found
        return found

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        partial: Scope | None = None
        for route in self.candidates(scope["path"]):
            match, child_scope = route.matches(scope)
            if match is Match.FULL:
                return match, {**child_scope, "route": route}
            if match is Match.PARTIAL and partial is None:
                partial = {**child_scope, "route": route}
        if partial is not None:
            return Match.PARTIAL, partial
        return Match.NONE, {}

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        route: BaseRoute = scope["route"]
        await route.handle(scope, receive, send)

    def url_path_for(self, name: str, /, **path_params: Any) -> URLPath:
        for route in self.routes:
            try:
                return route.url_path_for(name, **path_params)
            except NoMatchFound:
                continue
        raise NoMatchFound(name, {key: str(value) for key, value in path_params.items()})


def every_route(routes: Iterable[BaseRoute]) -> Iterator[BaseRoute]:
    """`routes` with each table replaced by the routes it holds."""
    for route in routes:
        if isinstance(route, RouteTable):
            yield from route.routes
        else:
            yield route

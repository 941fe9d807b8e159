"""The request's unit of work: the one place that commits or rolls back.

Services only flush. The session commits after the endpoint returned and before the
response is sent, so a failed commit becomes an error response, never a lost write that
was already reported as done.

A synchronous endpoint runs on a worker thread, and its unit of work ends on that same
thread right after it returns (`UnitOfWorkRoute`): FastAPI alone would move such a request
to a thread for the endpoint, again to check its response, and once more to commit, and
each move costs more than a short query.
"""

import inspect
from collections.abc import AsyncIterator, Callable, Coroutine
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.routing import APIRoute
from sqlalchemy.orm import Session

from timeledger.kit.db import Database

READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def database(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


@dataclass
class _OpenUnit:
    session: Session
    ended: bool = False


_REQUEST_UNIT: ContextVar[_OpenUnit | None] = ContextVar("timeledger_unit_of_work", default=None)
"""The unit of work of the request being handled: each request runs in a context of its own,
and a worker thread running its endpoint sees a copy of it."""


def _commit(session: Session) -> None:
    try:
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def _roll_back(session: Session) -> None:
    try:
        session.rollback()
    finally:
        session.close()


def _end_unit_of_work() -> None:
    """Commits the current request's unit of work, if it has one still open, on the
    calling thread."""
    unit = _REQUEST_UNIT.get()
    if unit is None or unit.ended:
        return
    unit.ended = True
    _commit(unit.session)


async def unit_of_work(request: Request) -> AsyncIterator[Session]:
    """Opened on the event loop (a session connects at its first statement); ended on the
    endpoint's thread (`_end_unit_of_work`), or here on a worker thread when the endpoint
    failed or did not end it."""
    unit = _OpenUnit(database(request).session(write=request.method not in READ_ONLY_METHODS))
    _REQUEST_UNIT.set(unit)
    try:
        yield unit.session
    except BaseException:
        if not unit.ended:
            unit.ended = True
            await run_in_threadpool(_roll_back, unit.session)
        raise
    if not unit.ended:
        unit.ended = True
        await run_in_threadpool(_commit, unit.session)


def _ending_its_unit_of_work(
    endpoint: Callable[..., Any],
) -> Callable[..., Coroutine[Any, Any, Any]]:
    def run_and_end(values: dict[str, Any]) -> Any:
        result = endpoint(**values)
        _end_unit_of_work()
        return result

    async def on_a_worker_thread(**values: Any) -> Any:
        return await run_in_threadpool(run_and_end, values)

    return on_a_worker_thread


class UnitOfWorkRoute(APIRoute):
    """Route class of every router: a synchronous endpoint and the end of its request's
    unit of work run together on one worker thread, and FastAPI checks the response on
    the event loop, as it does for a coroutine endpoint."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Any]]:
        call = self.dependant.call
        if call is not None and not inspect.iscoroutinefunction(call):
            self.dependant.call = _ending_its_unit_of_work(call)
        return super().get_route_handler()


async def _database(request: Request) -> Database:
    return database(request)


UnitOfWork = Annotated[Session, Depends(unit_of_work, scope="function")]
DatabaseDep = Annotated[Database, Depends(_database)]

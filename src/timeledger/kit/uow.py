"""The request's unit of work: the one place that commits or rolls back.

Services only flush. The session commits after the endpoint returned and before the
response is sent, so a failed commit becomes an error response, never a lost write that
was already reported as done.

A synchronous endpoint runs where its unit of work runs (`Database.work_runs`): on SQLite
a read on the event loop and a write on a worker thread, on PostgreSQL both on the event
loop in `greenlet_spawn`, its statements awaiting the server. Its unit of work ends there
right after it returns (`UnitOfWorkRoute`): FastAPI alone would move such a request to a
thread for the endpoint, again to check its response, and once more to commit, and each
move costs more than a short query.
"""

import inspect
from collections.abc import Callable, Coroutine
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import partial
from typing import Annotated, Any, TypeVar

import anyio.to_thread
from fastapi import Depends, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.routing import APIRoute
from sqlalchemy.orm import Session
from sqlalchemy.util import greenlet_spawn
from sqlalchemy.util.concurrency import await_, in_greenlet

from timeledger.kit.db import Database, WorkRuns
from timeledger.kit.request_handler import request_handler

READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
ResultT = TypeVar("ResultT")
EndpointT = TypeVar("EndpointT", bound=Callable[..., Any])
_READS_ONLY = "_timeledger_reads_only"


def reads_only(endpoint: EndpointT) -> EndpointT:
    """Marks an endpoint of another method than GET that writes nothing (a query whose
    parameters travel in a body): its unit of work reads, as a GET's does."""
    setattr(endpoint, _READS_ONLY, True)
    return endpoint


def database(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


def off_the_loop(work: Callable[[], ResultT]) -> ResultT:
    """`work()` on a worker thread when a unit of work running on the event loop calls it
    (`WorkRuns.AWAITED`), else where it is called: for work that holds a core for many
    milliseconds in C code that lets other threads run meanwhile (argon2's hashing),
    which would stop the loop and every request on it."""
    if in_greenlet():
        return await_(anyio.to_thread.run_sync(work))
    return work()


@dataclass
class _OpenUnit:
    write: bool
    runs: WorkRuns
    """Where its database work runs."""
    session: Session | None = None
    ended: bool = False
    checks: list[Callable[[], object]] = field(default_factory=list)


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


def _current_unit() -> _OpenUnit:
    unit = _REQUEST_UNIT.get()
    if unit is None:
        raise RuntimeError("a unit of work outside a UnitOfWorkRoute")
    return unit


def check_before_the_endpoint(check: Callable[[], object]) -> None:
    """Runs `check` (a check of the path's object that reads the database, raising a
    `Problem` when it refuses) on the endpoint's own thread, right before the endpoint: a
    dependency that did it itself would move the request to a thread of its own. When
    the request is refused before its endpoint (an invalid body, a later dependency), the
    checks registered so far run first and their refusal wins, as if they had run where
    they were declared: what the caller cannot see is a 404 whatever was sent."""
    _current_unit().checks.append(check)


async def _run(unit: _OpenUnit, work: Callable[..., ResultT], *args: Any) -> ResultT:
    """`work(*args)` where the unit's database work runs (`Database.work_runs`)."""
    if unit.runs is WorkRuns.ON_THE_LOOP:
        return work(*args)
    if unit.runs is WorkRuns.AWAITED:
        return await greenlet_spawn(work, *args)
    return await run_in_threadpool(work, *args)


async def run_where_the_unit_works(work: Callable[..., ResultT], /, **values: Any) -> ResultT:
    """`work(**values)` (a synchronous dependency) where the request's unit of work runs
    its database work, so that it may use the unit's session; on a worker thread in a
    request without one."""
    unit = _REQUEST_UNIT.get()
    if unit is None:
        return await run_in_threadpool(work, **values)
    return await _run(unit, partial(work, **values))


def _run_checks(unit: _OpenUnit) -> None:
    while unit.checks:
        unit.checks.pop(0)()


def _roll_back_after_checks(unit: _OpenUnit) -> None:
    """Runs the pending checks (a refusal of theirs propagates), then rolls back."""
    try:
        _run_checks(unit)
    finally:
        if unit.session is not None and not unit.ended:
            unit.ended = True
            _roll_back(unit.session)


def _end_unit_of_work() -> None:
    """Commits the current request's unit of work, if it has one still open, on the
    calling thread."""
    unit = _REQUEST_UNIT.get()
    if unit is None or unit.ended or unit.session is None:
        return
    unit.ended = True
    _commit(unit.session)


async def _end(unit: _OpenUnit, end: Callable[[Session], None]) -> None:
    """`end` the unit's session unless the endpoint did; a session that never connected
    holds nothing to end on a thread."""
    if unit.ended or unit.session is None:
        return
    unit.ended = True
    if unit.session.in_transaction():
        await _run(unit, end, unit.session)
    else:
        unit.session.close()


async def unit_of_work(request: Request) -> Session:
    """The request's session, made when an endpoint or dependency first asks for it (it
    connects at its first statement); `UnitOfWorkRoute` ends it."""
    unit = _current_unit()
    if unit.session is None:
        unit.session = database(request).session(
            write=unit.write, awaited=unit.runs is WorkRuns.AWAITED
        )
    return unit.session


def _ending_its_unit_of_work(
    endpoint: Callable[..., Any],
) -> Callable[..., Coroutine[Any, Any, Any]]:
    def run_and_end(values: dict[str, Any]) -> Any:
        _run_checks(_current_unit())
        result = endpoint(**values)
        _end_unit_of_work()
        return result

    async def where_its_unit_works(**values: Any) -> Any:
        return await _run(_current_unit(), run_and_end, values)

    return where_its_unit_works


def _after_its_checks(
    endpoint: Callable[..., Coroutine[Any, Any, Any]],
) -> Callable[..., Coroutine[Any, Any, Any]]:
    async def checked(**values: Any) -> Any:
        unit = _current_unit()
        if unit.checks:
            await _run(unit, _run_checks, unit)
        return await endpoint(**values)

    return checked


class UnitOfWorkRoute(APIRoute):
    """Route class of every router: it holds the request's unit of work, committed when
    the endpoint returned and rolled back when anything failed. A synchronous endpoint and
    the end of its unit of work run together where the unit works (on a worker thread or
    on the event loop, see `Database.work_runs`), and FastAPI checks the response on the
    event loop, as it does for a coroutine endpoint."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Any]]:
        call = self.dependant.call
        if call is not None:
            self.dependant.call = (
                _after_its_checks(call)
                if inspect.iscoroutinefunction(call)
                else _ending_its_unit_of_work(call)
            )
        handler = request_handler(self) or super().get_route_handler()
        endpoint_reads_only = getattr(self.endpoint, _READS_ONLY, False)

        async def in_a_unit_of_work(request: Request) -> Response:
            write = request.method not in READ_ONLY_METHODS and not endpoint_reads_only
            unit = _OpenUnit(write, database(request).work_runs(write=write))
            entered = _REQUEST_UNIT.set(unit)
            try:
                response = await handler(request)
            except Exception:
                if unit.checks:
                    await _run(unit, _roll_back_after_checks, unit)
                await _end(unit, _roll_back)
                raise
            except BaseException:
                await _end(unit, _roll_back)
                raise
            finally:
                _REQUEST_UNIT.reset(entered)
            await _end(unit, _commit)
            return response

        return in_a_unit_of_work


async def _database(request: Request) -> Database:
    return database(request)


UnitOfWork = Annotated[Session, Depends(unit_of_work)]
DatabaseDep = Annotated[Database, Depends(_database)]

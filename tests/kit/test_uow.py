"""The request's unit of work: committed on the endpoint's own thread, rolled back on
failure, a synchronous request moved to a worker thread once on SQLite if it writes and
not at all otherwise (on PostgreSQL its statements await the server on the event loop),
and checks of the path's object run on that thread."""

import inspect
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from functools import partial
from typing import Annotated, Any

import anyio.to_thread
import pytest
from argon2 import PasswordHasher
from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.testclient import TestClient
from pydantic import BaseModel
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from tests.conftest import ARGON2_LEAST_MEMORY_KIB, WorkspaceFixture
from timeledger.access.credentials import PasswordHashing
from timeledger.app import ROUTE_TABLE
from timeledger.kit.clock import utcnow
from timeledger.kit.db import MAY_WRITE, Database
from timeledger.kit.dependency_plans import solve_by_plans
from timeledger.kit.errors import Conflict, Forbidden, NotFound, install_problem_handlers
from timeledger.kit.request_frame import RequestFrame
from timeledger.kit.route_table import RouteTable, every_route
from timeledger.kit.uow import (
    UnitOfWork,
    UnitOfWorkRoute,
    check_before_the_endpoint,
    database,
    reads_only,
)
from timeledger.models import SignInAttempt


class Written(BaseModel):
    email: str
    thread: int


class Payload(BaseModel):
    count: int


def _attempt(email: str) -> SignInAttempt:
    return SignInAttempt(email=email, client_address="test", succeeded=True, at=utcnow())


router = APIRouter(route_class=UnitOfWorkRoute)


@router.post("/write", response_model=Written)
def write(session: UnitOfWork) -> Written:
    session.add(_attempt("written@example.com"))
    session.flush()
    return Written(email="written@example.com", thread=threading.get_ident())


@router.post("/write-apart")
def write_apart(request: Request) -> dict[str, bool]:
    """Writes in a transaction of its own, as a sign-in records an attempt."""
    with database(request).transaction() as session:
        session.add(_attempt("apart@example.com"))
        awaits = session.connection().dialect.is_async
    return {"awaits_the_server": awaits}


HASHING = PasswordHashing(ARGON2_LEAST_MEMORY_KIB, floor_kib=ARGON2_LEAST_MEMORY_KIB)


@router.post("/hash")
def hash_password(_session: UnitOfWork) -> dict[str, int | bool]:
    verified = HASHING.verify(HASHING.hash("a password"), "a password")
    return {"thread": threading.get_ident(), "verified": verified}


@router.post("/fail")
def fail(session: UnitOfWork) -> None:
    session.add(_attempt("failed@example.com"))
    session.flush()
    raise Conflict("Refused after writing.")


def refuse_after_writing(session: UnitOfWork) -> None:
    session.add(_attempt("refused@example.com"))
    session.flush()
    raise Conflict("A dependency refused after writing.")


@router.post("/refused", dependencies=[Depends(refuse_after_writing)])
def refused() -> None:
    raise AssertionError("never reached")


@router.get("/plain")
def plain() -> dict[str, str]:
    return {"answer": "no unit of work"}


@router.get("/read")
def read(session: UnitOfWork) -> dict[str, int | bool]:
    count = session.scalar(select(func.count()).select_from(SignInAttempt)) or 0
    awaits = session.connection().dialect.is_async
    return {"count": count, "thread": threading.get_ident(), "awaits_the_server": awaits}


@router.post("/query")
@reads_only
def query(session: UnitOfWork, body: Payload) -> dict[str, int | bool]:
    count = session.scalar(select(func.count()).select_from(SignInAttempt)) or 0
    may_write = session.info[MAY_WRITE]
    return {"count": count + body.count, "thread": threading.get_ident(), "may_write": may_write}


@router.get("/loop")
async def loop_thread() -> dict[str, int]:
    return {"thread": threading.get_ident()}


checked_on: list[int] = []


def _check_thing(thing_id: int) -> None:
    checked_on.append(threading.get_ident())
    if thing_id != 1:
        raise NotFound(f"No thing {thing_id}.")


async def existing_thing(thing_id: int, session: UnitOfWork) -> int:
    check_before_the_endpoint(partial(_check_thing, thing_id))
    return thing_id


async def forbidden() -> None:
    raise Forbidden("Declared after the thing, refused after it.")


@router.post("/things/{thing_id}", response_model=Written)
def touch_thing(thing_id: Annotated[int, Depends(existing_thing)], body: Payload) -> Written:
    return Written(email=f"thing {thing_id}", thread=threading.get_ident())


@router.post("/things/{thing_id}/forbidden")
def forbidden_thing(
    thing_id: Annotated[int, Depends(existing_thing)], refused: Annotated[None, Depends(forbidden)]
) -> None:
    raise AssertionError("never reached")


@router.get("/things/{thing_id}/async")
async def read_thing(thing_id: Annotated[int, Depends(existing_thing)]) -> dict[str, int]:
    return {"checks_before": len(checked_on)}


@pytest.fixture
def probe_client(db: Database) -> Iterator[TestClient]:
    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        async with db.serving():
            yield

    solve_by_plans()  # as `create_app` does: synchronous dependencies run with the unit
    app = FastAPI(lifespan=lifespan)
    app.state.db = db
    install_problem_handlers(app)
    app.router.routes.append(RouteTable.of([router]))
    with TestClient(app) as client:
        yield client


@pytest.fixture
def commit_threads() -> Iterator[list[int]]:
    threads: list[int] = []

    def record(_session: Session) -> None:
        threads.append(threading.get_ident())

    event.listen(Session, "after_commit", record)
    yield threads
    event.remove(Session, "after_commit", record)


@pytest.fixture
def thread_moves(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    moves: list[str] = []
    run_sync = anyio.to_thread.run_sync

    async def counted(function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        moves.append(getattr(function, "__name__", repr(function)))
        return await run_sync(function, *args, **kwargs)

    monkeypatch.setattr(anyio.to_thread, "run_sync", counted)
    return moves


def _stored(db: Database, email: str) -> int:
    with db.session(write=False) as session:
        query = select(func.count()).select_from(SignInAttempt).where(SignInAttempt.email == email)
        return session.scalar(query) or 0


def test_a_write_commits_on_the_endpoints_thread_before_the_answer(
    probe_client: TestClient, db: Database, commit_threads: list[int]
) -> None:
    response = probe_client.post("/write")
    assert response.status_code == 200
    assert commit_threads == [response.json()["thread"]]
    assert _stored(db, "written@example.com") == 1


def test_a_failed_endpoint_leaves_nothing_written(
    probe_client: TestClient, db: Database, commit_threads: list[int]
) -> None:
    response = probe_client.post("/fail")
    assert response.status_code == 409
    assert commit_threads == []
    assert _stored(db, "failed@example.com") == 0


def test_a_dependency_refusing_after_a_write_leaves_nothing_written(
    probe_client: TestClient, db: Database
) -> None:
    assert probe_client.post("/refused").status_code == 409
    assert _stored(db, "refused@example.com") == 0


def test_a_synchronous_request_moves_to_a_worker_thread_once_if_it_writes_sqlite(
    probe_client: TestClient, db: Database, thread_moves: list[str]
) -> None:
    moves_of_a_write = 1 if db.is_sqlite else 0
    assert probe_client.post("/write").status_code == 200
    assert len(thread_moves) == moves_of_a_write, thread_moves
    assert probe_client.get("/plain").json() == {"answer": "no unit of work"}
    assert len(thread_moves) == moves_of_a_write, thread_moves


def test_a_read_runs_on_the_event_loop_and_a_write_of_sqlite_on_a_worker_thread(
    probe_client: TestClient, db: Database
) -> None:
    loop = probe_client.get("/loop").json()["thread"]
    read = probe_client.get("/read").json()

    assert read["count"] >= 0
    assert read["thread"] == loop
    assert read["awaits_the_server"] is not db.is_sqlite
    assert (probe_client.post("/write").json()["thread"] == loop) is not db.is_sqlite


def test_a_transaction_of_its_own_in_a_unit_on_the_loop_awaits_the_server_too(
    probe_client: TestClient, db: Database
) -> None:
    """A synchronous session there would stop the loop while it waits for the server,
    and with it a request holding a row lock it may wait for."""
    answered = probe_client.post("/write-apart").json()

    assert answered["awaits_the_server"] is not db.is_sqlite
    assert _stored(db, "apart@example.com") == 1


def test_a_hash_leaves_the_loop_for_a_worker_thread(
    probe_client: TestClient, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """argon2 holds a core for milliseconds in C code that lets other threads run: on the
    loop it would stop every request."""
    hashed_on: list[int] = []
    for name in ("hash", "verify"):
        real = getattr(PasswordHasher, name)

        def recorded(*args: Any, real: Callable[..., Any] = real) -> Any:
            hashed_on.append(threading.get_ident())
            return real(*args)

        monkeypatch.setattr(PasswordHasher, name, recorded)
    answered = probe_client.post("/hash").json()

    assert answered["verified"] is True
    assert len(hashed_on) == 2
    assert (answered["thread"] in hashed_on) is db.is_sqlite


def test_a_read_of_postgresql_moves_to_a_worker_thread_where_no_application_serves(
    db: Database,
) -> None:
    """Where no lifespan entered `Database.serving`, nothing would close the asyncio
    connections a read would open, so it reads on a worker thread as it always did."""
    if db.is_sqlite:
        pytest.skip("SQLite reads on the event loop wherever it runs")
    app = FastAPI()  # its lifespan does not enter `db.serving()`
    app.state.db = db
    app.router.routes.append(RouteTable.of([router]))
    with TestClient(app) as client:  # one event loop on one thread for every request
        loop = client.get("/loop").json()["thread"]
        read = client.get("/read").json()

    assert read["thread"] != loop
    assert read["awaits_the_server"] is False


def test_a_post_that_only_reads_is_a_read_unit_of_work(probe_client: TestClient) -> None:
    loop = probe_client.get("/loop").json()["thread"]
    answered = probe_client.post("/query", json={"count": 1}).json()

    assert answered["count"] >= 1
    assert answered["thread"] == loop
    assert answered["may_write"] is False


def test_a_path_check_runs_on_the_endpoints_thread_without_a_move_of_its_own(
    probe_client: TestClient, db: Database, thread_moves: list[str]
) -> None:
    checked_on.clear()
    response = probe_client.post("/things/1", json={"count": 1})
    assert response.status_code == 200
    assert checked_on == [response.json()["thread"]]
    assert len(thread_moves) == (1 if db.is_sqlite else 0), thread_moves


def test_a_path_check_answers_before_the_body_is_refused(probe_client: TestClient) -> None:
    assert probe_client.post("/things/2", json={"count": "many"}).status_code == 404
    assert probe_client.post("/things/1", json={"count": "many"}).status_code == 422


def test_a_path_check_answers_before_a_dependency_declared_after_it(
    probe_client: TestClient,
) -> None:
    assert probe_client.post("/things/2/forbidden").status_code == 404
    assert probe_client.post("/things/1/forbidden").status_code == 403


def test_a_coroutine_endpoint_runs_after_its_path_checks(probe_client: TestClient) -> None:
    checked_on.clear()
    assert probe_client.get("/things/1/async").json() == {"checks_before": 1}
    assert probe_client.get("/things/2/async").status_code == 404


def test_every_route_of_the_application_ends_its_unit_of_work_on_its_thread() -> None:
    """A route outside the ordinary routers (a lane, a hand-made route) would fail here."""
    routes = [
        route for route in every_route([ROUTE_TABLE]) if getattr(route, "path", "") != "/metrics"
    ]
    assert len(routes) > 150
    others = [route for route in routes if not isinstance(route, UnitOfWorkRoute)]
    assert others == []
    assert all(
        isinstance(route, UnitOfWorkRoute) and inspect.iscoroutinefunction(route.dependant.call)
        for route in routes
    )


def test_requests_reach_the_routes_through_no_lane(app: FastAPI) -> None:
    """Only the request frame stands between the server and the route table (besides
    FastAPI's own error handling): a middleware answering some operation
    itself, as the lanes of scenarios 1 and 5 did until 2026-12-04, would fail here."""
    standing: list[object] = [middleware.cls for middleware in app.user_middleware]
    assert standing == [RequestFrame]
    documentation = {"/api/openapi.json", "/api/docs", "/docs/oauth2-redirect"}
    others = [
        route
        for route in app.router.routes
        if route is not ROUTE_TABLE and getattr(route, "path", None) not in documentation
    ]
    assert others == []


@pytest.mark.parametrize(
    ("path", "header"),
    [
        ("/compat/mite/account.json", "X-MiteApiKey"),
        ("/compat/mctime/api/v2/auth/accounts", "API_KEY"),
    ],
)
def test_a_face_read_with_a_key_seen_lately_moves_as_a_native_one(
    client: TestClient,
    workspace: WorkspaceFixture,
    thread_moves: list[str],
    path: str,
    header: str,
) -> None:
    headers = {header: workspace.api_key}
    assert client.get(path, headers=headers).status_code == 200
    thread_moves.clear()

    assert client.get(path, headers=headers).status_code == 200

    assert thread_moves == []

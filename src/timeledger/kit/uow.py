"""The request's unit of work: the one place that commits or rolls back.

Services only flush. The session commits after the endpoint returned and before the
response is sent, so a failed commit becomes an error response, never a lost write that
was already reported as done.
"""

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from sqlalchemy.orm import Session

from timeledger.kit.db import Database

READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def database(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


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


async def unit_of_work(request: Request) -> AsyncIterator[Session]:
    """Opened on the event loop (a session connects at its first statement), ended on a
    worker thread: a request moves to a thread for its endpoint and once more to end."""
    session = database(request).session(write=request.method not in READ_ONLY_METHODS)
    try:
        yield session
    except BaseException:
        await run_in_threadpool(_roll_back, session)
        raise
    await run_in_threadpool(_commit, session)


async def _database(request: Request) -> Database:
    return database(request)


UnitOfWork = Annotated[Session, Depends(unit_of_work, scope="function")]
DatabaseDep = Annotated[Database, Depends(_database)]

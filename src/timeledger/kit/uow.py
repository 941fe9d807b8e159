"""The request's unit of work: the one place that commits or rolls back.

Services only flush. The session commits after the endpoint returned and before the
response is sent, so a failed commit becomes an error response, never a lost write that
was already reported as done.
"""

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from timeledger.kit.db import Database

READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def database(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


def unit_of_work(request: Request) -> Iterator[Session]:
    session = database(request).session(write=request.method not in READ_ONLY_METHODS)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


UnitOfWork = Annotated[Session, Depends(unit_of_work, scope="function")]
DatabaseDep = Annotated[Database, Depends(database)]

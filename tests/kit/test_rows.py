"""Rows of one query handed out by key."""

from operator import attrgetter
from typing import Any

from sqlalchemy import event, func, select

from timeledger.kit.clock import utcnow
from timeledger.kit.db import Database
from timeledger.kit.rows import rows_by, take_ids
from timeledger.models import SignInAttempt


def test_rows_go_to_their_keys_in_order_and_no_keys_ask_nothing(db: Database) -> None:
    with db.transaction() as session:
        for email, address in [("a@x", "1"), ("b@x", "2"), ("a@x", "3")]:
            session.add(
                SignInAttempt(email=email, client_address=address, succeeded=True, at=utcnow())
            )
    queries: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        queries.append(statement)

    statement = select(SignInAttempt).order_by(SignInAttempt.client_address)
    for engine in db.engines:
        event.listen(engine, "before_cursor_execute", count)
    try:
        with db.session(write=False) as session:
            found = rows_by(session, ["a@x", "c@x", "b@x"], statement, attrgetter("email"))
            nothing = rows_by(session, [], statement, attrgetter("email"))
    finally:
        for engine in db.engines:
            event.remove(engine, "before_cursor_execute", count)

    by_address = {key: [row.client_address for row in rows] for key, rows in found.items()}
    assert by_address == {"a@x": ["1", "3"], "c@x": [], "b@x": ["2"]}
    assert nothing == {}
    assert len([query for query in queries if "sign_in_attempts" in query]) == 1


def test_ids_taken_on_sqlite_lie_above_every_stored_one_and_postgresql_numbers_its_own(
    db: Database,
) -> None:
    table: Any = SignInAttempt.__table__
    with db.transaction() as session:
        session.add(SignInAttempt(email="a@x", client_address="1", succeeded=True, at=utcnow()))
        session.flush()
        largest = session.scalar(select(func.max(SignInAttempt.id))) or 0
        taken = list(take_ids(session, table, 3))
    if db.is_sqlite:
        assert taken == [largest + 1, largest + 2, largest + 3]
    else:
        assert taken == [None, None, None]

"""Membership in many ids: the same rows on both engines, and a statement whose text does
not grow with the list; in a prepared statement, one parameter holding the list."""

from typing import Any

from sqlalchemy import event, select

from timeledger.kit.clock import utcnow
from timeledger.kit.db import Database
from timeledger.kit.membership import among, one_of
from timeledger.kit.prepared import PreparedQuery, rows_in_session
from timeledger.models import SignInAttempt

LISTED = PreparedQuery(
    select(SignInAttempt.id).where(one_of(SignInAttempt.id, "ids")).order_by(SignInAttempt.id)
)


def test_many_ids_select_their_rows_and_the_statement_stays_the_same(db: Database) -> None:
    with db.transaction() as session:
        for number in range(30):
            session.add(
                SignInAttempt(
                    email=f"{number}@x", client_address=str(number), succeeded=True, at=utcnow()
                )
            )
    statements: list[str] = []

    def seen(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", seen)
    try:
        with db.session(write=False) as session:
            ids = sorted(session.scalars(select(SignInAttempt.id)))
            wanted = {ids[0], ids[7], ids[29], 10**12}
            few = session.scalars(select(SignInAttempt.id).where(among(SignInAttempt.id, wanted)))
            many = session.scalars(
                select(SignInAttempt.id).where(among(SignInAttempt.id, ids[:25]))
            )
            found_few, found_many = sorted(few), sorted(many)
            nothing = list(
                session.scalars(select(SignInAttempt.id).where(among(SignInAttempt.id, [])))
            )
    finally:
        event.remove(db.engine, "before_cursor_execute", seen)

    assert found_few == [ids[0], ids[7], ids[29]]
    assert found_many == ids[:25]
    assert nothing == []
    asked = [statement for statement in statements if "sign_in_attempts" in statement][1:]
    assert len(set(asked)) == 1, asked
    assert ("ANY" if db.engine.dialect.name == "postgresql" else "json_each") in asked[0]


def test_a_list_parameter_selects_its_rows_in_a_prepared_statement(db: Database) -> None:
    with db.transaction() as session:
        for number in range(30):
            session.add(
                SignInAttempt(
                    email=f"{number}@x", client_address=str(number), succeeded=True, at=utcnow()
                )
            )
    with db.session(write=False) as session:
        ids = sorted(session.scalars(select(SignInAttempt.id)))

        def listed(wanted: Any) -> list[int]:
            return [row.id for row in rows_in_session(session, LISTED, ids=wanted)]

        assert listed({ids[0], ids[7], ids[29], 10**12}) == [ids[0], ids[7], ids[29]]
        assert listed(ids[:25]) == ids[:25]
        assert listed([ids[3], ids[3]]) == [ids[3]]
        assert listed(frozenset()) == []

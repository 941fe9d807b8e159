"""Membership in many ids: the same rows on both engines, and a statement whose text does
not grow with the list; in a prepared statement, one parameter holding the list."""

from typing import Any

import pytest
from sqlalchemy import event, select

from tests.conftest import statements_sent
from timeledger.kit.clock import utcnow
from timeledger.kit.db import Database
from timeledger.kit.membership import among, one_of, one_of_planned
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

    for engine in db.engines:
        event.listen(engine, "before_cursor_execute", seen)
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
        for engine in db.engines:
            event.remove(engine, "before_cursor_execute", seen)

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


def _attempts(db: Database, count: int) -> list[int]:
    with db.transaction() as session:
        for number in range(count):
            session.add(
                SignInAttempt(
                    email=f"{number}@x", client_address=str(number), succeeded=True, at=utcnow()
                )
            )
    with db.session(write=False) as session:
        return sorted(session.scalars(select(SignInAttempt.id)))


def test_the_planned_form_selects_the_same_rows_as_a_list_sqlite_can_plan(db: Database) -> None:
    ids = _attempts(db, 30)
    statement = (
        select(SignInAttempt.id)
        .where(one_of_planned(SignInAttempt.id, "ids"))
        .order_by(SignInAttempt.id)
    )
    with statements_sent(db) as sent, db.session(write=False) as session:
        few = list(session.scalars(statement, {"ids": [ids[0], ids[7], ids[29], 10**12]}))
        many = list(session.scalars(statement, {"ids": ids[:25]}))

    assert few == [ids[0], ids[7], ids[29]]
    assert many == ids[:25]
    if db.is_sqlite:
        assert all("json_each" not in each and " IN (" in each for each in sent)
    else:
        assert len(set(sent)) == 1
        assert "= ANY(CAST(" in sent[0]


def test_postgresql_reads_the_list_as_a_constant_while_planning(db: Database) -> None:
    if db.is_sqlite:
        pytest.skip("the cast of the list parameter is PostgreSQL's")
    ids = _attempts(db, 3)
    listed = select(SignInAttempt.id).where(one_of(SignInAttempt.id, "ids"))
    compiled = listed.compile(dialect=db.engine.dialect)
    with db.session(write=False) as session:
        plan = session.connection().exec_driver_sql(
            f"EXPLAIN (VERBOSE) {compiled}", {"ids": "{" + ",".join(map(str, ids)) + "}"}
        )
        lines = "\n".join(row[0] for row in plan)

    # Cast from text (`::VARCHAR`), the array was parsed again for every row compared.
    assert "ANY ('{" in lines, lines
    assert "cstring" not in lines and "character varying" not in lines, lines

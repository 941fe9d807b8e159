import gc
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy import event, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import StatementError

from timeledger.kit.clock import utcnow
from timeledger.kit.db import Database
from timeledger.kit.model import EpochInstant, from_epoch_micros
from timeledger.models import SignInAttempt, Workspace
from timeledger.workspaces.repository import WorkspaceRepository

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
ONE_MICROSECOND = timedelta(microseconds=1)
# The type ignores its dialect; the pure conversions are called with one to match the signature.
ANY_DIALECT = sqlite.dialect()

INSTANTS = [
    datetime(2026, 1, 31, 8, 15, 30, 123456, tzinfo=timezone(timedelta(hours=1))),
    datetime(2026, 6, 30, 23, 59, 59, 999999, tzinfo=timezone(timedelta(hours=-9, minutes=-30))),
    datetime(1969, 12, 31, 23, 59, 59, 1, tzinfo=UTC),
    datetime(2262, 4, 11, 0, 0, 0, 7, tzinfo=UTC),
]


def _attempt(at: datetime, email: str) -> SignInAttempt:
    return SignInAttempt(email=email, client_address="127.0.0.1", succeeded=True, at=at)


def test_aware_instants_round_trip_and_are_stored_as_integer_microseconds(db: Database) -> None:
    with db.transaction() as session:
        session.add_all(_attempt(at, f"{n}@example.test") for n, at in enumerate(INSTANTS))
    with db.session(write=False) as session:
        stored = session.scalars(select(SignInAttempt).order_by(SignInAttempt.email)).all()
        assert [row.at for row in stored] == INSTANTS
        for row in stored:
            assert row.at.tzinfo is UTC
            assert row.at.microsecond == row.at.astimezone(UTC).microsecond
    with db.engine.connect() as connection:
        raw = connection.execute(text("SELECT at FROM sign_in_attempts ORDER BY email")).all()
    values = [row[0] for row in raw]
    assert all(type(value) is int for value in values)
    assert values == [(at - EPOCH) // ONE_MICROSECOND for at in INSTANTS]


def test_comparisons_bind_instants_in_any_offset(db: Database) -> None:
    base = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    with db.transaction() as session:
        session.add_all(
            _attempt(base + timedelta(minutes=minutes), f"{minutes}@example.test")
            for minutes in (0, 30, 60)
        )
    # 13:30 at +01:00 is 12:30 UTC.
    since = datetime(2026, 3, 1, 13, 30, tzinfo=timezone(timedelta(hours=1)))
    with db.session(write=False) as session:
        emails = session.scalars(
            select(SignInAttempt.email).where(SignInAttempt.at >= since).order_by(SignInAttempt.at)
        ).all()
    assert emails == ["30@example.test", "60@example.test"]


def test_naive_datetime_is_refused(db: Database) -> None:
    with db.session(write=True) as session:
        session.add(_attempt(datetime(2026, 1, 1, 12, 0), "naive@example.test"))  # noqa: DTZ001
        with pytest.raises(StatementError) as raised:
            session.flush()
        assert isinstance(raised.value.orig, ValueError)
        assert "naive" in str(raised.value.orig)
        session.rollback()
    with db.session(write=False) as session:
        assert session.scalar(select(SignInAttempt.id)) is None


def test_none_stays_none() -> None:
    instant = EpochInstant()
    assert instant.process_bind_param(None, ANY_DIALECT) is None
    assert instant.process_result_value(None, ANY_DIALECT) is None


@pytest.mark.parametrize("dialect", [sqlite.dialect(), postgresql.psycopg.dialect()])  # type: ignore[no-untyped-call]
def test_the_result_processor_of_each_engine_answers_as_process_result_value(
    dialect: Any,
) -> None:
    instant = EpochInstant()
    process = instant.dialect_impl(dialect).result_processor(dialect, None)
    assert process is not None
    micros = [instant.process_bind_param(at, dialect) for at in INSTANTS]
    read = [process(value) for value in [*micros, None]]
    assert read == [*INSTANTS, None]
    assert all(instant.tzinfo is UTC for instant in read if instant is not None)


@pytest.mark.parametrize("at", INSTANTS)
def test_from_epoch_micros_inverts_binding(at: datetime) -> None:
    micros = EpochInstant().process_bind_param(at, ANY_DIALECT)
    assert micros is not None
    assert from_epoch_micros(micros) == at


def test_a_pinned_row_is_read_once_per_session_after_its_loader_dropped_it(
    db: Database,
) -> None:
    with db.transaction() as session:
        pinned = Workspace(name="pinned", timezone="UTC", locale="en", currency="EUR", week_start=1)
        pinned.created_at = pinned.updated_at = utcnow()
        workspace_id = WorkspaceRepository(session).add(pinned).id
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    for engine in db.engines:
        event.listen(engine, "before_cursor_execute", count)
    try:
        with db.session(write=False) as session:
            for _ in range(3):
                found = session.get(Workspace, workspace_id)
                assert found is not None and found.name == "pinned"
                del found
                gc.collect()
        with db.session(write=False) as session:
            assert session.get(Workspace, workspace_id) is not None
    finally:
        for engine in db.engines:
            event.remove(engine, "before_cursor_execute", count)
    assert len([text for text in statements if "FROM workspaces" in text]) == 2

"""Answers kept between requests: kept for their time, forgotten when a write to one of
their tables commits (ORM or Core), not kept when read while such a write committed, and
never used by a transaction that has written to their tables."""

from datetime import UTC, datetime

from sqlalchemy import update
from sqlalchemy.orm import Session

from tests.conftest import WorkspaceFixture
from timeledger.kit.db import Database
from timeledger.kit.kept import KeptAnswers
from timeledger.models import Workspace


class Reads:
    """A read that counts how often it ran and answers the number of that run."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self) -> int:
        self.count += 1
        return self.count


def _answer(db: Database, kept: KeptAnswers, reads: Reads, key: object = "k") -> int:
    with db.session(write=False) as session:
        return kept.answer(session, key, reads)


def test_an_answer_is_kept_for_its_time(db: Database) -> None:
    kept, expiring, reads = (
        KeptAnswers(["workspaces"]),
        KeptAnswers(["workspaces"], ttl_seconds=0),
        Reads(),
    )

    assert [_answer(db, kept, reads), _answer(db, kept, reads)] == [1, 1]
    assert [_answer(db, expiring, reads), _answer(db, expiring, reads)] == [2, 3]
    assert _answer(db, kept, reads, key="other") == 4


def test_a_committed_write_to_one_of_its_tables_forgets_it(
    db: Database, workspace: WorkspaceFixture
) -> None:
    kept, elsewhere, reads = KeptAnswers(["workspaces"]), KeptAnswers(["projects"]), Reads()
    _answer(db, kept, reads)
    _answer(db, elsewhere, reads)
    with db.transaction() as session:
        session.execute(
            update(Workspace).where(Workspace.id == workspace.id).values(currency="SEK")
        )
    after_a_statement = _answer(db, kept, reads)
    with db.transaction() as session:
        found = session.get(Workspace, workspace.id)
        assert found is not None
        found.currency = "NOK"
    after_an_object = _answer(db, kept, reads)
    with db.transaction() as session:
        session.execute(
            update(Workspace).where(Workspace.id == workspace.id).values(currency="DKK")
        )
        session.rollback()
    after_a_rollback = _answer(db, kept, reads)

    assert (after_a_statement, after_an_object, after_a_rollback) == (3, 4, 4)
    assert _answer(db, elsewhere, reads) == 2


def test_an_answer_read_while_a_write_committed_is_not_kept(
    db: Database, workspace: WorkspaceFixture
) -> None:
    kept = KeptAnswers(["workspaces"])

    def read_while_written() -> str:
        with db.transaction() as writer:
            writer.execute(
                update(Workspace).where(Workspace.id == workspace.id).values(currency="SEK")
            )
        return "read before the write committed"

    with db.session(write=False) as session:
        kept.answer(session, "k", read_while_written)
    with db.session(write=False) as session:
        again = kept.answer(session, "k", lambda: "read again")

    assert again == "read again"


def test_a_transaction_that_wrote_its_tables_reads_them_itself(
    db: Database, workspace: WorkspaceFixture
) -> None:
    kept, reads = KeptAnswers(["workspaces"]), Reads()
    _answer(db, kept, reads)
    with db.transaction() as session:
        found = session.get(Workspace, workspace.id)
        assert found is not None
        found.updated_at = datetime(2026, 1, 1, tzinfo=UTC)
        unflushed = kept.answer(session, "k", reads)
        session.flush()
        flushed = kept.answer(session, "k", reads)
        session.rollback()

    assert (unflushed, flushed) == (2, 3)
    assert _answer(db, kept, reads) == 1


def test_answers_kept_for_readers_are_read_anew_by_a_session_that_may_write(db: Database) -> None:
    kept, reads = KeptAnswers(["workspaces"], readers_only=True), Reads()
    with db.session(write=True) as writer:
        by_a_writer = [kept.answer(writer, "k", reads), kept.answer(writer, "k", reads)]
    by_readers = [_answer(db, kept, reads), _answer(db, kept, reads)]
    with Session(db.engine) as made_elsewhere:
        by_an_unmarked_session = kept.answer(made_elsewhere, "k", reads)

    assert by_a_writer == [1, 2]
    assert by_readers == [3, 3]
    assert by_an_unmarked_session == 4

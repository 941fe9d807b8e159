"""The test harness (tests/conftest.py): every test starts from an empty, migrated
database whose ids start at 1, whatever the test before it wrote."""

import pytest
from sqlalchemy import func, select

from tests.conftest import make_workspace
from timeledger.access.credentials import PasswordHashing
from timeledger.changelog.service import head_revision
from timeledger.kit.db import Database
from timeledger.models import Change, Workspace


@pytest.mark.parametrize("turn", ["first", "second"])
def test_a_test_finds_the_database_empty_and_ids_starting_at_one(
    db: Database, hashing: PasswordHashing, turn: str
) -> None:
    created = make_workspace(db, hashing, f"Acme {turn}")
    assert (created.id, created.owner_id) == (1, 1)
    with db.transaction() as session:
        assert session.scalar(select(func.count()).select_from(Workspace)) == 1
        changes = session.scalar(select(func.count()).select_from(Change))
        assert changes == head_revision(session, created.id)

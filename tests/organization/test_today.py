"""The workspace's basics: read once per session, and what the session holds wins."""

from tests.conftest import WorkspaceFixture, statements_sent
from timeledger.kit.db import Database
from timeledger.models import Workspace
from timeledger.organization.today import WorkspaceBasics, workspace_basics


def test_the_basics_are_read_once_per_session(db: Database, workspace: WorkspaceFixture) -> None:
    with (
        statements_sent(db) as reads,
        db.session(write=False, workspace_id=workspace.id) as session,
    ):
        first = workspace_basics(session, workspace.id)
        again = workspace_basics(session, workspace.id)
        missing = workspace_basics(session, workspace.id + 1000)
    assert first == again
    assert first is not None and first.week_start in range(1, 8)
    assert missing is None
    # The prepared read runs below SQLAlchemy's statement events: no ORM load happened.
    assert [statement for statement in reads if "workspaces" in statement] == []


def test_a_workspace_the_session_holds_answers_with_its_unflushed_changes(
    db: Database, workspace: WorkspaceFixture
) -> None:
    with db.transaction(workspace_id=workspace.id) as session:
        before = workspace_basics(session, workspace.id)
        loaded = session.get(Workspace, workspace.id)
        assert loaded is not None
        loaded.timezone, loaded.currency, loaded.week_start = "Asia/Tokyo", "JPY", 7
        after = workspace_basics(session, workspace.id)
        session.rollback()
    assert before is not None and before.timezone != "Asia/Tokyo"
    assert after == WorkspaceBasics("Asia/Tokyo", "JPY", 7)

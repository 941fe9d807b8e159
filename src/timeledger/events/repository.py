"""Reading the change log by revision; the session scopes it to the workspace."""

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from timeledger.models import Change, Workspace


class ChangeRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def head_revision(self, workspace_id: int) -> int:
        """The newest committed revision of the workspace (0 before any change)."""
        revision = self.session.scalar(
            select(Workspace.revision).where(Workspace.id == workspace_id)
        )
        return int(revision or 0)

    def window(self, after: int, through: int, entities: Sequence[str] = ()) -> list[Change]:
        """The changes with revisions in (after, through], oldest first, of `entities`
        (all when empty). Revisions are gapless, so the window bounds the rows read
        whatever the log's size: a primary-key range scan."""
        statement = (
            select(Change)
            .where(Change.revision > after, Change.revision <= through)
            .order_by(Change.revision)
        )
        if entities:
            statement = statement.where(Change.entity.in_(entities))
        return list(self.session.scalars(statement))

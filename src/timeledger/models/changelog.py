from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from timeledger.kit.model import Base, Identifier, JsonDocument, TenantMixin


class Change(TenantMixin, Base):
    """One committed change of one entity; revisions grow by one per workspace, without gaps."""

    __tablename__ = "changes"

    workspace_id: Mapped[int] = mapped_column(
        Identifier, ForeignKey("workspaces.id", ondelete="CASCADE"), primary_key=True
    )
    revision: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    entity: Mapped[str] = mapped_column(String(64))
    entity_id: Mapped[int] = mapped_column(Identifier)
    op: Mapped[str] = mapped_column(String(32))
    actor_user_id: Mapped[int | None] = mapped_column(Identifier)
    at: Mapped[datetime]
    data: Mapped[dict[str, Any]] = mapped_column(JsonDocument)


class WorkspaceRevision(TenantMixin, Base):
    """The last revision a workspace wrote to its change log, in a row of its own: every
    write of the workspace updates it. On the workspace's row, which almost every
    request reads and every new row's foreign key share-locks, PostgreSQL left a dead
    version per write for those readers to step over, and concurrent writers met the
    foreign keys' shared locks (multixacts). No workspace has a row before its first
    change."""

    __tablename__ = "workspace_revisions"

    workspace_id: Mapped[int] = mapped_column(
        Identifier, ForeignKey("workspaces.id", ondelete="CASCADE"), primary_key=True
    )
    revision: Mapped[int] = mapped_column(BigInteger)

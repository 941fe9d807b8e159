from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from timeledger.kit.model import Base, Identifier, IdMixin, TenantMixin


class EntryBookmark(IdMixin, TenantMixin, Base):
    """A person's named query of the time-entry list, kept to run again later."""

    __tablename__ = "entry_bookmarks"
    __table_args__ = (UniqueConstraint("workspace_id", "user_id", "name"),)

    user_id: Mapped[int] = mapped_column(
        Identifier, ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    query: Mapped[str] = mapped_column(
        String(2000), comment="URL query string of the time-entry list, without a leading '?'."
    )
    row_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from timeledger.kit.model import Base, Identifier, IdMixin
from timeledger.models.types import JsonDocument


class Job(IdMixin, Base):
    """Work for the background worker, stored so that no process restart loses it."""

    __tablename__ = "jobs"
    __table_args__ = (Index("ix_jobs_due", "status", "run_at"),)

    kind: Mapped[str] = mapped_column(String(64))
    workspace_id: Mapped[int | None] = mapped_column(
        Identifier, ForeignKey("workspaces.id", ondelete="CASCADE")
    )
    payload: Mapped[dict[str, Any]] = mapped_column(JsonDocument, default=dict)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    run_at: Mapped[datetime]
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(String(2000))
    locked_until: Mapped[datetime | None]
    created_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]

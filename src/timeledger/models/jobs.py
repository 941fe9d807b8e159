from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from timeledger.kit.model import Base, Identifier, IdMixin, JsonDocument, TenantMixin


class Job(IdMixin, Base):
    """Work for the background worker, stored so that no process restart loses it; a job
    without a workspace is the system's own upkeep."""

    __tablename__ = "jobs"
    __table_args__ = (
        Index("ix_jobs_due", "status", "run_at"),
        Index("ix_jobs_workspace", "workspace_id", "id"),
    )

    kind: Mapped[str] = mapped_column(String(64))
    workspace_id: Mapped[int | None] = mapped_column(
        Identifier, ForeignKey("workspaces.id", ondelete="CASCADE")
    )
    payload: Mapped[dict[str, Any]] = mapped_column(JsonDocument, default=dict)
    status: Mapped[str] = mapped_column(
        String(16), default="pending", comment="pending | running | done | failed | cancelled"
    )
    run_at: Mapped[datetime]
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(String(2000))
    locked_until: Mapped[datetime | None]
    created_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    started_at: Mapped[datetime | None]
    progress_done: Mapped[int] = mapped_column(default=0, server_default="0")
    progress_total: Mapped[int | None]
    result: Mapped[dict[str, Any] | None] = mapped_column(JsonDocument)
    cancel_requested_at: Mapped[datetime | None]
    schedule_id: Mapped[int | None] = mapped_column(
        Identifier, ForeignKey("job_schedules.id", ondelete="SET NULL")
    )
    created_by_user_id: Mapped[int | None] = mapped_column(
        Identifier, ForeignKey("users.id", ondelete="SET NULL")
    )


class JobSchedule(IdMixin, TenantMixin, Base):
    """A job kind run whenever a cron expression, read in the workspace's time zone, fires."""

    __tablename__ = "job_schedules"
    __table_args__ = (Index("ix_job_schedules_due", "active", "next_run_at"),)

    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(64))
    cron: Mapped[str] = mapped_column(String(120))
    payload: Mapped[dict[str, Any]] = mapped_column(JsonDocument, default=dict)
    active: Mapped[bool] = mapped_column(default=True)
    next_run_at: Mapped[datetime | None]
    last_run_at: Mapped[datetime | None]
    created_by_user_id: Mapped[int | None] = mapped_column(
        Identifier, ForeignKey("users.id", ondelete="SET NULL")
    )
    row_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

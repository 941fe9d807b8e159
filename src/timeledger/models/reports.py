from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from timeledger.kit.model import Base, Identifier, IdMixin, TenantMixin


class ReportRun(IdMixin, TenantMixin, Base):
    """A report's whole file (CSV or XLSX), written by a job for whoever asked for it."""

    __tablename__ = "report_runs"

    kind: Mapped[str] = mapped_column(String(32), comment="hours | activity | presence | ...")
    format: Mapped[str] = mapped_column(String(8), comment="csv | xlsx")
    query: Mapped[str] = mapped_column(Text, comment="The report's query string.")
    status: Mapped[str] = mapped_column(
        String(16), default="pending", comment="pending | done | failed"
    )
    job_id: Mapped[int | None] = mapped_column(
        Identifier, ForeignKey("jobs.id", ondelete="SET NULL")
    )
    rows: Mapped[int] = mapped_column(default=0)
    content: Mapped[bytes | None] = mapped_column(LargeBinary)
    sha256: Mapped[str | None] = mapped_column(String(64))
    created_by_user_id: Mapped[int | None] = mapped_column(
        Identifier, ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]

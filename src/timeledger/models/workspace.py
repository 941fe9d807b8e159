from datetime import datetime
from typing import Any

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from timeledger.kit.model import Base, IdMixin, JsonDocument, PinnedInSession


class Workspace(IdMixin, PinnedInSession, Base):
    """The tenant: every other row of tenant data points here."""

    __tablename__ = "workspaces"

    name: Mapped[str] = mapped_column(String(200), unique=True)
    timezone: Mapped[str] = mapped_column(String(64))
    locale: Mapped[str] = mapped_column(String(16))
    currency: Mapped[str] = mapped_column(String(3))
    week_start: Mapped[int] = mapped_column(comment="ISO weekday the week starts on (1=Monday).")
    settings: Mapped[dict[str, Any]] = mapped_column(JsonDocument, default=dict)
    row_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

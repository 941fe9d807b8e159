from datetime import datetime
from typing import Any

from sqlalchemy import LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from timeledger.kit.model import Base, IdMixin
from timeledger.models.types import JsonDocument


class IdempotencyRecord(IdMixin, Base):
    """The stored outcome of a POST made with an Idempotency-Key, per credential."""

    __tablename__ = "idempotency_records"
    __table_args__ = (UniqueConstraint("credential_hash", "key"),)

    credential_hash: Mapped[str] = mapped_column(String(64))
    key: Mapped[str] = mapped_column(String(255))
    request_hash: Mapped[str] = mapped_column(String(64))
    completed: Mapped[bool] = mapped_column(default=False)
    response_status: Mapped[int | None]
    response_headers: Mapped[dict[str, Any] | None] = mapped_column(JsonDocument)
    response_body: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime] = mapped_column(index=True)

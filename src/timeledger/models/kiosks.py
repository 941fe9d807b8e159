"""Kiosks (shared check-in terminals), the badges and PINs people identify with at them,
and the wrong PINs counted per badge and kiosk."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from timeledger.kit.model import Base, Identifier, IdMixin, TenantMixin


class Kiosk(IdMixin, TenantMixin, Base):
    """A registered terminal; its device token is stored as the SHA-256 of the whole token
    and found by its visible prefix, as API keys are."""

    __tablename__ = "kiosks"

    name: Mapped[str] = mapped_column(String(200))
    token_prefix: Mapped[str] = mapped_column(String(32), unique=True)
    token_hash: Mapped[str] = mapped_column(String(64))
    token_issued_at: Mapped[datetime]
    created_by_user_id: Mapped[int] = mapped_column(Identifier, ForeignKey("users.id"))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    row_version: Mapped[int] = mapped_column(default=1)


class KioskOrgUnit(TenantMixin, Base):
    """An org unit a kiosk serves (with every unit below it)."""

    __tablename__ = "kiosk_org_units"

    kiosk_id: Mapped[int] = mapped_column(
        Identifier, ForeignKey("kiosks.id", ondelete="CASCADE"), primary_key=True
    )
    org_unit_id: Mapped[int] = mapped_column(
        Identifier, ForeignKey("org_units.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class KioskBadge(IdMixin, TenantMixin, Base):
    """An employee's badge number and argon2id-hashed PIN for the kiosks."""

    __tablename__ = "kiosk_badges"
    __table_args__ = (UniqueConstraint("workspace_id", "badge"),)

    employee_id: Mapped[int] = mapped_column(
        Identifier, ForeignKey("employees.id", ondelete="CASCADE"), unique=True
    )
    badge: Mapped[str | None] = mapped_column(String(32))
    pin_hash: Mapped[str | None] = mapped_column(String(200))
    updated_at: Mapped[datetime]


class KioskPinFailure(IdMixin, TenantMixin, Base):
    """Wrong PINs entered for one badge (known or not) at one kiosk, and the lock they led
    to; kept in the database so that every server process applies the same lock."""

    __tablename__ = "kiosk_pin_failures"
    __table_args__ = (
        UniqueConstraint("kiosk_id", "badge"),
        Index("ix_kiosk_pin_failures_first_failed_at", "first_failed_at"),
    )

    kiosk_id: Mapped[int] = mapped_column(Identifier, ForeignKey("kiosks.id", ondelete="CASCADE"))
    badge: Mapped[str] = mapped_column(String(32))
    failures: Mapped[int] = mapped_column(default=0)
    first_failed_at: Mapped[datetime | None]
    locked_until: Mapped[datetime | None]

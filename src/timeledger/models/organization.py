from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from timeledger.kit.model import (
    Base,
    Identifier,
    IdMixin,
    JsonDocument,
    PinnedInSession,
    TenantMixin,
)
from timeledger.kit.versioning import VersionMixin
from timeledger.models.configuration import ConfigEntity


class OrgUnit(ConfigEntity, PinnedInSession, Base):
    __tablename__ = "org_units"
    __table_args__ = (UniqueConstraint("workspace_id", "key"),)


class OrgUnitVersion(VersionMixin, TenantMixin, Base):
    """A unit of the organization tree (McTime organizations carry their `type`)."""

    __tablename__ = "org_unit_versions"

    org_unit_id: Mapped[int] = mapped_column(
        Identifier, ForeignKey("org_units.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    type: Mapped[str] = mapped_column(String(32))
    parent_id: Mapped[int | None] = mapped_column(
        Identifier, ForeignKey("org_units.id"), index=True
    )
    valid_to: Mapped[date | None] = mapped_column(Date)


class OrgUnitManager(IdMixin, TenantMixin, Base):
    """A user who manages a unit, and so (recursively) every unit below it."""

    __tablename__ = "org_unit_managers"
    __table_args__ = (UniqueConstraint("org_unit_id", "user_id"),)

    org_unit_id: Mapped[int] = mapped_column(
        Identifier, ForeignKey("org_units.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(
        Identifier, ForeignKey("users.id", ondelete="CASCADE"), index=True
    )


class Employee(ConfigEntity, PinnedInSession, Base):
    """The HR record of a person who records time; the user link is optional."""

    __tablename__ = "employees"
    __table_args__ = (
        UniqueConstraint("workspace_id", "employee_number"),
        UniqueConstraint("workspace_id", "user_id"),
        UniqueConstraint("workspace_id", "key"),
    )

    employee_number: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[int | None] = mapped_column(Identifier, ForeignKey("users.id"))


class EmployeeVersion(VersionMixin, TenantMixin, Base):
    __tablename__ = "employee_versions"

    employee_id: Mapped[int] = mapped_column(
        Identifier, ForeignKey("employees.id", ondelete="CASCADE"), index=True
    )
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str | None] = mapped_column(String(320))
    org_unit_id: Mapped[int | None] = mapped_column(
        Identifier, ForeignKey("org_units.id"), index=True
    )
    employment_terms_id: Mapped[int | None] = mapped_column(
        Identifier, ForeignKey("employment_terms.id"), index=True
    )
    timezone: Mapped[str | None] = mapped_column(String(64))
    weekly_pattern_minutes: Mapped[list[int]] = mapped_column(
        JsonDocument, comment="Planned minutes per ISO weekday, Monday first."
    )
    hourly_rate_minor: Mapped[int | None]


class Employment(IdMixin, TenantMixin, Base):
    """A period of employment; periods of one employee never overlap."""

    __tablename__ = "employments"

    employee_id: Mapped[int] = mapped_column(
        Identifier, ForeignKey("employees.id", ondelete="CASCADE"), index=True
    )
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    percentage_hundredths: Mapped[int] = mapped_column(comment="10000 = 100 %.")
    details: Mapped[dict[str, Any]] = mapped_column(JsonDocument, default=dict)
    created_at: Mapped[datetime]

"""Billing buckets: customers, projects (with members and rates) and tasks."""

from datetime import date

from sqlalchemy import Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from timeledger.kit.model import Base, Identifier, IdMixin, PinnedInSession, TenantMixin
from timeledger.kit.versioning import VersionMixin
from timeledger.models.configuration import ConfigEntity


class Customer(ConfigEntity, PinnedInSession, Base):
    __tablename__ = "customers"
    __table_args__ = (UniqueConstraint("workspace_id", "key"),)


class CustomerVersion(VersionMixin, TenantMixin, Base):
    __tablename__ = "customer_versions"

    customer_id: Mapped[int] = mapped_column(
        Identifier, ForeignKey("customers.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    note: Mapped[str] = mapped_column(Text, default="")
    hourly_rate_minor: Mapped[int | None]
    archived: Mapped[bool] = mapped_column(default=False)


class Project(ConfigEntity, PinnedInSession, Base):
    __tablename__ = "projects"
    __table_args__ = (UniqueConstraint("workspace_id", "key"),)


class ProjectVersion(VersionMixin, TenantMixin, Base):
    __tablename__ = "project_versions"

    project_id: Mapped[int] = mapped_column(
        Identifier, ForeignKey("projects.id", ondelete="CASCADE"), index=True
    )
    customer_id: Mapped[int | None] = mapped_column(
        Identifier, ForeignKey("customers.id"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    note: Mapped[str] = mapped_column(Text, default="")
    requires_manager_approval: Mapped[bool] = mapped_column(default=False)
    billable: Mapped[bool] = mapped_column(default=True)
    hourly_rate_minor: Mapped[int | None]
    budget_kind: Mapped[str] = mapped_column(String(8), default="none", comment="none|hours|money")
    budget_amount: Mapped[int | None] = mapped_column(comment="Minutes or minor currency units.")
    rounding_method: Mapped[str] = mapped_column(
        String(8), default="none", comment="none | down | nearest | up"
    )
    rounding_minutes: Mapped[int] = mapped_column(default=1)
    planned_start: Mapped[date | None] = mapped_column(Date)
    planned_end: Mapped[date | None] = mapped_column(Date)
    archived: Mapped[bool] = mapped_column(default=False)


class ProjectMember(IdMixin, TenantMixin, Base):
    __tablename__ = "project_members"
    __table_args__ = (UniqueConstraint("project_id", "user_id"),)

    project_id: Mapped[int] = mapped_column(
        Identifier, ForeignKey("projects.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(
        Identifier, ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    is_manager: Mapped[bool] = mapped_column(default=False)
    hourly_rate_minor: Mapped[int | None]


class ProjectActivityRate(IdMixin, TenantMixin, Base):
    """The hourly rate of one activity on one project: the first step of the rate order."""

    __tablename__ = "project_activity_rates"
    __table_args__ = (UniqueConstraint("project_id", "activity_id"),)

    project_id: Mapped[int] = mapped_column(
        Identifier, ForeignKey("projects.id", ondelete="CASCADE"), index=True
    )
    activity_id: Mapped[int] = mapped_column(
        Identifier, ForeignKey("activities.id", ondelete="CASCADE"), index=True
    )
    hourly_rate_minor: Mapped[int]


class Task(ConfigEntity, Base):
    """A task of a project; a task with a parent is a subtask (Tyme's hierarchy)."""

    __tablename__ = "tasks"
    __table_args__ = (UniqueConstraint("workspace_id", "key"),)

    project_id: Mapped[int] = mapped_column(
        Identifier, ForeignKey("projects.id", ondelete="CASCADE"), index=True
    )
    parent_task_id: Mapped[int | None] = mapped_column(Identifier, ForeignKey("tasks.id"))


class TaskVersion(VersionMixin, TenantMixin, Base):
    __tablename__ = "task_versions"

    task_id: Mapped[int] = mapped_column(
        Identifier, ForeignKey("tasks.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    billable: Mapped[bool] = mapped_column(default=True)
    hourly_rate_minor: Mapped[int | None]
    budget_minutes: Mapped[int | None]
    archived: Mapped[bool] = mapped_column(default=False)

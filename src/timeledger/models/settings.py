"""Configuration of the Settings area: activities, reasons, dimensions, timebank accounts,
holiday calendars, the rule engine's policies and employment terms."""

from datetime import date
from typing import Any

from sqlalchemy import Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from timeledger.kit.model import Base, Identifier, IdMixin, JsonDocument, TenantMixin
from timeledger.kit.versioning import VersionMixin
from timeledger.models.configuration import ConfigEntity


class Activity(ConfigEntity, Base):
    __tablename__ = "activities"
    __table_args__ = (UniqueConstraint("workspace_id", "key"),)


class ActivityVersion(VersionMixin, TenantMixin, Base):
    __tablename__ = "activity_versions"

    activity_id: Mapped[int] = mapped_column(
        Identifier, ForeignKey("activities.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    type: Mapped[str] = mapped_column(String(16), comment="work | timeoff | non-work | allowance")
    parent_id: Mapped[int | None] = mapped_column(Identifier, ForeignKey("activities.id"))
    requires_project: Mapped[bool] = mapped_column(default=False)
    required_dimension_ids: Mapped[list[int]] = mapped_column(JsonDocument, default=list)
    billable: Mapped[bool] = mapped_column(default=False)
    hourly_rate_minor: Mapped[int | None]
    color: Mapped[str | None] = mapped_column(String(7))
    archived: Mapped[bool] = mapped_column(default=False)


class Reason(ConfigEntity, Base):
    __tablename__ = "reasons"
    __table_args__ = (UniqueConstraint("workspace_id", "key"),)


class ReasonVersion(VersionMixin, TenantMixin, Base):
    __tablename__ = "reason_versions"

    reason_id: Mapped[int] = mapped_column(
        Identifier, ForeignKey("reasons.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    archived: Mapped[bool] = mapped_column(default=False)


class Dimension(ConfigEntity, Base):
    __tablename__ = "dimensions"
    __table_args__ = (UniqueConstraint("workspace_id", "key"),)


class DimensionVersion(VersionMixin, TenantMixin, Base):
    __tablename__ = "dimension_versions"

    dimension_id: Mapped[int] = mapped_column(
        Identifier, ForeignKey("dimensions.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    allowed_values: Mapped[list[str]] = mapped_column(JsonDocument, default=list)
    archived: Mapped[bool] = mapped_column(default=False)


class TimebankAccount(ConfigEntity, Base):
    __tablename__ = "timebank_accounts"
    __table_args__ = (UniqueConstraint("workspace_id", "key"),)


class TimebankAccountVersion(VersionMixin, TenantMixin, Base):
    __tablename__ = "timebank_account_versions"

    timebank_account_id: Mapped[int] = mapped_column(
        Identifier, ForeignKey("timebank_accounts.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    unit: Mapped[str] = mapped_column(String(8), comment="days | hours")
    archived: Mapped[bool] = mapped_column(default=False)


class HolidayCalendar(ConfigEntity, Base):
    __tablename__ = "holiday_calendars"
    __table_args__ = (UniqueConstraint("workspace_id", "key"),)


class HolidayCalendarVersion(VersionMixin, TenantMixin, Base):
    __tablename__ = "holiday_calendar_versions"

    holiday_calendar_id: Mapped[int] = mapped_column(
        Identifier, ForeignKey("holiday_calendars.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    country: Mapped[str | None] = mapped_column(String(3), comment="ISO 3166-1 alpha-2.")
    subdivision: Mapped[str | None] = mapped_column(String(10))
    archived: Mapped[bool] = mapped_column(default=False)


class HolidayCustomDay(IdMixin, TenantMixin, Base):
    """A holiday the country rules do not know (a company day), or one they do, removed."""

    __tablename__ = "holiday_custom_days"
    __table_args__ = (UniqueConstraint("holiday_calendar_id", "day"),)

    holiday_calendar_id: Mapped[int] = mapped_column(
        Identifier, ForeignKey("holiday_calendars.id", ondelete="CASCADE"), index=True
    )
    day: Mapped[date] = mapped_column(Date)
    name: Mapped[str] = mapped_column(String(200))
    removed: Mapped[bool] = mapped_column(default=False)


class EmploymentTerms(ConfigEntity, Base):
    __tablename__ = "employment_terms"
    __table_args__ = (UniqueConstraint("workspace_id", "key"),)


class EmploymentTermsVersion(VersionMixin, TenantMixin, Base):
    """The agreement: norm, holidays, policies, reasons and how timesheets are approved."""

    __tablename__ = "employment_terms_versions"

    employment_terms_id: Mapped[int] = mapped_column(
        Identifier, ForeignKey("employment_terms.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    norm_minutes: Mapped[list[int]] = mapped_column(
        JsonDocument, comment="Norm minutes per ISO weekday, Monday first."
    )
    holiday_calendar_id: Mapped[int | None] = mapped_column(
        Identifier, ForeignKey("holiday_calendars.id")
    )
    flex_account_id: Mapped[int | None] = mapped_column(
        Identifier, ForeignKey("timebank_accounts.id")
    )
    reason_ids: Mapped[list[int]] = mapped_column(JsonDocument, default=list)
    timeoff_policy_ids: Mapped[list[int]] = mapped_column(JsonDocument, default=list)
    allowance_policy_ids: Mapped[list[int]] = mapped_column(JsonDocument, default=list)
    worktime_policy_id: Mapped[int | None] = mapped_column(
        Identifier, ForeignKey("worktime_policies.id")
    )
    settlement_policy_id: Mapped[int | None] = mapped_column(
        Identifier, ForeignKey("settlement_policies.id")
    )
    timesheet_approval: Mapped[str] = mapped_column(
        String(16), default="none", comment="none | manager | project_manager"
    )


# The rule engine's policies. A plugin reference is stored normalized, as the JSON object
# `{"plugin_id": ..., "config": {...}}` with every default of the plugin's config filled in.


class WorktimePolicy(ConfigEntity, Base):
    __tablename__ = "worktime_policies"
    __table_args__ = (UniqueConstraint("workspace_id", "key"),)


class WorktimePolicyVersion(VersionMixin, TenantMixin, Base):
    """How worked time is counted: deduction steps in order, constraints, the flex account."""

    __tablename__ = "worktime_policy_versions"

    worktime_policy_id: Mapped[int] = mapped_column(
        Identifier, ForeignKey("worktime_policies.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    flex_account_id: Mapped[int | None] = mapped_column(
        Identifier, ForeignKey("timebank_accounts.id")
    )
    steps: Mapped[list[dict[str, Any]]] = mapped_column(
        JsonDocument, default=list, comment="Plugin references of registry worktime-steps."
    )
    constraints: Mapped[list[dict[str, Any]]] = mapped_column(
        JsonDocument,
        default=list,
        comment="Plugin references of registry constraints, each with its severity.",
    )
    archived: Mapped[bool] = mapped_column(default=False)


class AllowancePolicy(ConfigEntity, Base):
    __tablename__ = "allowance_policies"
    __table_args__ = (UniqueConstraint("workspace_id", "key"),)


class AllowancePolicyVersion(VersionMixin, TenantMixin, Base):
    """Which minutes earn an allowance (a counter, or rules of filters and a calculator)
    and the allowance activity they land on."""

    __tablename__ = "allowance_policy_versions"

    allowance_policy_id: Mapped[int] = mapped_column(
        Identifier, ForeignKey("allowance_policies.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    target_activity_id: Mapped[int] = mapped_column(Identifier, ForeignKey("activities.id"))
    trigger_reason_ids: Mapped[list[int]] = mapped_column(JsonDocument, default=list)
    classify_as_overtime: Mapped[bool] = mapped_column(default=False)
    consumes_flex: Mapped[bool] = mapped_column(default=False)
    counter: Mapped[dict[str, Any] | None] = mapped_column(
        JsonDocument, comment="A plugin reference of registry counters, or null."
    )
    rules: Mapped[list[dict[str, Any]] | None] = mapped_column(
        JsonDocument, comment="[{filters: [plugin references], calculator: reference}], or null."
    )
    archived: Mapped[bool] = mapped_column(default=False)


class SettlementPolicy(ConfigEntity, Base):
    __tablename__ = "settlement_policies"
    __table_args__ = (UniqueConstraint("workspace_id", "key"),)


class SettlementPolicyVersion(VersionMixin, TenantMixin, Base):
    """What closing a statement of a period does with its figures."""

    __tablename__ = "settlement_policy_versions"

    settlement_policy_id: Mapped[int] = mapped_column(
        Identifier, ForeignKey("settlement_policies.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    period: Mapped[str] = mapped_column(String(8), comment="week | month")
    steps: Mapped[list[dict[str, Any]]] = mapped_column(
        JsonDocument, default=list, comment="Plugin references of registry settlement-steps."
    )
    archived: Mapped[bool] = mapped_column(default=False)


class TimeoffPolicy(ConfigEntity, Base):
    __tablename__ = "timeoff_policies"
    __table_args__ = (UniqueConstraint("workspace_id", "key"),)


class TimeoffPolicyVersion(VersionMixin, TenantMixin, Base):
    """A kind of leave: the activity it books, the account it takes from, who approves it
    and the usage, accrual and expiration plugins of its balance."""

    __tablename__ = "timeoff_policy_versions"

    timeoff_policy_id: Mapped[int] = mapped_column(
        Identifier, ForeignKey("timeoff_policies.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    activity_id: Mapped[int] = mapped_column(Identifier, ForeignKey("activities.id"))
    account_id: Mapped[int | None] = mapped_column(Identifier, ForeignKey("timebank_accounts.id"))
    approval: Mapped[str] = mapped_column(String(8), comment="none | manager")
    usage: Mapped[dict[str, Any]] = mapped_column(
        JsonDocument, comment="Plugin reference of registry usage-rules."
    )
    accrual: Mapped[dict[str, Any] | None] = mapped_column(
        JsonDocument, comment="Plugin reference of registry accruals."
    )
    expiration: Mapped[dict[str, Any] | None] = mapped_column(
        JsonDocument, comment="Plugin reference of registry expirations."
    )
    allow_negative: Mapped[bool] = mapped_column(default=False)
    min_notice_days: Mapped[int] = mapped_column(default=0)
    half_days: Mapped[bool] = mapped_column(default=False)
    archived: Mapped[bool] = mapped_column(default=False)

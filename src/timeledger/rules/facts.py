"""What an evaluation is computed from: plain, frozen values loaded by the service. The
histories are given whole; resolving what is in force on a day is part of the core."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

from timeledger.rules.plugins.base import PluginConfig

Severity = Literal["warning", "error"]


@dataclass(frozen=True)
class PluginUse:
    """A policy's reference to a plugin, its config parsed by the plugin's model."""

    plugin_id: str
    config: PluginConfig


@dataclass(frozen=True)
class ConstraintUse(PluginUse):
    severity: Severity = "warning"


@dataclass(frozen=True)
class AllowanceRule:
    filters: tuple[PluginUse, ...]
    calculator: PluginUse


@dataclass(frozen=True)
class WorktimePolicy:
    """A version of a work-time policy (`policy_id` None for an unsaved draft)."""

    policy_id: int | None
    effective_from: date | None
    flex_account_id: int | None
    steps: tuple[PluginUse, ...] = ()
    constraints: tuple[ConstraintUse, ...] = ()


@dataclass(frozen=True)
class AllowancePolicy:
    """A version of an allowance policy: a `counter` or `rules`, never both."""

    policy_id: int | None
    effective_from: date | None
    trigger_reason_ids: frozenset[int] = frozenset()
    classify_as_overtime: bool = False
    consumes_flex: bool = False
    counter: PluginUse | None = None
    rules: tuple[AllowanceRule, ...] = ()


@dataclass(frozen=True)
class TermsVersion:
    effective_from: date
    holiday_calendar_id: int | None
    worktime_policy_id: int | None
    allowance_policy_ids: tuple[int, ...]
    timeoff_policy_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class EmployeeVersion:
    effective_from: date
    timezone: str
    weekly_pattern_minutes: tuple[int, ...]
    """Minutes planned Monday ... Sunday."""
    employment_terms_id: int | None


@dataclass(frozen=True)
class Employment:
    starts_on: date
    ends_on: date | None
    percentage_hundredths: int = 10000
    """10000 = 100 %."""


@dataclass(frozen=True)
class Break:
    started_at: datetime
    ended_at: datetime | None


@dataclass(frozen=True)
class Interval:
    id: int
    started_at: datetime
    ended_at: datetime | None
    reason_id: int | None = None
    activity_id: int | None = None
    breaks: tuple[Break, ...] = ()


ActivityType = Literal["work", "timeoff", "non-work", "allowance"]


@dataclass(frozen=True)
class Entry:
    id: int
    day: date
    minutes: int
    activity_id: int
    activity_type: ActivityType
    started_at: datetime | None = None
    ended_at: datetime | None = None


@dataclass(frozen=True)
class DraftPolicies:
    """Unsaved policies that replace the employee's for a preview: `worktime` when
    `replaces_worktime`, the allowance policies when `allowance` is not None."""

    replaces_worktime: bool = False
    worktime: WorktimePolicy | None = None
    allowance: tuple[AllowancePolicy, ...] | None = None


@dataclass(frozen=True)
class Configuration:
    """The effective-dated configuration of one employee, as histories ordered by
    `effective_from`."""

    week_start: int
    """ISO weekday weeks start on."""
    employee_versions: tuple[EmployeeVersion, ...]
    employments: tuple[Employment, ...]
    terms: Mapping[int, tuple[TermsVersion, ...]] = field(default_factory=dict)
    worktime_policies: Mapping[int, tuple[WorktimePolicy, ...]] = field(default_factory=dict)
    allowance_policies: Mapping[int, tuple[AllowancePolicy, ...]] = field(default_factory=dict)
    holidays: Mapping[int, frozenset[date]] = field(default_factory=dict)
    """Holiday dates by calendar id (the years the context covers)."""
    drafts: DraftPolicies | None = None


@dataclass(frozen=True)
class EvaluationFacts:
    """Everything one employee's evaluation of [first, last] reads."""

    employee_id: int
    first: date
    last: date
    configuration: Configuration
    intervals: tuple[Interval, ...] = ()
    entries: tuple[Entry, ...] = ()

"""Evaluation: one employee's presence and entries over a range of days, through the
policies in force on each day, into lines, issues and the days' figures.

The order is fixed: worked minutes (presence minus recorded breaks, minus the work-time
steps' deductions), norm, credited time off, allowance policies in the terms' order (a
minute classified as overtime stays overtime), flex, then constraints. Weeks are evaluated
whole and the days before the range that constraints look back on are evaluated too, so a
day's figures never depend on the range it was asked in."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from fractions import Fraction
from itertools import pairwise
from typing import Any, Protocol, TypeVar

from timeledger.rules.contexts import (
    CounterDay,
    DayOutcome,
    FilterContext,
    WorkDay,
)
from timeledger.rules.digest import input_digest
from timeledger.rules.facts import (
    AllowancePolicy,
    Configuration,
    EmployeeVersion,
    Entry,
    EvaluationFacts,
    Interval,
    TermsVersion,
    WorktimePolicy,
)
from timeledger.rules.figures import (
    DayFigures,
    Evaluation,
    Issue,
    Line,
    LineKind,
    Source,
    Totals,
)
from timeledger.rules.plugins.registry import (
    CALCULATORS,
    CONSTRAINTS,
    COUNTERS,
    FILTERS,
    WORKTIME_STEPS,
    plugin_of,
)
from timeledger.rules.timeline import (
    LocalCalendar,
    Origin,
    Span,
    in_order,
    instant_of,
    minute_of,
    remove,
    total,
    union,
)

MAX_LOOKBACK_DAYS = 364
CREDITING_TYPES = frozenset({"timeoff", "non-work"})
"""Activity types whose entries credit the norm: absence, and paid time without work."""

VersionT = TypeVar("VersionT", bound="_Dated")


def evaluate(facts: EvaluationFacts) -> Evaluation:
    """The figures of `facts.first` to `facts.last`. The facts must cover
    `context_range(...)` of that range."""
    configuration = facts.configuration
    days, placed = _with_presence(facts)
    _lay_out_entries(days, facts.entries)
    for day in days.values():
        day.deduct()
    for week in _weeks(list(days.values()), configuration.week_start):
        _apply_allowance_policies(week)
    issues = _constraint_issues(list(days.values()), configuration.week_start)
    wanted = [days[day] for day in _dates(facts.first, facts.last)]
    issues += _policy_issues(wanted)
    lines = tuple(line for day in wanted for line in day.lines())
    figures = tuple(day.figures() for day in wanted)
    flex = [day.flex_delta_minutes for day in figures if day.flex_delta_minutes is not None]
    return Evaluation(
        employee_id=facts.employee_id,
        first=facts.first,
        last=facts.last,
        input_digest=input_digest(replace(facts, intervals=placed)),
        days=figures,
        lines=lines,
        issues=tuple(
            sorted(
                (issue for issue in issues if facts.first <= issue.day <= facts.last),
                key=lambda issue: (issue.day, issue.severity != "error", issue.code),
            )
        ),
        totals=Totals(
            norm_minutes=sum(day.norm_minutes for day in figures),
            worked_minutes=sum(day.worked_minutes for day in figures),
            overtime_minutes=sum(line.minutes for line in lines if line.kind == "overtime"),
            flex_delta_minutes=sum(flex) if flex else None,
        ),
    )


def digest_of(facts: EvaluationFacts) -> str:
    """The `input_digest` that `evaluate(facts)` answers, without the evaluation: the
    presence is laid out only as far as knowing which intervals count."""
    _days, placed = _with_presence(facts)
    return input_digest(replace(facts, intervals=placed))


def _with_presence(facts: EvaluationFacts) -> tuple[dict[date, "_Day"], tuple[Interval, ...]]:
    """The context's days with their presence laid out, and the intervals that count."""
    configuration = facts.configuration
    first, last = context_range(configuration, facts.first, facts.last)
    settings = DaySettings(configuration)
    days = {day: _Day(day, settings) for day in _dates(first, last)}
    return days, _lay_out_presence(days, facts.intervals, settings)


def context_range(configuration: Configuration, first: date, last: date) -> tuple[date, date]:
    """The days an evaluation of [first, last] reads: whole weeks, from as far back as the
    constraints look (at least the day before, for the daily rest)."""
    lookback = 1
    for policy in _all_worktime_policies(configuration):
        for constraint in policy.constraints:
            lookback = max(lookback, _lookback_of(constraint.plugin_id, constraint.config))
    start = first - timedelta(days=min(lookback, MAX_LOOKBACK_DAYS))
    start -= timedelta(days=(start.isoweekday() - configuration.week_start) % 7)
    end = last + timedelta(days=(configuration.week_start - 1 - last.isoweekday()) % 7)
    return start, end


def _lookback_of(plugin_id: str, config: Any) -> int:
    plugin = plugin_of(CONSTRAINTS, plugin_id)
    assert plugin is not None, plugin_id
    return int(plugin.lookback_days(config)) if plugin.lookback_days is not None else 1


def _behaviour(registry: str, plugin_id: str) -> Any:
    plugin = plugin_of(registry, plugin_id)
    assert plugin is not None, (registry, plugin_id)
    return plugin.behaviour


def _all_worktime_policies(configuration: Configuration) -> Iterable[WorktimePolicy]:
    for versions in configuration.worktime_policies.values():
        yield from versions
    drafts = configuration.drafts
    if drafts is not None and drafts.worktime is not None:
        yield drafts.worktime


def _dates(first: date, last: date) -> Iterable[date]:
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


class _Dated(Protocol):
    @property
    def effective_from(self) -> date | None: ...


def _in_force(versions: Sequence[VersionT], day: date) -> VersionT | None:
    """Of a history ordered by `effective_from`, the version in force on `day` (histories
    hold saved versions only: their dates are set)."""
    current = None
    for version in versions:
        if version.effective_from is not None and version.effective_from > day:
            break
        current = version
    return current


class DaySettings:
    """What is in force on a day: the employee's version, terms, policies and calendar."""

    def __init__(self, configuration: Configuration) -> None:
        self.configuration = configuration
        self.zone = (
            configuration.employee_versions[0].timezone
            if configuration.employee_versions
            else "UTC"
        )
        self._employee_on: dict[date, EmployeeVersion | None] = {}
        self._terms_on: dict[date, TermsVersion | None] = {}

    def employee_on(self, day: date) -> EmployeeVersion | None:
        if day not in self._employee_on:
            self._employee_on[day] = _in_force(self.configuration.employee_versions, day)
        return self._employee_on[day]

    def pattern_on(self, day: date) -> tuple[int, ...]:
        """The weekly pattern in force, or the first version's before it: what the week
        would plan, for sharing a weekly threshold."""
        employee = self.employee_on(day)
        versions = self.configuration.employee_versions
        if employee is None:
            return versions[0].weekly_pattern_minutes if versions else ()
        return employee.weekly_pattern_minutes

    def calendar_on(self, day: date) -> LocalCalendar:
        version = self.employee_on(day)
        return LocalCalendar(version.timezone if version is not None else self.zone)

    def terms_on(self, day: date) -> TermsVersion | None:
        if day not in self._terms_on:
            employee = self.employee_on(day)
            terms_id = employee.employment_terms_id if employee is not None else None
            versions = self.configuration.terms.get(terms_id, ()) if terms_id is not None else ()
            self._terms_on[day] = _in_force(versions, day)
        return self._terms_on[day]

    def employed_on(self, day: date) -> bool:
        """Within an employment period; an employee without any recorded is employed
        throughout, as the timesheet takes them."""
        periods = self.configuration.employments
        return not periods or any(
            period.starts_on <= day and (period.ends_on is None or day <= period.ends_on)
            for period in periods
        )

    def holidays_on(self, day: date) -> frozenset[date]:
        terms = self.terms_on(day)
        if terms is None or terms.holiday_calendar_id is None:
            return frozenset()
        return self.configuration.holidays.get(terms.holiday_calendar_id, frozenset())

    def worktime_policy_on(self, day: date) -> WorktimePolicy | None:
        drafts = self.configuration.drafts
        if drafts is not None and drafts.replaces_worktime:
            return drafts.worktime if self.employee_on(day) is not None else None
        terms = self.terms_on(day)
        if terms is None or terms.worktime_policy_id is None:
            return None
        versions = self.configuration.worktime_policies.get(terms.worktime_policy_id, ())
        return _in_force(versions, day)

    def allowance_policies_on(self, day: date) -> tuple[tuple[object, AllowancePolicy], ...]:
        """The policies in force, in the terms' order, each with a key naming it across
        days (its id, or its place among drafts)."""
        drafts = self.configuration.drafts
        if drafts is not None and drafts.allowance is not None:
            if self.employee_on(day) is None:
                return ()
            return tuple(
                (("draft", index), policy) for index, policy in enumerate(drafts.allowance)
            )
        terms = self.terms_on(day)
        if terms is None:
            return ()
        found: list[tuple[object, AllowancePolicy]] = []
        for policy_id in terms.allowance_policy_ids:
            versions = self.configuration.allowance_policies.get(policy_id, ())
            version = _in_force(versions, day)
            if version is not None:
                found.append((policy_id, version))
        return tuple(found)


@dataclass
class _Figure:
    kind: LineKind
    minutes: int
    policy_id: int | None = None
    effective_from: date | None = None
    rule_index: int | None = None
    plugin_id: str | None = None
    rate_percent: int | None = None
    units: int | None = None
    amount_minor: int | None = None
    basis: Any = None
    spans: Sequence[Span] = ()


@dataclass
class _Day:
    """One shift day while it is being evaluated."""

    day: date
    settings: DaySettings
    presence: list[Span] = field(default_factory=list)
    entry_spans: list[Span] = field(default_factory=list)
    open_interval_ids: list[int] = field(default_factory=list)
    paid_absence_minutes: int = 0
    work_entry_minutes: int = 0
    has_work_entries: bool = False
    worked: list[Span] = field(default_factory=list)
    deductions: list[_Figure] = field(default_factory=list)
    allowances: list[_Figure] = field(default_factory=list)
    claimed: list[Span] = field(default_factory=list)
    consuming: list[Span] = field(default_factory=list)
    """Minutes of policies that consume flex; a minute two lines name is taken once."""

    def __post_init__(self) -> None:
        self.calendar = self.settings.calendar_on(self.day)
        self.worktime_policy = self.settings.worktime_policy_on(self.day)
        self.allowance_policies = self.settings.allowance_policies_on(self.day)
        self.holidays = self.settings.holidays_on(self.day)
        employee = self.settings.employee_on(self.day)
        pattern = self.settings.pattern_on(self.day)
        self.planned_minutes = pattern[self.day.isoweekday() - 1] if pattern else 0
        working_day = (
            employee is not None
            and self.settings.employed_on(self.day)
            and self.day not in self.holidays
        )
        self.norm_minutes = self.planned_minutes if working_day else 0

    def deduct(self) -> None:
        spans = in_order(self.presence)
        policy = self.worktime_policy
        gaps = _gaps(spans)
        for index, step in enumerate(policy.steps if policy is not None else ()):
            deducted = tuple(figure.minutes for figure in self.deductions)
            work_day = WorkDay(self.day, tuple(spans), gaps + deducted)
            taken = _behaviour(WORKTIME_STEPS, step.plugin_id)(work_day, step.config)
            if taken:
                assert policy is not None
                spans = remove(spans, taken)
                self.deductions.append(
                    _Figure(
                        "break_deduction",
                        total(taken),
                        policy.policy_id,
                        policy.effective_from,
                        rule_index=index,
                        plugin_id=step.plugin_id,
                        spans=taken,
                    )
                )
        self.worked = spans

    @property
    def worked_minutes(self) -> int:
        return total(self.worked)

    @property
    def credited_minutes(self) -> int:
        """Paid absence counts up to the day's norm: a day off credits what the day
        would have asked, never more (nothing on a holiday)."""
        return min(self.paid_absence_minutes, self.norm_minutes)

    @property
    def flex_delta_minutes(self) -> int | None:
        policy = self.worktime_policy
        if policy is None or policy.flex_account_id is None:
            return None
        consumed = min(total(union(self.consuming)), self.worked_minutes)
        return self.worked_minutes + self.credited_minutes - self.norm_minutes - consumed

    def figures(self) -> DayFigures:
        return DayFigures(
            day=self.day,
            norm_minutes=self.norm_minutes,
            worked_minutes=self.worked_minutes,
            credited_minutes=self.credited_minutes,
            flex_delta_minutes=self.flex_delta_minutes,
        )

    def lines(self) -> list[Line]:
        lines: list[Line] = []
        if self.worked:
            lines.append(self._line(_Figure("worked", self.worked_minutes, spans=self.worked)))
        if self.norm_minutes:
            lines.append(self._line(_Figure("norm", self.norm_minutes)))
        lines += [self._line(figure) for figure in self.deductions + self.allowances]
        flex = self.flex_delta_minutes
        if flex is not None:
            policy = self.worktime_policy
            assert policy is not None
            lines.append(self._line(_Figure("flex", flex, policy.policy_id, policy.effective_from)))
        return lines

    def _line(self, figure: _Figure) -> Line:
        return Line(
            day=self.day,
            kind=figure.kind,
            minutes=figure.minutes,
            policy_id=figure.policy_id,
            policy_version_effective_from=figure.effective_from,
            rule_index=figure.rule_index,
            plugin_id=figure.plugin_id,
            rate_percent=figure.rate_percent,
            units=figure.units,
            amount_minor=figure.amount_minor,
            basis=figure.basis,
            sources=_sources(figure.spans),
        )

    def outcome(self, week_start: date) -> DayOutcome:
        return DayOutcome(
            shift_day=self.day,
            week_start=week_start,
            presence=tuple(in_order(self.presence)),
            worked_minutes=self.worked_minutes,
            overtime_minutes=sum(
                figure.minutes for figure in self.allowances if figure.kind == "overtime"
            ),
            open_interval_ids=tuple(self.open_interval_ids),
            work_entry_minutes=self.work_entry_minutes,
            has_work_entries=self.has_work_entries,
        )


def _gaps(spans: Sequence[Span]) -> tuple[int, ...]:
    return tuple(
        later.start - earlier.end for earlier, later in pairwise(spans) if later.start > earlier.end
    )


def _sources(spans: Sequence[Span]) -> tuple[Source, ...]:
    """One source per record and stretch: adjacent minutes of one record are merged."""
    merged: list[Span] = []
    for span in spans:
        last = merged[-1] if merged else None
        if last is not None and last.origin == span.origin and last.end == span.start:
            merged[-1] = Span(last.start, span.end, span.origin)
        else:
            merged.append(span)
    return tuple(
        Source(
            presence_interval_id=span.origin.id if span.origin.kind == "presence" else None,
            entry_id=span.origin.id if span.origin.kind == "entry" else None,
            started_at=instant_of(span.start) if span.origin.timed else None,
            ended_at=instant_of(span.end) if span.origin.timed else None,
            minutes=span.minutes,
        )
        for span in merged
    )


def _lay_out_presence(
    days: dict[date, _Day], intervals: Iterable[Interval], settings: DaySettings
) -> tuple[Interval, ...]:
    """Each interval on the local date it starts on: its minutes less its breaks. Answers
    those that fell on a day of `days` (the others are no input of the evaluation)."""
    placed: list[Interval] = []
    for interval in intervals:
        utc_day = interval.started_at.date()
        shift_day = settings.calendar_on(utc_day).date_of(minute_of(interval.started_at))
        day = days.get(shift_day)
        if day is None:
            continue
        placed.append(interval)
        if interval.ended_at is None:
            day.open_interval_ids.append(interval.id)
            continue
        origin = Origin(
            "presence", interval.id, shift_day, interval.reason_id, interval.activity_id
        )
        start, end = minute_of(interval.started_at), minute_of(interval.ended_at)
        if end <= start:
            continue
        whole = [Span(start, end, origin)]
        breaks = []
        for recorded in interval.breaks:
            low = max(start, minute_of(recorded.started_at))
            high = min(end, minute_of(recorded.ended_at) if recorded.ended_at else end)
            if low < high:
                breaks.append(Span(low, high, origin))
        day.presence += remove(whole, breaks)
    return tuple(placed)


def _lay_out_entries(days: dict[date, _Day], entries: Iterable[Entry]) -> None:
    for entry in entries:
        day = days.get(entry.day)
        if day is None or entry.minutes <= 0:
            continue
        if entry.activity_type in CREDITING_TYPES:
            day.paid_absence_minutes += entry.minutes
        elif entry.activity_type == "work":
            day.work_entry_minutes += entry.minutes
            day.has_work_entries = True
        if entry.started_at is not None and entry.ended_at is not None:
            start = minute_of(entry.started_at)
            if minute_of(entry.ended_at) - start == entry.minutes:
                origin = Origin("entry", entry.id, entry.day, None, entry.activity_id)
                day.entry_spans.append(Span(start, start + entry.minutes, origin))
                continue
        origin = Origin("entry", entry.id, entry.day, None, entry.activity_id, timed=False)
        day.entry_spans.append(Span(0, entry.minutes, origin))


def _weeks(days: list[_Day], week_start: int) -> list[list[_Day]]:
    weeks: list[list[_Day]] = []
    for day in days:
        if not weeks or day.day.isoweekday() == week_start:
            weeks.append([])
        weeks[-1].append(day)
    return weeks


def _apply_allowance_policies(week: list[_Day]) -> None:
    """Policy by policy, in the order of the terms in force on the week's last day (then
    those only earlier days name, in their order): a minute one classifies as overtime is
    not another's."""
    order: list[object] = []
    for day in [week[-1], *week]:
        for key, _policy in day.allowance_policies:
            if key not in order:
                order.append(key)
    for key in order:
        applying = [
            (day, policy)
            for day in week
            for found, policy in day.allowance_policies
            if found == key
        ]
        counted = [(day, version) for day, version in applying if version.counter is not None]
        if counted:
            _apply_counter(counted, _share_of_week(week, [day for day, _ in counted]))
        for day, version in applying:
            if version.counter is None:
                _apply_rules(day, version)


def _visible(day: _Day, policy: AllowancePolicy) -> list[Span]:
    if not policy.trigger_reason_ids:
        return day.worked
    return [span for span in day.worked if span.origin.reason_id in policy.trigger_reason_ids]


def _kind_of(policy: AllowancePolicy) -> LineKind:
    return "overtime" if policy.classify_as_overtime else "allowance"


def _record(day: _Day, policy: AllowancePolicy, figure: _Figure) -> None:
    day.allowances.append(figure)
    if policy.classify_as_overtime:
        day.claimed += figure.spans
    if policy.consumes_flex:
        day.consuming += figure.spans


def _share_of_week(week: list[_Day], counted: list[_Day]) -> Fraction:
    """The share of the week's weekly threshold a counter has when it counts only some of
    the week's days (terms naming it from mid-week, a first employee version in mid-week):
    the planned minutes of those days over the week's, holidays aside. 1 for the whole
    week; by days when nothing is planned."""
    if len(counted) == len(week):
        return Fraction(1)
    planned = sum(day.planned_minutes for day in week)
    if planned == 0:
        return Fraction(len(counted), len(week))
    return Fraction(sum(day.planned_minutes for day in counted), planned)


def _apply_counter(counted: list[tuple[_Day, AllowancePolicy]], share: Fraction) -> None:
    """One week of a counter policy: each day's daily threshold from the version in force
    on it; the weekly one from the version of the last day it applies to, at `share`."""
    last = counted[-1][1]
    assert last.counter is not None
    by_date = {day.day: (day, version) for day, version in counted}
    counter_days = [
        CounterDay(
            day.day,
            day.norm_minutes,
            tuple(_visible(day, version)),
            tuple(day.claimed) if version.classify_as_overtime else (),
            config=version.counter.config if version.counter is not None else None,
        )
        for day, version in counted
    ]
    takes = _behaviour(COUNTERS, last.counter.plugin_id)(counter_days, last.counter.config, share)
    for take in takes:
        minutes = total(take.spans)
        day, version = by_date[take.shift_day]
        source = version if take.basis == "day" else last
        assert source.counter is not None
        if minutes:
            _record(
                day,
                source,
                _Figure(
                    _kind_of(source),
                    minutes,
                    source.policy_id,
                    source.effective_from,
                    plugin_id=source.counter.plugin_id,
                    rate_percent=source.counter.config.rate_percent,  # type: ignore[attr-defined]
                    basis=take.basis,
                    spans=take.spans,
                ),
            )


def _apply_rules(day: _Day, policy: AllowancePolicy) -> None:
    context = FilterContext(day.day, day.calendar, day.holidays)
    for index, rule in enumerate(policy.rules):
        reads_entries = any(
            getattr(plugin_of(FILTERS, use.plugin_id), "reads_entries", False)
            for use in rule.filters
        )
        spans = list(day.entry_spans if reads_entries else _visible(day, policy))
        for use in rule.filters:
            spans = _behaviour(FILTERS, use.plugin_id)(spans, context, use.config)
        if policy.classify_as_overtime:
            spans = remove(spans, day.claimed)
        calculator = rule.calculator
        figure = _behaviour(CALCULATORS, calculator.plugin_id)(in_order(spans), calculator.config)
        if figure is None:
            continue
        _record(
            day,
            policy,
            _Figure(
                _kind_of(policy),
                figure.minutes,
                policy.policy_id,
                policy.effective_from,
                rule_index=index,
                plugin_id=calculator.plugin_id,
                rate_percent=figure.rate_percent,
                units=figure.units,
                amount_minor=figure.amount_minor,
                spans=in_order(spans),
            ),
        )


def _constraint_issues(days: list[_Day], week_start: int) -> list[Issue]:
    outcomes = [
        day.outcome(day.day - timedelta(days=(day.day.isoweekday() - week_start) % 7))
        for day in days
    ]
    uses: dict[tuple[int | None, date | None, int], tuple[WorktimePolicy, set[date]]] = {}
    for day in days:
        policy = day.worktime_policy
        if policy is None:
            continue
        for index in range(len(policy.constraints)):
            key = (policy.policy_id, policy.effective_from, index)
            uses.setdefault(key, (policy, set()))[1].add(day.day)
    issues: list[Issue] = []
    for (_policy_id, _since, index), (policy, applying) in uses.items():
        constraint = policy.constraints[index]
        findings = _behaviour(CONSTRAINTS, constraint.plugin_id)(outcomes, constraint.config)
        issues += [
            Issue(
                day=finding.shift_day,
                severity=constraint.severity,
                code=finding.code,
                message=finding.message,
                policy_id=policy.policy_id,
                plugin_id=constraint.plugin_id,
            )
            for finding in findings
            if finding.shift_day in applying
        ]
    return issues


def _policy_issues(days: Sequence[_Day]) -> list[Issue]:
    for day in days:
        if day.worktime_policy is None and not day.allowance_policies:
            return [
                Issue(
                    day=day.day,
                    severity="warning",
                    code="no_policies",
                    message="No work-time or allowance policy applies from this day (the "
                    "employee has no employment terms, or the terms name no policy): only "
                    "worked and norm minutes are evaluated.",
                )
            ]
    return []

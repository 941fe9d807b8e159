"""Evaluation of employees: the facts loaded from the database, the figures from the pure
core. Nothing is written."""

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from timeledger.evaluation.repository import (
    employee_history,
    employment_periods,
    entries_of_days,
    intervals_starting,
)
from timeledger.evaluation.schemas import DraftPolicies
from timeledger.kit.errors import Unprocessable
from timeledger.kit.versioning import VersionHistory
from timeledger.organization.today import workspace_basics
from timeledger.rules import facts
from timeledger.rules.evaluation import context_range, evaluate
from timeledger.rules.figures import Evaluation
from timeledger.rules.plugins.registry import (
    CALCULATORS,
    CONSTRAINTS,
    COUNTERS,
    FILTERS,
    WORKTIME_STEPS,
    parse_config,
)
from timeledger.settings.service import (
    ALLOWANCE_POLICIES,
    EMPLOYMENT_TERMS,
    WORKTIME_POLICIES,
    holiday_dates,
)
from timeledger.settings.store import ConfigKind

Values = Mapping[str, Any]
FactT = TypeVar("FactT")


@dataclass(frozen=True)
class Drafts:
    """Unsaved policies of a preview, as validated and normalized values."""

    worktime: Values | None
    replaces_worktime: bool
    allowance: Sequence[Values] | None


def worktime_policy_of(
    values: Values, policy_id: int | None, since: date | None
) -> facts.WorktimePolicy:
    return facts.WorktimePolicy(
        policy_id=policy_id,
        effective_from=since,
        flex_account_id=values.get("flex_account_id"),
        steps=tuple(_uses(WORKTIME_STEPS, values.get("steps") or ())),
        constraints=tuple(
            facts.ConstraintUse(use.plugin_id, use.config, reference.get("severity", "warning"))
            for use, reference in zip(
                _uses(CONSTRAINTS, values.get("constraints") or ()),
                values.get("constraints") or (),
                strict=True,
            )
        ),
    )


def allowance_policy_of(
    values: Values, policy_id: int | None, since: date | None
) -> facts.AllowancePolicy:
    counter = values.get("counter")
    return facts.AllowancePolicy(
        policy_id=policy_id,
        effective_from=since,
        trigger_reason_ids=frozenset(values.get("trigger_reason_ids") or ()),
        classify_as_overtime=bool(values.get("classify_as_overtime")),
        consumes_flex=bool(values.get("consumes_flex")),
        counter=_use(COUNTERS, counter) if counter else None,
        rules=tuple(
            facts.AllowanceRule(
                filters=tuple(_uses(FILTERS, rule.get("filters") or ())),
                calculator=_use(CALCULATORS, rule["calculator"]),
            )
            for rule in values.get("rules") or ()
        ),
    )


def _use(registry: str, reference: Values) -> facts.PluginUse:
    return facts.PluginUse(reference["plugin_id"], parse_config(registry, reference, "stored"))


def _uses(registry: str, references: Iterable[Values]) -> list[facts.PluginUse]:
    return [_use(registry, reference) for reference in references]


def _values_of(version: Any, names: Iterable[str]) -> dict[str, Any]:
    return {name: getattr(version, name) for name in names}


def _terms_version(version: Any) -> facts.TermsVersion:
    return facts.TermsVersion(
        effective_from=version.effective_from,
        holiday_calendar_id=version.holiday_calendar_id,
        worktime_policy_id=version.worktime_policy_id,
        allowance_policy_ids=tuple(version.allowance_policy_ids or ()),
        timeoff_policy_ids=tuple(version.timeoff_policy_ids or ()),
    )


def _worktime_version(version: Any) -> facts.WorktimePolicy:
    values = _values_of(version, ("flex_account_id", "steps", "constraints"))
    return worktime_policy_of(values, version.worktime_policy_id, version.effective_from)


def _allowance_version(version: Any) -> facts.AllowancePolicy:
    names = ("trigger_reason_ids", "classify_as_overtime", "consumes_flex", "counter", "rules")
    values = _values_of(version, names)
    return allowance_policy_of(values, version.allowance_policy_id, version.effective_from)


class FactsLoader:
    """Loads employees' facts; what several employees share (terms, policies, holidays)
    is read once per loader."""

    def __init__(self, session: Session, workspace_id: int) -> None:
        self.session = session
        self.workspace_id = workspace_id
        basics = workspace_basics(session, workspace_id)
        assert basics is not None, workspace_id
        self.week_start = basics.week_start
        self.zone = basics.timezone
        self._terms: dict[int, tuple[facts.TermsVersion, ...]] = {}
        self._worktime: dict[int, tuple[facts.WorktimePolicy, ...]] = {}
        self._allowance: dict[int, tuple[facts.AllowancePolicy, ...]] = {}
        self._holidays: dict[tuple[int, int], frozenset[date]] = {}

    def facts_of(
        self, employee_id: int, first: date, last: date, drafts: Drafts | None = None
    ) -> facts.EvaluationFacts:
        configuration = self._configuration(employee_id, drafts)
        context_first, context_last = context_range(configuration, first, last)
        # A night shift of the context's last day runs into the day after it.
        configuration = self._with_holidays(
            configuration, context_first, context_last + timedelta(days=2)
        )
        return facts.EvaluationFacts(
            employee_id=employee_id,
            first=first,
            last=last,
            configuration=configuration,
            intervals=self._intervals(employee_id, context_first, context_last),
            entries=self._entries(employee_id, context_first, context_last),
        )

    def configuration_of(self, employee_id: int, first: date, last: date) -> facts.Configuration:
        """The employee's configuration with the holidays of `first` to `last`: what
        planning those days reads (time off counts its days from it)."""
        return self._with_holidays(self._configuration(employee_id, None), first, last)

    # Where the rows of one employee come from: a loader for many employees at once
    # overrides these four.

    def employee_version_rows(self, employee_id: int) -> Sequence[Any]:
        return employee_history(self.session, self.workspace_id, employee_id)

    def employment_rows(self, employee_id: int) -> Sequence[Any]:
        return employment_periods(self.session, self.workspace_id, employee_id)

    def interval_rows(
        self, employee_id: int, starts_from: datetime, starts_before: datetime
    ) -> Sequence[Any]:
        """The employee's intervals starting in [starts_from, starts_before), a row per
        break (break columns null for an interval without one)."""
        return intervals_starting(
            self.session, self.workspace_id, employee_id, starts_from, starts_before
        )

    def entry_rows(self, employee_id: int, first: date, last: date) -> Sequence[Any]:
        return entries_of_days(self.session, self.workspace_id, employee_id, first, last)

    def _configuration(self, employee_id: int, drafts: Drafts | None) -> facts.Configuration:
        versions = tuple(
            facts.EmployeeVersion(
                effective_from=row.effective_from,
                timezone=row.timezone or self.zone,
                weekly_pattern_minutes=tuple(row.weekly_pattern_minutes),
                employment_terms_id=row.employment_terms_id,
            )
            for row in self.employee_version_rows(employee_id)
        )
        employments = tuple(
            facts.Employment(row.starts_on, row.ends_on, row.percentage_hundredths)
            for row in self.employment_rows(employee_id)
        )
        terms = self._histories(
            self._terms,
            EMPLOYMENT_TERMS.history,
            {v.employment_terms_id for v in versions if v.employment_terms_id is not None},
            _terms_version,
        )
        worktime_ids = {v.worktime_policy_id for h in terms.values() for v in h}
        allowance_ids = {i for h in terms.values() for v in h for i in v.allowance_policy_ids}
        return facts.Configuration(
            week_start=self.week_start,
            employee_versions=versions,
            employments=employments,
            terms=terms,
            worktime_policies=self._histories(
                self._worktime,
                WORKTIME_POLICIES.history,
                {policy_id for policy_id in worktime_ids if policy_id is not None},
                _worktime_version,
            ),
            allowance_policies=self._histories(
                self._allowance, ALLOWANCE_POLICIES.history, allowance_ids, _allowance_version
            ),
            drafts=_draft_facts(drafts),
        )

    def _histories(
        self,
        known: dict[int, tuple[FactT, ...]],
        history: VersionHistory[Any],
        owner_ids: set[int],
        fact_of: Callable[[Any], FactT],
    ) -> dict[int, tuple[FactT, ...]]:
        """The histories of `owner_ids` as facts; those not known yet are read, one
        prepared query each."""
        for owner_id in owner_ids - known.keys():
            rows = history.history_rows(self.session, self.workspace_id, owner_id)
            known[owner_id] = tuple(fact_of(row) for row in rows)
        return {owner_id: known[owner_id] for owner_id in owner_ids}

    def _with_holidays(
        self, configuration: facts.Configuration, first: date, last: date
    ) -> facts.Configuration:
        calendars = {
            version.holiday_calendar_id
            for history in configuration.terms.values()
            for version in history
            if version.holiday_calendar_id is not None
        }
        holidays = {
            calendar_id: frozenset(
                day
                for year in range(first.year, last.year + 1)
                for day in self._holidays_of(calendar_id, year)
            )
            for calendar_id in calendars
        }
        return facts.Configuration(
            week_start=configuration.week_start,
            employee_versions=configuration.employee_versions,
            employments=configuration.employments,
            terms=configuration.terms,
            worktime_policies=configuration.worktime_policies,
            allowance_policies=configuration.allowance_policies,
            holidays=holidays,
            drafts=configuration.drafts,
        )

    def _holidays_of(self, calendar_id: int, year: int) -> frozenset[date]:
        if (calendar_id, year) not in self._holidays:
            self._holidays[calendar_id, year] = frozenset(
                holiday_dates(self.session, self.workspace_id, calendar_id, year)
            )
        return self._holidays[calendar_id, year]

    def _intervals(self, employee_id: int, first: date, last: date) -> tuple[facts.Interval, ...]:
        """Intervals starting from the UTC day before `first` to the one after `last`: the
        core places each on its local date in the employee's zone."""
        starts_from = datetime.combine(first - timedelta(days=1), time(), UTC)
        starts_before = datetime.combine(last + timedelta(days=2), time(), UTC)
        rows = self.interval_rows(employee_id, starts_from, starts_before)
        first_rows: dict[int, Any] = {}
        breaks: dict[int, list[facts.Break]] = {}
        for row in rows:
            first_rows.setdefault(row.id, row)
            of_interval = breaks.setdefault(row.id, [])
            if row.break_started_at is not None:
                of_interval.append(facts.Break(row.break_started_at, row.break_ended_at))
        return tuple(
            facts.Interval(
                id=row.id,
                started_at=row.started_at,
                ended_at=row.ended_at,
                reason_id=row.reason_id,
                activity_id=row.activity_id,
                breaks=tuple(breaks[row.id]),
            )
            for row in first_rows.values()
        )

    def _entries(self, employee_id: int, first: date, last: date) -> tuple[facts.Entry, ...]:
        rows = self.entry_rows(employee_id, first, last)
        return tuple(
            facts.Entry(
                id=row.id,
                day=row.day,
                minutes=row.minutes,
                activity_id=row.activity_id,
                activity_type=row.activity_type or "work",
                started_at=row.started_at,
                ended_at=row.ended_at,
            )
            for row in rows
        )


def _draft_facts(drafts: Drafts | None) -> facts.DraftPolicies | None:
    if drafts is None:
        return None
    return facts.DraftPolicies(
        replaces_worktime=drafts.replaces_worktime,
        worktime=(
            worktime_policy_of(drafts.worktime, None, None) if drafts.worktime is not None else None
        ),
        allowance=(
            tuple(allowance_policy_of(values, None, None) for values in drafts.allowance)
            if drafts.allowance is not None
            else None
        ),
    )


def evaluate_employee(
    session: Session,
    workspace_id: int,
    employee_id: int,
    first: date,
    last: date,
    drafts: Drafts | None = None,
) -> Evaluation:
    return evaluate(FactsLoader(session, workspace_id).facts_of(employee_id, first, last, drafts))


def evaluate_employees(
    session: Session, workspace_id: int, employee_ids: Iterable[int], first: date, last: date
) -> Iterator[Evaluation]:
    """Each employee's evaluation of the range, sharing what employees share."""
    loader = FactsLoader(session, workspace_id)
    for employee_id in employee_ids:
        yield evaluate(loader.facts_of(employee_id, first, last))


def validated_drafts(session: Session, drafts: DraftPolicies | None, day: date) -> Drafts | None:
    """The draft policies of a preview, checked and normalized as saving them on `day`
    would; a 422 names the field under `body.draft_policies`."""
    if drafts is None:
        return None
    location = "body.draft_policies"
    worktime = None
    if drafts.worktime_policy is not None:
        worktime = _checked(
            session, WORKTIME_POLICIES, drafts.worktime_policy, day, f"{location}.worktime_policy"
        )
    allowance = None
    if drafts.allowance_policies is not None:
        allowance = [
            _checked(session, ALLOWANCE_POLICIES, policy, day, f"{location}.allowance_policies.{i}")
            for i, policy in enumerate(drafts.allowance_policies)
        ]
    return Drafts(
        worktime=worktime,
        replaces_worktime="worktime_policy" in drafts.model_fields_set,
        allowance=allowance,
    )


def _checked(
    session: Session, kind: ConfigKind[Any, Any], draft: Any, day: date, location: str
) -> dict[str, Any]:
    values: dict[str, Any] = draft.model_dump(exclude={"key", "effective_from"})
    try:
        if kind.normalize is not None:
            values = kind.normalize(values)
        if kind.validate is not None:
            kind.validate(session, values, day, None)
    except Unprocessable as problem:
        for error in problem.errors:
            error["location"] = str(error.get("location", "body")).replace("body", location, 1)
        problem.detail = f"{location.removeprefix('body.')}: {problem.detail}"
        raise
    return values

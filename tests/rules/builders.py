"""Facts for the rule engine's unit tests, built from local times in one zone."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from timeledger.rules.facts import (
    AllowancePolicy,
    AllowanceRule,
    Break,
    Configuration,
    ConstraintUse,
    EmployeeVersion,
    Employment,
    Entry,
    EvaluationFacts,
    Interval,
    PluginUse,
    Severity,
    TermsVersion,
    WorktimePolicy,
)
from timeledger.rules.plugins.registry import (
    CALCULATORS,
    CONSTRAINTS,
    COUNTERS,
    FILTERS,
    WORKTIME_STEPS,
    parse_config,
)

OSLO = "Europe/Oslo"
FULL_TIME = (450, 450, 450, 450, 450, 0, 0)
EPOCH = date(2020, 1, 1)


def at(day: date, clock: str, zone: str = OSLO) -> datetime:
    hours, minutes = clock.split(":")
    return datetime.combine(day, time(int(hours), int(minutes)), tzinfo=ZoneInfo(zone))


def use(registry: str, plugin_id: str, **config: object) -> PluginUse:
    reference = {"plugin_id": plugin_id, "config": config}
    return PluginUse(plugin_id, parse_config(registry, reference, "body"))


def counter(**config: object) -> PluginUse:
    return use(COUNTERS, "norm_week_counter", **config)


def window(start: str, end: str) -> PluginUse:
    return use(FILTERS, "time_window", **{"from": start, "to": end})


def filter_of(plugin_id: str, **config: object) -> PluginUse:
    return use(FILTERS, plugin_id, **config)


def calculator(plugin_id: str, **config: object) -> PluginUse:
    return use(CALCULATORS, plugin_id, **config)


def step(plugin_id: str, **config: object) -> PluginUse:
    return use(WORKTIME_STEPS, plugin_id, **config)


def constraint(plugin_id: str, severity: Severity = "warning", **config: object) -> ConstraintUse:
    parsed = use(CONSTRAINTS, plugin_id, **config)
    return ConstraintUse(plugin_id, parsed.config, severity)


OT = AllowancePolicy(
    policy_id=1,
    effective_from=EPOCH,
    classify_as_overtime=True,
    consumes_flex=True,
    counter=counter(
        daily_threshold_minutes=540,
        daily_basis="fixed",
        weekly_threshold_minutes=2400,
        rate_percent=140,
    ),
)
NIGHT = AllowancePolicy(
    policy_id=2,
    effective_from=EPOCH,
    rules=(AllowanceRule((window("21:00", "06:00"),), calculator("rate", percent=100)),),
)


def worktime(
    *steps: PluginUse, constraints: tuple[ConstraintUse, ...] = (), flex: bool = True
) -> WorktimePolicy:
    return WorktimePolicy(
        policy_id=10,
        effective_from=EPOCH,
        flex_account_id=5 if flex else None,
        steps=steps,
        constraints=constraints,
    )


def configuration(
    *allowance: AllowancePolicy,
    worktime_policy: WorktimePolicy | None = None,
    pattern: tuple[int, ...] = FULL_TIME,
    zone: str = OSLO,
    holidays: frozenset[date] = frozenset(),
    employments: tuple[Employment, ...] = (Employment(EPOCH, None),),
    with_terms: bool = True,
    week_start: int = 1,
    timeoff_policies: tuple[int, ...] = (),
) -> Configuration:
    policy = worktime_policy if worktime_policy is not None else worktime()
    return Configuration(
        week_start=week_start,
        employee_versions=(EmployeeVersion(EPOCH, zone, pattern, 7 if with_terms else None),),
        employments=employments,
        terms={
            7: (
                TermsVersion(
                    EPOCH,
                    holiday_calendar_id=3,
                    worktime_policy_id=policy.policy_id,
                    allowance_policy_ids=tuple(p.policy_id or 0 for p in allowance),
                    timeoff_policy_ids=timeoff_policies,
                ),
            )
        },
        worktime_policies={policy.policy_id or 0: (policy,)},
        allowance_policies={p.policy_id or 0: (p,) for p in allowance},
        holidays={3: holidays},
    )


class Shifts:
    """Presence intervals given as local times: `add(day, "08:00", "17:00", breaks=...)`; an
    end at or before the start falls on the next day."""

    def __init__(self, zone: str = OSLO) -> None:
        self.zone = zone
        self.intervals: list[Interval] = []
        self.entries: list[Entry] = []

    def add(
        self,
        day: date,
        start: str,
        end: str | None,
        *,
        breaks: tuple[tuple[str, str], ...] = (),
        reason_id: int | None = None,
    ) -> "Shifts":
        started = at(day, start, self.zone)
        ended = None
        if end is not None:
            ended = at(day, end, self.zone)
            if ended <= started:
                ended = at(date.fromordinal(day.toordinal() + 1), end, self.zone)
        recorded = []
        for low, high in breaks:
            break_start = at(day, low, self.zone)
            if break_start < started:
                break_start = at(date.fromordinal(day.toordinal() + 1), low, self.zone)
            break_end = at(break_start.date(), high, self.zone)
            if break_end <= break_start:
                break_end = at(
                    date.fromordinal(break_start.date().toordinal() + 1), high, self.zone
                )
            recorded.append(Break(break_start, break_end))
        self.intervals.append(
            Interval(len(self.intervals) + 1, started, ended, reason_id, None, tuple(recorded))
        )
        return self

    def entry(
        self,
        day: date,
        minutes: int,
        activity_type: str = "work",
        activity_id: int = 1,
        start: str | None = None,
    ) -> "Shifts":
        started = at(day, start, self.zone) if start else None
        ended = None
        if started is not None:
            ended = datetime.fromtimestamp(started.timestamp() + minutes * 60, started.tzinfo)
        self.entries.append(
            Entry(100 + len(self.entries), day, minutes, activity_id, activity_type, started, ended)  # type: ignore[arg-type]
        )
        return self

    def facts(self, first: date, last: date, configuration: Configuration) -> EvaluationFacts:
        return EvaluationFacts(
            employee_id=1,
            first=first,
            last=last,
            configuration=configuration,
            intervals=tuple(self.intervals),
            entries=tuple(self.entries),
        )

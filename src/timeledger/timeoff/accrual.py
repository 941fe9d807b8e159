"""Accrual and expiry of time-off balances: for each employee and policy of their terms,
the grants and expiries the pure core says are due by a day, posted once per key.

A key names the policy's period (`accrual:2026:1`, `cap:2026`, `carried:2026`); the
unique index on (employee, policy, key) makes a second run, or a second worker, post
nothing. An `annual_grant` follows the employment: when a joiner's or leaver's dates
change after the grant was posted, the difference is posted under the next key
(`accrual:2026:2`)."""

from collections.abc import Sequence
from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from timeledger.evaluation.service import FactsLoader
from timeledger.kit.clock import utcnow
from timeledger.models import TimebankMovement, TimeoffPolicyVersion
from timeledger.rules import timeoff as core
from timeledger.rules.facts import Configuration, PluginUse
from timeledger.settings.service import TIMEOFF_POLICIES
from timeledger.timebank.service import record_movements
from timeledger.timeoff.balances import core_movements, expiry_postings
from timeledger.timeoff.counting import accrual_use, expiration_use
from timeledger.timeoff.repository import TimeoffRepository

LOOKBACK = timedelta(days=366)
"""How far back a run looks for grants to revise. A period is first posted only while it
runs: a past period is never granted afresh (a workspace starting mid-year, or importing
its history, posts what came before by hand), so installing Timeledger cannot grant a
year twice."""
EXPIRY_CATCH_UP = timedelta(days=31)
"""An expiry is first posted within a month of its day: a run missed for longer, or a
history imported with the balances the old system left, does not expire anything afresh.
Once posted, it is revised for a year (`LOOKBACK`) when its figures change: leave approved
or cancelled after the deadline, a grant revised."""


class Policies:
    """The policies' version histories, read once for a run."""

    def __init__(self, session: Session, workspace_id: int) -> None:
        self.session = session
        self.workspace_id = workspace_id
        self._histories: dict[int, list[TimeoffPolicyVersion]] = {}

    def history(self, policy_id: int) -> list[TimeoffPolicyVersion]:
        if policy_id not in self._histories:
            rows = TIMEOFF_POLICIES.history.history_rows(self.session, self.workspace_id, policy_id)
            self._histories[policy_id] = list(rows)
        return self._histories[policy_id]

    def version_on(self, policy_id: int, day: date) -> TimeoffPolicyVersion | None:
        """The version in force on `day`, or the first one when the policy began later."""
        history = self.history(policy_id)
        current = history[0] if history else None
        for version in history:
            if version.effective_from > day:
                break
            current = version
        return current


def _policy_ids_of(configuration: Configuration) -> set[int]:
    return {
        policy_id
        for versions in configuration.terms.values()
        for version in versions
        for policy_id in version.timeoff_policy_ids
    }


def accrue(
    session: Session,
    workspace_id: int,
    actor_user_id: int | None,
    employee_ids: Sequence[int],
    today: date,
) -> int:
    """Post the accruals due by `today` for the employees; answers how many movements."""
    loader = FactsLoader(session, workspace_id)
    policies = Policies(session, workspace_id)
    configurations = {
        employee_id: loader.configuration_of(employee_id, today - LOOKBACK, today + LOOKBACK)
        for employee_id in employee_ids
    }
    wanted = {
        employee_id: sorted(_policy_ids_of(configuration))
        for employee_id, configuration in configurations.items()
    }
    repository = TimeoffRepository(session)
    all_policies = {policy_id for ids in wanted.values() for policy_id in ids}
    posted_keys = repository.keys_posted(list(employee_ids), all_policies)
    accounts = {
        version.account_id
        for policy_id in all_policies
        for version in policies.history(policy_id)
        if version.account_id is not None
    }
    balances = repository.balances(list(employee_ids), accounts, today)
    movements: list[TimebankMovement] = []
    now = utcnow()
    for employee_id, policy_ids in wanted.items():
        configuration = configurations[employee_id]
        for policy_id in policy_ids:
            latest = policies.version_on(policy_id, today)
            use = accrual_use(latest) if latest is not None else None
            if latest is None or use is None or latest.account_id is None:
                continue
            keys = posted_keys.get((employee_id, policy_id), {})
            for period in core.accrual_periods(use, today - LOOKBACK, today):
                version = policies.version_on(policy_id, period.first)
                if version is None or version.account_id is None:
                    continue
                period_use = accrual_use(version) or use
                posted = _posted_amounts(period, keys)
                if not _may_post(period_use, period, posted, today):
                    continue
                plans = core.day_plans(configuration, period.first, period.last)
                balance = balances.get((employee_id, version.account_id), 0)
                accrual = core.accrued(period_use, period, plans, policy_id, balance)
                if accrual is not None and accrual.day > today:
                    continue
                due = (accrual.amount if accrual is not None else 0) - sum(posted)
                if due == 0:
                    continue
                day = accrual.day if accrual is not None else period.first
                key = f"accrual:{period.key}:{len(posted) + 1}"
                keys[key] = due
                balances[employee_id, version.account_id] = balance + due
                movements.append(
                    _movement(
                        workspace_id,
                        actor_user_id,
                        now,
                        employee_id,
                        version,
                        day,
                        due,
                        "accrual",
                        key,
                    )
                )
    record_movements(session, workspace_id, actor_user_id, movements)
    return len(movements)


def _posted_amounts(period: core.AccrualPeriod, keys: dict[str, int]) -> list[int]:
    prefix = f"accrual:{period.key}:"
    return [amount for key, amount in keys.items() if key.startswith(prefix)]


def _may_post(use: PluginUse, period: core.AccrualPeriod, posted: list[int], today: date) -> bool:
    """A period is first posted while it runs; once posted, only a grant that follows the
    employment is revised (by the difference from what was posted)."""
    if posted:
        return core.follows_employment(use)
    return period.first <= today <= period.last


def expire(
    session: Session,
    workspace_id: int,
    actor_user_id: int | None,
    employee_ids: Sequence[int],
    today: date,
) -> int:
    """Post the expiries due by `today` for the employees; answers how many movements."""
    loader = FactsLoader(session, workspace_id)
    policies = Policies(session, workspace_id)
    repository = TimeoffRepository(session)
    movements: list[TimebankMovement] = []
    now = utcnow()
    window = core.ExpiryWindow(
        through=today, new_since=today - EXPIRY_CATCH_UP, revised_since=today - LOOKBACK
    )
    for employee_id in employee_ids:
        configuration = loader.configuration_of(employee_id, today, today)
        expiring = _expiration_of_each_account(policies, _policy_ids_of(configuration), today)
        if not expiring:
            continue
        found = repository.movements(employee_id, expiring.keys())
        for account_id, (version, use) in expiring.items():
            of_account = found.get(account_id, [])
            postings = expiry_postings(of_account)
            for expiry in core.expiries(use, core_movements(of_account), window):
                total, count = postings.get(expiry.key, (0, 0))
                due = expiry.amount - total
                if due == 0:
                    continue
                movements.append(
                    _movement(
                        workspace_id,
                        actor_user_id,
                        now,
                        employee_id,
                        version,
                        expiry.day,
                        due,
                        "expiry",
                        f"{expiry.key}:{count + 1}",
                    )
                )
    record_movements(session, workspace_id, actor_user_id, movements)
    return len(movements)


def _expiration_of_each_account(
    policies: Policies, policy_ids: set[int], today: date
) -> dict[int, tuple[TimeoffPolicyVersion, PluginUse]]:
    """Per account: the expiring policy (of those with an expiration, the lowest id) whose
    expiration it follows. Policies sharing an account (a policy replaced by another at a
    year's start) expire its balance once."""
    chosen: dict[int, tuple[TimeoffPolicyVersion, PluginUse]] = {}
    for policy_id in sorted(policy_ids):
        version = policies.version_on(policy_id, today)
        use = expiration_use(version) if version is not None else None
        if version is None or use is None or version.account_id is None:
            continue
        chosen.setdefault(version.account_id, (version, use))
    return chosen


def _movement(
    workspace_id: int,
    actor_user_id: int | None,
    now: datetime,
    employee_id: int,
    version: TimeoffPolicyVersion,
    day: date,
    amount: int,
    cause: str,
    key: str,
) -> TimebankMovement:
    assert version.account_id is not None
    return TimebankMovement(
        workspace_id=workspace_id,
        employee_id=employee_id,
        account_id=version.account_id,
        day=day,
        amount=amount,
        cause=cause,
        note=f"{version.name}: {key}",
        created_by_user_id=actor_user_id,
        created_at=now,
        timeoff_policy_id=version.timeoff_policy_id,
        timeoff_key=key,
    )

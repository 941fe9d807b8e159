"""What an employee's agreement says about their statements on a day: the settlement
policy (its period and steps), how timesheets are approved, and the flex account."""

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from typing import Any, cast

from sqlalchemy.orm import Session

from timeledger.organization.repository import EMPLOYEE_VERSIONS
from timeledger.rules.periods import PeriodKind
from timeledger.settings.service import EMPLOYMENT_TERMS, SETTLEMENT_POLICIES, WORKTIME_POLICIES


@dataclass(frozen=True)
class Agreement:
    settlement_policy_id: int | None
    period: PeriodKind | None
    steps: tuple[dict[str, Any], ...]
    timesheet_approval: str
    """none | manager | project_manager (statements treat project_manager as manager)."""
    flex_account_id: int | None


NO_AGREEMENT = Agreement(None, None, (), "manager", None)
"""An employee without terms: no statement is generated, and one generated under earlier
terms is approved by a manager."""


def agreements_on(
    session: Session, employee_ids: Collection[int], day: date
) -> dict[int, Agreement]:
    """Each employee's agreement in force on `day`, read with one query per kind; an
    employee without a version or terms then has `NO_AGREEMENT`."""
    employees = EMPLOYEE_VERSIONS.in_force_for(session, sorted(employee_ids), day)
    terms_ids = {v.employment_terms_id for v in employees.values() if v.employment_terms_id}
    terms = EMPLOYMENT_TERMS.history.in_force_for(session, sorted(terms_ids), day)
    policy_ids = {t.settlement_policy_id for t in terms.values() if t.settlement_policy_id}
    policies = SETTLEMENT_POLICIES.history.in_force_for(session, sorted(policy_ids), day)
    worktime_ids = {t.worktime_policy_id for t in terms.values() if t.worktime_policy_id}
    worktime = WORKTIME_POLICIES.history.in_force_for(session, sorted(worktime_ids), day)
    found: dict[int, Agreement] = {}
    for employee_id in employee_ids:
        version = employees.get(employee_id)
        term = (
            terms.get(version.employment_terms_id)
            if version and version.employment_terms_id
            else None
        )
        if term is None:
            found[employee_id] = NO_AGREEMENT
            continue
        policy = policies.get(term.settlement_policy_id) if term.settlement_policy_id else None
        flex = worktime.get(term.worktime_policy_id) if term.worktime_policy_id else None
        found[employee_id] = Agreement(
            settlement_policy_id=term.settlement_policy_id if policy else None,
            period=cast(PeriodKind, policy.period) if policy else None,
            steps=tuple(policy.steps) if policy else (),
            timesheet_approval=term.timesheet_approval,
            flex_account_id=flex.flex_account_id if flex else None,
        )
    return found


def agreement_of(session: Session, employee_id: int, day: date) -> Agreement:
    return agreements_on(session, [employee_id], day)[employee_id]

"""The pure core's inputs for one employee and policy: the plans of a range of days as the
configuration in force gives them, and the policy's plugins as the core reads them."""

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from timeledger.evaluation.service import FactsLoader
from timeledger.models import TimeoffPolicyVersion
from timeledger.organization.repository import EMPLOYEE_VERSIONS
from timeledger.rules.facts import PluginUse
from timeledger.rules.plugins.registry import ACCRUALS, EXPIRATIONS, USAGE_RULES, parse_config
from timeledger.rules.timeoff import DayPlan, day_plans
from timeledger.settings.service import EMPLOYMENT_TERMS


def plans_of(
    session: Session, workspace_id: int, employee_id: int, first: date, last: date
) -> tuple[DayPlan, ...]:
    loader = FactsLoader(session, workspace_id)
    return day_plans(loader.configuration_of(employee_id, first, last), first, last)


def policy_ids_on(session: Session, employee_id: int, day: date) -> frozenset[int]:
    """The time-off policies of the terms the employee has on `day`: two indexed reads,
    where planning the day would load the whole configuration."""
    version = EMPLOYEE_VERSIONS.as_of(session, employee_id, day)
    if version is None or version.employment_terms_id is None:
        return frozenset()
    terms = EMPLOYMENT_TERMS.history.as_of(session, version.employment_terms_id, day)
    return frozenset(terms.timeoff_policy_ids or ()) if terms is not None else frozenset()


def policy_use(policy: TimeoffPolicyVersion) -> PluginUse:
    use = _use_of(USAGE_RULES, policy.usage)
    assert use is not None, policy.timeoff_policy_id
    return use


def accrual_use(policy: TimeoffPolicyVersion) -> PluginUse | None:
    return _use_of(ACCRUALS, policy.accrual)


def expiration_use(policy: TimeoffPolicyVersion) -> PluginUse | None:
    return _use_of(EXPIRATIONS, policy.expiration)


def _use_of(registry: str, reference: dict[str, Any] | None) -> PluginUse | None:
    """A stored plugin reference as the core reads it (stored ones were validated)."""
    if reference is None:
        return None
    return PluginUse(reference["plugin_id"], parse_config(registry, reference, "stored"))

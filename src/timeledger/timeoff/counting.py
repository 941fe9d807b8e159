"""The pure core's inputs for one employee and policy: the plans of a range of days as the
configuration in force gives them, and the policy's plugins as the core reads them."""

from collections.abc import Sequence
from datetime import date

from sqlalchemy.orm import Session

from timeledger.evaluation.service import FactsLoader
from timeledger.models import TimeoffPolicyVersion
from timeledger.organization.repository import EMPLOYEE_VERSIONS
from timeledger.rules.facts import PluginUse
from timeledger.rules.plugins.registry import ACCRUALS, EXPIRATIONS, USAGE_RULES, parse_config
from timeledger.rules.timeoff import DayPlan, DayUsage, Portion, day_plans, usage_of
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
    return PluginUse(
        policy.usage["plugin_id"], parse_config(USAGE_RULES, policy.usage, "stored.usage")
    )


def accrual_use(policy: TimeoffPolicyVersion) -> PluginUse | None:
    if policy.accrual is None:
        return None
    config = parse_config(ACCRUALS, policy.accrual, "stored.accrual")
    return PluginUse(policy.accrual["plugin_id"], config)


def expiration_use(policy: TimeoffPolicyVersion) -> PluginUse | None:
    if policy.expiration is None:
        return None
    config = parse_config(EXPIRATIONS, policy.expiration, "stored.expiration")
    return PluginUse(policy.expiration["plugin_id"], config)


def counted_days(use: PluginUse, plans: Sequence[DayPlan], portion: Portion) -> list[DayUsage]:
    return list(usage_of(use, plans, portion))

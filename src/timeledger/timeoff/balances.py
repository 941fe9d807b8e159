"""Balances of time off: per policy with an account, what the account holds, what waits
for a decision, what approved leave will take, what is left, and what will expire."""

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy.orm import Session

from timeledger.access.caller import Caller
from timeledger.kit.tenancy import session_workspace_id
from timeledger.models import TimeoffPolicyVersion
from timeledger.organization.reach import Access, Area, reached_employee_id
from timeledger.organization.today import workspace_today
from timeledger.rules import timeoff as core
from timeledger.rules.facts import PluginUse
from timeledger.settings.service import TIMEOFF_POLICIES, USAGE_UNITS
from timeledger.timeoff.counting import expiration_use, policy_ids_on
from timeledger.timeoff.repository import KeyedMovement, TimeoffRepository

EXPIRY_HORIZON = timedelta(days=366)
"""How far ahead `expiring` looks: the next year end and the deadline after it."""
USAGE_CAUSES = frozenset({"usage", "reversal"})


@dataclass(frozen=True)
class PolicyBalance:
    timeoff_policy_id: int
    name: str
    account_id: int
    unit: str
    balance: int
    pending: int
    planned: int
    available: int
    expiring: list[core.Expiry]


def core_movements(movements: list[KeyedMovement]) -> list[core.Movement]:
    """The account's movements as the expiry reads them: a request's days as usage, the
    expiries with their keys, everything else as other."""
    found = []
    for movement in movements:
        if movement.timeoff_request_id is not None and movement.cause in USAGE_CAUSES:
            kind: core.MovementKind = "usage"
        elif movement.cause == "expiry" and movement.timeoff_key is not None:
            kind = "expiry"
        else:
            kind = "other"
        found.append(core.Movement(movement.day, movement.amount, kind, movement.timeoff_key))
    return found


def balances(
    session: Session, caller: Caller, employee_id: int, as_of: date | None = None
) -> list[PolicyBalance]:
    """Every policy of the employee's terms on `as_of` (default today) that has an
    account, by policy id."""
    reached_employee_id(session, caller, Area.TIME_OFF, employee_id, Access.READ)
    day = as_of or workspace_today(session, caller.workspace_id)
    in_force = TIMEOFF_POLICIES.history.in_force_for(
        session, sorted(policy_ids_on(session, employee_id, day)), day
    )
    policies = [policy for _, policy in sorted(in_force.items()) if policy.account_id is not None]
    account_ids = {policy.account_id for policy in policies if policy.account_id is not None}
    repository = TimeoffRepository(session)
    movements = repository.movements(employee_id, account_ids)
    pending = repository.pending_by_account(employee_id, account_ids)
    return [
        _balance_of(policy, movements.get(policy.account_id, []), pending, day)
        for policy in policies
        if policy.account_id is not None
    ]


def _balance_of(
    policy: TimeoffPolicyVersion,
    movements: list[KeyedMovement],
    pending: dict[int, int],
    day: date,
) -> PolicyBalance:
    assert policy.account_id is not None
    balance, planned = _balance_and_planned(movements, day)
    waiting = pending.get(policy.account_id, 0)
    use = expiration_use(policy)
    expiring = [] if use is None else _expiring(use, movements, day)
    return PolicyBalance(
        timeoff_policy_id=policy.timeoff_policy_id,
        name=policy.name,
        account_id=policy.account_id,
        unit=USAGE_UNITS[policy.usage["plugin_id"]],
        balance=balance,
        pending=waiting,
        planned=planned,
        available=balance - waiting - planned,
        expiring=expiring,
    )


def expiry_postings(movements: list[KeyedMovement]) -> dict[str, tuple[int, int]]:
    """Per deadline (`cap:2025`): the sum and the number of the expiries posted for it."""
    postings: dict[str, tuple[int, int]] = {}
    for movement in movements:
        if movement.cause == "expiry" and movement.timeoff_key is not None:
            key = core.base_key(movement.timeoff_key)
            total, count = postings.get(key, (0, 0))
            postings[key] = (total + movement.amount, count + 1)
    return postings


def _expiring(use: PluginUse, movements: list[KeyedMovement], day: date) -> list[core.Expiry]:
    """What the expiration will take after `day` as things stand: the deadlines of the
    next year, less what was posted for them already."""
    after = day + timedelta(days=1)
    window = core.ExpiryWindow(through=day + EXPIRY_HORIZON, new_since=after, revised_since=after)
    posted = expiry_postings(movements)
    found = []
    for expiry in core.expiries(use, core_movements(movements), window):
        left = expiry.amount - posted.get(expiry.key, (0, 0))[0]
        if left < 0:
            found.append(core.Expiry(expiry.key, expiry.day, left))
    return found


def _balance_and_planned(movements: list[KeyedMovement], day: date) -> tuple[int, int]:
    """The movements counting from `day` or earlier, and what approved requests take on
    later days (positive)."""
    balance = sum(movement.amount for movement in movements if movement.day <= day)
    planned = -sum(
        movement.amount
        for movement in movements
        if movement.day > day
        and movement.timeoff_request_id is not None
        and movement.cause in USAGE_CAUSES
    )
    return balance, planned


def available_of(
    session: Session, employee_id: int, account_id: int, *, besides: int | None
) -> int:
    """What a new request may take from the account today: balance - pending - planned,
    leaving out request `besides` (the one being decided)."""
    workspace_id = session_workspace_id(session)
    assert workspace_id is not None, "balances are read in a workspace's session"
    today = workspace_today(session, workspace_id)
    repository = TimeoffRepository(session)
    movements = repository.movements(employee_id, [account_id]).get(account_id, [])
    pending = repository.pending_by_account(employee_id, [account_id], besides=besides)
    balance, planned = _balance_and_planned(movements, today)
    return balance - pending.get(account_id, 0) - planned

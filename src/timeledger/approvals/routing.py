"""Where an item awaiting a decision goes: plain values in, approvers out (no session, no
clock).

An item goes to the managers of its employee's org unit who may approve its kind; when
there are none besides the employee, to those of the next unit up; past the top, to the
holders of the kind's `approve:*` permission. A project week goes to the project's
managers, or like any other item when the project has none besides the employee. Nobody
is ever routed their own item.
"""

from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Literal

Kind = Literal["timeoff", "statement", "project_entries"]
KINDS: tuple[Kind, ...] = ("timeoff", "statement", "project_entries")
Via = Literal["manager", "project_manager", "delegation"]

AREA_OF_KIND: dict[Kind, str] = {
    "timeoff": "timeoff",
    "statement": "timesheet",
    "project_entries": "timesheet",
}
"""The permission area whose `approve` decides an item of each kind (and whose `read`
sees it)."""

MAX_TREE_DEPTH = 64


@dataclass(frozen=True)
class OrgChart:
    """The org tree on one day: each live unit's parent and the users who manage it."""

    parent_of: Mapping[int, int | None]
    managers_of: Mapping[int, frozenset[int]]

    def chain(self, unit_id: int | None) -> Iterator[int]:
        """The unit and the live units above it, nearest first (bounded, so a cycle
        cannot loop)."""
        seen: set[int] = set()
        while unit_id in self.parent_of and unit_id not in seen and len(seen) < MAX_TREE_DEPTH:
            assert unit_id is not None
            seen.add(unit_id)
            yield unit_id
            unit_id = self.parent_of.get(unit_id)

    def teams_of(self, manager_user_ids: Collection[int]) -> frozenset[int]:
        """The live units the users manage and every live unit below them."""
        managers = set(manager_user_ids)
        found = {
            unit
            for unit, users in self.managers_of.items()
            if unit in self.parent_of and not users.isdisjoint(managers)
        }
        children: dict[int | None, list[int]] = {}
        for unit, parent in self.parent_of.items():
            children.setdefault(parent, []).append(unit)
        frontier = list(found)
        while frontier:
            below = [child for unit in frontier for child in children.get(unit, ())]
            frontier = [unit for unit in below if unit not in found]
            found.update(frontier)
        return frozenset(found)


@dataclass(frozen=True)
class Approvers:
    """Who holds a kind's approve permission: at `team` scope or wider, and at `*`."""

    at_team_or_wider: frozenset[int]
    at_all: frozenset[int]


@dataclass(frozen=True)
class Route:
    """The users an item waits for, and in which role they decide it."""

    user_ids: frozenset[int]
    via: Via


def route_up(
    chart: OrgChart, unit_id: int | None, employee_user_id: int | None, approvers: Approvers
) -> Route:
    """The approving managers of the nearest unit, from the employee's up, that has one
    besides the employee; past the top, the holders of `approve:*`."""
    return route_along(approving_chain(chart, unit_id, approvers), employee_user_id, approvers)


def approving_chain(
    chart: OrgChart, unit_id: int | None, approvers: Approvers
) -> tuple[frozenset[int], ...]:
    """The approving managers of the unit and of each unit above it that has any, nearest
    first: what `route_along` walks (the same for every employee of the unit)."""
    chain = (
        chart.managers_of.get(unit, frozenset()) & approvers.at_team_or_wider
        for unit in chart.chain(unit_id)
    )
    return tuple(managers for managers in chain if managers)


def route_along(
    chain: tuple[frozenset[int], ...], employee_user_id: int | None, approvers: Approvers
) -> Route:
    """The first managers of `chain` besides the employee; past its end, the holders of
    `approve:*` besides the employee."""
    for managers in chain:
        eligible = managers - {employee_user_id}
        if eligible:
            return Route(eligible, "manager")
    return Route(approvers.at_all - {employee_user_id}, "manager")


def route_of_project_week(
    project_managers: frozenset[int], employee_user_id: int | None, otherwise: Route
) -> Route:
    """The project's managers besides the employee; `otherwise` (the route up the org tree)
    when there are none."""
    eligible = project_managers - {employee_user_id}
    return Route(eligible, "project_manager") if eligible else otherwise


@dataclass(frozen=True)
class Delegation:
    delegator_user_id: int
    delegate_user_id: int
    starts_on: date
    ends_on: date
    kinds: frozenset[Kind]
    """Empty: every kind."""

    def covers(self, kind: Kind, day: date) -> bool:
        return self.starts_on <= day <= self.ends_on and (not self.kinds or kind in self.kinds)


@dataclass(frozen=True)
class Reached:
    """How an item reaches a user: directly (`manager`, `project_manager`) or through a
    delegation, on behalf of its delegator."""

    via: Via
    on_behalf_of_user_id: int | None


def reached_by(
    route: Route,
    kind: Kind,
    employee_user_id: int | None,
    user_id: int,
    delegations: list[Delegation],
    day: date,
) -> Reached | None:
    """How the item of `route` reaches `user_id` on `day`: routed to them, or to someone who
    delegated that kind to them then (the lowest such delegator's id when several did).
    Delegations do not pass on: only the delegator's own items reach the delegate. None
    when it does not reach them, or when it is their own."""
    if user_id == employee_user_id:
        return None
    if user_id in route.user_ids:
        return Reached(route.via, None)
    delegators = sorted(
        d.delegator_user_id
        for d in delegations
        if d.delegate_user_id == user_id
        and d.delegator_user_id in route.user_ids
        and d.covers(kind, day)
    )
    return Reached("delegation", delegators[0]) if delegators else None


def delegates_of(
    approver_user_ids: frozenset[int], kind: Kind, delegations: list[Delegation], day: date
) -> frozenset[int]:
    """The users who decide on behalf of any of the approvers on `day`."""
    return frozenset(
        d.delegate_user_id
        for d in delegations
        if d.delegator_user_id in approver_user_ids and d.covers(kind, day)
    )

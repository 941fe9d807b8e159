"""Where an item goes (`approvals/routing.py`): plain values in, approvers out; no database.

The chart of most tests: Company (1) above Sales (2) above Team (3); Team is managed by
TEAM_LEAD, Sales by SALES_HEAD, nobody manages Company; OWNER approves everyone.
"""

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from timeledger.approvals.routing import (
    KINDS,
    MAX_TREE_DEPTH,
    Approvers,
    Delegation,
    Kind,
    OrgChart,
    Reached,
    Route,
    delegates_of,
    reached_by,
    route_of_project_week,
    route_up,
)

COMPANY, SALES, TEAM = 1, 2, 3
TEAM_LEAD, SALES_HEAD, OWNER = 10, 20, 99
EMPLOYEE = 50
DEPUTY, STAND_IN = 60, 70
TODAY = date(2026, 6, 15)


def chart(
    managers: dict[int, set[int]] | None = None, parents: dict[int, int | None] | None = None
) -> OrgChart:
    chosen = {TEAM: {TEAM_LEAD}, SALES: {SALES_HEAD}} if managers is None else managers
    return OrgChart(
        parent_of={COMPANY: None, SALES: COMPANY, TEAM: SALES} if parents is None else parents,
        managers_of={unit: frozenset(users) for unit, users in chosen.items()},
    )


APPROVERS = Approvers(
    at_team_or_wider=frozenset({TEAM_LEAD, SALES_HEAD, OWNER}), at_all=frozenset({OWNER})
)


def delegation(
    delegator: int,
    delegate: int,
    *,
    kinds: frozenset[Kind] = frozenset(),
    starts_on: date = TODAY,
    ends_on: date = TODAY,
) -> Delegation:
    return Delegation(delegator, delegate, starts_on, ends_on, kinds)


# route_up


def test_an_item_goes_to_the_approving_managers_of_the_employees_unit() -> None:
    assert route_up(chart(), TEAM, EMPLOYEE, APPROVERS) == Route(frozenset({TEAM_LEAD}), "manager")


def test_a_unit_with_several_approving_managers_routes_to_all_of_them() -> None:
    co_lead = 11
    approvers = Approvers(APPROVERS.at_team_or_wider | {co_lead}, APPROVERS.at_all)
    route = route_up(chart({TEAM: {TEAM_LEAD, co_lead}}), TEAM, EMPLOYEE, approvers)
    assert route.user_ids == {TEAM_LEAD, co_lead}


def test_a_unit_without_managers_is_skipped() -> None:
    route = route_up(chart({SALES: {SALES_HEAD}}), TEAM, EMPLOYEE, APPROVERS)
    assert route == Route(frozenset({SALES_HEAD}), "manager")


def test_a_unit_whose_only_manager_is_the_employee_is_skipped() -> None:
    route = route_up(chart(), TEAM, TEAM_LEAD, APPROVERS)
    assert route.user_ids == {SALES_HEAD}


def test_the_employee_is_dropped_from_the_managers_of_their_unit() -> None:
    co_lead = 11
    approvers = Approvers(APPROVERS.at_team_or_wider | {co_lead}, APPROVERS.at_all)
    route = route_up(chart({TEAM: {TEAM_LEAD, co_lead}}), TEAM, TEAM_LEAD, approvers)
    assert route.user_ids == {co_lead}


def test_managers_lacking_the_approve_permission_are_skipped() -> None:
    without_approve = 12
    managers = {TEAM: {without_approve}, SALES: {SALES_HEAD}}
    assert route_up(chart(managers), TEAM, EMPLOYEE, APPROVERS).user_ids == {SALES_HEAD}


def test_of_a_units_managers_only_those_who_approve_are_routed() -> None:
    without_approve = 12
    managers = {TEAM: {without_approve, TEAM_LEAD}, SALES: {SALES_HEAD}}
    assert route_up(chart(managers), TEAM, EMPLOYEE, APPROVERS).user_ids == {TEAM_LEAD}


def test_past_the_top_the_holders_of_approve_all_decide() -> None:
    second_owner = 98
    approvers = Approvers(
        APPROVERS.at_team_or_wider | {second_owner}, frozenset({OWNER, second_owner})
    )
    route = route_up(chart({}), TEAM, EMPLOYEE, approvers)
    assert route == Route(frozenset({OWNER, second_owner}), "manager")


def test_past_the_top_the_employee_is_not_their_own_approver() -> None:
    second_owner = 98
    approvers = Approvers(frozenset({OWNER, second_owner}), frozenset({OWNER, second_owner}))
    assert route_up(chart({}), TEAM, OWNER, approvers).user_ids == {second_owner}
    alone = Approvers(frozenset({OWNER}), frozenset({OWNER}))
    assert route_up(chart({}), TEAM, OWNER, alone).user_ids == frozenset()


def test_without_a_unit_or_in_a_deleted_one_the_approve_all_holders_decide() -> None:
    assert route_up(chart(), None, EMPLOYEE, APPROVERS).user_ids == {OWNER}
    deleted_unit = 404
    assert route_up(chart(), deleted_unit, EMPLOYEE, APPROVERS).user_ids == {OWNER}


def test_an_employee_without_a_user_is_routed_like_anyone() -> None:
    assert route_up(chart(), TEAM, None, APPROVERS).user_ids == {TEAM_LEAD}


def test_a_cycle_in_the_tree_ends_at_the_approve_all_holders() -> None:
    looped = chart({}, parents={SALES: TEAM, TEAM: SALES})
    assert route_up(looped, TEAM, EMPLOYEE, APPROVERS).user_ids == {OWNER}
    assert list(looped.chain(TEAM)) == [TEAM, SALES]


def test_a_cycle_still_finds_a_manager_on_the_way() -> None:
    looped = chart({SALES: {SALES_HEAD}}, parents={SALES: TEAM, TEAM: SALES})
    assert route_up(looped, TEAM, EMPLOYEE, APPROVERS).user_ids == {SALES_HEAD}


def test_the_chain_up_the_tree_is_bounded() -> None:
    depth = MAX_TREE_DEPTH + 10
    deep = chart({}, parents={unit: unit + 1 for unit in range(1, depth)} | {depth: None})
    assert list(deep.chain(1)) == list(range(1, MAX_TREE_DEPTH + 1))


# Project weeks


def test_a_project_week_goes_to_the_project_managers_besides_the_employee() -> None:
    project_manager, other = 30, 31
    up = route_up(chart(), TEAM, EMPLOYEE, APPROVERS)
    route = route_of_project_week(frozenset({project_manager, other, EMPLOYEE}), EMPLOYEE, up)
    assert route == Route(frozenset({project_manager, other}), "project_manager")


def test_a_project_week_without_other_project_managers_goes_up_the_tree() -> None:
    up = route_up(chart(), TEAM, EMPLOYEE, APPROVERS)
    assert route_of_project_week(frozenset({EMPLOYEE}), EMPLOYEE, up) == up
    assert route_of_project_week(frozenset(), EMPLOYEE, up) == Route(
        frozenset({TEAM_LEAD}), "manager"
    )


# Delegations


def test_a_delegation_covers_its_days_inclusive_and_its_kinds() -> None:
    week = delegation(
        TEAM_LEAD,
        DEPUTY,
        kinds=frozenset({"timeoff"}),
        starts_on=TODAY,
        ends_on=TODAY + timedelta(days=6),
    )
    assert week.covers("timeoff", TODAY)
    assert week.covers("timeoff", TODAY + timedelta(days=6))
    assert not week.covers("timeoff", TODAY - timedelta(days=1))
    assert not week.covers("timeoff", TODAY + timedelta(days=7))
    assert not week.covers("statement", TODAY)
    every_kind = delegation(TEAM_LEAD, DEPUTY)
    assert all(every_kind.covers(kind, TODAY) for kind in KINDS)


def test_reached_directly_by_a_routed_approver() -> None:
    route = Route(frozenset({TEAM_LEAD}), "manager")
    assert reached_by(route, "timeoff", EMPLOYEE, TEAM_LEAD, [], TODAY) == Reached("manager", None)
    project = Route(frozenset({30}), "project_manager")
    assert reached_by(project, "project_entries", EMPLOYEE, 30, [], TODAY) == Reached(
        "project_manager", None
    )


def test_not_reached_by_someone_neither_routed_nor_delegated_to() -> None:
    route = Route(frozenset({TEAM_LEAD}), "manager")
    assert reached_by(route, "timeoff", EMPLOYEE, SALES_HEAD, [], TODAY) is None


def test_reached_through_a_delegation_on_the_delegators_behalf() -> None:
    route = Route(frozenset({TEAM_LEAD}), "manager")
    delegations = [delegation(TEAM_LEAD, DEPUTY)]
    assert reached_by(route, "timeoff", EMPLOYEE, DEPUTY, delegations, TODAY) == Reached(
        "delegation", TEAM_LEAD
    )


def test_reached_on_behalf_of_the_lowest_delegator_among_several() -> None:
    co_lead = 11
    route = Route(frozenset({TEAM_LEAD, co_lead}), "manager")
    delegations = [delegation(co_lead, DEPUTY), delegation(TEAM_LEAD, DEPUTY)]
    assert reached_by(route, "statement", EMPLOYEE, DEPUTY, delegations, TODAY) == Reached(
        "delegation", TEAM_LEAD
    )


def test_a_routed_approver_is_reached_directly_even_when_also_a_delegate() -> None:
    co_lead = 11
    route = Route(frozenset({TEAM_LEAD, co_lead}), "manager")
    delegations = [delegation(TEAM_LEAD, co_lead)]
    assert reached_by(route, "timeoff", EMPLOYEE, co_lead, delegations, TODAY) == Reached(
        "manager", None
    )


def test_a_delegation_of_other_kinds_or_days_does_not_reach() -> None:
    route = Route(frozenset({TEAM_LEAD}), "manager")
    statements_only = [delegation(TEAM_LEAD, DEPUTY, kinds=frozenset({"statement"}))]
    assert reached_by(route, "timeoff", EMPLOYEE, DEPUTY, statements_only, TODAY) is None
    tomorrow = TODAY + timedelta(days=1)
    later = [delegation(TEAM_LEAD, DEPUTY, starts_on=tomorrow, ends_on=tomorrow)]
    assert reached_by(route, "timeoff", EMPLOYEE, DEPUTY, later, TODAY) is None
    assert reached_by(route, "timeoff", EMPLOYEE, DEPUTY, later, tomorrow) == Reached(
        "delegation", TEAM_LEAD
    )
    yesterday = TODAY - timedelta(days=1)
    over = [delegation(TEAM_LEAD, DEPUTY, starts_on=yesterday, ends_on=yesterday)]
    assert reached_by(route, "timeoff", EMPLOYEE, DEPUTY, over, TODAY) is None


def test_a_delegation_of_someone_not_routed_does_not_reach() -> None:
    route = Route(frozenset({TEAM_LEAD}), "manager")
    delegations = [delegation(SALES_HEAD, DEPUTY)]
    assert reached_by(route, "timeoff", EMPLOYEE, DEPUTY, delegations, TODAY) is None


def test_nobody_is_reached_by_their_own_item() -> None:
    route = Route(frozenset({TEAM_LEAD, DEPUTY}), "manager")
    assert reached_by(route, "timeoff", DEPUTY, DEPUTY, [], TODAY) is None
    delegated = [delegation(TEAM_LEAD, DEPUTY)]
    only_lead = Route(frozenset({TEAM_LEAD}), "manager")
    assert reached_by(only_lead, "timeoff", DEPUTY, DEPUTY, delegated, TODAY) is None


def test_delegations_do_not_pass_on() -> None:
    """TEAM_LEAD delegates to DEPUTY, DEPUTY to STAND_IN: STAND_IN gets DEPUTY's items, never
    TEAM_LEAD's."""
    chained = [delegation(TEAM_LEAD, DEPUTY), delegation(DEPUTY, STAND_IN)]
    leads = Route(frozenset({TEAM_LEAD}), "manager")
    assert reached_by(leads, "timeoff", EMPLOYEE, STAND_IN, chained, TODAY) is None
    assert reached_by(leads, "timeoff", EMPLOYEE, DEPUTY, chained, TODAY) == Reached(
        "delegation", TEAM_LEAD
    )
    deputys = Route(frozenset({DEPUTY}), "manager")
    assert reached_by(deputys, "timeoff", EMPLOYEE, STAND_IN, chained, TODAY) == Reached(
        "delegation", DEPUTY
    )
    assert delegates_of(frozenset({TEAM_LEAD}), "timeoff", chained, TODAY) == {DEPUTY}


def test_delegates_of_the_approvers_on_a_day_for_a_kind() -> None:
    co_lead, stranger = 11, 12
    delegations = [
        delegation(TEAM_LEAD, DEPUTY, ends_on=TODAY + timedelta(days=9)),
        delegation(co_lead, STAND_IN, kinds=frozenset({"statement"})),
        delegation(SALES_HEAD, stranger),
        delegation(
            co_lead,
            stranger,
            kinds=frozenset({"timeoff"}),
            starts_on=TODAY + timedelta(days=1),
            ends_on=TODAY + timedelta(days=9),
        ),
    ]
    approvers = frozenset({TEAM_LEAD, co_lead})
    assert delegates_of(approvers, "timeoff", delegations, TODAY) == {DEPUTY}
    assert delegates_of(approvers, "statement", delegations, TODAY) == {DEPUTY, STAND_IN}
    tomorrow = TODAY + timedelta(days=1)
    assert delegates_of(approvers, "timeoff", delegations, tomorrow) == {DEPUTY, stranger}
    assert delegates_of(frozenset(), "timeoff", delegations, TODAY) == frozenset()


# A property over random trees


@st.composite
def org_charts(draw: st.DrawFn) -> tuple[OrgChart, int | None, int, Approvers]:
    """A random tree (parents may form cycles or point at deleted units), managers drawn
    from a small pool of users, an employee's unit and user, and who approves."""
    units = draw(st.integers(min_value=1, max_value=12))
    parent_of: dict[int, int | None] = {
        unit: draw(st.none() | st.integers(min_value=1, max_value=units + 2))
        for unit in range(1, units + 1)
    }
    users = st.integers(min_value=100, max_value=110)
    managers_of = {
        unit: frozenset(draw(st.sets(users, max_size=3))) for unit in range(1, units + 1)
    }
    at_team_or_wider = frozenset(draw(st.sets(users, max_size=8)))
    at_all: frozenset[int] = frozenset()
    if at_team_or_wider:
        at_all = frozenset(draw(st.sets(st.sampled_from(sorted(at_team_or_wider)))))
    employee_unit = draw(st.none() | st.integers(min_value=1, max_value=units + 1))
    employee_user = draw(users)
    return (
        OrgChart(parent_of, managers_of),
        employee_unit,
        employee_user,
        Approvers(at_team_or_wider, at_all),
    )


@given(org_charts())
def test_the_route_never_holds_the_employee_and_names_the_first_eligible_unit(
    drawn: tuple[OrgChart, int | None, int, Approvers],
) -> None:
    org, unit, employee_user, approvers = drawn
    route = route_up(org, unit, employee_user, approvers)
    assert employee_user not in route.user_ids
    assert route.via == "manager"
    chain: list[int] = []
    walked = unit
    while walked is not None and walked in org.parent_of and walked not in chain:
        chain.append(walked)
        walked = org.parent_of[walked]
    assert list(org.chain(unit)) == chain
    eligible = [
        candidate
        for candidate in chain
        if (org.managers_of.get(candidate, frozenset()) & approvers.at_team_or_wider)
        - {employee_user}
    ]
    if eligible:
        first = eligible[0]
        assert route.user_ids
        assert route.user_ids <= org.managers_of[first] & approvers.at_team_or_wider
        assert route.user_ids == (org.managers_of[first] & approvers.at_team_or_wider) - {
            employee_user
        }
    else:
        assert route.user_ids == approvers.at_all - {employee_user}


def test_teams_are_the_managed_live_units_and_every_unit_below() -> None:
    org = OrgChart(
        parent_of={COMPANY: None, SALES: COMPANY, TEAM: SALES, 4: COMPANY, 6: 5},
        managers_of={
            TEAM: frozenset({TEAM_LEAD}),
            SALES: frozenset({SALES_HEAD}),
            4: frozenset({TEAM_LEAD}),
            5: frozenset({OWNER}),  # not live today: neither it nor its child is a team
        },
    )
    assert org.teams_of({SALES_HEAD}) == {SALES, TEAM}
    assert org.teams_of({TEAM_LEAD}) == {TEAM, 4}
    assert org.teams_of({TEAM_LEAD, SALES_HEAD}) == {SALES, TEAM, 4}
    assert org.teams_of({OWNER}) == frozenset()
    assert org.teams_of(set()) == frozenset()


@given(org_charts(), st.sets(st.integers(min_value=100, max_value=110), max_size=3))
def test_a_unit_is_in_the_teams_when_a_unit_on_its_way_up_is_managed_by_one_of_them(
    drawn: tuple[OrgChart, int | None, int, Approvers], managers: set[int]
) -> None:
    org = drawn[0]
    expected = {
        unit
        for unit in org.parent_of
        if any(
            not org.managers_of.get(up, frozenset()).isdisjoint(managers) for up in org.chain(unit)
        )
    }
    assert org.teams_of(managers) == expected

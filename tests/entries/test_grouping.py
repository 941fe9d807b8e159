"""`group_by`: sums per group, `entries_params` that list exactly a group's entries, the
same answer from the per-day totals and from a scan of the entries, and paging."""

from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import WorkspaceFixture
from tests.entries.support import (
    References,
    create_references,
    delete_all_entries,
    insert_entries,
    list_all,
)
from tests.timesheet.support import Person, person_in
from timeledger.entries.grouping import GroupKey, group_source
from timeledger.entries.listing import ENTRIES, MONTH_TOTALS, TOTALS, EntryFilters, WorkspaceFacts
from timeledger.kit.db import Database
from timeledger.models import Workspace

LIST = "/api/timesheet/entries"
KEYS = ["user", "customer", "project", "activity", "day", "week", "month", "year"]
COMBINATIONS = [
    "user",
    "user,week",
    "week,user",
    "customer",
    "project,month",
    "activity,year",
    "day",
    "month,customer,project",
    "year,month,week,day",
    "user,customer,project,activity,day,week,month,year",
]
# Filters the totals cannot answer: the same groups must come from a scan of the entries.
ENTRY_SCAN = {"tracking": "false"}


def _rows(
    people: list[Person], refs: References, activities: dict[str, int]
) -> list[dict[str, Any]]:
    projects: list[dict[str, int | None]] = [
        {"project_id": None, "customer_id": None},
        {"project_id": refs.project_id, "customer_id": refs.customer_id},
        {"project_id": refs.bare_project_id, "customer_id": None},
    ]
    days = [date(2025, 12, 28), date(2025, 12, 29), date(2026, 1, 1), date(2026, 1, 4),
            date(2026, 1, 5), date(2026, 1, 31), date(2026, 2, 1), date(2026, 3, 1)]  # fmt: skip
    rows = []
    for i in range(24):
        rows.append(
            {
                "employee_id": people[i % len(people)].employee_id,
                "day": days[i % len(days)],
                "minutes": 10 + i * 5,
                "activity_id": (activities["work"], activities["vacation"])[i % 2],
                "billable": i % 3 == 0,
                "revenue_minor": None if i % 5 == 0 else i * 100,
                "note": ("alpha", "beta", "")[i % 3],
                **projects[i % 3],
            }
        )
    return rows


@pytest.fixture
def people(
    client: TestClient, db: Database, workspace: WorkspaceFixture, person: Person
) -> list[Person]:
    return [person, person_in(client, db, workspace)]


def _groups(
    client: TestClient, headers: dict[str, str], params: dict[str, Any]
) -> list[dict[str, Any]]:
    return list_all(client, headers, LIST, params)


def _check_groups_partition_the_list(
    client: TestClient, headers: dict[str, str], group_by: str, params: dict[str, Any]
) -> list[dict[str, Any]]:
    """Each group's sums equal those of the entries its `entries_params` list; the groups
    together hold every listed entry exactly once."""
    groups = _groups(client, headers, {**params, "group_by": group_by})
    everything = list_all(client, headers, LIST, params)
    seen: set[int] = set()
    for group in groups:
        entries = list_all(client, headers, LIST, group["entries_params"])
        ids = {entry["id"] for entry in entries}
        assert ids, group
        assert not ids & seen, group
        seen |= ids
        assert group["minutes"] == sum(entry["minutes"] for entry in entries), group
        assert group["revenue_minor"] == sum(entry["revenue_minor"] or 0 for entry in entries)
        assert group["entries"] == len(entries)
        assert group["first_date"] == min(entry["date"] for entry in entries)
        assert group["last_date"] == max(entry["date"] for entry in entries)
    assert seen == {entry["id"] for entry in everything}
    assert sum(group["minutes"] for group in groups) == sum(e["minutes"] for e in everything)
    return groups


def test_group_by_user_and_week(
    client: TestClient,
    db: Database,
    workspace: WorkspaceFixture,
    people: list[Person],
    activities: dict[str, int],
) -> None:
    refs = create_references(client, workspace.headers)
    insert_entries(db, workspace.id, _rows(people, refs, activities))
    groups = _check_groups_partition_the_list(client, workspace.headers, "user,week", {})
    keys = [(group["employee_id"], group["week"]) for group in groups]
    assert keys == sorted(keys)
    first = groups[0]
    assert set(first) == {
        "employee_id", "user_id", "week", "minutes", "revenue_minor", "currency", "entries",
        "first_date", "last_date", "entries_params",
    }  # fmt: skip
    assert first["employee_id"] == people[0].employee_id
    assert first["user_id"] == people[0].principal.user_id
    assert first["week"] == "2025-12-22"  # the Monday before 28 December 2025
    assert first["entries_params"] == {
        "employee_id": people[0].employee_id,
        "from": "2025-12-22",
        "to": "2025-12-28",
    }
    assert first["currency"] == "EUR"


def test_every_combination_partitions_the_entries(
    client: TestClient,
    db: Database,
    workspace: WorkspaceFixture,
    people: list[Person],
    activities: dict[str, int],
) -> None:
    refs = create_references(client, workspace.headers)
    insert_entries(db, workspace.id, _rows(people, refs, activities))
    for group_by in COMBINATIONS:
        _check_groups_partition_the_list(client, workspace.headers, group_by, {})
    filtered = {"from": "2025-12-30", "to": "2026-02-01", "billable": "false"}
    for group_by in ("month,week", "customer,user", "activity"):
        _check_groups_partition_the_list(client, workspace.headers, group_by, filtered)
    by_note = {"note": ["alpha", "beta"], "activity_type": "work"}
    _check_groups_partition_the_list(client, workspace.headers, "project,year", by_note)


@pytest.mark.parametrize("week_start", [1, 7, 3])
def test_totals_and_a_scan_of_the_entries_agree(
    client: TestClient,
    db: Database,
    workspace: WorkspaceFixture,
    people: list[Person],
    activities: dict[str, int],
    week_start: int,
) -> None:
    with db.transaction() as session:
        stored = session.get(Workspace, workspace.id)
        assert stored is not None
        stored.week_start = week_start
    refs = create_references(client, workspace.headers)
    insert_entries(db, workspace.id, _rows(people, refs, activities))

    def sums(groups: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [{k: v for k, v in group.items() if k != "entries_params"} for group in groups]

    for group_by in COMBINATIONS:
        from_totals = _groups(client, workspace.headers, {"group_by": group_by})
        scanned = _groups(client, workspace.headers, {**ENTRY_SCAN, "group_by": group_by})
        assert sums(from_totals) == sums(scanned), group_by
    weeks = _groups(client, workspace.headers, {"group_by": "week"})
    assert all(date.fromisoformat(g["week"]).isoweekday() == week_start for g in weeks)


def test_groups_page_by_their_keys(
    client: TestClient,
    db: Database,
    workspace: WorkspaceFixture,
    people: list[Person],
    activities: dict[str, int],
) -> None:
    refs = create_references(client, workspace.headers)
    insert_entries(db, workspace.id, _rows(people, refs, activities))
    for extra in ({}, ENTRY_SCAN):
        for group_by in ("user,week", "month,customer,project", "day"):
            whole = client.get(
                LIST,
                params={**extra, "group_by": group_by, "limit": 200},
                headers=workspace.headers,
            ).json()
            assert whole["next_cursor"] is None
            params: dict[str, Any] = {**extra, "group_by": group_by, "limit": 3}
            paged: list[dict[str, Any]] = []
            for _ in range(30):
                body = client.get(LIST, params=params, headers=workspace.headers).json()
                assert len(body["items"]) <= 3
                paged.extend(body["items"])
                if body["next_cursor"] is None:
                    break
                params["cursor"] = body["next_cursor"]
            assert paged == whole["items"], (extra, group_by)
            wrong = {**params, "group_by": "user"}
            if "cursor" in params:
                response = client.get(LIST, params=wrong, headers=workspace.headers)
                assert response.status_code == 400


def test_an_empty_selection_has_no_groups(
    client: TestClient, workspace: WorkspaceFixture, people: list[Person]
) -> None:
    for params in ({"group_by": "user"}, {"group_by": "week", "note": "x"}):
        response = client.get(LIST, params=params, headers=workspace.headers)
        assert response.json() == {"items": [], "next_cursor": None}


ENTRY = st.fixed_dictionaries(
    {
        "person": st.integers(0, 1),
        "day": st.dates(date(2025, 12, 20), date(2026, 2, 10)),
        "minutes": st.integers(0, 600),
        "activity": st.sampled_from(["work", "vacation"]),
        "project": st.integers(0, 2),
        "billable": st.booleans(),
        "revenue_minor": st.one_of(st.none(), st.integers(0, 100_000)),
        "note": st.sampled_from(["", "alpha", "beta"]),
        "locked": st.booleans(),
    }
)
FILTERS = st.sampled_from(
    [
        {},
        {"billable": "true"},
        {"note": "alpha"},
        {"project_id": "none"},
        {"activity_type": "work"},
        {"from": "2026-01-01"},
        {"at": "2026-01-05"},
        {"locked": "false", "to": "2026-01-20"},
        {"from": "2026-01-01", "to": "2026-01-31"},
        {"to": "2026-01-31", "billable": "false"},
    ]
)


def test_group_sums_equal_the_sums_of_their_entries(
    client: TestClient,
    db: Database,
    workspace: WorkspaceFixture,
    people: list[Person],
    activities: dict[str, int],
) -> None:
    """Property: for random entries, group_by combinations and filters, every group's
    sums are those of the entries its `entries_params` list, and the groups partition the
    listed entries."""
    if not db.is_sqlite:
        pytest.skip("the property runs on SQLite; the fixed cases cover PostgreSQL")
    refs = create_references(client, workspace.headers)
    projects = [
        {"project_id": None, "customer_id": None},
        {"project_id": refs.project_id, "customer_id": refs.customer_id},
        {"project_id": refs.bare_project_id, "customer_id": None},
    ]

    @given(
        entries=st.lists(ENTRY, max_size=10),
        keys=st.lists(st.sampled_from(KEYS), unique=True, min_size=1, max_size=3),
        filters=FILTERS,
    )
    @settings(
        max_examples=12, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    def property_holds(
        entries: list[dict[str, Any]], keys: list[str], filters: dict[str, Any]
    ) -> None:
        delete_all_entries(db, workspace.id)
        rows = [
            {
                "employee_id": people[entry["person"]].employee_id,
                "day": entry["day"],
                "minutes": entry["minutes"],
                "activity_id": activities[entry["activity"]],
                "billable": entry["billable"],
                "revenue_minor": entry["revenue_minor"],
                "note": entry["note"],
                "locked": entry["locked"],
                **projects[entry["project"]],
            }
            for entry in entries
        ]
        insert_entries(db, workspace.id, rows)
        _check_groups_partition_the_list(client, workspace.headers, ",".join(keys), filters)

    property_holds()


FACTS = WorkspaceFacts(1, "Europe/Oslo", "EUR", 1, date(2026, 3, 4))


@pytest.mark.parametrize(
    ("filters", "keys", "table"),
    [
        (EntryFilters(FACTS), (GroupKey.USER, GroupKey.MONTH), MONTH_TOTALS),
        (EntryFilters(FACTS), (GroupKey.PROJECT, GroupKey.YEAR), MONTH_TOTALS),
        (
            EntryFilters(FACTS, first_day=date(2024, 2, 1), last_day=date(2024, 2, 29)),
            (GroupKey.USER,),
            MONTH_TOTALS,
        ),
        (EntryFilters(FACTS, last_day=date(2024, 2, 28)), (GroupKey.USER,), TOTALS),
        (EntryFilters(FACTS, first_day=date(2024, 2, 2)), (GroupKey.MONTH,), TOTALS),
        (EntryFilters(FACTS), (GroupKey.USER, GroupKey.WEEK), TOTALS),
        (EntryFilters(FACTS), (GroupKey.DAY,), TOTALS),
        (EntryFilters(FACTS, locked=True), (GroupKey.MONTH,), ENTRIES),
    ],
)
def test_groups_are_read_from_the_fewest_rows_that_answer_them(
    filters: EntryFilters, keys: tuple[GroupKey, ...], table: object
) -> None:
    assert group_source(filters, keys, "sqlite").table is table

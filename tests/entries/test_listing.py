"""Entry lists: every filter, every sort in both directions across pages, date keywords
and timestamps, bad input, and who sees what."""

import base64
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, select
from sqlalchemy.engine import Dialect

from tests.access.support import assert_problem, new_person
from tests.conftest import WorkspaceFixture
from tests.entries.support import References, create_references, insert_entries, list_all
from tests.organization.support import create_unit
from tests.timesheet.support import Person, create, person_in
from timeledger.entries.listing import ENTRIES, EntryFilters, IdChoice, WorkspaceFacts
from timeledger.kit.clock import utcnow
from timeledger.kit.db import Database
from timeledger.kit.timeutil import DateKeyword, keyword_range, local_date

LIST = "/api/timesheet/entries"
MAX_ID = 2**63 - 1


@dataclass(frozen=True)
class Stored:
    """An inserted entry and the columns filters look at."""

    id: int
    fields: dict[str, Any]

    def __getitem__(self, name: str) -> Any:
        return self.fields.get(name)


@dataclass(frozen=True)
class Dataset:
    a: Person
    b: Person
    refs: References
    activity_types: dict[int, str]
    entries: list[Stored]

    def ids(self, predicate: Callable[[Stored], bool] = lambda entry: True) -> set[int]:
        return {entry.id for entry in self.entries if predicate(entry)}


def _activity_types(client: TestClient, headers: dict[str, str]) -> dict[int, str]:
    response = client.get("/api/settings/activities?limit=200", headers=headers)
    assert response.status_code == 200, response.text
    return {item["id"]: item["type"] for item in response.json()["items"]}


def _store(db: Database, workspace: WorkspaceFixture, rows: list[dict[str, Any]]) -> list[Stored]:
    ids = insert_entries(db, workspace.id, rows)
    return [Stored(entry_id, row) for entry_id, row in zip(ids, rows, strict=True)]


@pytest.fixture
def dataset(
    client: TestClient,
    db: Database,
    workspace: WorkspaceFixture,
    person: Person,
    activities: dict[str, int],
) -> Dataset:
    other = person_in(client, db, workspace)
    refs = create_references(client, workspace.headers)
    work, vacation = activities["work"], activities["vacation"]
    a, b = person.employee_id, other.employee_id
    timer = datetime(2026, 1, 15, 8, tzinfo=UTC)
    on_project = {"project_id": refs.project_id, "customer_id": refs.customer_id}
    rows: list[dict[str, Any]] = [
        dict(employee_id=a, day=date(2026, 3, 2), minutes=60, activity_id=work, **on_project,
             task_id=refs.task_id, note="Spec review", billable=True, revenue_minor=5000,
             hourly_rate_minor=5000, approval_status="approved", billing_state="billed",
             creation_type="times", locked=True),
        dict(employee_id=a, day=date(2026, 3, 3), minutes=30, activity_id=work,
             project_id=refs.bare_project_id, note="coffee chat"),
        dict(employee_id=a, day=date(2026, 2, 27), minutes=450, activity_id=vacation),
        dict(employee_id=b, day=date(2026, 3, 2), minutes=45, activity_id=work, **on_project,
             note="SPEC writing", billable=True, revenue_minor=3000, hourly_rate_minor=4000,
             approval_status="under_approval", billing_state="paid", creation_type="clock"),
        dict(employee_id=b, day=date(2026, 1, 15), minutes=90, activity_id=work,
             note="Review", timer_started_at=timer),
        dict(employee_id=b, day=date(2025, 12, 31), minutes=15, activity_id=work,
             note="year end 100%"),
    ]  # fmt: skip
    entries = _store(db, workspace, rows)
    return Dataset(person, other, refs, _activity_types(client, workspace.headers), entries)


def _ids(client: TestClient, headers: dict[str, str], params: dict[str, Any]) -> set[int]:
    items = list_all(client, headers, LIST, params)
    ids = [item["id"] for item in items]
    assert len(ids) == len(set(ids))
    return set(ids)


def test_every_filter_lists_exactly_the_matching_entries(
    client: TestClient, workspace: WorkspaceFixture, dataset: Dataset
) -> None:
    d = dataset
    a, b = d.a.employee_id, d.b.employee_id
    refs = d.refs
    kind = d.activity_types
    cases: list[tuple[dict[str, Any], Any]] = [
        ({}, lambda e: True),
        ({"employee_id": a}, lambda e: e["employee_id"] == a),
        ({"employee_id": f"{a},{b}"}, lambda e: True),
        ({"employee_id": [a, b]}, lambda e: True),
        ({"user_id": d.b.principal.user_id}, lambda e: e["employee_id"] == b),
        ({"user_id": "current"}, lambda e: False),  # the owner has no employee record
        ({"employee_id": a, "user_id": d.b.principal.user_id}, lambda e: False),
        ({"customer_id": refs.customer_id}, lambda e: e["customer_id"] == refs.customer_id),
        ({"customer_id": "none"}, lambda e: e["customer_id"] is None),
        (
            {"project_id": f"{refs.bare_project_id},none"},
            lambda e: e["project_id"] in (refs.bare_project_id, None),
        ),
        ({"project_id": refs.project_id}, lambda e: e["project_id"] == refs.project_id),
        ({"task_id": refs.task_id}, lambda e: e["task_id"] == refs.task_id),
        ({"task_id": "none"}, lambda e: e["task_id"] is None),
        (
            {"activity_id": d.entries[2]["activity_id"]},
            lambda e: e["activity_id"] == d.entries[2]["activity_id"],
        ),
        ({"activity_type": "timeoff"}, lambda e: kind[e["activity_id"]] == "timeoff"),
        ({"activity_type": "work,allowance"}, lambda e: kind[e["activity_id"]] == "work"),
        ({"note": "spec"}, lambda e: "spec" in (e["note"] or "").lower()),
        (
            {"note": ["SPEC", "coffee"]},
            lambda e: any(t in (e["note"] or "").lower() for t in ("spec", "coffee")),
        ),
        ({"note": "100%"}, lambda e: "100%" in (e["note"] or "")),
        ({"note": "%"}, lambda e: "%" in (e["note"] or "")),
        ({"note": "_"}, lambda e: False),
        ({"at": "2026-03-02"}, lambda e: e["day"] == date(2026, 3, 2)),
        (
            {"from": "2026-03-01", "to": "2026-03-31"},
            lambda e: date(2026, 3, 1) <= e["day"] <= date(2026, 3, 31),
        ),
        ({"from": "2026-01-01"}, lambda e: e["day"] >= date(2026, 1, 1)),
        ({"to": "2025-12-31"}, lambda e: e["day"] <= date(2025, 12, 31)),
        # 00:30 UTC on 3 March is 01:30 in Copenhagen: the local date is the 3rd.
        (
            {"from": "2026-03-02T23:30:00-01:00", "to": "2026-03-03T00:00:00+01:00"},
            lambda e: e["day"] == date(2026, 3, 3),
        ),
        ({"billable": "true"}, lambda e: e["billable"] is True),
        ({"billable": "false"}, lambda e: not e["billable"]),
        ({"locked": "true"}, lambda e: e["locked"] is True),
        ({"locked": "false"}, lambda e: not e["locked"]),
        ({"tracking": "true"}, lambda e: e["timer_started_at"] is not None),
        ({"tracking": "false"}, lambda e: e["timer_started_at"] is None),
        (
            {"approval_status": "approved,under_approval"},
            lambda e: e["approval_status"] in ("approved", "under_approval"),
        ),
        (
            {"approval_status": "not_approved_yet"},
            lambda e: (e["approval_status"] or "not_approved_yet") == "not_approved_yet",
        ),
        ({"billing_state": "paid"}, lambda e: e["billing_state"] == "paid"),
        ({"billing_state": ["unbilled"]}, lambda e: e["billing_state"] in (None, "unbilled")),
        ({"creation_type": "null"}, lambda e: e["creation_type"] is None),
        (
            {"creation_type": ["times", "clock"]},
            lambda e: e["creation_type"] in ("times", "clock"),
        ),
        (
            {"employee_id": b, "billable": "true", "from": "2026-01-01", "note": "writing"},
            lambda e: e["employee_id"] == b and e["billable"] is True,
        ),
    ]
    for params, predicate in cases:
        assert _ids(client, workspace.headers, params) == d.ids(predicate), params


def test_items_render_as_single_reads_do(
    client: TestClient, person: Person, activities: dict[str, int]
) -> None:
    entry = create(
        client, person, {"date": "2026-03-10", "minutes": 42, "activity_id": activities["work"]}
    )
    listed = client.get(person.entries, headers=person.headers)
    assert listed.status_code == 200, listed.text
    single = client.get(f"{person.entries}/{entry['id']}", headers=person.headers).json()
    assert listed.json() == {"items": [single], "next_cursor": None}


def test_the_per_employee_list_equals_the_filtered_workspace_list(
    client: TestClient, workspace: WorkspaceFixture, dataset: Dataset
) -> None:
    path = dataset.a.entries
    for params in ({}, {"note": "spec"}, {"sort": "minutes"}, {"from": "2026-03-01"}):
        own = list_all(client, workspace.headers, path, params)
        wide = list_all(
            client, workspace.headers, LIST, {**params, "employee_id": dataset.a.employee_id}
        )
        assert own == wide
    assert {item["id"] for item in list_all(client, workspace.headers, path)} == dataset.ids(
        lambda e: e["employee_id"] == dataset.a.employee_id
    )


SORT_KEYS: dict[str, Any] = {
    "date": lambda e: e["day"],
    "user": lambda e: e["employee_id"],
    "customer": lambda e: MAX_ID if e["customer_id"] is None else e["customer_id"],
    "project": lambda e: MAX_ID if e["project_id"] is None else e["project_id"],
    "activity": lambda e: e["activity_id"],
    "note": lambda e: e["note"],
    "minutes": lambda e: e["minutes"],
    "revenue": lambda e: MAX_ID if e["revenue_minor"] is None else e["revenue_minor"],
}
DESCENDING_BY_DEFAULT = {"date", "minutes", "revenue"}


def test_every_sort_pages_in_order_without_gaps_or_repeats(
    client: TestClient,
    db: Database,
    workspace: WorkspaceFixture,
    person: Person,
    activities: dict[str, int],
) -> None:
    other = person_in(client, db, workspace)
    refs = create_references(client, workspace.headers)
    projects = [None, refs.project_id, refs.bare_project_id]
    customers = {None: None, refs.project_id: refs.customer_id, refs.bare_project_id: None}
    notes = ["alpha", "beta", "beta", "gamma", ""]
    rows = []
    for i in range(17):
        project = projects[i % 3]
        rows.append(
            {
                "employee_id": (person, other)[i % 2].employee_id,
                "day": date(2026, 3, 1) + timedelta(days=i % 4),
                "minutes": (i * 7) % 5 * 15,
                "activity_id": (activities["work"], activities["vacation"])[i % 2],
                "project_id": project,
                "customer_id": customers[project],
                "note": notes[i % 5],
                "revenue_minor": None if i % 4 == 0 else (i % 3) * 1000,
            }
        )
    entries = _store(db, workspace, rows)
    for sort, key in SORT_KEYS.items():
        default = "desc" if sort in DESCENDING_BY_DEFAULT else "asc"
        for direction in (None, "asc", "desc"):
            descending = (direction or default) == "desc"
            expected = [
                entry.id
                for entry in sorted(entries, key=lambda e: (key(e), e.id), reverse=descending)
            ]
            params: dict[str, Any] = {"sort": sort, "limit": 4}
            if direction is not None:
                params["direction"] = direction
            seen: list[int] = []
            for _ in range(10):
                response = client.get(LIST, params=params, headers=workspace.headers)
                assert response.status_code == 200, response.text
                body = response.json()
                assert len(body["items"]) <= 4
                seen.extend(item["id"] for item in body["items"])
                if body["next_cursor"] is None:
                    break
                params["cursor"] = body["next_cursor"]
            assert seen == expected, (sort, direction)


@pytest.mark.frozen_clock
def test_date_keywords_follow_the_workspace_zone_and_week_start(
    client: TestClient,
    db: Database,
    workspace: WorkspaceFixture,
    person: Person,
    activities: dict[str, int],
) -> None:
    today = local_date(utcnow(), "Europe/Copenhagen")
    days = [today - timedelta(days=offset) for offset in (0, 1, 6, 8, 20, 40, 400)]
    rows = [
        {
            "employee_id": person.employee_id,
            "day": day,
            "minutes": 5,
            "activity_id": activities["work"],
        }
        for day in days
    ]
    entries = _store(db, workspace, rows)
    for keyword in DateKeyword:
        span = keyword_range(keyword, today=today, week_start=1)
        expected = {e.id for e in entries if span.start <= e["day"] <= span.end}
        assert _ids(client, workspace.headers, {"at": keyword.value}) == expected, keyword
    span = keyword_range(DateKeyword.LAST_MONTH, today=today, week_start=1)
    expected = {e.id for e in entries if span.start <= e["day"] <= today}
    assert _ids(client, workspace.headers, {"from": "last_month", "to": "today"}) == expected


def test_timestamp_windows_are_bounded(client: TestClient, workspace: WorkspaceFixture) -> None:
    ok = {"from": "2025-01-01T00:00:00+01:00", "to": "2026-01-01T00:00:00+01:00"}
    assert client.get(LIST, params=ok, headers=workspace.headers).status_code == 200
    too_long = {"from": "2025-01-01T00:00:00Z", "to": "2026-01-03T00:00:00Z"}
    assert_problem(client.get(LIST, params=too_long, headers=workspace.headers), 400)
    mixed = {"from": "2024-01-01", "to": "2026-01-03T00:00:00Z"}
    assert_problem(client.get(LIST, params=mixed, headers=workspace.headers), 400)
    open_ended = {"from": "2026-01-03T00:00:00Z"}
    assert_problem(client.get(LIST, params=open_ended, headers=workspace.headers), 400)
    # Plain dates may span any number of years.
    years = {"from": "2020-01-01", "to": "2026-12-31"}
    assert client.get(LIST, params=years, headers=workspace.headers).status_code == 200


def _cursor(payload: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")


BAD_QUERIES: list[tuple[dict[str, Any], int]] = [
    ({"sort": "service"}, 422),
    ({"direction": "up"}, 422),
    ({"limit": 0}, 422),
    ({"limit": 201}, 422),
    ({"employee_id": "abc"}, 422),
    ({"user_id": "me"}, 422),
    ({"customer_id": "-1"}, 422),
    ({"project_id": str(2**63)}, 422),
    ({"org_unit_id": "x"}, 422),
    ({"activity_type": "play"}, 422),
    ({"approval_status": "done"}, 422),
    ({"billing_state": "free"}, 422),
    ({"creation_type": "magic"}, 422),
    ({"billable": "maybe"}, 422),
    ({"note": [str(i) for i in range(21)]}, 422),
    ({"note": "a\x00b"}, 400),
    ({"at": "someday"}, 400),
    ({"at": "2026-02-30"}, 400),
    ({"at": "2026-13-01T00:00:00Z"}, 400),
    ({"from": "2026-01-01T00:00:00"}, 400),
    ({"at": "today", "from": "2026-01-01"}, 400),
    ({"from": "2026-03-01", "to": "2026-02-01"}, 400),
    ({"cursor": "not a cursor"}, 400),
    ({"cursor": _cursor(["minutes", "desc", 5, 1])}, 400),
    ({"cursor": _cursor(["date", "desc", 5, 1])}, 400),
    ({"cursor": _cursor(["user", "asc", "x", 1])}, 400),
    ({"cursor": _cursor(["minutes", "desc", 2**62, 1]), "sort": "minutes"}, 400),
    ({"cursor": _cursor(["revenue", "desc", 2**64, 1]), "sort": "revenue"}, 400),
    ({"from": "9999-12-31T23:30:00+00:00", "to": "9999-12-31T23:40:00+00:00"}, 400),
    ({"group_by": "team"}, 400),
    ({"group_by": "user,user"}, 400),
    ({"group_by": "user", "cursor": _cursor(["week", [1]])}, 400),
    ({"group_by": "week", "cursor": _cursor(["week", ["never"]])}, 400),
    ({"group_by": "user", "cursor": _cursor(["user", [-5]])}, 400),
    ({"group_by": "year", "cursor": _cursor(["year", [2**40]])}, 400),
    ({"group_by": "user,day", "cursor": _cursor(["user,day", [1]])}, 400),
]


def test_bad_input_is_a_problem_not_an_error(
    client: TestClient, workspace: WorkspaceFixture
) -> None:
    for params, status in BAD_QUERIES:
        response = client.get(LIST, params=params, headers=workspace.headers)
        assert response.status_code == status, (params, response.text)
        assert_problem(response, status)


def test_an_employee_sees_only_their_own_entries(client: TestClient, dataset: Dataset) -> None:
    a, b = dataset.a, dataset.b
    own = dataset.ids(lambda e: e["employee_id"] == a.employee_id)
    assert _ids(client, a.headers, {}) == own
    assert _ids(client, a.headers, {"employee_id": b.employee_id}) == set()
    assert _ids(client, a.headers, {"user_id": "current"}) == own
    assert _ids(client, a.headers, {"employee_id": "current"}) == own
    assert_problem(client.get(b.entries, headers=a.headers), 404)
    assert_problem(client.get(b.entries, params={"group_by": "user"}, headers=a.headers), 404)
    assert {item["id"] for item in list_all(client, a.headers, a.entries)} == own
    groups = client.get(LIST, params={"group_by": "user"}, headers=a.headers).json()["items"]
    assert [group["employee_id"] for group in groups] == [a.employee_id]


def _place(client: TestClient, workspace: WorkspaceFixture, person: Person, unit_id: int) -> None:
    response = client.patch(
        f"/api/employees/{person.employee_id}",
        json={"org_unit_id": unit_id},
        headers=workspace.headers,
    )
    assert response.status_code == 200, response.text


def test_a_manager_sees_their_team_and_below_but_not_other_units(
    client: TestClient, db: Database, workspace: WorkspaceFixture, dataset: Dataset
) -> None:
    unit_a = create_unit(client, workspace.headers, "A")
    below_a = create_unit(client, workspace.headers, "A1", parent_id=unit_a["id"])
    unit_b = create_unit(client, workspace.headers, "B")
    manager = new_person(db, workspace.id, "manager")
    put = client.put(
        f"/api/org-units/{unit_a['id']}/managers",
        json={"user_ids": [manager.user_id]},
        headers=workspace.headers,
    )
    assert put.status_code == 200, put.text
    _place(client, workspace, dataset.a, below_a["id"])
    _place(client, workspace, dataset.b, unit_b["id"])
    in_team = dataset.ids(lambda e: e["employee_id"] == dataset.a.employee_id)
    in_b = dataset.ids(lambda e: e["employee_id"] == dataset.b.employee_id)

    assert _ids(client, manager.headers, {}) == in_team
    assert _ids(client, manager.headers, {"employee_id": dataset.b.employee_id}) == set()
    assert client.get(dataset.a.entries, headers=manager.headers).status_code == 200
    assert_problem(client.get(dataset.b.entries, headers=manager.headers), 404)
    # The org unit filter takes the units below the named ones; the admin sees both teams.
    assert _ids(client, workspace.headers, {"org_unit_id": unit_a["id"]}) == in_team
    assert _ids(client, workspace.headers, {"org_unit_id": below_a["id"]}) == in_team
    assert _ids(client, workspace.headers, {"org_unit_id": unit_b["id"]}) == in_b
    assert _ids(client, workspace.headers, {"org_unit_id": f"{unit_a['id']},{unit_b['id']}"}) == (
        in_team | in_b
    )
    assert _ids(client, manager.headers, {"org_unit_id": unit_b["id"]}) == set()


def test_lists_of_one_shape_share_their_statement_whatever_the_values() -> None:
    facts = WorkspaceFacts(
        id=1, timezone="UTC", currency="EUR", week_start=1, today=date(2025, 5, 1)
    )
    march = EntryFilters(
        facts, employee_ids=frozenset({3, 9}), first_day=date(2025, 3, 1), notes=("a",)
    )
    april = EntryFilters(
        facts, employee_ids=frozenset({4, 5, 6}), first_day=date(2025, 4, 1), notes=("b",)
    )
    assert march.shape == april.shape
    assert march.entry_conditions() is april.entry_conditions()
    assert march.parameters()["employee_ids"] == [3, 9]
    assert april.parameters()["employee_ids"] == [4, 5, 6]
    assert april.parameters()["note_0"] == "%b%"
    without_notes = EntryFilters(facts, employee_ids=frozenset({3}), first_day=date(2025, 3, 1))
    assert without_notes.shape != march.shape
    assert len(without_notes.entry_conditions()) == len(march.entry_conditions()) - 1
    with_none = EntryFilters(facts, customers=IdChoice(frozenset({7}), none=True))
    assert with_none.parameters()["customer_keys"] == [0, 7]
    assert with_none.shape != EntryFilters(facts, customers=IdChoice(frozenset({7}))).shape


@pytest.mark.parametrize(
    "dialect",
    [create_engine("sqlite://").dialect, create_engine("postgresql+psycopg://").dialect],
    ids=["sqlite", "postgresql"],
)
def test_one_employee_is_compared_by_equality_and_several_as_one_list(dialect: Dialect) -> None:
    facts = WorkspaceFacts(
        id=1, timezone="UTC", currency="EUR", week_start=1, today=date(2025, 5, 1)
    )

    def sql(employee_ids: set[int]) -> str:
        conditions = EntryFilters(facts, employee_ids=frozenset(employee_ids)).entry_conditions()
        return str(select(ENTRIES.c.id).where(*conditions).compile(dialect=dialect))

    one, several = sql({3}), sql({3, 4})

    assert "time_entries.employee_id = " in one
    assert "ANY" not in one and " IN " not in one
    if dialect.name == "postgresql":
        # One untyped parameter: PostgreSQL reads the array while planning.
        assert "time_entries.employee_id = ANY(CAST(%(employee_ids)s AS BIGINT[]))" in several
    else:
        # The list itself, which SQLite's planner weighs (json_each hides it).
        assert "time_entries.employee_id IN (__[POSTCOMPILE_employee_ids])" in several
        assert "json_each" not in several
    assert EntryFilters(facts, employee_ids=frozenset({3})).parameters()["employee_id"] == 3

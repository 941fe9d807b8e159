"""Batches of entries: the same values and rules as single creates, all or nothing, the
caller's reach per item, totals and the change log kept."""

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import event, func, select

from tests.access.support import assert_problem
from tests.conftest import WorkspaceFixture
from tests.entries.support import (
    create_customer,
    create_project,
    create_references,
    create_task,
)
from tests.timesheet.support import Person, person_in
from timeledger.entries.day_totals import recompute_totals
from timeledger.kit.db import Database
from timeledger.models import Change, EntryDayTotal, TimeEntry

BATCH = "/api/timesheet/entries/batch"
DAY = "2026-03-10"
UNCOMPARABLE = ("id", "created_at", "updated_at")


def _stored_totals(db: Database, workspace_id: int) -> set[tuple[Any, ...]]:
    with db.transaction(workspace_id=workspace_id) as session:
        return {
            (row.employee_id, row.day, row.week_start, row.month_start, row.activity_id,
             row.project_key, row.customer_key, row.billable, row.minutes, row.revenue_minor,
             row.entries)
            for row in session.scalars(select(EntryDayTotal))
        }  # fmt: skip


def _stored(db: Database, workspace_id: int) -> tuple[int, set[tuple[Any, ...]], int]:
    """Entries, totals rows and changes of the workspace."""
    with db.transaction(workspace_id=workspace_id) as session:
        entries = session.scalar(select(func.count()).select_from(TimeEntry))
        changes = session.scalar(select(func.count()).select_from(Change))
    return int(entries or 0), _stored_totals(db, workspace_id), int(changes or 0)


def _comparable(entry: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in entry.items() if name not in UNCOMPARABLE}


def _priced_items(
    client: TestClient, workspace: WorkspaceFixture, person: Person, activities: dict[str, int]
) -> list[dict[str, Any]]:
    """Entries whose rate, revenue, rounding, customer and billable flag are all derived."""
    references = create_references(client, workspace.headers)
    priced = {"hourly_rate_minor": 12000, "rounding_method": "up", "rounding_minutes": 15,
              "effective_from": "2024-01-01"}  # fmt: skip
    rounded = client.patch(
        f"/api/projects/{references.project_id}", json=priced, headers=workspace.headers
    )
    assert rounded.status_code == 200, rounded.text
    work = activities["work"]
    return [
        {"date": DAY, "minutes": 50, "activity_id": work, "project_id": references.project_id,
         "task_id": references.task_id, "note": "Rounded up and priced"},
        {"started_at": "2026-03-11T08:00:00+01:00", "ended_at": "2026-03-11T09:10:00+01:00",
         "activity_id": work, "project_id": references.bare_project_id},
        {"date": DAY, "minutes": 30, "activity_id": activities["vacation"]},
    ]  # fmt: skip


def test_a_batch_creates_entries_as_single_creates_would(
    client: TestClient,
    db: Database,
    workspace: WorkspaceFixture,
    person: Person,
    activities: dict[str, int],
) -> None:
    items = _priced_items(client, workspace, person, activities)
    singles = []
    for item in items:
        response = client.post(person.entries, json=item, headers=workspace.headers)
        assert response.status_code == 201, response.text
        singles.append(response.json())
    for single in singles:  # the batch's spans would overlap them
        deleted = client.delete(f"{person.entries}/{single['id']}", headers=workspace.headers)
        assert deleted.status_code == 204, deleted.text

    response = client.post(
        BATCH,
        json={"items": [{**item, "employee_id": person.employee_id} for item in items]},
        headers=workspace.headers,
    )

    assert response.status_code == 201, response.text
    created = response.json()["items"]
    assert [_comparable(entry) for entry in created] == [_comparable(e) for e in singles]
    assert created[0]["minutes"] == 60 and created[0]["revenue_minor"] == 12000
    assert created[0]["customer_id"] is not None and created[0]["billable"] is True
    for entry in created:
        stored = client.get(f"{person.entries}/{entry['id']}", headers=person.headers)
        assert stored.json() == entry


def test_one_bad_item_refuses_the_batch_and_stores_nothing(
    client: TestClient,
    db: Database,
    workspace: WorkspaceFixture,
    person: Person,
    activities: dict[str, int],
) -> None:
    good = {"employee_id": person.employee_id, "date": DAY, "minutes": 30}
    client.post(BATCH, json={"items": [{**good, "activity_id": activities["work"]}]},
                headers=workspace.headers)  # fmt: skip
    before = _stored(db, workspace.id)

    response = client.post(
        BATCH,
        json={
            "items": [
                {**good, "activity_id": activities["work"]},
                {**good, "activity_id": activities["work"], "task_id": 1},
                {**good, "activity_id": activities["work"]},
                {**good, "activity_id": 999_999},
            ]
        },
        headers=workspace.headers,
    )

    problem = assert_problem(response, 422)
    assert [(e["location"], e["status"]) for e in problem["errors"]] == [
        ("body.items.1.task_id", 422),
        ("body.items.3.activity_id", 422),
    ]
    assert problem["detail"].startswith("Item 1: ")
    assert _stored(db, workspace.id) == before


def test_more_than_100_items_are_refused(
    client: TestClient, db: Database, workspace: WorkspaceFixture, person: Person,
    activities: dict[str, int],
) -> None:  # fmt: skip
    item = {"employee_id": person.employee_id, "date": DAY, "minutes": 1,
            "activity_id": activities["work"]}  # fmt: skip

    too_many = client.post(BATCH, json={"items": [item] * 101}, headers=workspace.headers)
    empty = client.post(BATCH, json={"items": []}, headers=workspace.headers)

    assert assert_problem(too_many, 422)["errors"][0]["location"] == "body.items"
    assert assert_problem(empty, 422)["errors"][0]["location"] == "body.items"
    assert _stored(db, workspace.id)[0] == 0
    full = client.post(BATCH, json={"items": [item] * 100}, headers=workspace.headers)
    assert full.status_code == 201, full.text
    assert _stored(db, workspace.id)[0] == 100


def test_an_unreachable_employee_answers_404_for_its_item_and_nothing_is_stored(
    client: TestClient,
    db: Database,
    workspace: WorkspaceFixture,
    other_workspace: WorkspaceFixture,
    person: Person,
    activities: dict[str, int],
) -> None:
    stranger = person_in(client, db, other_workspace)
    item = {"date": DAY, "minutes": 30, "activity_id": activities["work"]}
    before = _stored(db, workspace.id)

    response = client.post(
        BATCH,
        json={
            "items": [
                {**item, "employee_id": person.employee_id},
                {**item, "employee_id": stranger.employee_id},
                {**item, "employee_id": person.employee_id, "task_id": 1},
            ]
        },
        headers=workspace.headers,
    )

    problem = assert_problem(response, 404)
    assert [(e["location"], e["status"]) for e in problem["errors"]] == [
        ("body.items.1.employee_id", 404),
        ("body.items.2.task_id", 422),
    ]
    assert _stored(db, workspace.id) == before
    assert _stored(db, other_workspace.id)[0] == 0


def test_an_employee_batches_only_their_own_entries(
    client: TestClient,
    db: Database,
    workspace: WorkspaceFixture,
    person: Person,
    activities: dict[str, int],
) -> None:
    colleague = person_in(client, db, workspace)
    item = {"date": DAY, "minutes": 30, "activity_id": activities["work"]}
    own = {**item, "employee_id": person.employee_id}

    mixed = client.post(
        BATCH,
        json={"items": [own, {**item, "employee_id": colleague.employee_id}]},
        headers=person.headers,
    )
    locking = client.post(BATCH, json={"items": [{**own, "locked": True}]},
                          headers=person.headers)  # fmt: skip
    alone = client.post(BATCH, json={"items": [own, own]}, headers=person.headers)

    problem = assert_problem(mixed, 404)
    assert problem["errors"][0]["location"] == "body.items.1.employee_id"
    assert assert_problem(locking, 403)["errors"][0]["location"] == "body.items.0"
    assert alone.status_code == 201, alone.text
    assert [entry["employee_id"] for entry in alone.json()["items"]] == [person.employee_id] * 2
    assert _stored(db, workspace.id)[0] == 2


def test_totals_equal_a_recomputation_and_each_entry_is_logged_once(
    client: TestClient,
    db: Database,
    workspace: WorkspaceFixture,
    person: Person,
    activities: dict[str, int],
) -> None:
    colleague = person_in(client, db, workspace)
    items = [
        {**item, "employee_id": employee_id}
        for item in _priced_items(client, workspace, person, activities)
        for employee_id in (person.employee_id, colleague.employee_id)
    ]
    same_row = {"employee_id": person.employee_id, "date": DAY, "minutes": 15,
                "activity_id": activities["vacation"]}  # fmt: skip
    with db.transaction(workspace_id=workspace.id) as session:
        revision_before = session.scalar(select(func.max(Change.revision))) or 0

    response = client.post(BATCH, json={"items": [*items, same_row]}, headers=workspace.headers)

    assert response.status_code == 201, response.text
    created = response.json()["items"]
    stored = _stored_totals(db, workspace.id)
    with db.transaction(workspace_id=workspace.id) as session:
        recompute_totals(session, workspace.id)
    assert _stored_totals(db, workspace.id) == stored
    assert sum(row[-1] for row in stored) == len(created)
    with db.transaction(workspace_id=workspace.id) as session:
        logged = session.scalars(
            select(Change).where(Change.revision > revision_before).order_by(Change.revision)
        ).all()
        assert [(c.entity, c.op, c.entity_id) for c in logged] == [
            ("entry", "created", entry["id"]) for entry in created
        ]
        assert [c.revision for c in logged] == list(
            range(revision_before + 1, revision_before + 1 + len(created))
        )
        assert [c.data for c in logged] == created


def test_an_idempotency_key_replays_the_batch_instead_of_creating_it_again(
    client: TestClient, db: Database, workspace: WorkspaceFixture, person: Person,
    activities: dict[str, int],
) -> None:  # fmt: skip
    body = {"items": [{"employee_id": person.employee_id, "date": DAY, "minutes": 30,
                       "activity_id": activities["work"]}] * 3}  # fmt: skip
    headers = {**workspace.headers, "Idempotency-Key": "batch-1"}

    first = client.post(BATCH, json=body, headers=headers)
    again = client.post(BATCH, json=body, headers=headers)

    assert first.status_code == again.status_code == 201, first.text
    assert again.json() == first.json()
    assert again.headers["idempotent-replayed"] == "true"
    assert _stored(db, workspace.id)[0] == 3


def test_a_batch_reads_the_employment_periods_of_all_its_employees_at_once(
    client: TestClient, db: Database, workspace: WorkspaceFixture, activities: dict[str, int]
) -> None:
    people = [person_in(client, db, workspace) for _ in range(3)]
    item = {"date": DAY, "minutes": 30, "activity_id": activities["work"]}
    items = [{**item, "employee_id": person.employee_id} for person in people]
    statements = _statements_of_batch(client, db, workspace, items)

    period_reads = [
        text
        for text in statements
        if text.lstrip().startswith("SELECT") and "FROM employments" in text
    ]
    assert len(period_reads) == 1


def _statements_of_batch(
    client: TestClient, db: Database, workspace: WorkspaceFixture, items: list[dict[str, Any]]
) -> list[str]:
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    for engine in db.engines:
        event.listen(engine, "before_cursor_execute", count)
    try:
        response = client.post(BATCH, json={"items": items}, headers=workspace.headers)
    finally:
        for engine in db.engines:
            event.remove(engine, "before_cursor_execute", count)
    assert response.status_code == 201, response.text
    return statements


def test_a_batch_asks_as_often_for_thirty_entries_as_for_four(
    client: TestClient, db: Database, workspace: WorkspaceFixture, activities: dict[str, int]
) -> None:
    people = [person_in(client, db, workspace) for _ in range(15)]
    days = ["2026-03-02", "2026-03-03"]
    item = {"minutes": 30, "activity_id": activities["work"]}

    def items_of(count: int) -> list[dict[str, Any]]:
        return [
            {**item, "employee_id": person.employee_id, "date": day}
            for person in people[:count]
            for day in days
        ]

    small = _statements_of_batch(client, db, workspace, items_of(2))
    large = _statements_of_batch(client, db, workspace, items_of(15))

    assert len(large) == len(small)
    written = ("INSERT INTO time_entries", "COPY time_entries")
    assert len([text for text in large if text.startswith(written)]) == 1


def test_a_batch_of_submitted_project_entries_asks_as_often_for_four_weeks_as_for_two_days(
    client: TestClient, db: Database, workspace: WorkspaceFixture, activities: dict[str, int]
) -> None:
    """Entries submitted on a project that needs its manager's approval: their references
    and rates are checked once for the days sharing versions, and the project weeks they
    make wait are read and announced once per employee (`approval.requested`, once per
    week that starts to wait), not per day."""
    manager = person_in(client, db, workspace)
    people = [person_in(client, db, workspace) for _ in range(2)]
    project = client.post(
        "/api/projects",
        json={"name": "Bridge", "requires_manager_approval": True, "hourly_rate_minor": 9000,
              "effective_from": "2024-01-01"},
        headers=workspace.headers,
    )  # fmt: skip
    assert project.status_code == 201, project.text
    members = [{"user_id": manager.principal.user_id, "is_manager": True}] + [
        {"user_id": person.principal.user_id} for person in people
    ]
    put = client.put(
        f"/api/projects/{project.json()['id']}/members",
        json={"items": members},
        headers=workspace.headers,
    )
    assert put.status_code == 200, put.text
    item = {"minutes": 30, "activity_id": activities["work"], "project_id": project.json()["id"],
            "approval_status": "under_approval"}  # fmt: skip

    def items_of(days: list[str]) -> list[dict[str, Any]]:
        return [
            {**item, "employee_id": person.employee_id, "date": day}
            for person in people
            for day in days
        ]

    small = _statements_of_batch(client, db, workspace, items_of(["2026-03-02", "2026-03-03"]))
    weeks = [f"2026-02-{day:02d}" for day in range(1, 29)]  # five weeks, Monday to Sunday
    large = _statements_of_batch(client, db, workspace, items_of(weeks))

    assert len(large) == len(small)
    with db.transaction(workspace_id=workspace.id) as session:
        requested = session.scalars(
            select(Change.data).where(Change.entity == "approval", Change.op == "requested")
        ).all()
    assert len(requested) == 2 * (1 + 5)
    assert {data["approver_user_ids"][0] for data in requested} == {manager.principal.user_id}


def test_a_batch_on_eight_projects_asks_as_often_as_one_on_a_single_project(
    client: TestClient, db: Database, workspace: WorkspaceFixture, activities: dict[str, int]
) -> None:
    """What the items refer to (activities, projects, tasks, customers, with their
    versions) and the projects' rates for the items' activities and people are read once
    for the whole batch, whatever number of them it names; each item still gets its own
    rate."""
    headers, work = workspace.headers, activities["work"]
    people = [person_in(client, db, workspace) for _ in range(2)]
    booked: list[tuple[int, int]] = []
    expected_rates: list[int | None] = []
    """Of each item in order: even projects have a rate for the activity, odd ones one for
    the first person alone (the second has none at all)."""
    for number in range(8):
        customer = create_customer(client, headers, f"Customer {number}")
        project = create_project(client, headers, f"Project {number}", customer)
        task = create_task(client, headers, project, f"Task {number}")
        rate = 1000 + number
        if number % 2 == 0:
            path = "activity-rates"
            body = {"items": [{"activity_id": work, "hourly_rate_minor": rate}]}
            expected_rates += [rate, rate]
        else:
            path = "members"
            body = {"items": [{"user_id": people[0].principal.user_id, "hourly_rate_minor": rate}]}
            expected_rates += [rate, None]
        response = client.put(f"/api/projects/{project}/{path}", json=body, headers=headers)
        assert response.status_code == 200, response.text
        booked.append((project, task))

    def items_of(count: int) -> list[dict[str, Any]]:
        return [
            {"employee_id": person.employee_id, "date": DAY, "minutes": 30, "activity_id": work,
             "project_id": project, "task_id": task}
            for project, task in booked[:count]
            for person in people
        ]  # fmt: skip

    small = _statements_of_batch(client, db, workspace, items_of(1))
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    for engine in db.engines:
        event.listen(engine, "before_cursor_execute", count)
    try:
        large = client.post(BATCH, json={"items": items_of(8)}, headers=headers)
    finally:
        for engine in db.engines:
            event.remove(engine, "before_cursor_execute", count)
    assert large.status_code == 201, large.text
    assert len(statements) == len(small)
    assert [item["hourly_rate_minor"] for item in large.json()["items"]] == expected_rates


def test_a_batch_prices_each_day_with_the_rates_in_force_that_day(
    client: TestClient, workspace: WorkspaceFixture, person: Person, activities: dict[str, int]
) -> None:
    """Rates are resolved once for the days on which the same versions are in force:
    entries on both sides of each rate change still take the rate of their own day."""
    references = create_references(client, workspace.headers)
    project_url = f"/api/projects/{references.project_id}"
    changes = [
        (project_url, "2026-01-01", 6000),
        (project_url, "2026-03-05", 9000),
        (f"{project_url}/tasks/{references.task_id}", "2026-03-03", 3000),
    ]
    for url, effective_from, rate in changes:
        changed = client.patch(
            url,
            json={"hourly_rate_minor": rate, "effective_from": effective_from},
            headers=workspace.headers,
        )
        assert changed.status_code == 200, changed.text
    days = ["2026-03-02", "2026-03-04", "2026-03-03", "2026-03-05", "2026-03-06", "2026-03-04"]
    on_project = [{"employee_id": person.employee_id, "date": day, "minutes": 60,
                   "activity_id": activities["work"], "project_id": references.project_id}
                  for day in days]  # fmt: skip
    on_task = [{**item, "minutes": 30, "task_id": references.task_id} for item in on_project]

    response = client.post(BATCH, json={"items": on_project + on_task}, headers=workspace.headers)

    assert response.status_code == 201, response.text
    rates = [
        (entry["hourly_rate_minor"], entry["rate_source"]) for entry in response.json()["items"]
    ]
    project_rates = [(9000 if day >= "2026-03-05" else 6000, "project") for day in days]
    task_rates = [
        (3000, "task") if day >= "2026-03-03" else project_rate
        for day, project_rate in zip(days, project_rates, strict=True)
    ]
    assert rates == project_rates + task_rates

"""Activities: defaults of a new workspace, nesting, references, versions, delete."""

from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient

from tests.access.support import assert_problem
from tests.conftest import WorkspaceFixture
from timeledger.kit.clock import utcnow
from timeledger.settings.service import MCTIME_TIME_TYPES

BASE = "/api/settings/activities"
MCTIME_TYPES = [
    "work",
    "parental_leave",
    "worked_rest_period",
    "clocking",
    "statutory_leave",
    "public_holiday_abroad",
    "medical_leave",
    "bad_weather",
    "company_vacation",
    "unpaid_vacation",
    "care_leave",
    "out_office",
    "work_accident_sickness",
    "military_exercize",
    "flextime",
    "unpaid_time_off",
    "home_office",
    "study_leave",
    "paid_time_off",
    "other_leave",
    "vacation_abroad",
    "travel",
    "sick",
    "military_service",
    "jubilee_day",
    "vacation",
    "move",
    "special_leave",
    "free_time",
]


def _create(
    client: TestClient, workspace: WorkspaceFixture, status: int = 201, **body: Any
) -> dict[str, Any]:
    body.setdefault("name", "Consulting")
    body.setdefault("type", "work")
    response = client.post(BASE, json=body, headers=workspace.headers)
    assert response.status_code == status, response.text
    result: dict[str, Any] = response.json()
    return result


def _all(client: TestClient, workspace: WorkspaceFixture, query: str = "") -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    url = f"{BASE}?limit=200{query}"
    response = client.get(url, headers=workspace.headers)
    assert response.status_code == 200, response.text
    items.extend(response.json()["items"])
    assert response.json()["next_cursor"] is None
    return items


def test_a_new_workspace_has_one_activity_per_mctime_time_type(
    client: TestClient, workspace: WorkspaceFixture
) -> None:
    items = _all(client, workspace)
    by_key = {item["key"]: item for item in items}
    assert sorted(by_key) == sorted(MCTIME_TYPES)
    assert len(MCTIME_TIME_TYPES) == 29
    assert by_key["vacation"]["type"] == "timeoff"
    assert by_key["sick"]["type"] == "timeoff"
    for key in ("work", "home_office", "travel", "clocking"):
        assert by_key[key]["type"] == "work"
    assert by_key["bad_weather"]["type"] == "non-work"
    timeoff = _all(client, workspace, "&type=timeoff")
    assert {item["key"] for item in timeoff} == {
        key for key, kind in MCTIME_TIME_TYPES.items() if kind == "timeoff"
    }


def test_defaults_are_in_force_before_the_workspace_exists_so_history_can_be_imported(
    client: TestClient, workspace: WorkspaceFixture
) -> None:
    oldest = _all(client, workspace, "&as_of=1900-01-01")
    assert len(oldest) == len(MCTIME_TYPES)
    assert {item["effective_from"] for item in oldest} == {"1900-01-01"}


def test_create_get_and_location(client: TestClient, workspace: WorkspaceFixture) -> None:
    response = client.post(
        BASE,
        json={
            "name": "Consulting",
            "type": "work",
            "key": "consulting",
            "billable": True,
            "hourly_rate_minor": 9500,
            "color": "#12abEF",
            "effective_from": "2026-01-01",
        },
        headers=workspace.headers,
    )
    assert response.status_code == 201, response.text
    created = response.json()
    assert response.headers["Location"] == f"{BASE}/{created['id']}"
    assert response.headers["ETag"]
    got = client.get(f"{BASE}/{created['id']}?as_of=2026-02-01", headers=workspace.headers)
    assert got.status_code == 200
    assert got.json()["hourly_rate_minor"] == 9500
    assert got.json()["effective_from"] == "2026-01-01"
    assert got.headers["ETag"] == response.headers["ETag"]


def test_as_of_before_between_and_after_versions(
    client: TestClient, workspace: WorkspaceFixture
) -> None:
    activity = _create(client, workspace, effective_from="2026-01-01", hourly_rate_minor=100)
    url = f"{BASE}/{activity['id']}"
    for day, rate in (("2026-03-01", 300), ("2026-02-01", 200)):  # the second is retroactive
        response = client.patch(
            url, json={"hourly_rate_minor": rate, "effective_from": day}, headers=workspace.headers
        )
        assert response.status_code == 200, response.text
    before = client.get(f"{url}?as_of=2025-12-31", headers=workspace.headers)
    assert_problem(before, 404)
    expected = {
        "2026-01-01": 100,
        "2026-01-31": 100,
        "2026-02-01": 200,
        "2026-02-28": 200,
        "2026-03-01": 300,
        "2030-01-01": 300,
    }
    for day, rate in expected.items():
        got = client.get(f"{url}?as_of={day}", headers=workspace.headers)
        assert got.json()["hourly_rate_minor"] == rate, day
        assert got.json()["name"] == "Consulting"
    listed = _all(client, workspace, "&as_of=2026-02-15&q=consult")
    assert [item["hourly_rate_minor"] for item in listed] == [200]
    assert _all(client, workspace, "&as_of=2025-06-01&q=consult") == []
    versions = client.get(f"{url}/versions", headers=workspace.headers).json()["items"]
    assert [(v["effective_from"], v["hourly_rate_minor"]) for v in versions] == [
        ("2026-01-01", 100),
        ("2026-02-01", 200),
        ("2026-03-01", 300),
    ]


def test_a_version_for_the_same_date_supersedes_and_history_keeps_both(
    client: TestClient, workspace: WorkspaceFixture
) -> None:
    activity = _create(client, workspace, effective_from="2026-01-01")
    url = f"{BASE}/{activity['id']}"
    for name in ("First", "Second"):
        client.patch(
            url, json={"name": name, "effective_from": "2026-02-01"}, headers=workspace.headers
        )
    assert client.get(f"{url}?as_of=2026-02-02", headers=workspace.headers).json()["name"] == (
        "Second"
    )
    versions = client.get(f"{url}/versions", headers=workspace.headers).json()["items"]
    assert [v["name"] for v in versions] == ["Consulting", "First", "Second"]


def test_never_effective_before_creation(client: TestClient, workspace: WorkspaceFixture) -> None:
    activity = _create(client, workspace, effective_from="2026-01-01")
    response = client.patch(
        f"{BASE}/{activity['id']}",
        json={"name": "Earlier", "effective_from": "2025-12-31"},
        headers=workspace.headers,
    )
    body = assert_problem(response, 422)
    assert body["errors"][0]["location"] == "body.effective_from"


def test_if_match(client: TestClient, workspace: WorkspaceFixture) -> None:
    activity = _create(client, workspace)
    url = f"{BASE}/{activity['id']}"
    etag = client.get(url, headers=workspace.headers).headers["ETag"]
    changed = client.patch(url, json={"name": "A"}, headers={**workspace.headers, "If-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["ETag"] != etag
    stale = client.patch(url, json={"name": "B"}, headers={**workspace.headers, "If-Match": etag})
    assert_problem(stale, 412)
    deleted = client.delete(url, headers={**workspace.headers, "If-Match": etag})
    assert_problem(deleted, 412)


def test_a_child_shares_its_parents_type(client: TestClient, workspace: WorkspaceFixture) -> None:
    parent = _create(client, workspace, effective_from="2026-01-01")
    mismatch = client.post(
        BASE,
        json={"name": "Child", "type": "timeoff", "parent_id": parent["id"]},
        headers=workspace.headers,
    )
    assert assert_problem(mismatch, 422)["errors"][0]["location"] == "body.type"
    child = _create(client, workspace, name="Child", parent_id=parent["id"])
    assert child["parent_id"] == parent["id"]
    listed = _all(client, workspace, f"&parent_id={parent['id']}")
    assert [item["id"] for item in listed] == [child["id"]]
    # Changing the parent's type while a child has the old one is refused.
    retype = client.patch(
        f"{BASE}/{parent['id']}", json={"type": "timeoff"}, headers=workspace.headers
    )
    assert_problem(retype, 422)
    # A cycle is refused.
    cycle = client.patch(
        f"{BASE}/{parent['id']}", json={"parent_id": child["id"]}, headers=workspace.headers
    )
    assert_problem(cycle, 422)
    own = client.patch(
        f"{BASE}/{parent['id']}", json={"parent_id": parent["id"]}, headers=workspace.headers
    )
    assert_problem(own, 422)


def test_parent_must_exist_and_be_effective(
    client: TestClient, workspace: WorkspaceFixture
) -> None:
    missing = _create(client, workspace, status=422, parent_id=987654)
    assert "987654" in missing["detail"]
    later = _create(client, workspace, effective_from="2026-06-01")
    early = _create(
        client, workspace, status=422, effective_from="2026-01-01", parent_id=later["id"]
    )
    assert early["errors"][0]["location"] == "body.parent_id"


def test_required_dimensions_must_exist(client: TestClient, workspace: WorkspaceFixture) -> None:
    dimension = client.post(
        "/api/settings/dimensions",
        json={"name": "Cost centre", "allowed_values": ["A", "B"], "effective_from": "2026-01-01"},
        headers=workspace.headers,
    ).json()
    bad = _create(client, workspace, status=422, required_dimension_ids=[dimension["id"], 424242])
    assert "424242" in bad["detail"]
    assert bad["errors"][0]["location"] == "body.required_dimension_ids"
    good = _create(client, workspace, required_dimension_ids=[dimension["id"]])
    assert good["required_dimension_ids"] == [dimension["id"]]
    # The dimension is referred to: deleting it is a conflict naming the activity.
    refused = client.delete(
        f"/api/settings/dimensions/{dimension['id']}", headers=workspace.headers
    )
    assert f"activity {good['id']}" in assert_problem(refused, 409)["detail"]


def test_schema_validation(client: TestClient, workspace: WorkspaceFixture) -> None:
    for body in (
        {"name": "X", "type": "play"},
        {"name": "X", "type": "work", "color": "red"},
        {"name": "X", "type": "work", "hourly_rate_minor": -1},
        {"name": "", "type": "work"},
        {"name": "X", "type": "work", "required_dimension_ids": [1, 1]},
        {"name": "X", "type": "work", "unknown": 1},
    ):
        assert_problem(client.post(BASE, json=body, headers=workspace.headers), 422)


def test_key_is_unique_per_workspace(
    client: TestClient, workspace: WorkspaceFixture, other_workspace: WorkspaceFixture
) -> None:
    _create(client, workspace, key="consulting")
    assert_problem(
        client.post(
            BASE, json={"name": "X", "type": "work", "key": "consulting"}, headers=workspace.headers
        ),
        409,
    )
    assert_problem(
        client.post(
            BASE, json={"name": "X", "type": "work", "key": "vacation"}, headers=workspace.headers
        ),
        409,
    )
    _create(client, other_workspace, key="consulting")


def test_delete_refused_while_a_child_refers_then_allowed(
    client: TestClient, workspace: WorkspaceFixture
) -> None:
    parent = _create(client, workspace)
    child = _create(client, workspace, name="Child", parent_id=parent["id"])
    refused = client.delete(f"{BASE}/{parent['id']}", headers=workspace.headers)
    body = assert_problem(refused, 409)
    assert f"activity {child['id']}" in body["detail"]
    assert client.delete(f"{BASE}/{child['id']}", headers=workspace.headers).status_code == 204
    assert client.delete(f"{BASE}/{parent['id']}", headers=workspace.headers).status_code == 204
    assert_problem(client.get(f"{BASE}/{parent['id']}", headers=workspace.headers), 404)
    assert parent["id"] not in {item["id"] for item in _all(client, workspace)}


def test_a_future_child_version_also_refers(
    client: TestClient, workspace: WorkspaceFixture
) -> None:
    parent = _create(client, workspace, effective_from="2026-01-01")
    child = _create(client, workspace, name="Child", effective_from="2026-01-01")
    future = (utcnow().date() + timedelta(days=400)).isoformat()
    client.patch(
        f"{BASE}/{child['id']}",
        json={"parent_id": parent["id"], "effective_from": future},
        headers=workspace.headers,
    )
    assert_problem(client.delete(f"{BASE}/{parent['id']}", headers=workspace.headers), 409)


def test_other_workspaces_do_not_see_it(
    client: TestClient, workspace: WorkspaceFixture, other_workspace: WorkspaceFixture
) -> None:
    activity = _create(client, workspace)
    url = f"{BASE}/{activity['id']}"
    assert_problem(client.get(url, headers=other_workspace.headers), 404)
    assert_problem(client.patch(url, json={"name": "X"}, headers=other_workspace.headers), 404)
    assert_problem(client.delete(url, headers=other_workspace.headers), 404)
    refer = client.post(
        BASE,
        json={"name": "X", "type": "work", "parent_id": activity["id"]},
        headers=other_workspace.headers,
    )
    assert_problem(refer, 422)


def test_paging_and_sorting(client: TestClient, workspace: WorkspaceFixture) -> None:
    first = client.get(f"{BASE}?limit=10&sort=name", headers=workspace.headers).json()
    assert len(first["items"]) == 10
    second = client.get(
        f"{BASE}?limit=10&sort=name&cursor={first['next_cursor']}", headers=workspace.headers
    ).json()
    names = [item["name"] for item in first["items"] + second["items"]]
    assert names == sorted(names)
    assert len(set(names)) == 20


def test_writes_are_in_the_change_log(client: TestClient, workspace: WorkspaceFixture) -> None:
    before = client.get("/api/admin/workspace", headers=workspace.headers).json()["revision"]
    activity = _create(client, workspace)
    client.patch(f"{BASE}/{activity['id']}", json={"name": "B"}, headers=workspace.headers)
    client.delete(f"{BASE}/{activity['id']}", headers=workspace.headers)
    after = client.get("/api/admin/workspace", headers=workspace.headers).json()["revision"]
    assert after == before + 3

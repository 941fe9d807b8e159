"""The mite face walked through the examples of the mite seed and compat/mite.md, in JSON
and in XML (parsed with lxml), over the real database on both engines."""

import base64
from datetime import date, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.compat.mite.support import BASE, Mite, child, unwrap, xml
from tests.conftest import OWNER_PASSWORD, WorkspaceFixture
from tests.timesheet.support import Person, person_in
from timeledger.kit.db import Database

DAY = date(2026, 9, 15)


@pytest.fixture
def admin(client: TestClient, db: Database, workspace: WorkspaceFixture) -> Person:
    return person_in(client, db, workspace, "admin")


@pytest.fixture
def mite(client: TestClient, admin: Person) -> Mite:
    return Mite.of(client, admin)


@pytest.fixture
def tracker_mite(client: TestClient, person: Person) -> Mite:
    """A time tracker (the employee role)."""
    return Mite.of(client, person)


@pytest.fixture
def catalog(mite: Mite) -> dict[str, Any]:
    customer = mite.create("customers", "customer", {"name": "King Inc.", "hourly_rate": 6000})
    project = mite.create(
        "projects", "project", {"name": "API Docs", "customer_id": customer["id"]}
    )
    other = mite.create("projects", "project", {"name": "Website"})
    writing = mite.create("services", "service", {"name": "Writing", "hourly_rate": 3000})
    return {"customer": customer, "project": project, "other": other, "writing": writing}


# Account, myself, users


def test_account_and_myself(mite: Mite, admin: Person, workspace: WorkspaceFixture) -> None:
    account = mite.ok("account.json")["account"]
    assert account["id"] == workspace.id
    assert account["name"] == account["title"] == workspace.name
    assert account["currency"] == "EUR"
    assert account["created_at"].endswith("+01:00")  # Europe/Copenhagen in November
    head = mite.request("HEAD", "account.json")
    assert (head.status_code, head.content) == (200, b"")
    root = xml(mite.get("account.xml"))
    assert root.tag == "account"
    assert child(root, "id").get("type") == "integer"
    assert child(root, "created-at").get("type") == "datetime"

    me = mite.ok("myself.json")["user"]
    assert me["id"] == admin.principal.user_id
    assert me["email"] == admin.principal.email
    assert me["role"] == "admin"
    assert me["archived"] is False
    assert xml(mite.get("myself.xml")).findtext("email") == admin.principal.email


def test_users_are_listed_filtered_and_forbidden_to_time_trackers(
    mite: Mite, tracker_mite: Mite, person: Person, workspace: WorkspaceFixture
) -> None:
    users = unwrap(mite.ok("users.json"), "user")
    emails = {user["email"] for user in users}
    assert {workspace.owner_email, person.principal.email} <= emails
    assert [user["name"] for user in users] == sorted(user["name"] for user in users)
    assert person.principal.email is not None
    by_email = unwrap(mite.ok("users.json", email=person.principal.email.upper()), "user")
    assert [user["id"] for user in by_email] == [person.principal.user_id]
    assert by_email[0]["role"] == "time_tracker"
    assert unwrap(mite.ok("users.json", name="nobody-has-this"), "user") == []
    assert unwrap(mite.ok("users/archived.json"), "user") == []
    one = mite.ok(f"users/{person.principal.user_id}.json")["user"]
    assert one["email"] == person.principal.email
    limited = unwrap(mite.ok("users.json", limit=1, page=2), "user")
    assert limited == users[1:2]

    forbidden = tracker_mite.get("users.json")
    assert forbidden.status_code == 403
    assert set(forbidden.json()) == {"error"}
    root = xml(tracker_mite.get("users.xml"))
    assert root.tag == "errors" and root.findtext("error")


# Authentication


def test_every_way_to_authenticate(
    client: TestClient, admin: Person, workspace: WorkspaceFixture
) -> None:
    key = admin.principal.key
    assert client.get(f"{BASE}/myself.json", headers={"X-MiteApiKey": key}).status_code == 200
    assert client.get(f"{BASE}/myself.json", params={"api_key": key}).status_code == 200
    basic = base64.b64encode(f"{workspace.owner_email}:{OWNER_PASSWORD}".encode()).decode()
    response = client.get(f"{BASE}/myself.json", headers={"Authorization": f"Basic {basic}"})
    assert response.status_code == 200
    assert response.json()["user"]["email"] == workspace.owner_email

    wrong = base64.b64encode(f"{workspace.owner_email}:not the password".encode()).decode()
    for headers in ({"X-MiteApiKey": "tl_ak_wrong"}, {"Authorization": f"Basic {wrong}"}, {}):
        response = client.get(f"{BASE}/myself.json", headers=headers)
        assert response.status_code == 401
        assert set(response.json()) == {"error"}
    root = xml(client.get(f"{BASE}/myself.xml"))
    assert root.tag == "errors"


# Customers, projects, services


def test_customer_lifecycle_in_json(mite: Mite) -> None:
    response = mite.request(
        "POST", "customers.json", json={"customer": {"name": "King Inc.", "note": "VIP"}}
    )
    assert response.status_code == 201
    customer = response.json()["customer"]
    assert response.headers["location"].endswith(f"/compat/mite/customers/{customer['id']}.json")
    assert customer["hourly_rate"] is None
    assert customer["active_hourly_rate"] is None
    assert customer["hourly_rates_per_service"] == []

    update = mite.request(
        "PATCH", f"customers/{customer['id']}.json", json={"customer": {"hourly_rate": 4500}}
    )
    assert (update.status_code, update.content) == (200, b"")
    current = mite.ok(f"customers/{customer['id']}.json")["customer"]
    assert (current["hourly_rate"], current["active_hourly_rate"]) == (4500, "hourly_rate")
    assert current["note"] == "VIP"

    put = mite.request(
        "PUT", f"customers/{customer['id']}.json", json={"customer": {"archived": True}}
    )
    assert put.status_code == 200
    assert unwrap(mite.ok("customers.json"), "customer") == []
    archived = unwrap(mite.ok("customers/archived.json", name="king"), "customer")
    assert [item["id"] for item in archived] == [customer["id"]]

    deleted = mite.request("DELETE", f"customers/{customer['id']}.json")
    assert (deleted.status_code, deleted.content) == (200, b"")
    assert mite.get(f"customers/{customer['id']}.json").status_code == 404


def test_project_lifecycle_in_xml(mite: Mite, catalog: dict[str, Any]) -> None:
    customer_id = catalog["customer"]["id"]
    body = (
        "<project><name>Docs v2</name><customer-id>"
        f"{customer_id}</customer-id><budget>600</budget><budget-type>minutes</budget-type>"
        "<hourly-rates-per-service type='array'><hourly-rate-per-service>"
        f"<service-id>{catalog['writing']['id']}</service-id><hourly-rate>7000</hourly-rate>"
        "</hourly-rate-per-service></hourly-rates-per-service></project>"
    )
    response = mite.request(
        "POST", "projects.xml", content=body, headers={"Content-Type": "application/xml"}
    )
    assert response.status_code == 201, response.text
    root = xml(response)
    assert root.tag == "project"
    project_id = int(root.findtext("id") or 0)
    assert response.headers["location"].endswith(f"/projects/{project_id}.xml")
    assert root.findtext("customer-name") == "King Inc."
    assert (root.findtext("budget"), root.findtext("budget-type")) == ("600", "minutes")
    assert root.findtext("active-hourly-rate") == "hourly_rates_per_service"
    rates = child(root, "hourly-rates-per-service")
    assert rates.get("type") == "array"
    assert [rate.findtext("hourly-rate") for rate in rates] == ["7000"]

    still_used = mite.request("DELETE", f"customers/{customer_id}.json")
    assert still_used.status_code == 409
    assert "Docs v2" in still_used.json()["error"]
    of_customer = unwrap(mite.ok("projects.json", customer_id=customer_id), "project")
    assert {item["name"] for item in of_customer} == {"API Docs", "Docs v2"}
    update = mite.request(
        "PATCH", f"projects/{project_id}.xml", content=b"<project><name>Docs v3</name></project>"
    )
    assert (update.status_code, update.content) == (200, b"")
    assert mite.ok(f"projects/{project_id}.json")["project"]["name"] == "Docs v3"
    assert mite.request("DELETE", f"projects/{project_id}.xml").status_code == 200
    assert xml(mite.get(f"projects/{project_id}.xml")).tag == "errors"


def test_services_default_to_billable(mite: Mite, catalog: dict[str, Any]) -> None:
    writing = catalog["writing"]
    assert (writing["billable"], writing["hourly_rate"], writing["archived"]) == (True, 3000, False)
    listed = unwrap(mite.ok("services.json", name="writ"), "service")
    assert [item["id"] for item in listed] == [writing["id"]]
    root = xml(mite.get("services.xml", name="writ"))
    assert root.tag == "services" and root.get("type") == "array"
    assert child(child(root, "service"), "billable").text == "true"
    patch = mite.request(
        "PATCH", f"services/{writing['id']}.json", json={"service": {"archived": True}}
    )
    assert patch.status_code == 200
    archived = unwrap(mite.ok("services/archived.json"), "service")
    assert [item["id"] for item in archived] == [writing["id"]]


def test_time_trackers_see_their_projects_but_not_customers(
    tracker_mite: Mite, catalog: dict[str, Any]
) -> None:
    assert unwrap(tracker_mite.ok("projects.json"), "project") == []
    assert tracker_mite.get(f"projects/{catalog['project']['id']}.json").status_code == 404
    assert tracker_mite.get("customers.json").status_code == 403
    created = tracker_mite.request("POST", "services.json", json={"service": {"name": "X"}})
    assert created.status_code == 403
    assert len(unwrap(tracker_mite.ok("services.json"), "service")) > 0


# Time entries


def test_time_entry_of_the_seed_in_json_and_xml(
    mite: Mite, admin: Person, catalog: dict[str, Any], activities: dict[str, int]
) -> None:
    response = mite.request(
        "POST",
        "time_entries.json",
        json={"time_entry": {"date_at": "2026-9-15", "minutes": 185, "service_id": catalog[
            "writing"]["id"], "project_id": catalog["project"]["id"], "note": "API"}},
    )  # fmt: skip
    assert response.status_code == 201
    entry = response.json()["time_entry"]
    assert response.headers["location"].endswith(f"/time_entries/{entry['id']}.json")
    assert entry["date_at"] == "2026-09-15"
    assert (entry["minutes"], entry["note"], entry["billable"], entry["locked"]) == (
        185, "API", True, False
    )  # fmt: skip
    assert entry["user_id"] == admin.principal.user_id
    assert (entry["project_name"], entry["customer_name"], entry["service_name"]) == (
        "API Docs", "King Inc.", "Writing"
    )  # fmt: skip
    assert entry["hourly_rate"] == 6000  # the customer's rate comes before the service's
    assert entry["revenue"] == pytest.approx(185 * 6000 / 60, abs=1)
    assert "tracking" not in entry

    bare = mite.request(
        "POST", "time_entries.xml", content=b"<time-entry><minutes>15</minutes></time-entry>"
    )
    assert bare.status_code == 201
    root = xml(bare)
    assert root.tag == "time-entry"
    assert child(root, "date-at").get("type") == "date"
    assert dict(child(root, "revenue").items()) == {"type": "float", "nil": "true"}
    assert dict(child(root, "project-id").items()) == {"type": "integer", "nil": "true"}
    assert root.findtext("note") == ""
    assert root.findtext("hourly-rate") == "0"
    assert int(root.findtext("service-id") or 0) == activities["work"]

    single = xml(mite.get(f"time_entries/{entry['id']}.xml"))
    assert single.findtext("minutes") == "185"
    assert child(single, "billable").text == "true"
    assert child(single, "created-at").get("type") == "datetime"


def _entries(
    mite: Mite, catalog: dict[str, Any], activities: dict[str, int]
) -> list[dict[str, Any]]:
    project, other, writing = (
        catalog["project"]["id"],
        catalog["other"]["id"],
        catalog["writing"]["id"],
    )
    rows = [
        (DAY, 60, project, writing, "draft api"),
        (DAY, 30, other, activities["work"], "meeting"),
        (DAY - timedelta(days=1), 90, project, writing, "review API"),
        (DAY - timedelta(days=8), 15, None, activities["work"], "email"),
    ]
    return [
        mite.entry(date_at=day.isoformat(), minutes=minutes, project_id=project_id,
                   service_id=service_id, note=note)
        for day, minutes, project_id, service_id, note in rows
    ]  # fmt: skip


def _ids(items: list[dict[str, Any]]) -> list[int]:
    return [item["time_entry"]["id"] for item in items]


def test_filters_sorting_and_pages(
    mite: Mite, catalog: dict[str, Any], activities: dict[str, int]
) -> None:
    created = _entries(mite, catalog, activities)
    ids = [entry["id"] for entry in created]
    everything = mite.ok("time_entries.json")
    assert _ids(everything) == [ids[1], ids[0], ids[2], ids[3]]  # date desc, then id desc
    assert _ids(mite.ok("time_entries.json", project_id=catalog["project"]["id"])) == [
        ids[0], ids[2]
    ]  # fmt: skip
    assert _ids(mite.ok("time_entries.json", service_id=catalog["writing"]["id"])) == [
        ids[0], ids[2]
    ]  # fmt: skip
    assert _ids(mite.ok("time_entries.json", customer_id=catalog["customer"]["id"])) == [
        ids[0], ids[2]
    ]  # fmt: skip
    assert _ids(mite.ok("time_entries.json", at=DAY.isoformat())) == [ids[1], ids[0]]
    window = {"from": (DAY - timedelta(days=1)).isoformat(), "to": DAY.isoformat()}
    assert sorted(_ids(mite.ok("time_entries.json", **window))) == sorted(ids[:3])
    notes = mite.get("time_entries.json", **{"note[]": ["API", "mail"]})
    assert sorted(_ids(notes.json())) == sorted([ids[0], ids[2], ids[3]])
    assert _ids(mite.ok("time_entries.json", note="meet")) == [ids[1]]
    assert _ids(mite.ok("time_entries.json", sort="minutes")) == [ids[2], ids[0], ids[1], ids[3]]
    ascending = mite.ok("time_entries.json", sort="minutes", direction="asc")
    assert _ids(ascending) == [ids[3], ids[1], ids[0], ids[2]]
    by_note = mite.ok("time_entries.json", sort="note")  # asc by default
    assert [item["time_entry"]["note"] for item in by_note] == sorted(
        entry["note"] for entry in created
    )
    assert _ids(mite.ok("time_entries.json", limit=2, page=2)) == [ids[2], ids[3]]
    # Projects are billable by default; the work activity without a project is not.
    assert _ids(mite.ok("time_entries.json", billable="false")) == [ids[3]]
    assert _ids(mite.ok("time_entries.json", locked="true")) == []
    assert _ids(mite.ok("time_entries.json", user_id="current")) == _ids(everything)
    root = xml(mite.get("time_entries.xml", limit=1))
    assert root.tag == "time-entries" and root.get("type") == "array"
    assert [element.tag for element in root] == ["time-entry"]


@pytest.mark.parametrize(
    "group_by", ["project", "service", "user,week", "customer,month", "day", "year"]
)
def test_groups_sum_exactly_the_entries_their_params_list(
    mite: Mite, catalog: dict[str, Any], activities: dict[str, int], group_by: str
) -> None:
    _entries(mite, catalog, activities)
    groups = unwrap(mite.ok("time_entries.json", group_by=group_by), "time_entry_group")
    assert groups
    seen: set[int] = set()
    for group in groups:
        listed = unwrap(mite.ok("time_entries.json", **group["time_entries_params"]), "time_entry")
        assert listed, group
        assert group["minutes"] == sum(entry["minutes"] for entry in listed)
        assert group["revenue"] == pytest.approx(sum(entry["revenue"] or 0 for entry in listed))
        assert group["from"] == min(entry["date_at"] for entry in listed)
        assert group["to"] == max(entry["date_at"] for entry in listed)
        ids = {entry["id"] for entry in listed}
        assert not ids & seen
        seen |= ids
    assert len(seen) == 4
    root = xml(mite.get("time_entries.xml", group_by=group_by))
    assert root.tag == "time-entry-groups"
    assert child(child(root, "time-entry-group"), "minutes").get("type") == "integer"


def test_group_by_project_names_each_project(
    mite: Mite, catalog: dict[str, Any], activities: dict[str, int]
) -> None:
    _entries(mite, catalog, activities)
    groups = unwrap(mite.ok("time_entries.json", group_by="project"), "time_entry_group")
    named = {group["project_name"]: group["minutes"] for group in groups}
    assert named == {"API Docs": 150, "Website": 30, None: 15}


def test_daily_is_the_callers_own_day(
    mite: Mite, tracker_mite: Mite, catalog: dict[str, Any], activities: dict[str, int]
) -> None:
    _entries(mite, catalog, activities)
    today = mite.entry(minutes=5, note="today")
    mine = tracker_mite.entry(date_at=DAY.isoformat(), minutes=10, note="tracker")
    assert _ids(mite.ok("daily.json")) == [today["id"]]
    assert _ids(tracker_mite.ok("daily.json")) == []
    assert _ids(tracker_mite.ok(f"daily/{DAY.year}/{DAY.month}/{DAY.day}.json")) == [mine["id"]]
    assert len(mite.ok(f"daily/{DAY.year}/{DAY.month}/{DAY.day}.json")) == 2
    assert mite.get("daily/2026/2/30.json").status_code == 404


def test_time_trackers_touch_only_their_own_entries(
    mite: Mite, tracker_mite: Mite, person: Person
) -> None:
    others = mite.entry(date_at=DAY.isoformat(), minutes=20)
    own = tracker_mite.entry(date_at=DAY.isoformat(), minutes=10)
    assert own["user_id"] == person.principal.user_id
    assert _ids(tracker_mite.ok("time_entries.json")) == [own["id"]]
    attempts: tuple[tuple[str, dict[str, Any]], ...] = (
        ("GET", {}),
        ("PATCH", {"json": {"time_entry": {"minutes": 1}}}),
        ("DELETE", {}),
    )
    for method, kwargs in attempts:
        response = tracker_mite.request(method, f"time_entries/{others['id']}.json", **kwargs)
        assert response.status_code == 404, (method, response.text)
        assert set(response.json()) == {"error"}
    as_other = tracker_mite.request(
        "POST",
        "time_entries.json",
        json={"time_entry": {"minutes": 5, "user_id": others["user_id"]}},
    )
    assert as_other.status_code == 404
    admin_for_tracker = mite.entry(minutes=7, user_id=person.principal.user_id)
    assert admin_for_tracker["user_id"] == person.principal.user_id
    assert mite.ok(f"time_entries/{others['id']}.json")["time_entry"]["minutes"] == 20


def test_locked_entries_answer_423_until_an_admin_forces(mite: Mite, tracker_mite: Mite) -> None:
    entry = tracker_mite.entry(date_at=DAY.isoformat(), minutes=10)
    locking = tracker_mite.request(
        "PATCH", f"time_entries/{entry['id']}.json", json={"time_entry": {"locked": True}}
    )
    assert locking.status_code == 403
    assert (
        mite.request(
            "PATCH", f"time_entries/{entry['id']}.json", json={"time_entry": {"locked": True}}
        ).status_code
        == 200
    )
    update = tracker_mite.request(
        "PATCH", f"time_entries/{entry['id']}.json", json={"time_entry": {"minutes": 11}}
    )
    assert update.status_code == 423
    assert update.json() == {"error": "Time entry cannot be updated: it is locked."}
    delete = tracker_mite.request("DELETE", f"time_entries/{entry['id']}.xml")
    assert delete.status_code == 423
    assert xml(delete).findtext("error") == "Time entry cannot be deleted: it is locked."
    tracker_force = tracker_mite.request(
        "DELETE", f"time_entries/{entry['id']}.json", json={"time_entry": {"force": True}}
    )
    assert tracker_force.status_code == 403
    unlock = mite.request(
        "PATCH",
        f"time_entries/{entry['id']}.xml",
        content=b"<time-entry><force>true</force><locked>false</locked></time-entry>",
    )
    assert (unlock.status_code, unlock.content) == (200, b"")
    assert mite.ok(f"time_entries/{entry['id']}.json")["time_entry"]["locked"] is False
    mite.request("PATCH", f"time_entries/{entry['id']}.json", json={"time_entry": {"locked": True}})
    forced = mite.request(
        "DELETE", f"time_entries/{entry['id']}.json", json={"time_entry": {"force": True}}
    )
    assert (forced.status_code, forced.content) == (200, b"")
    assert mite.get(f"time_entries/{entry['id']}.json").status_code == 404


def test_tracker_starts_switches_and_stops(mite: Mite) -> None:
    first = mite.entry(minutes=30, note="first")
    second = mite.entry(minutes=0, note="second")
    assert mite.ok("tracker.json") == {"tracker": {}}
    started = mite.request("PATCH", f"tracker/{first['id']}.json")
    assert started.status_code == 200
    tracking = started.json()["tracker"]["tracking_time_entry"]
    assert (tracking["id"], tracking["minutes"]) == (first["id"], 30)
    assert "stopped_time_entry" not in started.json()["tracker"]
    again = mite.request("PATCH", f"tracker/{first['id']}.json").json()["tracker"]
    assert again["tracking_time_entry"]["id"] == first["id"]
    assert "stopped_time_entry" not in again
    entry = mite.ok(f"time_entries/{first['id']}.json")["time_entry"]
    assert entry["tracking"]["minutes"] == 30 and entry["tracking"]["since"]
    assert _ids(mite.ok("time_entries.json", tracking="true")) == [first["id"]]

    switched = mite.request("PUT", f"tracker/{second['id']}.json").json()["tracker"]
    assert switched["tracking_time_entry"]["id"] == second["id"]
    assert switched["stopped_time_entry"] == {"id": first["id"], "minutes": 30}
    shown = xml(mite.get("tracker.xml"))
    assert shown.tag == "tracker"
    assert child(child(shown, "tracking-time-entry"), "id").text == str(second["id"])

    assert mite.request("DELETE", f"tracker/{first['id']}.json").status_code == 404
    stopped = mite.request("DELETE", f"tracker/{second['id']}.json")
    assert stopped.status_code == 200
    assert stopped.json() == {"tracker": {"stopped_time_entry": {"id": second["id"], "minutes": 0}}}
    assert mite.ok("tracker.json") == {"tracker": {}}


def test_bookmarks_are_listed_and_followed(
    client: TestClient,
    mite: Mite,
    admin: Person,
    catalog: dict[str, Any],
    activities: dict[str, int],
) -> None:
    created = _entries(mite, catalog, activities)
    query = f"project_id={catalog['project']['id']}&sort=minutes"
    response = client.post(
        "/api/me/bookmarks", json={"name": "API work", "query": query}, headers=admin.headers
    )
    assert response.status_code == 201, response.text
    bookmark_id = response.json()["id"]
    listed = unwrap(mite.ok("time_entries/bookmarks.json"), "bookmark")
    assert [(item["id"], item["name"], item["query"]) for item in listed] == [
        (bookmark_id, "API work", query)
    ]
    assert xml(mite.get(f"time_entries/bookmarks/{bookmark_id}.xml")).findtext("query") == query
    follow = mite.request(
        "GET", f"time_entries/bookmarks/{bookmark_id}/follow.json", follow_redirects=False
    )
    assert follow.status_code == 302
    assert follow.headers["location"].endswith(f"/compat/mite/time_entries.json?{query}")
    followed = mite.request("GET", f"time_entries/bookmarks/{bookmark_id}/follow.json")
    assert _ids(followed.json()) == [created[2]["id"], created[0]["id"]]
    assert mite.get("time_entries/bookmarks/999999.json").status_code == 404


# Bad input: the vendor's statuses, mite's error bodies, never a 500


@pytest.mark.parametrize(
    ("method", "path", "body", "status"),
    [
        ("POST", "time_entries.json", b"{not json", 400),
        ("POST", "time_entries.json", b"[1, 2]", 400),
        ("POST", "time_entries.xml", b"<time-entry><minutes>5</minutes>", 400),
        ("POST", "time_entries.xml", b'<!DOCTYPE x [<!ENTITY a "b">]><time-entry/>', 400),
        ("POST", "time_entries.xml", b"<project><name>x</name></project>", 400),
        ("POST", "time_entries.json", b'{"time_entry": {"minutes": -1}}', 422),
        ("POST", "time_entries.json", b'{"time_entry": {"minutes": 1441}}', 422),
        ("POST", "time_entries.json", b'{"time_entry": {"date_at": "2026-13-40"}}', 422),
        ("POST", "time_entries.json", b'{"time_entry": {"service_id": 999999}}', 422),
        ("POST", "time_entries.json", b'{"time_entry": {"note": "a\\u0000b"}}', 422),
        ("POST", "customers.json", b'{"customer": {}}', 422),
        ("POST", "projects.json", b'{"project": {"name": "x", "budget_type": "eggs"}}', 422),
        ("GET", "time_entries.json?group_by=colour", b"", 400),
        ("GET", "time_entries.json?sort=colour", b"", 400),
        ("GET", "time_entries.json?direction=up", b"", 400),
        ("GET", "time_entries.json?at=someday", b"", 400),
        ("GET", "time_entries.json?limit=0", b"", 400),
        ("GET", "time_entries.json?page=x", b"", 400),
        ("GET", "time_entries.json?billable=maybe", b"", 400),
        ("GET", "time_entries.json?project_id=abc", b"", 422),
        ("GET", "time_entries/abc.json", b"", 404),
        ("GET", "time_entries/99999999.json", b"", 404),
        ("GET", "time_entries.yaml", b"", 404),
        ("GET", "nothing.json", b"", 404),
        ("DELETE", "account.json", b"", 405),
    ],
)
def test_bad_input_gets_the_vendors_status_and_error_body(
    mite: Mite, method: str, path: str, body: bytes, status: int
) -> None:
    response = mite.request(method, path, content=body)
    assert response.status_code == status, response.text
    if path.split("?")[0].endswith(".xml"):
        root = xml(response)
        assert root.tag == "errors"
        assert root.findtext("error")
    else:
        assert set(response.json()) == {"error"}
        assert response.json()["error"]


def test_xml_errors_are_an_errors_document(mite: Mite) -> None:
    response = mite.request(
        "POST", "time_entries.xml", content=b"<time-entry><minutes>-5</minutes></time-entry>"
    )
    assert response.status_code == 422
    root = xml(response)
    assert root.tag == "errors"
    assert "minutes" in (root.findtext("error") or "")


# One entry, two faces


def test_entries_are_the_same_through_mite_and_the_native_api(
    client: TestClient, mite: Mite, admin: Person, catalog: dict[str, Any]
) -> None:
    through_mite = mite.entry(
        date_at=DAY.isoformat(), minutes=45, note="via mite",
        project_id=catalog["project"]["id"], service_id=catalog["writing"]["id"],
    )  # fmt: skip
    native = client.get(f"{admin.entries}/{through_mite['id']}", headers=admin.headers).json()
    assert (native["date"], native["minutes"], native["note"]) == (DAY.isoformat(), 45, "via mite")
    assert native["project_id"] == catalog["project"]["id"]
    assert native["activity_id"] == catalog["writing"]["id"]
    assert native["revenue_minor"] == int(through_mite["revenue"])

    response = client.post(
        admin.entries,
        json={"date": DAY.isoformat(), "minutes": 75, "note": "native",
              "activity_id": catalog["writing"]["id"], "project_id": catalog["other"]["id"]},
        headers=admin.headers,
    )  # fmt: skip
    assert response.status_code == 201
    created = response.json()
    seen = mite.ok(f"time_entries/{created['id']}.json")["time_entry"]
    assert (seen["date_at"], seen["minutes"], seen["note"]) == (DAY.isoformat(), 75, "native")
    assert (seen["project_id"], seen["service_id"]) == (
        catalog["other"]["id"],
        catalog["writing"]["id"],
    )
    assert (seen["project_name"], seen["service_name"]) == ("Website", "Writing")
    assert seen["user_id"] == admin.principal.user_id

    changed = mite.request(
        "PATCH",
        f"time_entries/{created['id']}.json",
        json={"time_entry": {"minutes": 80, "note": "both"}},
    )
    assert changed.status_code == 200
    again = client.get(f"{admin.entries}/{created['id']}", headers=admin.headers).json()
    assert (again["minutes"], again["note"]) == (80, "both")

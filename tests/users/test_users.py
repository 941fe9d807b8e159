"""People: list, create, get, update, suspend, reactivate, delete, and the owner rules."""

from typing import Any

from fastapi.testclient import TestClient

from tests.access.support import PASSWORD, assert_problem, new_person, new_service_user
from tests.conftest import WorkspaceFixture
from timeledger.kit.db import Database


def _create(client: TestClient, workspace: WorkspaceFixture, **fields: Any) -> dict[str, Any]:
    body = {"email": "grace@example.com", "name": "Grace Hopper", **fields}
    response = client.post("/api/users", json=body, headers=workspace.headers)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


def _list(client: TestClient, workspace: WorkspaceFixture, query: str = "") -> list[str]:
    response = client.get(f"/api/users?limit=200&{query}", headers=workspace.headers)
    assert response.status_code == 200, response.text
    return [user["name"] for user in response.json()["items"]]


def test_creating_a_user_answers_201_with_location_and_etag(
    client: TestClient, workspace: WorkspaceFixture
) -> None:
    response = client.post(
        "/api/users",
        json={
            "email": "Grace@Example.com",
            "name": "Grace Hopper",
            "role": "manager",
            "timezone": "Europe/Berlin",
            "language": "de",
        },
        headers=workspace.headers,
    )

    assert response.status_code == 201, response.text
    created = response.json()
    assert response.headers["location"] == f"/api/users/{created['id']}"
    assert created["email"] == "grace@example.com"
    assert (created["role"], created["status"]) == ("manager", "active")
    assert (created["timezone"], created["language"]) == ("Europe/Berlin", "de")
    assert "password" not in response.text
    fetched = client.get(response.headers["location"], headers=workspace.headers)
    assert fetched.status_code == 200
    assert fetched.json() == created
    assert fetched.headers["etag"] == response.headers["etag"]


def test_creating_a_user_refuses_duplicates_unknown_roles_and_bad_fields(
    client: TestClient, workspace: WorkspaceFixture
) -> None:
    _create(client, workspace)
    headers = workspace.headers
    duplicate = client.post(
        "/api/users", json={"email": "GRACE@example.com", "name": "Again"}, headers=headers
    )
    assert "grace@example.com" in assert_problem(duplicate, 409)["detail"]
    unknown_role = client.post(
        "/api/users",
        json={"email": "x@example.com", "name": "X", "role": "wizard"},
        headers=headers,
    )
    body = assert_problem(unknown_role, 422)
    assert "wizard" in body["detail"]
    assert body["errors"][0]["location"] == "body.role"
    for bad in (
        {"email": "not-an-email", "name": "X"},
        {"email": "x@example.com", "name": ""},
        {"email": "x@example.com", "name": "X", "timezone": "Mars/Olympus"},
        {"email": "x@example.com", "name": "X", "status": "active"},
    ):
        assert_problem(client.post("/api/users", json=bad, headers=headers), 422)
    assert _list(client, workspace) == ["owner", "Grace Hopper"]


def test_listing_filters_by_status_role_and_text(
    client: TestClient, db: Database, workspace: WorkspaceFixture
) -> None:
    ada = new_person(db, workspace.id, "manager", name="Ada Lovelace", email="ada@example.com")
    new_person(db, workspace.id, "employee", name="Alan Turing", email="alan@example.com")
    new_person(db, workspace.id, "employee", name="Edsger 100% Dijkstra", email="ed@example.com")
    new_service_user(db, workspace.id, "employee", name="Ada robot")
    suspended = client.post(f"/api/users/{ada.user_id}/suspend", headers=workspace.headers)
    assert suspended.status_code == 200

    assert _list(client, workspace, "status=suspended") == ["Ada Lovelace"]
    assert _list(client, workspace, "status=active") == [
        "owner",
        "Alan Turing",
        "Edsger 100% Dijkstra",
    ]
    assert _list(client, workspace, "role=employee") == ["Alan Turing", "Edsger 100% Dijkstra"]
    assert _list(client, workspace, "role=manager&status=active") == []
    assert _list(client, workspace, "q=ADA") == ["Ada Lovelace"]
    assert _list(client, workspace, "q=alan%40example") == ["Alan Turing"]
    assert _list(client, workspace, "q=%25") == ["Edsger 100% Dijkstra"]
    assert _list(client, workspace, "q=a_a") == []
    assert _list(client, workspace, "role=nobody") == []
    assert_problem(client.get("/api/users?status=deleted", headers=workspace.headers), 422)


def test_listing_pages_through_every_user_once(
    client: TestClient, db: Database, workspace: WorkspaceFixture
) -> None:
    for number in range(6):
        new_person(db, workspace.id, "employee", name=f"Person {number}")
    seen: list[str] = []
    cursor = None
    pages = 0
    while True:
        url = "/api/users?limit=3&sort=name&direction=desc"
        response = client.get(
            url + (f"&cursor={cursor}" if cursor else ""), headers=workspace.headers
        )
        assert response.status_code == 200, response.text
        body = response.json()
        assert len(body["items"]) <= 3
        seen += [user["name"] for user in body["items"]]
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert pages == 3
    assert seen == sorted(["owner", *(f"Person {n}" for n in range(6))], reverse=True)
    wrong_sort = client.get(
        f"/api/users?limit=3&sort=email&cursor={cursor or 'x'}", headers=workspace.headers
    )
    assert_problem(wrong_sort, 400)
    assert_problem(client.get("/api/users?limit=201", headers=workspace.headers), 422)


def test_people_with_own_scope_see_only_themselves(
    client: TestClient, db: Database, workspace: WorkspaceFixture
) -> None:
    employee = new_person(db, workspace.id, "employee")
    manager = new_person(db, workspace.id, "manager")
    for caller in (employee, manager):
        listed = client.get("/api/users", headers=caller.headers).json()["items"]
        assert [user["id"] for user in listed] == [caller.user_id]
        assert client.get(f"/api/users/{caller.user_id}", headers=caller.headers).status_code == 200
        other = client.get(f"/api/users/{workspace.owner_id}", headers=caller.headers)
        assert_problem(other, 404)


def test_updating_a_user_honours_if_match(
    client: TestClient, db: Database, workspace: WorkspaceFixture
) -> None:
    person = new_person(db, workspace.id, "employee")
    url = f"/api/users/{person.user_id}"
    etag = client.get(url, headers=workspace.headers).headers["etag"]

    updated = client.patch(
        url,
        json={"name": "Renamed", "role": "manager", "timezone": "Asia/Tokyo"},
        headers={**workspace.headers, "If-Match": etag},
    )

    assert updated.status_code == 200, updated.text
    assert (updated.json()["name"], updated.json()["role"]) == ("Renamed", "manager")
    assert updated.headers["etag"] != etag
    stale = client.patch(
        url, json={"name": "Stale"}, headers={**workspace.headers, "If-Match": etag}
    )
    assert assert_problem(stale, 412)["current_etag"] == updated.headers["etag"]
    cleared = client.patch(url, json={"timezone": None}, headers=workspace.headers)
    assert cleared.json()["timezone"] is None
    assert cleared.json()["name"] == "Renamed"
    taken = client.patch(url, json={"email": "OWNER@acme.example"}, headers=workspace.headers)
    assert taken.status_code == 200
    clash = client.patch(
        f"/api/users/{workspace.owner_id}",
        json={"email": "owner@acme.example"},
        headers=workspace.headers,
    )
    assert_problem(clash, 409)
    assert_problem(client.patch(url, json={"role": "wizard"}, headers=workspace.headers), 422)


def test_suspend_reactivate_and_delete(
    client: TestClient, db: Database, workspace: WorkspaceFixture
) -> None:
    person = new_person(db, workspace.id, "employee", email="leaver@example.com")
    url = f"/api/users/{person.user_id}"
    assert_problem(client.post(f"{url}/reactivate", headers=workspace.headers), 404)

    suspended = client.post(f"{url}/suspend", headers=workspace.headers)
    assert suspended.json()["status"] == "suspended"
    reactivated = client.post(f"{url}/reactivate", headers=workspace.headers)
    assert reactivated.json()["status"] == "active"
    deleted = client.delete(url, headers=workspace.headers)

    assert deleted.status_code == 204
    assert_problem(client.get(url, headers=workspace.headers), 404)
    assert_problem(client.post(f"{url}/reactivate", headers=workspace.headers), 404)
    assert_problem(client.delete(url, headers=workspace.headers), 404)
    assert _list(client, workspace) == ["owner"]
    # The email is free again for a new person.
    again = _create(client, workspace, email="leaver@example.com")
    assert again["id"] != person.user_id


def test_nobody_suspends_or_deletes_themselves(
    client: TestClient, db: Database, workspace: WorkspaceFixture
) -> None:
    admin = new_person(db, workspace.id, "admin")
    for caller, user_id in ((admin, admin.user_id), (None, workspace.owner_id)):
        headers = caller.headers if caller else workspace.headers
        body = assert_problem(client.post(f"/api/users/{user_id}/suspend", headers=headers), 409)
        assert "yourself" in body["detail"]
        assert_problem(client.delete(f"/api/users/{user_id}", headers=headers), 409)


def test_the_last_owner_cannot_be_suspended_deleted_or_demoted(
    client: TestClient,
    db: Database,
    workspace: WorkspaceFixture,
    other_workspace: WorkspaceFixture,
) -> None:
    # An owner-role service user acts on the only owner who is a person; the owner of
    # the other workspace does not count.
    robot = new_service_user(db, workspace.id, "owner")
    url = f"/api/users/{workspace.owner_id}"

    for response in (
        client.post(f"{url}/suspend", headers=robot.headers),
        client.delete(url, headers=robot.headers),
        client.patch(url, json={"role": "admin"}, headers=robot.headers),
        client.patch(url, json={"role": "admin"}, headers=workspace.headers),
    ):
        assert "last active owner" in assert_problem(response, 409)["detail"]
    assert client.get(url, headers=workspace.headers).json()["role"] == "owner"


def test_with_two_owners_one_may_demote_or_suspend_the_other(
    client: TestClient, db: Database, workspace: WorkspaceFixture
) -> None:
    second = new_person(db, workspace.id, "owner")
    url = f"/api/users/{second.user_id}"

    assert client.post(f"{url}/suspend", headers=workspace.headers).status_code == 200
    assert client.post(f"{url}/reactivate", headers=workspace.headers).status_code == 200
    demoted = client.patch(url, json={"role": "admin"}, headers=workspace.headers)
    assert demoted.json()["role"] == "admin", demoted.text
    promoted = client.patch(url, json={"role": "owner"}, headers=workspace.headers)
    assert promoted.json()["role"] == "owner", promoted.text
    self_demoted = client.patch(
        f"/api/users/{workspace.owner_id}", json={"role": "admin"}, headers=workspace.headers
    )
    assert self_demoted.json()["role"] == "admin", self_demoted.text


def test_an_admin_cannot_change_an_owner_or_grant_the_owner_role(
    client: TestClient, db: Database, workspace: WorkspaceFixture
) -> None:
    admin = new_person(db, workspace.id, "admin")
    other = new_person(db, workspace.id, "employee")
    owner_url = f"/api/users/{workspace.owner_id}"

    for response in (
        client.patch(owner_url, json={"name": "Deposed"}, headers=admin.headers),
        client.patch(owner_url, json={"role": "employee"}, headers=admin.headers),
        client.post(f"{owner_url}/suspend", headers=admin.headers),
        client.delete(owner_url, headers=admin.headers),
        client.patch(f"/api/users/{other.user_id}", json={"role": "owner"}, headers=admin.headers),
        client.patch(f"/api/users/{admin.user_id}", json={"role": "owner"}, headers=admin.headers),
        client.post(
            "/api/users",
            json={"email": "new@example.com", "name": "New", "role": "owner", "password": PASSWORD},
            headers=admin.headers,
        ),
    ):
        assert "owner" in assert_problem(response, 403)["detail"]
    owner = client.get(owner_url, headers=workspace.headers).json()
    assert (owner["name"], owner["role"], owner["status"]) == ("owner", "owner", "active")
    assert _list(client, workspace, "role=owner") == ["owner"]
    # Everyone else is the admin's to manage.
    assert (
        client.post(f"/api/users/{other.user_id}/suspend", headers=admin.headers).status_code == 200
    )


def test_two_people_of_one_workspace_may_share_a_name(
    client: TestClient, db: Database, workspace: WorkspaceFixture
) -> None:
    first = _create(client, workspace, email="a@example.com", name="John Smith")
    second = _create(client, workspace, email="b@example.com", name="John Smith")
    assert first["id"] != second["id"]
    listed = client.get("/api/users", params={"q": "john smith"}, headers=workspace.headers)
    assert sorted(user["id"] for user in listed.json()["items"]) == [first["id"], second["id"]]


def test_users_filter_by_repeated_and_comma_separated_ids(
    client: TestClient, workspace: WorkspaceFixture
) -> None:
    made = [
        _create(client, workspace, email=f"p{n}@example.com", name=f"Person {n}")["id"]
        for n in range(4)
    ]
    query = f"ids={made[0]},{made[1]}&ids={made[3]}"
    listed = client.get(f"/api/users?{query}", headers=workspace.headers)
    assert listed.status_code == 200, listed.text
    assert sorted(user["id"] for user in listed.json()["items"]) == [made[0], made[1], made[3]]
    junk = client.get("/api/users?ids=1,x", headers=workspace.headers)
    assert_problem(junk, 422)

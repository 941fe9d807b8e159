"""Saved time-entry queries under /api/me/bookmarks: each person sees only their own."""

from typing import Any

from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import select

from tests.access.support import new_service_user
from tests.conftest import WorkspaceFixture
from tests.timesheet.support import Person
from timeledger.kit.clock import utcnow
from timeledger.kit.db import Database
from timeledger.models import Change, EntryBookmark

BOOKMARKS = "/api/me/bookmarks"
PROBLEM_JSON = "application/problem+json"


def create(
    client: TestClient, headers: dict[str, str], name: str, query: str = "at=this_month"
) -> dict[str, Any]:
    response = client.post(BOOKMARKS, json={"name": name, "query": query}, headers=headers)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


def names(client: TestClient, headers: dict[str, str]) -> list[str]:
    response = client.get(BOOKMARKS, headers=headers)
    assert response.status_code == 200, response.text
    assert response.json()["next_cursor"] is None
    return [item["name"] for item in response.json()["items"]]


def error_messages(response: Response) -> str:
    assert response.headers["content-type"].startswith(PROBLEM_JSON)
    return " ".join(error["message"] for error in response.json()["errors"])


def test_create_returns_the_bookmark_with_location_and_etag(
    client: TestClient, workspace: WorkspaceFixture
) -> None:
    response = client.post(
        BOOKMARKS,
        json={"name": "This month on Apollo", "query": "project_id=3&at=this_month"},
        headers=workspace.headers,
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert set(body) == {"id", "name", "query", "created_at", "updated_at"}
    assert body["name"] == "This month on Apollo"
    assert body["query"] == "project_id=3&at=this_month"
    assert body["created_at"] == body["updated_at"]
    assert response.headers["Location"] == f"/api/me/bookmarks/{body['id']}"
    assert response.headers["ETag"] == f'"bookmark-{body["id"]}-1"'

    fetched = client.get(f"{BOOKMARKS}/{body['id']}", headers=workspace.headers)
    assert fetched.status_code == 200
    assert fetched.json() == body
    assert fetched.headers["ETag"] == f'"bookmark-{body["id"]}-1"'


def test_empty_query_and_every_list_parameter_are_accepted(
    client: TestClient, workspace: WorkspaceFixture
) -> None:
    everything = (
        "employee_id=1&user_id=2&org_unit_id=3&customer_id=4&project_id=5,6&task_id=7"
        "&activity_id=8&activity_type=work&note=call&from=2026-01-01"
        "&to=2026-01-31&billable=true&locked=false&tracking=false&approval_status=approved"
        "&billing_state=unbilled&creation_type=times&sort=date&direction=desc"
        "&group_by=project&limit=100"
    )
    assert create(client, workspace.headers, "Everything", everything)["query"] == everything
    assert create(client, workspace.headers, "All entries", "")["query"] == ""


def test_list_is_ordered_by_name_and_holds_only_the_callers_bookmarks(
    client: TestClient, workspace: WorkspaceFixture, person: Person
) -> None:
    for name in ("Beta", "Alpha", "Gamma"):
        create(client, workspace.headers, name)
    create(client, person.headers, "Mine alone", "billable=true")

    assert names(client, workspace.headers) == ["Alpha", "Beta", "Gamma"]
    listed = client.get(BOOKMARKS, headers=person.headers).json()["items"]
    assert [(item["name"], item["query"]) for item in listed] == [("Mine alone", "billable=true")]


def test_another_person_cannot_read_change_or_delete_your_bookmark(
    client: TestClient, workspace: WorkspaceFixture, person: Person
) -> None:
    bookmark = create(client, workspace.headers, "Owner's view", "project_id=9")
    url = f"{BOOKMARKS}/{bookmark['id']}"

    for response in (
        client.get(url, headers=person.headers),
        client.patch(url, json={"name": "Stolen"}, headers=person.headers),
        client.delete(url, headers=person.headers),
    ):
        assert response.status_code == 404, response.text
        assert response.json()["detail"] == f"Bookmark {bookmark['id']} does not exist."
    assert names(client, person.headers) == []

    still = client.get(url, headers=workspace.headers)
    assert still.status_code == 200
    assert still.json()["name"] == "Owner's view"


def test_the_same_name_may_be_used_by_two_people(
    client: TestClient, workspace: WorkspaceFixture, person: Person
) -> None:
    create(client, workspace.headers, "Mine", "at=today")
    create(client, person.headers, "Mine", "at=yesterday")
    assert names(client, workspace.headers) == ["Mine"]
    assert names(client, person.headers) == ["Mine"]


def test_unknown_bookmark_is_404(client: TestClient, workspace: WorkspaceFixture) -> None:
    response = client.get(f"{BOOKMARKS}/999999", headers=workspace.headers)
    assert response.status_code == 404
    assert response.headers["content-type"].startswith(PROBLEM_JSON)


def test_patch_changes_given_fields_and_bumps_the_etag(
    client: TestClient, workspace: WorkspaceFixture
) -> None:
    bookmark = create(client, workspace.headers, "Draft", "at=today")
    url = f"{BOOKMARKS}/{bookmark['id']}"

    renamed = client.patch(url, json={"name": "Today"}, headers=workspace.headers)
    assert renamed.status_code == 200, renamed.text
    assert renamed.json()["name"] == "Today"
    assert renamed.json()["query"] == "at=today"
    assert renamed.headers["ETag"] == f'"bookmark-{bookmark["id"]}-2"'
    assert renamed.json()["updated_at"] >= bookmark["updated_at"]
    assert renamed.json()["created_at"] == bookmark["created_at"]

    requeried = client.patch(
        url,
        json={"query": "at=today&billable=true"},
        headers={**workspace.headers, "If-Match": renamed.headers["ETag"]},
    )
    assert requeried.status_code == 200, requeried.text
    assert requeried.json()["name"] == "Today"
    assert requeried.json()["query"] == "at=today&billable=true"
    assert requeried.headers["ETag"] == f'"bookmark-{bookmark["id"]}-3"'
    assert client.get(url, headers=workspace.headers).json() == requeried.json()


def test_patch_with_a_stale_etag_is_412_and_changes_nothing(
    client: TestClient, workspace: WorkspaceFixture
) -> None:
    bookmark = create(client, workspace.headers, "Week", "at=this_week")
    url = f"{BOOKMARKS}/{bookmark['id']}"
    stale = client.get(url, headers=workspace.headers).headers["ETag"]
    assert client.patch(url, json={"name": "Week 2"}, headers=workspace.headers).status_code == 200

    response = client.patch(
        url, json={"name": "Week 3"}, headers={**workspace.headers, "If-Match": stale}
    )
    assert response.status_code == 412, response.text
    assert response.json()["current_etag"] == f'"bookmark-{bookmark["id"]}-2"'
    assert client.get(url, headers=workspace.headers).json()["name"] == "Week 2"


def test_delete_removes_the_bookmark(client: TestClient, workspace: WorkspaceFixture) -> None:
    kept = create(client, workspace.headers, "Kept")
    gone = create(client, workspace.headers, "Gone")
    url = f"{BOOKMARKS}/{gone['id']}"

    response = client.delete(url, headers=workspace.headers)
    assert response.status_code == 204
    assert response.content == b""
    assert client.get(url, headers=workspace.headers).status_code == 404
    assert client.delete(url, headers=workspace.headers).status_code == 404
    assert names(client, workspace.headers) == [kept["name"]]
    # The freed name can be used again.
    assert create(client, workspace.headers, "Gone")["name"] == "Gone"


def test_every_write_is_recorded_as_a_change(
    client: TestClient, db: Database, workspace: WorkspaceFixture
) -> None:
    bookmark = create(client, workspace.headers, "Logged", "at=today")
    url = f"{BOOKMARKS}/{bookmark['id']}"
    client.patch(url, json={"name": "Logged again"}, headers=workspace.headers)
    client.delete(url, headers=workspace.headers)

    with db.transaction() as session:
        changes = session.scalars(
            select(Change)
            .where(Change.entity == "bookmark", Change.entity_id == bookmark["id"])
            .order_by(Change.revision)
        ).all()
        recorded = [
            (change.op, change.actor_user_id, change.data.get("name")) for change in changes
        ]
    assert recorded == [
        ("created", workspace.owner_id, "Logged"),
        ("updated", workspace.owner_id, "Logged again"),
        ("deleted", workspace.owner_id, None),
    ]


def test_duplicate_name_is_409_on_create_and_rename(
    client: TestClient, workspace: WorkspaceFixture
) -> None:
    create(client, workspace.headers, "Apollo", "project_id=1")
    other = create(client, workspace.headers, "Zeus", "project_id=2")

    again = client.post(
        BOOKMARKS, json={"name": "Apollo", "query": "project_id=7"}, headers=workspace.headers
    )
    assert again.status_code == 409, again.text
    assert "'Apollo'" in again.json()["detail"]
    assert again.json()["name"] == "Apollo"

    rename = client.patch(
        f"{BOOKMARKS}/{other['id']}", json={"name": "Apollo"}, headers=workspace.headers
    )
    assert rename.status_code == 409, rename.text
    assert "'Apollo'" in rename.json()["detail"]
    assert names(client, workspace.headers) == ["Apollo", "Zeus"]

    # Renaming to its own name is no conflict.
    same = client.patch(
        f"{BOOKMARKS}/{other['id']}", json={"name": "Zeus"}, headers=workspace.headers
    )
    assert same.status_code == 200, same.text


def test_the_201st_bookmark_is_409(
    client: TestClient, db: Database, workspace: WorkspaceFixture
) -> None:
    now = utcnow()
    with db.transaction(workspace_id=workspace.id) as session:
        session.add_all(
            EntryBookmark(
                workspace_id=workspace.id,
                user_id=workspace.owner_id,
                name=f"Saved {number:03d}",
                query=f"project_id={number}",
                created_at=now,
                updated_at=now,
            )
            for number in range(200)
        )

    listed = names(client, workspace.headers)
    assert len(listed) == 200
    assert listed[:2] == ["Saved 000", "Saved 001"]
    response = client.post(
        BOOKMARKS, json={"name": "One too many", "query": ""}, headers=workspace.headers
    )
    assert response.status_code == 409, response.text
    assert "200" in response.json()["detail"]
    assert len(names(client, workspace.headers)) == 200


def test_unknown_parameter_is_422_naming_it(
    client: TestClient, workspace: WorkspaceFixture
) -> None:
    response = client.post(
        BOOKMARKS,
        json={"name": "Odd", "query": "project_id=1&colour=red"},
        headers=workspace.headers,
    )
    assert response.status_code == 422, response.text
    assert "'colour'" in error_messages(response)
    assert response.json()["errors"][0]["location"] == "body.query"
    assert names(client, workspace.headers) == []


def test_unknown_parameter_on_patch_is_422(client: TestClient, workspace: WorkspaceFixture) -> None:
    bookmark = create(client, workspace.headers, "Fine", "at=today")
    response = client.patch(
        f"{BOOKMARKS}/{bookmark['id']}", json={"query": "page=2"}, headers=workspace.headers
    )
    assert response.status_code == 422, response.text
    assert "'page'" in error_messages(response)
    fetched = client.get(f"{BOOKMARKS}/{bookmark['id']}", headers=workspace.headers)
    assert fetched.json()["query"] == "at=today"


def test_malformed_queries_are_422(client: TestClient, workspace: WorkspaceFixture) -> None:
    for query, expected in (
        ("project_id", "not a valid URL query string"),
        ("project_id=1&&at=today", "not a valid URL query string"),
        ("?project_id=1", "must not start with '?'"),
        ("note=" + "x" * 2000, "at most 2000 characters"),
    ):
        response = client.post(
            BOOKMARKS, json={"name": "Bad", "query": query}, headers=workspace.headers
        )
        assert response.status_code == 422, (query, response.text)
        assert expected in error_messages(response), query
    assert names(client, workspace.headers) == []


def test_invalid_names_and_extra_fields_are_422(
    client: TestClient, workspace: WorkspaceFixture
) -> None:
    for body, location in (
        ({"name": "bad\x00name", "query": ""}, "body.name"),
        ({"name": "", "query": ""}, "body.name"),
        ({"name": "x" * 201, "query": ""}, "body.name"),
        ({"query": "at=today"}, "body.name"),
        ({"name": "Fine", "query": "", "shared": True}, "body.shared"),
    ):
        response = client.post(BOOKMARKS, json=body, headers=workspace.headers)
        assert response.status_code == 422, (body, response.text)
        assert [error["location"] for error in response.json()["errors"]] == [location]
    bookmark = create(client, workspace.headers, "Fine")
    response = client.patch(
        f"{BOOKMARKS}/{bookmark['id']}", json={"owner": 2}, headers=workspace.headers
    )
    assert response.status_code == 422, response.text
    assert [error["location"] for error in response.json()["errors"]] == ["body.owner"]
    assert names(client, workspace.headers) == ["Fine"]


def test_service_users_are_refused(
    client: TestClient, db: Database, workspace: WorkspaceFixture
) -> None:
    bookmark = create(client, workspace.headers, "Owner's")
    bot = new_service_user(db, workspace.id, "admin")
    for response in (
        client.get(BOOKMARKS, headers=bot.headers),
        client.post(BOOKMARKS, json={"name": "Bot", "query": ""}, headers=bot.headers),
        client.get(f"{BOOKMARKS}/{bookmark['id']}", headers=bot.headers),
        client.patch(f"{BOOKMARKS}/{bookmark['id']}", json={"name": "X"}, headers=bot.headers),
        client.delete(f"{BOOKMARKS}/{bookmark['id']}", headers=bot.headers),
    ):
        assert response.status_code == 403, response.text
        assert "service-user keys" in response.json()["detail"]
    assert names(client, workspace.headers) == ["Owner's"]


def test_without_a_credential_is_401(client: TestClient, workspace: WorkspaceFixture) -> None:
    response = client.get(BOOKMARKS)
    assert response.status_code == 401
    assert response.headers["content-type"].startswith(PROBLEM_JSON)


def test_a_query_the_list_would_refuse_is_not_saved(
    client: TestClient, workspace: WorkspaceFixture
) -> None:
    for query in (
        "group_by=planet",
        "group_by=day,day",
        "sort=planet",
        "limit=0",
        "billable=perhaps",
        "project_id=x",
        "from=20260101",
        "from=2026-02-01&to=2026-01-01",
        "approval_status=signed",
    ):
        refused_by_list = client.get(f"/api/timesheet/entries?{query}", headers=workspace.headers)
        assert refused_by_list.status_code in {400, 422}, (query, refused_by_list.text)
        response = client.post(
            BOOKMARKS, json={"name": "Bad", "query": query}, headers=workspace.headers
        )
        assert response.status_code == 422, (query, response.text)
        assert response.json()["errors"][0]["location"] == "body.query", query
    assert names(client, workspace.headers) == []

    bookmark = create(client, workspace.headers, "Fine", "group_by=project")
    patched = client.patch(
        f"{BOOKMARKS}/{bookmark['id']}",
        json={"query": "group_by=planet"},
        headers=workspace.headers,
    )
    assert patched.status_code == 422, patched.text

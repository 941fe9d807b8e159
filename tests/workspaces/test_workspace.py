"""The workspace's own settings."""

from fastapi.testclient import TestClient

from tests.access.support import assert_problem, new_person
from tests.conftest import WorkspaceFixture
from timeledger.kit.db import Database


def test_the_workspace_is_read_and_changed_with_if_match(
    client: TestClient, workspace: WorkspaceFixture
) -> None:
    read = client.get("/api/admin/workspace", headers=workspace.headers)
    assert read.status_code == 200, read.text
    assert (read.json()["id"], read.json()["name"]) == (workspace.id, "Acme")
    assert read.json()["timezone"] == "Europe/Copenhagen"

    changed = client.patch(
        "/api/admin/workspace",
        json={"currency": "DKK", "week_start": 7, "locale": "da-DK"},
        headers={**workspace.headers, "If-Match": read.headers["etag"]},
    )

    assert changed.status_code == 200, changed.text
    assert (changed.json()["currency"], changed.json()["week_start"]) == ("DKK", 7)
    assert changed.json()["revision"] > read.json()["revision"]
    assert changed.headers["etag"] != read.headers["etag"]
    stale = client.patch(
        "/api/admin/workspace",
        json={"currency": "EUR"},
        headers={**workspace.headers, "If-Match": read.headers["etag"]},
    )
    assert_problem(stale, 412)


def test_workspace_changes_are_validated(
    client: TestClient, workspace: WorkspaceFixture, other_workspace: WorkspaceFixture
) -> None:
    headers = workspace.headers
    for bad in ({"currency": "euro"}, {"week_start": 8}, {"timezone": "Mars/Base"}, {"id": 3}):
        assert_problem(client.patch("/api/admin/workspace", json=bad, headers=headers), 422)
    taken = client.patch("/api/admin/workspace", json={"name": "Globex"}, headers=headers)
    assert_problem(taken, 409)
    assert client.get("/api/admin/workspace", headers=headers).json()["name"] == "Acme"


def test_developers_read_the_workspace_but_do_not_change_it(
    client: TestClient, db: Database, workspace: WorkspaceFixture
) -> None:
    developer = new_person(db, workspace.id, "developer")
    assert client.get("/api/admin/workspace", headers=developer.headers).status_code == 200
    refused = client.patch(
        "/api/admin/workspace", json={"currency": "USD"}, headers=developer.headers
    )
    assert_problem(refused, 403)

from fastapi.testclient import TestClient

from tests.conftest import WorkspaceFixture


def test_api_root_names_the_product(client: TestClient) -> None:
    response = client.get("/api/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    assert response.text.startswith("Timeledger ")


def test_owner_key_lists_users(client: TestClient, workspace: WorkspaceFixture) -> None:
    response = client.get("/api/users", headers=workspace.headers)
    assert response.status_code == 200, response.text
    assert [user["email"] for user in response.json()["items"]] == [workspace.owner_email]

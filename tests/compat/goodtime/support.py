"""Speaking GoodTime to the test app: the workspace setting, login, and a client holding
the token."""

import uuid
from dataclasses import dataclass
from typing import Any

from fastapi.testclient import TestClient
from httpx import Response

from tests.conftest import WorkspaceFixture

BASE = "/compat/goodtime/api"
TIME = f"{BASE}/time-v2.1"
SETTING = "/api/admin/faces/goodtime"
API_PASSWORD = "saffron-lantern-quartz-77"


def enable(
    client: TestClient,
    workspace: WorkspaceFixture,
    *,
    password: str | None = API_PASSWORD,
    enabled: bool = True,
    lockable_entries: bool = False,
) -> dict[str, Any]:
    body: dict[str, Any] = {"enabled": enabled, "lockable_entries": lockable_entries}
    if password is not None:
        body["api_password"] = password
    response = client.put(SETTING, json=body, headers=workspace.headers)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def login(client: TestClient, email: str, password: str = API_PASSWORD, **kw: Any) -> Response:
    return client.post(f"{BASE}/login", json={"loginemail": email, "apipassword": password}, **kw)


def native(goodtime_id: str) -> int:
    return uuid.UUID(goodtime_id).int


def gt_id(native_id: int) -> str:
    return str(uuid.UUID(int=native_id))


@dataclass(frozen=True)
class GoodTime:
    client: TestClient
    token: str

    @classmethod
    def log_in(cls, client: TestClient, email: str, password: str = API_PASSWORD) -> "GoodTime":
        response = login(client, email, password)
        assert response.status_code == 200, response.text
        return cls(client, response.text)

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def request(
        self, method: str, path: str, headers: dict[str, str] | None = None, **kwargs: Any
    ) -> Response:
        return self.client.request(
            method, f"{TIME}/{path}", headers={**self.headers, **(headers or {})}, **kwargs
        )

    def ok(self, path: str, **params: Any) -> Any:
        response = self.request("GET", path, params=params)
        assert response.status_code == 200, response.text
        return response.json()

    def create(self, **values: Any) -> str:
        response = self.request("POST", "createtimeentry", json=values)
        assert response.status_code == 200, response.text
        body = response.json()
        assert len(body) == 1
        assert list(body[0]) == ["id"]
        created: str = body[0]["id"]
        return created


def assert_error(response: Response, status: int) -> str:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert list(body) == ["error"], body
    assert isinstance(body["error"], str)
    assert body["error"]
    message: str = body["error"]
    return message

from collections.abc import Iterator
from typing import Any

import pytest
import structlog
from fastapi import FastAPI, HTTPException
from fastapi.testclient import TestClient
from httpx import Response

from tests.conftest import WorkspaceFixture
from timeledger.config import Settings
from timeledger.kit.errors import PROBLEM_MEDIA_TYPE, PROBLEM_TYPE_BASE, Conflict
from timeledger.kit.request_limits import MAX_URL_BYTES

SECRET_MESSAGE = "database password is hunter2"


def _assert_problem(response: Response, status: int) -> dict[str, object]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM_MEDIA_TYPE
    problem = response.json()
    assert problem["status"] == status
    assert isinstance(problem["type"], str) and problem["type"].startswith(PROBLEM_TYPE_BASE)
    assert isinstance(problem["title"], str) and problem["title"]
    assert isinstance(problem["detail"], str) and problem["detail"]
    assert isinstance(problem, dict)
    return problem


@pytest.fixture
def failing_client(app: FastAPI) -> Iterator[TestClient]:
    """The application plus routes that fail, as a real endpoint might."""

    def explode() -> None:
        raise RuntimeError(SECRET_MESSAGE)

    def conflict() -> None:
        raise Conflict("Taken.", headers={"Retry-After": "3"}, extra={"hint": "try later"})

    def teapot() -> None:
        raise HTTPException(status_code=418, detail={"not": "a string"})

    app.add_api_route("/api/test-unexpected", explode, methods=["GET"])
    app.add_api_route("/api/test-conflict", conflict, methods=["GET"])
    app.add_api_route("/api/test-teapot", teapot, methods=["GET"])
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


def test_unknown_routes_and_methods_are_problems(client: TestClient) -> None:
    problem = _assert_problem(client.get("/api/no-such-thing"), 404)
    assert problem["type"] == PROBLEM_TYPE_BASE + "not-found"
    assert problem["instance"] == "/api/no-such-thing"
    assert "/api/no-such-thing" in str(problem["detail"])

    response = client.delete("/api/")
    problem = _assert_problem(response, 405)
    assert "DELETE" in str(problem["detail"])
    assert response.headers["allow"] == "GET"


def test_body_validation_is_a_422_problem_without_the_input(
    client: TestClient, workspace: WorkspaceFixture
) -> None:
    response = client.post(
        "/api/roles",
        headers=workspace.headers,
        json={"name": "Secret Value With Spaces", "permissions": "x", "extra": "hush-hush"},
    )
    problem = _assert_problem(response, 422)
    errors = problem["errors"]
    assert isinstance(errors, list)
    locations = {error["location"] for error in errors}
    assert locations == {"body.name", "body.permissions", "body.extra"}
    assert all(error["message"] for error in errors)
    assert "Secret Value" not in response.text
    assert "hush-hush" not in response.text
    malformed = client.post(
        "/api/roles",
        headers={**workspace.headers, "content-type": "application/json"},
        content=b'{"name": "sneaky-token-123", ',
    )
    _assert_problem(malformed, 422)
    assert "sneaky-token-123" not in malformed.text


def test_naive_datetime_in_body_is_a_400_naming_the_field(
    client: TestClient, workspace: WorkspaceFixture
) -> None:
    response = client.post(
        "/api/me/api-keys", headers=workspace.headers, json={"expires_at": "2030-01-01T00:00:00"}
    )
    problem = _assert_problem(response, 400)
    assert "body.expires_at" in str(problem["detail"])
    assert problem["errors"] == [
        {
            "location": "body.expires_at",
            "message": "Input should have timezone info",
            "type": "timezone_aware",
        }
    ]


def test_unexpected_error_is_a_generic_500_with_the_request_id(
    failing_client: TestClient,
) -> None:
    with structlog.testing.capture_logs() as logs:
        response = failing_client.get("/api/test-unexpected")
    problem = _assert_problem(response, 500)
    request_id = response.headers["x-request-id"]
    assert request_id
    assert problem["request_id"] == request_id
    assert request_id in str(problem["detail"])
    for leaked in (SECRET_MESSAGE, "RuntimeError", "Traceback", "File ", "explode"):
        assert leaked not in response.text
    errors = [entry for entry in logs if entry["event"] == "unhandled_error"]
    assert len(errors) == 1
    assert errors[0]["request_id"] == request_id
    assert errors[0]["log_level"] == "error"

    quoted = failing_client.get("/api/test-unexpected", headers={"X-Request-ID": "support-42"})
    assert quoted.status_code == 500
    assert quoted.headers["x-request-id"] == "support-42"
    assert quoted.json()["request_id"] == "support-42"


def test_raised_problems_and_http_errors_are_rendered(failing_client: TestClient) -> None:
    response = failing_client.get("/api/test-conflict")
    problem = _assert_problem(response, 409)
    assert problem["detail"] == "Taken."
    assert problem["hint"] == "try later"
    assert problem["instance"] == "/api/test-conflict"
    assert response.headers["retry-after"] == "3"

    problem = _assert_problem(failing_client.get("/api/test-teapot"), 418)
    assert problem["type"] == PROBLEM_TYPE_BASE + "http-418"


def test_body_over_the_limit_is_a_413_problem(
    client: TestClient, workspace: WorkspaceFixture, settings: Settings
) -> None:
    limit = settings.max_request_bytes
    prefix, suffix = b'{"permissions": [], "name": "', b'"}'

    def body(size: int) -> bytes:
        return prefix + b"a" * (size - len(prefix) - len(suffix)) + suffix

    headers = {**workspace.headers, "content-type": "application/json"}
    at_limit = client.post("/api/roles", headers=headers, content=body(limit))
    assert at_limit.status_code == 422  # read and validated: the name is too long

    over = client.post("/api/roles", headers=headers, content=body(limit + 1))
    problem = _assert_problem(over, 413)
    assert problem["type"] == PROBLEM_TYPE_BASE + "payload-too-large"
    assert str(limit) in str(problem["detail"])
    assert over.headers["x-request-id"]

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted while read
        data = body(limit + 1)
        for start in range(0, len(data), 65_536):
            yield data[start : start + 65_536]

    streamed = client.post("/api/roles", headers=headers, content=chunks())
    _assert_problem(streamed, 413)
    assert "content-length" not in {name.lower() for name in streamed.request.headers}


@pytest.mark.parametrize(
    "target",
    [
        "/api/users?role=%00",
        "/api/admin/audit-log?action=a%00b",
        "/api/customers/%00",
        "/api/timesheet/entries?note=%00&limit=5",
    ],
)
def test_a_nul_in_the_url_is_a_400_problem_before_any_database_sees_it(
    client: TestClient, workspace: WorkspaceFixture, target: str
) -> None:
    problem = _assert_problem(client.get(target, headers=workspace.headers), 400)
    assert "NUL" in str(problem["detail"])


@pytest.mark.parametrize(
    ("target", "error_of"),
    [
        ("/compat/mite/users.json?name=a%00b", lambda body: body["error"]),
        ("/compat/mite/time_entries.json?note=%00", lambda body: body["error"]),
        ("/compat/goodtime/api/projects?name=%00", lambda body: body["error"]),
        (
            "/compat/mctime/api/v2/auth/users?organizationName=%00",
            lambda body: body["items"][0]["message"],
        ),
    ],
)
def test_faces_refuse_a_nul_in_the_url_in_their_own_format(
    client: TestClient, workspace: WorkspaceFixture, target: str, error_of: Any
) -> None:
    response = client.get(target, headers=workspace.headers)
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/json")
    assert "NUL" in error_of(response.json())


def test_faces_refuse_an_overlong_url_in_their_own_format(client: TestClient) -> None:
    response = client.get("/compat/mite/users.json?name=" + "a" * MAX_URL_BYTES)
    assert response.status_code == 414
    assert "longer than" in response.json()["error"]

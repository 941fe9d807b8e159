"""Helpers for the presence tests: employees and calls through the API."""

import contextvars
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from fastapi.testclient import TestClient
from httpx import Response

from tests.organization.support import create_employee

T = TypeVar("T")


def new_employee(client: TestClient, headers: dict[str, str], number: str = "E1") -> int:
    employee_id: int = create_employee(client, headers, number)["id"]
    return employee_id


def timesheet(employee_id: int, operation: str) -> str:
    return f"/api/employees/{employee_id}/timesheet/{operation}"


def call(
    client: TestClient,
    headers: dict[str, str],
    employee_id: int,
    operation: str,
    **body: Any,
) -> Response:
    response: Response = client.post(timesheet(employee_id, operation), json=body, headers=headers)
    return response


def record(
    client: TestClient,
    headers: dict[str, str],
    employee_id: int,
    started_at: str,
    ended_at: str,
    **fields: Any,
) -> dict[str, Any]:
    response = call(
        client, headers, employee_id, "presence", started_at=started_at, ended_at=ended_at,
        **fields,
    )  # fmt: skip
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


def create_setting(client: TestClient, headers: dict[str, str], kind: str, **body: Any) -> int:
    response = client.post(f"/api/settings/{kind}", json=body, headers=headers)
    assert response.status_code == 201, response.text
    setting_id: int = response.json()["id"]
    return setting_id


def at_once(count: int, action: Callable[[], T]) -> list[T]:
    """What `action` answered in each of `count` threads released together; an exception
    in a thread fails the caller."""
    start = threading.Barrier(count)
    answers: list[T] = []
    failures: list[str] = []

    def run() -> None:
        try:
            start.wait()
            answers.append(action())
        except BaseException as error:  # reported by the calling thread
            failures.append(repr(error))

    # Each thread in a copy of the caller's context, so they keep the test's clock.
    threads = [
        threading.Thread(target=contextvars.copy_context().run, args=(run,)) for _ in range(count)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert failures == []
    assert len(answers) == count
    return answers

"""A browser of the web app in-process: a TestClient that signs in through the form and
sends each form's token as a browser would."""

import re
from dataclasses import dataclass
from typing import Any

from fastapi.testclient import TestClient
from httpx import Response

from tests.access.support import new_person
from tests.conftest import WorkspaceFixture
from tests.organization.support import employee_of_user
from timeledger.access.credentials import PasswordHashing
from timeledger.kit.db import Database

PASSWORD = "a long and winding road 42"
TOKEN = re.compile(r'name="csrf_token" value="([0-9a-f]+)"')


@dataclass(frozen=True)
class Employee:
    user_id: int
    employee_id: int
    email: str
    api_headers: dict[str, str]


def employee_in(
    client: TestClient,
    db: Database,
    hashing: PasswordHashing,
    workspace: WorkspaceFixture,
    role: str = "employee",
) -> Employee:
    principal = new_person(db, workspace.id, role, password=PASSWORD, hashing=hashing)
    employee = employee_of_user(client, workspace.headers, principal.user_id)
    assert principal.email is not None
    return Employee(principal.user_id, employee["id"], principal.email, principal.headers)


def token_of(page: Response) -> str:
    found = TOKEN.search(page.text)
    assert found is not None, page.text
    return found.group(1)


def post_form(client: TestClient, path: str, fields: dict[str, Any], **kwargs: Any) -> Response:
    """A form of the page at `from_page` (default: the home page) posted with its token."""
    page = client.get(kwargs.pop("from_page", "/sign-in"))
    return client.post(
        path, data={"csrf_token": token_of(page), **fields}, follow_redirects=False, **kwargs
    )


def sign_in(client: TestClient, email: str, password: str = PASSWORD) -> Response:
    answer = post_form(client, "/sign-in", {"email": email, "password": password})
    assert answer.status_code == 303, answer.text
    return answer

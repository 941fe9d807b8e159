"""A browser of the web app in-process: a TestClient that signs in through the form and
sends each form's token as a browser would."""

import re
from dataclasses import dataclass
from typing import Any

from fastapi.testclient import TestClient
from httpx import Response

from tests.access.support import Principal, new_person
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


def owner_signed_in(client: TestClient, workspace: WorkspaceFixture) -> None:
    """The workspace's owner (an administrator) signed in."""
    sign_in(client, workspace.owner_email, workspace.owner_password)


def assert_deleted_through_form(
    client: TestClient, page_path: str, api_path: str, headers: dict[str, str]
) -> None:
    """The record of the page at `page_path` deleted by its delete form: back to the list
    it is in, and gone from the API."""
    deleted = post_form(client, f"{page_path}/delete", {}, from_page=page_path)
    assert deleted.headers["location"] == page_path.rsplit("/", 1)[0]
    assert client.get(api_path, headers=headers).status_code == 404


def sign_in_after_reset(client: TestClient, person: Principal, headers: dict[str, str]) -> None:
    """The person, given `PASSWORD` through a password reset that the holder of `headers`
    issues, signed in."""
    issued = client.post(f"/api/users/{person.user_id}/password-reset", headers=headers)
    assert issued.status_code == 201, issued.text
    redeemed = client.post(
        "/api/auth/password-reset",
        json={"token": issued.json()["token"], "new_password": PASSWORD},
    )
    assert redeemed.status_code == 204, redeemed.text
    assert person.email is not None
    sign_in(client, person.email)


def create_role(
    client: TestClient, headers: dict[str, str], name: str, permissions: list[str]
) -> None:
    role = client.post(
        "/api/roles", json={"name": name, "permissions": permissions}, headers=headers
    )
    assert role.status_code == 201, role.text

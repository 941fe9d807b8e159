"""Speaking Tyme's OAuth2 to the test app: register a client through the native API, sign
in on the consent page (its form parsed with lxml), exchange the code, call the data API."""

import base64
import hashlib
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
from lxml import html

from tests.conftest import WorkspaceFixture
from timeledger.compat.tyme.sync import INITIAL_REVISION

BASE = "/compat/tyme"
AUTHORIZE = f"{BASE}/v1/authorize"
ACCESS_TOKEN = f"{BASE}/v1/access_token"
REFRESH_TOKEN = f"{BASE}/v1/refresh_token"
MEMBERS = f"{BASE}/data/members"
SEARCH_ENTITY = f"{BASE}/data/search_entity"
SYNC = f"{BASE}/v1/sync"
REDIRECT_URI = "https://app.example.com/tyme/callback"
SECURE_BASE_URL = "https://testserver"
"""OAuth requires TLS (RFC 6749 §3.1): the in-process tests speak https to the app."""


@dataclass(frozen=True)
class RegisteredClient:
    id: int
    client_id: str
    client_secret: str | None
    redirect_uri: str


def register_client(
    http: httpx.Client,
    workspace: WorkspaceFixture,
    *,
    confidential: bool = True,
    redirect_uris: tuple[str, ...] = (REDIRECT_URI,),
    name: str = "Tyme for Mac",
) -> RegisteredClient:
    response = http.post(
        "/api/admin/oauth-clients",
        json={"name": name, "redirect_uris": list(redirect_uris), "confidential": confidential},
        headers=workspace.headers,
    )
    assert response.status_code == 201, response.text
    body = response.json()
    return RegisteredClient(body["id"], body["client_id"], body["client_secret"], redirect_uris[0])


def pkce_pair() -> tuple[str, str]:
    """A code verifier and its S256 challenge (RFC 7636 §4.1-4.2)."""
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def authorization_params(
    client: RegisteredClient, state: str = "xyz-state", **extra: str
) -> dict[str, str]:
    return {
        "response_type": "code",
        "client_id": client.client_id,
        "redirect_uri": client.redirect_uri,
        "state": state,
        **extra,
    }


def form_of(page: httpx.Response) -> tuple[str, dict[str, str]]:
    """The consent form's action and its hidden fields, as a browser would read them."""
    assert page.headers["content-type"].startswith("text/html"), page.text
    (form,) = html.fromstring(page.text).iter("form")
    hidden = {
        str(field.get("name")): str(field.get("value"))
        for field in form.iter("input")
        if field.get("type") == "hidden"
    }
    return str(form.get("action")), hidden


def sign_in(
    http: httpx.Client,
    page: httpx.Response,
    email: str,
    password: str,
    decision: str = "allow",
) -> httpx.Response:
    """Posts the consent page's form as a browser would (not following the redirect)."""
    action, hidden = form_of(page)
    fields = {**hidden, "email": email, "password": password, "decision": decision}
    return http.post(action, data=fields, follow_redirects=False)


def redirected_to(response: httpx.Response) -> tuple[str, dict[str, str]]:
    """Where a 302 sends the browser: the URI without its query, and the query."""
    assert response.status_code == 302, response.text
    location = urlsplit(response.headers["location"])
    query = {name: values[0] for name, values in parse_qs(location.query).items()}
    return location._replace(query="").geturl(), query


def authorized_code(
    http: httpx.Client,
    client: RegisteredClient,
    email: str,
    password: str,
    **extra: str,
) -> str:
    """The code a person's consent sends to the client's redirect URI."""
    page = http.get(AUTHORIZE, params=authorization_params(client, **extra))
    assert page.status_code == 200, page.text
    where, query = redirected_to(sign_in(http, page, email, password))
    assert where == client.redirect_uri
    assert query["state"] == "xyz-state"
    return query["code"]


def exchange(
    http: httpx.Client, client: RegisteredClient, code: str, **extra: str
) -> httpx.Response:
    fields = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": client.redirect_uri,
        "client_id": client.client_id,
    }
    if client.client_secret is not None:
        fields["client_secret"] = client.client_secret
    return http.post(ACCESS_TOKEN, data={**fields, **extra})


def refresh(http: httpx.Client, client: RegisteredClient, refresh_token: str) -> httpx.Response:
    fields = {
        "grant_type": "refresh_token",
        "refresh_token": refresh_token,
        "client_id": client.client_id,
    }
    if client.client_secret is not None:
        fields["client_secret"] = client.client_secret
    return http.post(REFRESH_TOKEN, data=fields)


def tokens_of(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def oauth_error(response: httpx.Response, status: int = 400) -> str:
    assert response.status_code == status, response.text
    error: str = response.json()["error"]
    return error


def bearer(token: str) -> Mapping[str, str]:
    return {"Authorization": f"Bearer {token}"}


def owner_token(http: httpx.Client, workspace: WorkspaceFixture) -> dict[str, str]:
    """The authorization header of an access token of the workspace's owner."""
    client = register_client(http, workspace)
    code = authorized_code(http, client, workspace.owner_email, workspace.owner_password)
    return dict(bearer(tokens_of(exchange(http, client, code))["access_token"]))


# A Tyme app's local copy

GROUPS = ("project_updates", "project_deletions", "time_updates", "time_deletions")


def projection(tyme_object: dict[str, Any]) -> tuple[Any, ...]:
    """What a client and the server must agree on about an object."""
    kind = tyme_object["type"]
    if kind == "TimedTaskRecord":
        return (
            kind,
            tyme_object["task_id"],
            tyme_object["time_start"],
            tyme_object["time_end"],
            tyme_object["note"],
            str(tyme_object["user_id"]),
        )
    parent = {"Project": "category_id", "TimedTask": "project_id", "TimedSubTask": "task_id"}
    return (kind, tyme_object["name"], tyme_object.get(parent.get(kind, "")) or None)


@dataclass
class Replica:
    """What a Tyme app keeps: every object by id, its revision, its unsent changes."""

    http: httpx.Client
    headers: dict[str, str]
    revision: str = INITIAL_REVISION
    objects: dict[str, dict[str, Any]] = field(default_factory=dict)
    unsent: dict[str, list[Any]] = field(default_factory=lambda: {group: [] for group in GROUPS})
    answers: list[dict[str, Any]] = field(default_factory=list)

    def sync(self) -> None:
        """Send the unsent changes and take in answers until nothing more is waiting."""
        while True:
            response = self.http.post(
                SYNC, json={"revision": self.revision, **self.unsent}, headers=self.headers
            )
            assert response.status_code == 200, response.text
            answer = response.json()
            self.answers.append(answer)
            self.unsent = {group: [] for group in GROUPS}
            for each in answer["project_updates"] + answer["time_updates"]:
                self.objects[each["id"]] = each
            for tyme_id in answer["project_deletions"] + answer["time_deletions"]:
                self.objects.pop(tyme_id, None)
            self.revision = answer["revision"]
            if not answer["has_more"]:
                return

    def put(self, tyme_object: dict[str, Any]) -> None:
        group = "time_updates" if tyme_object["type"] == "TimedTaskRecord" else "project_updates"
        self.objects[tyme_object["id"]] = {**self.objects.get(tyme_object["id"], {}), **tyme_object}
        self.unsent[group].append(tyme_object)

    def delete(self, tyme_id: str) -> None:
        kind = self.objects.pop(tyme_id)["type"]
        self.unsent["time_deletions" if kind == "TimedTaskRecord" else "project_deletions"].append(
            tyme_id
        )

    def view(self) -> dict[str, tuple[Any, ...]]:
        return {tyme_id: projection(each) for tyme_id, each in self.objects.items()}

    def named(self, name: str) -> dict[str, Any]:
        (found,) = [each for each in self.objects.values() if each.get("name") == name]
        return found

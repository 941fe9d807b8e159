"""The SSRF guard: with private destinations not allowed (the default), no URL reaching
loopback, private, link-local or other special addresses is accepted, by the guard, by the
API, or at delivery time."""

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from tests.conftest import WorkspaceFixture
from tests.webhooks.support import SUBSCRIPTIONS, make_changes, receiving
from timeledger.access.credentials import PasswordHashing
from timeledger.app import create_app
from timeledger.config import Settings
from timeledger.kit.db import Database
from timeledger.webhooks.destinations import DestinationRefused, check_destination
from timeledger.webhooks.dispatcher import deliver_due

REFUSED_BY_DEFAULT = [
    "http://127.0.0.1/hook",
    "http://127.1.2.3:8080/hook",
    "http://localhost/hook",
    "http://LOCALHOST./hook",
    "http://[::1]/hook",
    "http://0.0.0.0/hook",
    "http://[::]/hook",
    "http://169.254.169.254/latest/meta-data/",
    "http://[fe80::1]/hook",
    "http://10.0.0.1/hook",
    "http://10.255.255.255/hook",
    "http://172.16.0.1/hook",
    "http://172.31.255.254/hook",
    "http://192.168.1.1/hook",
    "http://100.64.0.1/hook",
    "http://192.0.2.10/hook",
    "http://224.0.0.1/hook",
    "http://240.0.0.1/hook",
    "http://255.255.255.255/hook",
    "http://[fc00::1]/hook",
    "http://[fd12:3456::1]/hook",
    "http://[::ffff:127.0.0.1]/hook",
    "http://[::ffff:10.0.0.1]/hook",
    "http://[::127.0.0.1]/hook",
    "http://[2002:7f00:1::]/hook",
    "http://[64:ff9b::a9fe:a9fe]/hook",
    "http://[ff02::1]/hook",
    "http://2130706433/hook",
    "http://0x7f000001/hook",
    "http://0177.0.0.1/hook",
    "http://017700000001/hook",
    "http://127.1/hook",
    "ftp://example.com/hook",
    "file:///etc/passwd",
    "gopher://example.com/",
    "javascript:alert(1)",
    "ws://example.com/hook",
    "https://user:password@example.com/hook",
    "http:///hook",
    "http://exa mple.com/hook",
    "http://example.com:0/hook",
    "not a url",
]


@pytest.mark.parametrize("url", REFUSED_BY_DEFAULT)
def test_guard_refuses_special_destinations(url: str) -> None:
    with pytest.raises(DestinationRefused):
        check_destination(url, allow_private=False)


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://127.0.0.1/", "loopback address"),
        ("http://localhost/", "loopback address"),
        ("http://10.1.2.3/", "private address"),
        ("http://169.254.169.254/", "link-local address"),
        ("http://0.0.0.0/", "unspecified address"),
        ("http://100.64.0.1/", "shared address space"),
        ("http://[::ffff:127.0.0.1]/", "loopback address (embedded in an IPv6 address)"),
        ("ftp://example.com/", "only http and https URLs are allowed"),
    ],
)
def test_guard_names_the_reason(url: str, reason: str) -> None:
    with pytest.raises(DestinationRefused) as refused:
        check_destination(url, allow_private=False)
    assert refused.value.reason == reason


@pytest.mark.parametrize(
    "url",
    [
        "https://93.184.215.14/hook",
        "http://8.8.8.8:8080/hook?token=abc",
        "https://[2606:4700:4700::1111]/hook",
    ],
)
def test_guard_accepts_public_addresses(url: str) -> None:
    destination = check_destination(url, allow_private=False)
    assert destination.url == destination.url.copy_with()
    assert destination.pinned_url.host == destination.address


def test_the_setting_allows_private_addresses_but_not_other_schemes() -> None:
    destination = check_destination("http://localhost:8080/hook", allow_private=True)
    assert destination.address in {"127.0.0.1", "::1"}
    assert destination.host_header == "localhost:8080"
    assert str(destination.pinned_url).endswith(":8080/hook")
    with pytest.raises(DestinationRefused):
        check_destination("file:///etc/passwd", allow_private=True)
    with pytest.raises(DestinationRefused):
        check_destination("https://user:pw@localhost/", allow_private=True)


@pytest.fixture
def guarded_client(
    settings: Settings, db: Database, hashing: PasswordHashing
) -> Iterator[TestClient]:
    """The API with the default rule: private destinations refused."""
    strict = settings.model_copy(update={"webhook_allow_private_destinations": False})
    with TestClient(create_app(strict, db, password_hashing=hashing)) as client:
        yield client


ISSUE_LIST = [
    "http://127.0.0.1/hook",
    "http://localhost/hook",
    "http://[::1]/hook",
    "http://0.0.0.0/hook",
    "http://169.254.169.254/latest/meta-data/",
    "http://10.0.0.1/hook",
    "http://172.16.0.1/hook",
    "http://192.168.0.1/hook",
    "http://[fc00::1]/hook",
    "http://[::ffff:127.0.0.1]/hook",
    "http://2130706433/hook",
    "http://0177.0.0.1/hook",
    "ftp://example.com/hook",
    "file:///etc/passwd",
]


def test_api_refuses_special_destinations_with_422(
    guarded_client: TestClient, workspace: WorkspaceFixture
) -> None:
    for url in ISSUE_LIST:
        response = guarded_client.post(SUBSCRIPTIONS, json={"url": url}, headers=workspace.headers)
        assert response.status_code == 422, (url, response.text)
        assert response.headers["content-type"] == "application/problem+json"
        error = response.json()["errors"][0]
        assert error["location"] == "body.url"
        assert error["message"].startswith("destination refused"), url
    listed = guarded_client.get(SUBSCRIPTIONS, headers=workspace.headers)
    assert listed.json()["items"] == []

    created = guarded_client.post(
        SUBSCRIPTIONS, json={"url": "https://93.184.215.14/hook"}, headers=workspace.headers
    )
    assert created.status_code == 201, created.text
    changed = guarded_client.patch(
        f"{SUBSCRIPTIONS}/{created.json()['id']}",
        json={"url": "http://192.168.0.10/"},
        headers=workspace.headers,
    )
    assert changed.status_code == 422, changed.text


def test_delivery_checks_the_destination_again(
    client: TestClient,
    db: Database,
    settings: Settings,
    workspace: WorkspaceFixture,
) -> None:
    """A subscription saved while private destinations were allowed is refused at delivery
    once they are not: the check runs on every attempt, not only when saving."""
    with receiving() as receiver:
        created = client.post(
            SUBSCRIPTIONS, json={"url": receiver.url()}, headers=workspace.headers
        )
        assert created.status_code == 201, created.text
        make_changes(db, workspace.id, 1)
        strict = settings.model_copy(update={"webhook_allow_private_destinations": False})
        assert deliver_due(db, strict) == 1
        assert receiver.snapshot() == []
    attempts = client.get(
        f"{SUBSCRIPTIONS}/{created.json()['id']}/deliveries", headers=workspace.headers
    ).json()["items"]
    assert attempts[0]["error"] == "destination refused: loopback address"
    assert attempts[0]["succeeded"] is False

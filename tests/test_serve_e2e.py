"""Starts the real `timeledger serve` process and speaks HTTP to it."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from tests.conftest import make_workspace
from timeledger.access.credentials import PasswordHashing
from timeledger.kit.clock import SYSTEM_CLOCK, ShiftedClock, clock_in_use, current_clock, utcnow
from timeledger.kit.db import Database
from timeledger.kit.errors import PROBLEM_MEDIA_TYPE as PROBLEM
from timeledger.kit.request_limits import MAX_URL_BYTES

pytestmark = pytest.mark.slow

TIMELEDGER = str(Path(sys.executable).parent / "timeledger")
SERVER_MAX_URL_BYTES = 65_535
"""httptools' parser keeps URL offsets in 16 bits: a longer request target is refused by
the web server itself (400 text/plain, docs/api-conventions.md)."""


def clock_environment() -> dict[str, str]:
    """Starts a server or worker process at the test's time when the test runs shifted."""
    if current_clock() is SYSTEM_CLOCK:
        return {}
    return {"TIMELEDGER_CLOCK_START": utcnow().isoformat()}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def environment_of(database_url: str, tmp_path: Path, **settings: str) -> dict[str, str]:
    return {
        **os.environ,
        "TIMELEDGER_DATABASE_URL": database_url,
        "TIMELEDGER_DATA_DIR": str(tmp_path / "var"),
        **clock_environment(),
        **{f"TIMELEDGER_{name.upper()}": value for name, value in settings.items()},
    }


@contextmanager
def serving(database_url: str, tmp_path: Path, *options: str, **settings: str) -> Iterator[str]:
    port = free_port()
    env = environment_of(database_url, tmp_path, **settings)
    process = subprocess.Popen(
        [TIMELEDGER, "serve", "--port", str(port), *options],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, process.stderr.read() if process.stderr else b""
            assert time.monotonic() < deadline, "the server did not answer within 60 s"
            try:
                httpx.get(f"{base_url}/api/", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.2)
        yield base_url
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    with serving(f"sqlite:///{tmp_path / 'serve.db'}", tmp_path) as base_url:
        yield base_url


@pytest.mark.e2e
def test_served_api_root_answers_over_http(server: str, tmp_path: Path) -> None:
    response = httpx.get(f"{server}/api/", timeout=5)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    assert response.text.startswith("Timeledger ")
    assert response.headers["x-request-id"]
    assert (tmp_path / "serve.db").exists()
    assert (tmp_path / "var" / "secret_key").exists()


@pytest.mark.e2e
def test_served_unknown_route_is_a_problem(server: str) -> None:
    response = httpx.get(f"{server}/api/does-not-exist", timeout=5)
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["status"] == 404


@pytest.mark.e2e
@pytest.mark.postgresql
def test_several_processes_serve_one_postgresql_database(
    postgres_schema_url: str, tmp_path: Path
) -> None:
    with serving(postgres_schema_url, tmp_path, "--workers", "2") as base_url:
        answers = {httpx.get(f"{base_url}/api/", timeout=5).status_code for _ in range(20)}
        assert answers == {200}
        login = httpx.post(
            f"{base_url}/api/auth/login",
            json={"email": "nobody@example.test", "password": "wrong password!"},
            timeout=10,
        )
        assert login.status_code == 401
        assert login.headers["content-type"] == "application/problem+json"


@pytest.mark.e2e
def test_a_server_keeps_the_time_its_clock_was_started_at(
    tmp_path: Path, sqlite_template: Path, hashing: PasswordHashing
) -> None:
    shutil.copyfile(sqlite_template, tmp_path / "timeledger.db")
    url = f"sqlite:///{tmp_path / 'timeledger.db'}"
    db = Database(url)
    workspace = make_workspace(db, hashing, "Acme")
    db.dispose()
    start = datetime(2030, 1, 1, 22, 59, 30, tzinfo=UTC)
    began = time.monotonic()
    with clock_in_use(ShiftedClock(start)), serving(url, tmp_path) as base_url:
        issued = httpx.post(f"{base_url}/api/sse/tickets", headers=workspace.headers, timeout=10)
        elapsed = timedelta(seconds=time.monotonic() - began)
    assert issued.status_code == 201, issued.text
    expires_at = datetime.fromisoformat(issued.json()["expires_at"])
    lifetime = timedelta(seconds=60)
    assert start + lifetime <= expires_at <= start + lifetime + elapsed


OWNER_EMAIL, OWNER_PASSWORD = "owner@example.com", "correct horse battery staple"
FORWARDED_FOR = "203.0.113.9"


def _signed_in_from(base_url: str) -> str:
    """The client address the server records for a sign-in claiming X-Forwarded-For."""
    login = httpx.post(
        f"{base_url}/api/auth/login",
        json={"email": OWNER_EMAIL, "password": OWNER_PASSWORD},
        headers={"X-Forwarded-For": FORWARDED_FOR},
        timeout=10,
    )
    assert login.status_code == 200, login.text
    sessions = httpx.get(
        f"{base_url}/api/auth/sessions",
        headers={"Authorization": f"Bearer {login.json()['token']}"},
        timeout=10,
    )
    current = [item for item in sessions.json()["items"] if item["current"]]
    address: str = current[0]["client_address"]
    return address


@pytest.mark.e2e
def test_forwarded_addresses_are_believed_only_from_trusted_proxies(tmp_path: Path) -> None:
    database_url = f"sqlite:///{tmp_path / 'serve.db'}"
    owner = ["--owner-email", OWNER_EMAIL, "--owner-password", OWNER_PASSWORD]
    subprocess.run(
        [TIMELEDGER, "init", "--workspace", "Acme", *owner],
        env=environment_of(database_url, tmp_path),
        check=True,
        capture_output=True,
    )
    with serving(database_url, tmp_path) as base_url:
        assert _signed_in_from(base_url) == "127.0.0.1"
    with serving(database_url, tmp_path, trusted_proxies="127.0.0.1") as base_url:
        assert _signed_in_from(base_url) == FORWARDED_FOR


def _first_response_to(base_url: str, target: str) -> tuple[int, str]:
    """Status and media type of the answer to a GET of `target`, sent as raw bytes (an
    HTTP client library may refuse to send a URL this long)."""
    host, port = base_url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=20) as connection:
        connection.sendall(f"GET {target} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
        received = b""
        while b"\r\n\r\n" not in received:
            chunk = connection.recv(65_536)
            if not chunk:
                break
            received += chunk
    status_line, *header_lines = received.split(b"\r\n\r\n", 1)[0].decode().split("\r\n")
    headers = dict(line.lower().split(": ", 1) for line in header_lines)
    return int(status_line.split()[1]), headers.get("content-type", "")


@pytest.mark.e2e
def test_long_urls_get_problem_documents_up_to_the_servers_limit(server: str) -> None:
    def target(length: int) -> str:
        path = "/api/customers?q="
        return path + "a" * (length - len(path))

    assert _first_response_to(server, target(MAX_URL_BYTES)) == (401, PROBLEM)
    assert _first_response_to(server, target(MAX_URL_BYTES + 1)) == (414, PROBLEM)
    assert _first_response_to(server, target(SERVER_MAX_URL_BYTES)) == (414, PROBLEM)
    status, _ = _first_response_to(server, target(SERVER_MAX_URL_BYTES + 1))
    assert status == 400

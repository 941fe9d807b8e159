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
from timeledger.identity.credentials import PasswordHashing
from timeledger.kit.clock import SYSTEM_CLOCK, ShiftedClock, clock_in_use, current_clock, utcnow
from timeledger.kit.db import Database

TIMELEDGER = str(Path(sys.executable).parent / "timeledger")


def clock_environment() -> dict[str, str]:
    """Starts a server or worker process at the test's time when the test runs shifted."""
    if current_clock() is SYSTEM_CLOCK:
        return {}
    return {"TIMELEDGER_CLOCK_START": utcnow().isoformat()}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def serving(database_url: str, tmp_path: Path, *options: str) -> Iterator[str]:
    port = free_port()
    env = {
        **os.environ,
        "TIMELEDGER_DATABASE_URL": database_url,
        "TIMELEDGER_DATA_DIR": str(tmp_path / "var"),
        **clock_environment(),
    }
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

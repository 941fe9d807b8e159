import uuid
from datetime import UTC, datetime

import structlog
from fastapi import FastAPI, Request
from fastapi.testclient import TestClient

from timeledger.kit.clock import FixedClock, current_clock, utcnow
from timeledger.kit.errors import install_problem_handlers
from timeledger.kit.request_frame import RequestFrame

NEW_YEAR = datetime(2026, 12, 31, 23, 59, 30, tzinfo=UTC)
LIMIT = 64


def _framed_app(*, log_requests: bool = False) -> FastAPI:
    app = FastAPI()
    app.add_middleware(
        RequestFrame, clock=FixedClock(NEW_YEAR), body_limit=LIMIT, log_requests=log_requests
    )
    install_problem_handlers(app)

    @app.get("/now")
    def now() -> str:
        return utcnow().isoformat()

    @app.get("/now-async")
    async def now_async() -> str:
        return utcnow().isoformat()

    @app.post("/echo")
    async def echo(request: Request) -> int:
        return len(await request.body())

    return app


def test_the_application_clock_is_current_for_each_request_and_only_there() -> None:
    before = current_clock()
    with TestClient(_framed_app()) as client:
        assert client.get("/now").json() == NEW_YEAR.isoformat()
        assert client.get("/now-async").json() == NEW_YEAR.isoformat()
    assert current_clock() is before


def test_every_answer_carries_the_request_id_and_the_servers_time() -> None:
    with TestClient(_framed_app()) as client:
        answered = client.get("/now", headers={"X-Request-ID": "trace-1"})
        generated = client.get("/nowhere").headers["x-request-id"]
    assert answered.headers["x-request-id"] == "trace-1"
    assert answered.headers["server-timing"].startswith("app;dur=")
    assert uuid.UUID(hex=generated).hex == generated


def test_a_refused_request_is_answered_by_the_frame_with_its_id() -> None:
    with TestClient(_framed_app()) as client:
        declared = client.post("/echo", content=b"a" * (LIMIT + 1))
        chunked = client.post("/echo", content=iter([b"a" * LIMIT, b"b"]))
        nul = client.get("/now?x=%00", headers={"X-Request-ID": "trace-2"})
        fits = client.post("/echo", content=iter([b"a" * (LIMIT - 1), b"b"]))
    assert (declared.status_code, declared.headers["connection"]) == (413, "close")
    assert declared.headers["content-type"] == "application/problem+json"
    assert declared.headers["x-request-id"]
    assert chunked.status_code == 413
    assert f"{LIMIT} bytes" in chunked.json()["detail"]
    assert (nul.status_code, nul.headers["x-request-id"]) == (400, "trace-2")
    assert fits.json() == LIMIT


def test_requests_are_logged_only_when_the_level_lets_them_through() -> None:
    for log_requests in (True, False):
        with (
            structlog.testing.capture_logs() as logs,
            TestClient(_framed_app(log_requests=log_requests)) as client,
        ):
            client.get("/now")
        logged = [entry for entry in logs if entry["event"] == "request"]
        expected = [{"method": "GET", "path": "/now", "status": 200}] if log_requests else []
        assert [
            {key: entry[key] for key in ("method", "path", "status")} for entry in logged
        ] == expected

"""The clocking lane answers and stores exactly what the full operations would, and
declines whatever it does not serve, refusals included, leaving nothing written."""

from datetime import timedelta
from typing import Any

import orjson
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import func, select

from tests.access.support import assert_problem
from tests.conftest import WorkspaceFixture
from tests.presence.support import at_once, call, create_setting, new_employee, record, timesheet
from tests.timesheet.support import person_in
from timeledger.access.credential_cache import CREDENTIALS
from timeledger.kit.clock import utcnow
from timeledger.kit.db import Database
from timeledger.kit.fastlane import LaneReply, LaneRoute
from timeledger.models import Change, PresenceInterval
from timeledger.presence.lane import CLOCK_IN_LANE, CLOCK_OUT_LANE

LANES = {"clock-in": CLOCK_IN_LANE, "clock-out": CLOCK_OUT_LANE}
# What differs between two employees clocked the same way: who and when it was written.
WRITTEN = {"id", "employee_id", "created_at", "updated_at"}


def _lane(
    app: FastAPI,
    employee_id: int,
    operation: str,
    body: dict[str, Any] | bytes,
    key: str,
    *,
    headers: dict[bytes, bytes] | None = None,
) -> LaneReply | None:
    route: LaneRoute = LANES[operation]
    raw = body if isinstance(body, bytes) else orjson.dumps(body)
    sent = {
        b"authorization": f"Bearer {key}".encode(),
        b"content-type": b"application/json",
        b"content-length": str(len(raw)).encode(),
        **(headers or {}),
    }
    scope = {
        "type": "http",
        "method": "POST",
        "path": timesheet(employee_id, operation),
        "query_string": b"",
        "headers": list(sent.items()),
        "app": app,
    }
    request = route.request_of(scope)
    assert request is not None
    return route.answer(type(request)(request.scope, request.path_params, request.query, raw))


def _full(
    client: TestClient, headers: dict[str, str], employee_id: int, operation: str, **body: Any
) -> Response:
    """The full operation's answer (an Idempotency-Key is one thing the lane declines)."""
    with_key = {**headers, "Idempotency-Key": f"{operation}-{employee_id}-{utcnow()}"}
    response = client.post(timesheet(employee_id, operation), json=body, headers=with_key)
    assert response.status_code in (200, 201), response.text
    return response


def _without_written(view: dict[str, Any]) -> dict[str, Any]:
    kept = {name: value for name, value in view.items() if name not in WRITTEN}
    kept["breaks"] = [{**pause, "id": None} for pause in view["breaks"]]
    return kept


def _stored(
    client: TestClient, headers: dict[str, str], employee_id: int, interval_id: int
) -> Response:
    response = client.get(timesheet(employee_id, f"presence/{interval_id}"), headers=headers)
    assert response.status_code == 200, response.text
    return response


def _changes(db: Database, interval_id: int) -> list[tuple[str, dict[str, Any]]]:
    with db.session(write=False) as session:
        rows = session.execute(
            select(Change.op, Change.data)
            .where(Change.entity == "presence", Change.entity_id == interval_id)
            .order_by(Change.revision)
        )
        return [(op, data) for op, data in rows]


def _open_intervals(db: Database, employee_id: int) -> int:
    with db.session(write=False) as session:
        return session.scalar(
            select(func.count()).where(
                PresenceInterval.employee_id == employee_id, PresenceInterval.ended_at.is_(None)
            )
        ) or 0  # fmt: skip


def _ago(minutes: int) -> str:
    return (utcnow() - timedelta(minutes=minutes)).isoformat()


def test_the_lane_clocks_in_and_out_as_the_full_operations(
    app: FastAPI, client: TestClient, db: Database, workspace: WorkspaceFixture
) -> None:
    headers = workspace.headers
    by_full, by_lane = new_employee(client, headers, "E1"), new_employee(client, headers, "E2")
    clock_in = {"at": _ago(90), "note": "gate 3", "source": "kiosk"}
    clock_out = {"at": _ago(5), "note": "done"}

    full_in = _full(client, headers, by_full, "clock-in", **clock_in)
    lane_in = _lane(app, by_lane, "clock-in", clock_in, workspace.api_key)
    pause = {"at": _ago(60)}
    for employee in (by_full, by_lane):
        assert call(client, headers, employee, "break-start", **pause).status_code == 200
    full_out = _full(client, headers, by_full, "clock-out", **clock_out)
    lane_out = _lane(app, by_lane, "clock-out", clock_out, workspace.api_key)

    assert lane_in is not None
    assert lane_out is not None
    assert (lane_in.status, lane_out.status) == (201, 200)
    lane_in_view, lane_out_view = orjson.loads(lane_in.body), orjson.loads(lane_out.body)
    assert _without_written(lane_in_view) == _without_written(full_in.json())
    assert _without_written(lane_out_view) == _without_written(full_out.json())
    assert lane_out_view["breaks"][0]["ended_at"] == lane_out_view["ended_at"]
    interval_id = lane_in_view["id"]
    assert dict(lane_in.headers) == {
        b"location": f"/api/employees/{by_lane}/timesheet/presence/{interval_id}".encode(),
        b"etag": f'"presence-{interval_id}-1"'.encode(),
    }
    stored = _stored(client, headers, by_lane, interval_id)
    assert stored.json() == lane_out_view
    assert (
        stored.headers["etag"]
        == dict(lane_out.headers)[b"etag"].decode()
        == f'"presence-{interval_id}-3"'
    )
    assert [op for op, _ in _changes(db, interval_id)] == ["clock_in", "break_started", "clock_out"]
    assert _changes(db, interval_id)[0][1] == lane_in_view
    assert _changes(db, interval_id)[-1][1] == lane_out_view
    full_ops = [op for op, _ in _changes(db, full_in.json()["id"])]
    assert full_ops == ["clock_in", "break_started", "clock_out"]


def test_a_lane_clock_in_is_an_event_of_the_feed(
    app: FastAPI, client: TestClient, workspace: WorkspaceFixture
) -> None:
    employee = new_employee(client, workspace.headers)
    head = client.get("/api/events", headers=workspace.headers).json()["head_revision"]

    reply = _lane(app, employee, "clock-in", {}, workspace.api_key)

    assert reply is not None
    feed = client.get(f"/api/events?after={head}", headers=workspace.headers).json()
    assert [(event["type"], event["data"]) for event in feed["items"]] == [
        ("presence.clock_in", orjson.loads(reply.body))
    ]
    assert feed["head_revision"] == head + 1


def test_an_employee_clocks_themselves_through_the_lane_over_http(
    client: TestClient, db: Database, workspace: WorkspaceFixture
) -> None:
    person = person_in(client, db, workspace)
    client.get(f"/api/employees/{person.employee_id}", headers=person.headers)

    opened = call(client, person.headers, person.employee_id, "clock-in")
    closed = call(client, person.headers, person.employee_id, "clock-out")

    assert (opened.status_code, closed.status_code) == (201, 200)
    assert opened.headers["x-request-id"]
    assert opened.headers["location"].endswith(f"/presence/{opened.json()['id']}")
    assert closed.json()["id"] == opened.json()["id"]
    assert closed.json()["open"] is False
    assert _open_intervals(db, person.employee_id) == 0


def _same_problem(reply: LaneReply | None, full: Response, status: int) -> None:
    """The lane's refusal is the full operation's: the same document, but for the moment
    of "now" a detail may name."""
    assert reply is not None
    assert (reply.status, full.status_code) == (status, status)
    assert reply.media_type.decode() == full.headers["content-type"] == "application/problem+json"
    lane_document, full_document = orjson.loads(reply.body), full.json()
    if "now is" in full_document["detail"]:
        lane_document.pop("detail")
        full_document.pop("detail")
    assert lane_document == full_document


def test_the_lane_refuses_as_the_full_operation_with_nothing_written(
    app: FastAPI, client: TestClient, db: Database, workspace: WorkspaceFixture
) -> None:
    headers = workspace.headers
    employee = new_employee(client, headers)
    record(client, headers, employee, _ago(300), _ago(240))
    in_future = (utcnow() + timedelta(hours=1)).isoformat()
    before_the_start = _ago(40)
    refusals = [
        ("clock-out", {}, 409),  # not clocked in
        ("clock-in", {"at": in_future}, 422),
        ("clock-in", {"at": _ago(270)}, 409),  # inside the closed interval
        ("opened", {"at": _ago(30)}, 201),
        ("clock-in", {}, 409),  # clocked in already
        ("clock-out", {"at": before_the_start}, 422),
        ("clock-out", {"at": in_future}, 422),
    ]

    for operation, body, status in refusals:
        if operation == "opened":
            assert _lane(app, employee, "clock-in", body, workspace.api_key) is not None
            continue
        written = (_changes_count(db), _open_intervals(db, employee))
        reply = _lane(app, employee, operation, body, workspace.api_key)
        assert (_changes_count(db), _open_intervals(db, employee)) == written
        _same_problem(reply, _full_refusal(client, headers, employee, operation, body), status)
    assert _open_intervals(db, employee) == 1


def _full_refusal(
    client: TestClient,
    headers: dict[str, str],
    employee: int,
    operation: str,
    body: dict[str, Any],
) -> Response:
    with_key = {**headers, "Idempotency-Key": f"refused-{utcnow()}"}
    return client.post(timesheet(employee, operation), json=body, headers=with_key)


@pytest.mark.parametrize(
    "body",
    [{"note": "x" * 2001}, {"unknown": 1}, {"source": "manual"}, {"at": "yesterday"}],
    ids=["long-note", "unknown-field", "recorded-source", "not-an-instant"],
)
def test_a_body_the_model_refuses_goes_to_the_full_operation(
    app: FastAPI,
    client: TestClient,
    db: Database,
    workspace: WorkspaceFixture,
    body: dict[str, Any],
) -> None:
    employee = new_employee(client, workspace.headers)

    assert _lane(app, employee, "clock-in", body, workspace.api_key) is None
    assert_problem(call(client, workspace.headers, employee, "clock-in", **body), 422)
    assert _open_intervals(db, employee) == 0


def _changes_count(db: Database) -> int:
    with db.session(write=False) as session:
        return session.scalar(select(func.count()).select_from(Change)) or 0


def test_what_the_lane_does_not_serve_goes_to_the_full_operation(
    app: FastAPI, client: TestClient, db: Database, workspace: WorkspaceFixture
) -> None:
    headers = workspace.headers
    employee = new_employee(client, headers)
    reason = create_setting(client, headers, "reasons", key="client", name="At a client")
    key = workspace.api_key

    assert _lane(app, employee, "clock-in", {"reason_id": reason}, key) is None
    assert _lane(app, employee, "clock-in", b"not json", key) is None
    assert _lane(app, employee, "clock-in", {}, key, headers={b"idempotency-key": b"k1"}) is None
    assert (
        _lane(app, employee, "clock-in", {}, key, headers={b"content-type": b"text/plain"}) is None
    )
    assert _lane(app, employee, "clock-in", {}, "tl_ak_nonsense") is None
    CREDENTIALS.clear()
    assert _lane(app, employee, "clock-in", {}, key) is None
    assert _open_intervals(db, employee) == 0

    with_reason = call(client, headers, employee, "clock-in", reason_id=reason)
    assert with_reason.status_code == 201, with_reason.text
    assert with_reason.json()["reason_id"] == reason


def test_other_peoples_timesheets_go_to_the_full_operation(
    app: FastAPI, client: TestClient, db: Database, workspace: WorkspaceFixture
) -> None:
    employee = person_in(client, db, workspace)
    manager = person_in(client, db, workspace, role="manager")
    other = new_employee(client, workspace.headers)
    deleted = new_employee(client, workspace.headers, "E9")
    assert client.delete(f"/api/employees/{deleted}", headers=workspace.headers).status_code == 204
    for someone in (employee, manager):
        client.get(f"/api/employees/{someone.employee_id}", headers=someone.headers)

    assert _lane(app, other, "clock-in", {}, employee.principal.key) is None
    assert_problem(call(client, employee.headers, other, "clock-in"), 404)
    assert _lane(app, other, "clock-in", {}, manager.principal.key) is None
    assert _lane(app, deleted, "clock-in", {}, workspace.api_key) is None
    assert_problem(call(client, workspace.headers, deleted, "clock-in"), 404)
    assert _open_intervals(db, other) == 0


def test_simultaneous_lane_clock_ins_open_one_interval(
    app: FastAPI, client: TestClient, db: Database, workspace: WorkspaceFixture
) -> None:
    employee = new_employee(client, workspace.headers)
    writers = 6

    replies = at_once(writers, lambda: _lane(app, employee, "clock-in", {}, workspace.api_key))

    assert None not in replies
    assert sorted(reply.status for reply in replies if reply is not None) == [201] + [409] * (
        writers - 1
    )
    assert _open_intervals(db, employee) == 1


def test_an_employee_of_another_workspace_goes_to_the_full_operation_and_is_not_found(
    app: FastAPI,
    client: TestClient,
    db: Database,
    workspace: WorkspaceFixture,
    other_workspace: WorkspaceFixture,
) -> None:
    theirs = new_employee(client, other_workspace.headers)
    client.get("/api/employees", headers=workspace.headers)

    assert _lane(app, theirs, "clock-in", {}, workspace.api_key) is None
    assert_problem(call(client, workspace.headers, theirs, "clock-in"), 404)
    assert _open_intervals(db, theirs) == 0

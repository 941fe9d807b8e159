import base64
import json
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import WorkspaceFixture
from timeledger.kit.db import Database
from timeledger.kit.errors import BadRequest
from timeledger.kit.pagination import (
    MAX_LIMIT,
    Direction,
    PageRequest,
    decode_cursor,
    encode_cursor,
    fetch_page,
)
from timeledger.models import Role, User

CUSTOM_ROLES = ["auditor", "zeta", "alpha", "mid", "beta", "omega", "kappa"]


def _create_roles(client: TestClient, owner: WorkspaceFixture, names: list[str]) -> None:
    for name in names:
        response = client.post(
            "/api/roles", headers=owner.headers, json={"name": name, "permissions": []}
        )
        assert response.status_code == 201, response.text


def _walk(
    client: TestClient, owner: WorkspaceFixture, path: str, **query: Any
) -> list[list[dict[str, Any]]]:
    pages: list[list[dict[str, Any]]] = []
    cursor: str | None = None
    while True:
        params = {**query, "cursor": cursor} if cursor else query
        response = client.get(path, headers=owner.headers, params=params)
        assert response.status_code == 200, response.text
        body = response.json()
        pages.append(body["items"])
        cursor = body["next_cursor"]
        if cursor is None:
            return pages
        assert len(pages) < 50, "pagination does not end"


def _roles_in_db(db: Database, workspace_id: int) -> list[tuple[int, str]]:
    with db.session(write=False) as session:
        rows = session.execute(select(Role.id, Role.name).where(Role.workspace_id == workspace_id))
        return [(row[0], row[1]) for row in rows]


def _cursor(payload: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")


def test_cursor_walks_see_every_role_once_in_order(
    client: TestClient,
    db: Database,
    workspace: WorkspaceFixture,
    other_workspace: WorkspaceFixture,
) -> None:
    _create_roles(client, workspace, CUSTOM_ROLES)
    _create_roles(client, other_workspace, ["not-ours"])
    pages = _walk(client, workspace, "/api/roles", limit=2, sort="name", direction="desc")
    expected = sorted(_roles_in_db(db, workspace.id), key=lambda row: row[1], reverse=True)
    assert len(expected) == len(CUSTOM_ROLES) + 5
    assert [len(page) for page in pages] == [2] * (len(expected) // 2) + (
        [len(expected) % 2] if len(expected) % 2 else []
    )
    seen = [(item["id"], item["name"]) for page in pages for item in page]
    assert seen == expected

    pages = _walk(client, workspace, "/api/roles", limit=5, sort="id", direction="asc")
    assert [item["id"] for page in pages for item in page] == sorted(id_ for id_, _ in expected)
    assert [len(page) for page in pages] == [5, 5, 2]


def test_cursor_walk_by_an_instant(
    client: TestClient, db: Database, workspace: WorkspaceFixture
) -> None:
    for n in range(5):
        response = client.post(
            "/api/users",
            headers=workspace.headers,
            json={"email": f"person{n}@acme.example.com", "name": f"Person {n}"},
        )
        assert response.status_code == 201, response.text
    pages = _walk(client, workspace, "/api/users", limit=2, sort="created_at", direction="desc")
    seen = [item["email"] for page in pages for item in page]
    with db.session(write=False) as session:
        expected = session.scalars(
            select(User.email)
            .where(User.workspace_id == workspace.id, User.kind == "person")
            .order_by(User.created_at.desc(), User.id.desc())
        ).all()
    assert seen == list(expected)
    assert len(seen) == 6


TAMPERED_NAME_CURSORS = [
    "not a cursor at all",
    "bm90IGpzb24",  # "not json"
    _cursor({"sort": "name"}),
    _cursor(["name", "desc", "zeta"]),
    _cursor(["name", "desc", 123, 1]),  # a number where a name belongs
    _cursor(["name", "desc", ["zeta"], 1]),
    _cursor(["name", "desc", {"t": "d", "v": "2026-01-01"}, 1]),
    _cursor(["name", "desc", {"t": "dt", "v": 10**30}, 1]),
    _cursor(["name", "desc", {"t": "nope", "v": 1}, 1]),
    _cursor(["name", "desc", "zeta", "1"]),
    _cursor(["name", "desc", "zeta", 2**70]),
    _cursor(["name", "desc", "zeta", True]),
]
TAMPERED_ID_CURSORS = [_cursor(["id", "asc", 2**70, 1]), _cursor(["id", "asc", "x", 1])]


def test_tampered_or_misused_cursor_is_a_400_problem(
    client: TestClient, workspace: WorkspaceFixture
) -> None:
    cases = [("name", "desc", cursor) for cursor in TAMPERED_NAME_CURSORS]
    cases += [("id", "asc", cursor) for cursor in TAMPERED_ID_CURSORS]
    for sort, direction, cursor in cases:
        response = client.get(
            "/api/roles",
            headers=workspace.headers,
            params={"limit": 2, "sort": sort, "direction": direction, "cursor": cursor},
        )
        assert response.status_code == 400, (cursor, response.text)
        assert response.headers["content-type"] == "application/problem+json"
        problem = response.json()
        assert problem["status"] == 400
        assert problem["errors"][0]["location"] == "query.cursor"

    # A genuine cursor, but of another sort order.
    first = client.get("/api/roles?limit=2&sort=name&direction=desc", headers=workspace.headers)
    cursor = first.json()["next_cursor"]
    assert cursor is not None
    for other in ("sort=id&direction=desc", "sort=name&direction=asc"):
        response = client.get(
            f"/api/roles?limit=2&{other}&cursor={cursor}", headers=workspace.headers
        )
        assert response.status_code == 400
        assert response.headers["content-type"] == "application/problem+json"
        assert "sort" in response.json()["detail"]


def test_limit_and_sort_out_of_bounds_are_unprocessable(
    client: TestClient, workspace: WorkspaceFixture
) -> None:
    for query, location in [
        ("limit=0", "query.limit"),
        ("limit=-1", "query.limit"),
        (f"limit={MAX_LIMIT + 1}", "query.limit"),
        ("limit=ten", "query.limit"),
        ("sort=permissions", "query.sort"),
        ("direction=sideways", "query.direction"),
    ]:
        response = client.get(f"/api/roles?{query}", headers=workspace.headers)
        assert response.status_code == 422, query
        assert response.headers["content-type"] == "application/problem+json"
        assert [error["location"] for error in response.json()["errors"]] == [location]
    whole = client.get(f"/api/roles?limit={MAX_LIMIT}", headers=workspace.headers)
    assert whole.status_code == 200
    assert whole.json()["next_cursor"] is None
    assert len(whole.json()["items"]) == 5


def test_cursor_round_trips_values_of_every_kind() -> None:
    for value in (
        "name",
        42,
        None,
        Decimal("12.50"),
        date(2026, 2, 28),
        datetime(2026, 2, 28, 7, 1, 2, 3456, tzinfo=UTC),
    ):
        request = PageRequest(limit=2, sort="x", direction=Direction.ASC, cursor=None)
        cursor = encode_cursor(request, value, 7)
        decoded = decode_cursor(
            PageRequest(limit=2, sort="x", direction=Direction.ASC, cursor=cursor)
        )
        assert decoded == (value, 7)
    assert decode_cursor(PageRequest(2, "x", Direction.ASC, None)) is None
    with pytest.raises(BadRequest):
        decode_cursor(PageRequest(2, "y", Direction.ASC, cursor))


def _service_users(client: TestClient, owner: WorkspaceFixture, count: int) -> None:
    for n in range(count):
        response = client.post(
            "/api/service-users", headers=owner.headers, json={"name": f"bot-{n}"}
        )
        assert response.status_code == 201, response.text


def _walk_emails(session: Session, direction: Direction, limit: int) -> list[int]:
    seen: list[int] = []
    cursor: str | None = None
    for _ in range(20):
        request = PageRequest(limit=limit, sort="email", direction=direction, cursor=cursor)
        rows, cursor = fetch_page(
            session, select(User), request, sort_columns={"email": User.email}, id_column=User.id
        )
        seen.extend(user.id for user in rows)
        if cursor is None:
            return seen
    raise AssertionError("pagination does not end")


def test_nullable_sort_column_pages_through_nulls_on_every_engine(
    client: TestClient, db: Database, workspace: WorkspaceFixture
) -> None:
    # Service users have no email: NULL sorts as the greatest value, as on PostgreSQL.
    _service_users(client, workspace, 3)
    for n in range(2):
        response = client.post(
            "/api/users",
            headers=workspace.headers,
            json={"email": f"p{n}@acme.example.com", "name": f"P {n}"},
        )
        assert response.status_code == 201, response.text
    with db.session(write=False, workspace_id=workspace.id) as session:
        everyone = session.scalars(select(User)).all()
        people = sorted(
            (user for user in everyone if user.email is not None), key=lambda u: (u.email, u.id)
        )
        nobody = sorted((user for user in everyone if user.email is None), key=lambda u: u.id)
        assert len(nobody) == 3 and len(people) == 3
        ascending = [user.id for user in people + nobody]
        for limit in (1, 2, 4):
            assert _walk_emails(session, Direction.ASC, limit) == ascending
            assert _walk_emails(session, Direction.DESC, limit) == ascending[::-1]

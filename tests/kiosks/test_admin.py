"""Administering kiosks, their device tokens, and badges and PINs."""

import hashlib

from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.access.support import PASSWORD, assert_problem, new_person
from tests.conftest import WorkspaceFixture
from tests.kiosks.support import (
    BADGE,
    PIN,
    employee_in,
    give_badge,
    identify,
    new_kiosk,
    open_shop,
)
from tests.organization.support import create_unit, employee_of_user
from timeledger.access.credentials import PasswordHashing
from timeledger.kit.db import Database
from timeledger.models import Kiosk, KioskBadge


def _audited(client: TestClient, workspace: WorkspaceFixture, action: str) -> list[int]:
    response = client.get(f"/api/admin/audit-log?action={action}", headers=workspace.headers)
    assert response.status_code == 200, response.text
    return [item["target_id"] for item in response.json()["items"]]


def test_a_kiosk_is_registered_with_a_token_shown_once_and_stored_hashed(
    client: TestClient, db: Database, workspace: WorkspaceFixture
) -> None:
    unit = create_unit(client, workspace.headers, "Shop floor")["id"]
    response = client.post(
        "/api/kiosks", json={"name": "Door", "org_unit_ids": [unit]}, headers=workspace.headers
    )
    assert response.status_code == 201, response.text
    assert response.headers["cache-control"] == "no-store"
    created = response.json()
    token = created["token"]
    assert token.startswith("tl_kd_")
    assert created["token_prefix"] == token[:16]
    assert created["org_unit_ids"] == [unit]
    assert response.headers["location"] == f"/api/kiosks/{created['id']}"

    read = client.get(f"/api/kiosks/{created['id']}", headers=workspace.headers)
    assert read.status_code == 200
    assert "token" not in read.json()
    assert read.json()["token_prefix"] == token[:16]
    listed = client.get("/api/kiosks", headers=workspace.headers).json()["items"]
    assert [item["id"] for item in listed] == [created["id"]]
    assert all("token" not in item for item in listed)
    with db.session(write=False) as session:
        stored = session.scalars(select(Kiosk)).one()
        assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()
        assert token[16:] not in stored.token_hash + stored.token_prefix
    assert _audited(client, workspace, "kiosk.created") == [created["id"]]


def test_a_kiosk_changes_only_at_the_version_read(
    client: TestClient, workspace: WorkspaceFixture
) -> None:
    floor = create_unit(client, workspace.headers, "Shop floor")["id"]
    office = create_unit(client, workspace.headers, "Office")["id"]
    kiosk = new_kiosk(client, workspace.headers, [floor])
    path = f"/api/kiosks/{kiosk['id']}"
    etag = client.get(path, headers=workspace.headers).headers["etag"]

    changed = client.patch(
        path,
        json={"name": "Back door", "org_unit_ids": [office, floor]},
        headers={**workspace.headers, "If-Match": etag},
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["name"] == "Back door"
    assert changed.json()["org_unit_ids"] == sorted([office, floor])
    assert changed.headers["etag"] != etag
    stale = client.patch(
        path, json={"name": "Side door"}, headers={**workspace.headers, "If-Match": etag}
    )
    assert_problem(stale, 412)
    assert client.get(path, headers=workspace.headers).json()["name"] == "Back door"


def test_a_new_token_retires_the_old_one(client: TestClient, workspace: WorkspaceFixture) -> None:
    shop = open_shop(client, workspace)
    assert identify(client, shop.token).status_code == 200  # the token is now cached
    rotated = client.post(f"/api/kiosks/{shop.kiosk_id}/token", headers=workspace.headers)
    assert rotated.status_code == 200, rotated.text
    assert rotated.headers["cache-control"] == "no-store"
    new_token = rotated.json()["token"]
    assert new_token.startswith("tl_kd_") and new_token != shop.token

    assert_problem(identify(client, shop.token), 401)
    assert identify(client, new_token).status_code == 200
    assert _audited(client, workspace, "kiosk.token_rotated") == [shop.kiosk_id]


def test_deleting_a_kiosk_revokes_its_token(
    client: TestClient, workspace: WorkspaceFixture
) -> None:
    shop = open_shop(client, workspace)
    assert identify(client, shop.token).status_code == 200
    deleted = client.delete(f"/api/kiosks/{shop.kiosk_id}", headers=workspace.headers)
    assert deleted.status_code == 204, deleted.text

    assert_problem(identify(client, shop.token), 401)
    assert_problem(client.get(f"/api/kiosks/{shop.kiosk_id}", headers=workspace.headers), 404)
    assert _audited(client, workspace, "kiosk.deleted") == [shop.kiosk_id]


def test_another_workspaces_kiosk_does_not_exist(
    client: TestClient, workspace: WorkspaceFixture, other_workspace: WorkspaceFixture
) -> None:
    unit = create_unit(client, other_workspace.headers, "Their floor")["id"]
    theirs = new_kiosk(client, other_workspace.headers, [unit])
    path = f"/api/kiosks/{theirs['id']}"
    mine = workspace.headers
    assert_problem(client.get(path, headers=mine), 404)
    assert_problem(client.patch(path, json={"name": "Mine"}, headers=mine), 404)
    assert_problem(client.post(f"{path}/token", headers=mine), 404)
    assert_problem(client.delete(path, headers=mine), 404)
    assert client.get("/api/kiosks", headers=mine).json()["items"] == []
    # Nor may a kiosk of this workspace serve their units.
    refused = client.post("/api/kiosks", json={"name": "X", "org_unit_ids": [unit]}, headers=mine)
    assert assert_problem(refused, 422)["errors"][0]["location"] == "body.org_unit_ids"
    assert client.get(path, headers=other_workspace.headers).status_code == 200


def test_kiosk_bodies_are_checked(client: TestClient, workspace: WorkspaceFixture) -> None:
    unit = create_unit(client, workspace.headers, "Shop floor")["id"]
    for body in (
        {"name": "", "org_unit_ids": [unit]},
        {"name": "Door", "org_unit_ids": []},
        {"name": "Door"},
        {"name": "Door", "org_unit_ids": [unit], "token": "tl_kd_mine"},
        {"name": "Door", "org_unit_ids": ["x"]},
        {"name": "Door", "org_unit_ids": [999_999]},
    ):
        response = client.post("/api/kiosks", json=body, headers=workspace.headers)
        assert 400 <= response.status_code < 500, body
        assert_problem(response, response.status_code)
    assert client.get("/api/kiosks", headers=workspace.headers).json()["items"] == []


def test_a_badge_is_unique_and_a_pin_is_never_shown(
    client: TestClient, db: Database, workspace: WorkspaceFixture
) -> None:
    headers = workspace.headers
    unit = create_unit(client, headers, "Shop floor")["id"]
    first = employee_in(client, headers, unit, "S1", "Grace")
    second = employee_in(client, headers, unit, "S2", "Alan")
    badge_path = f"/api/employees/{first}/kiosk-badge"
    assert client.get(badge_path, headers=headers).json() == {
        "employee_id": first,
        "badge": None,
        "pin_set": False,
    }
    give_badge(client, headers, first, BADGE, PIN)
    assert client.get(badge_path, headers=headers).json() == {
        "employee_id": first,
        "badge": BADGE,
        "pin_set": True,
    }
    taken = client.put(
        f"/api/employees/{second}/kiosk-badge", json={"badge": BADGE}, headers=headers
    )
    assert assert_problem(taken, 409)["employee_id"] == first

    freed = client.put(badge_path, json={"badge": None}, headers=headers)
    assert freed.json() == {"employee_id": first, "badge": None, "pin_set": True}
    given = client.put(
        f"/api/employees/{second}/kiosk-badge", json={"badge": BADGE}, headers=headers
    )
    assert given.status_code == 200, given.text
    with db.session(write=False) as session:
        hashes = [row.pin_hash for row in session.scalars(select(KioskBadge))]
    pin_parameters = "$argon2id$v=19$m=2048,t=1,p=1$"
    assert [h is not None and h.startswith(pin_parameters) for h in hashes] == [True, False]


def test_pins_and_badges_are_checked(
    client: TestClient, workspace: WorkspaceFixture, other_workspace: WorkspaceFixture
) -> None:
    headers = workspace.headers
    unit = create_unit(client, headers, "Shop floor")["id"]
    employee = employee_in(client, headers, unit, "S1", "Grace")
    pin_path = f"/api/employees/{employee}/kiosk-pin"
    for pin in ("123", "123456789", "12a4", "", "1111", "1234", "98765", 4071):
        refused = client.put(pin_path, json={"pin": pin}, headers=headers)
        assert assert_problem(refused, 422)["errors"][0]["location"].startswith("body"), pin
    for badge in ("", "with space", "x" * 33, 17):
        refused = client.put(
            f"/api/employees/{employee}/kiosk-badge", json={"badge": badge}, headers=headers
        )
        assert_problem(refused, 422)
    theirs = employee_in(client, other_workspace.headers, None, "T1", "Them")
    assert_problem(
        client.put(f"/api/employees/{theirs}/kiosk-pin", json={"pin": PIN}, headers=headers), 404
    )
    assert_problem(client.get(f"/api/employees/{theirs}/kiosk-badge", headers=headers), 404)


def test_a_person_sets_their_own_pin_with_their_password(
    client: TestClient, db: Database, hashing: PasswordHashing, workspace: WorkspaceFixture
) -> None:
    headers = workspace.headers
    unit = create_unit(client, headers, "Shop floor")["id"]
    person = new_person(db, workspace.id, "employee", password=PASSWORD, hashing=hashing)
    employee = employee_of_user(client, headers, person.user_id)
    moved = client.patch(
        f"/api/employees/{employee['id']}", json={"org_unit_id": unit}, headers=headers
    )
    assert moved.status_code == 200, moved.text
    badge = client.put(
        f"/api/employees/{employee['id']}/kiosk-badge", json={"badge": "77"}, headers=headers
    )
    assert badge.status_code == 200, badge.text
    kiosk = new_kiosk(client, headers, [unit])

    wrong = client.put(
        "/api/me/kiosk-pin",
        json={"pin": "8042", "current_password": "not-" + PASSWORD},
        headers=person.headers,
    )
    assert_problem(wrong, 403)
    assert_problem(identify(client, kiosk["token"], "77", "8042"), 404)
    own = client.put(
        "/api/me/kiosk-pin",
        json={"pin": "8042", "current_password": PASSWORD},
        headers=person.headers,
    )
    assert own.status_code == 204, own.text
    assert identify(client, kiosk["token"], "77", "8042").json()["state"] == "out"
    assert_problem(
        client.put(f"/api/employees/{employee['id']}/kiosk-pin", json={"pin": "8042"},
                   headers=person.headers),
        403,
    )  # fmt: skip

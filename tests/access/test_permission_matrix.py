"""Every operation of the OpenAPI document by every built-in role: allowed exactly when the
role holds the permission the operation declares (x-required-permission)."""

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.access.support import (
    MISSING_ID,
    Operation,
    Principal,
    bearer,
    new_person,
    new_service_user,
    openapi_document,
    operations,
)
from tests.conftest import WorkspaceFixture
from timeledger.access.permissions import BUILTIN_ROLES, CATALOG
from timeledger.kit.db import Database

ROLES = ("owner", "admin", "manager", "employee", "developer")
SCOPE_RANK = {"own": 1, "team": 2, "*": 3}
PUBLIC_OPERATIONS = {
    "POST /api/auth/login",
    "POST /api/auth/password-reset",
    # Authenticated by the Standard Webhooks signature of the endpoint's secret instead.
    "POST /api/webhooks/inbound/{endpoint_id}",
}
# Authenticated by a kiosk's device token, which opens nothing else (tests/kiosks).
KIOSK_DEVICE_OPERATIONS = {
    "GET /api/kiosk",
    "POST /api/kiosk/identify",
    "POST /api/kiosk/punch",
}


def holds(held: tuple[str, ...], required: str) -> bool:
    """Written apart from identity.permissions: scopes nest, * ⊇ team ⊇ own."""
    area, action, scope = required.split(":")
    return any(
        permission.split(":")[:2] == [area, action]
        and SCOPE_RANK[permission.split(":")[2]] >= SCOPE_RANK[scope]
        for permission in held
    )


def _call_as(client: TestClient, operation: Operation, caller: Principal) -> tuple[int, Any]:
    """The status and the JSON body (any JSON on success; a problem object on refusal)."""
    # Reads get the caller's own id (an object that exists); writes get an id that does
    # not, so an allowed write cannot disable the caller for the operations after it.
    values = {"user_id": caller.user_id} if operation.method == "get" else {}
    response = operation.call(client, bearer(caller.key), values, MISSING_ID)
    is_json = response.headers.get("content-type", "").endswith("json")
    return response.status_code, response.json() if is_json and response.content else {}


def test_the_role_table_is_what_the_test_expects() -> None:
    assert set(BUILTIN_ROLES) == set(ROLES)
    for role, permissions in BUILTIN_ROLES.items():
        assert set(permissions) <= set(CATALOG), role


@pytest.mark.parametrize("role", ROLES)
def test_each_operation_allows_exactly_the_roles_holding_its_permission(
    client: TestClient, db: Database, workspace: WorkspaceFixture, role: str
) -> None:
    held = BUILTIN_ROLES[role]
    person = new_person(db, workspace.id, role)
    service_user = new_service_user(db, workspace.id, role)
    mismatches: list[str] = []
    checked = 0
    for operation in operations(openapi_document(client)):
        if operation.public or operation.kiosk_device:
            continue
        assert operation.permission is not None, operation.label
        for kind, caller in (("person", person), ("service user", service_user)):
            allowed = holds(held, operation.permission) and (
                kind == "person" or not operation.people_only
            )
            status, body = _call_as(client, operation, caller)
            checked += 1
            where = f"{role} {kind}: {operation.label} [{operation.permission}] -> {status}"
            if allowed:
                if status in (401, 403):
                    mismatches.append(f"{where}, expected allowed: {body.get('detail')}")
                continue
            if status != 403 or not body.get("type", "").endswith(":forbidden"):
                mismatches.append(f"{where}, expected 403 problem")
            elif not holds(held, operation.permission):
                if body.get("required_permission") != operation.permission:
                    mismatches.append(f"{where}, problem names {body.get('required_permission')}")
            elif "signed-in person" not in body["detail"]:
                mismatches.append(f"{where}, people-only problem does not say so")
    assert checked >= 2 * 30
    assert mismatches == [], "\n".join(mismatches)


def test_every_operation_declares_a_permission_except_the_public_ones(client: TestClient) -> None:
    document = openapi_document(client)
    public = set()
    kiosk_device = set()
    for operation in operations(document):
        if operation.public:
            public.add(operation.label)
            assert "x-required-permission" not in operation.spec, operation.label
            continue
        if operation.kiosk_device:
            kiosk_device.add(operation.label)
            assert "x-required-permission" not in operation.spec, operation.label
            assert operation.spec.get("security") == [{"bearer": []}], operation.label
            continue
        permission = operation.permission
        assert permission, f"{operation.label} declares no x-required-permission"
        assert permission in CATALOG, f"{operation.label}: {permission} is not in the catalog"
        assert operation.spec.get("security") == [{"bearer": []}], operation.label
    assert public == PUBLIC_OPERATIONS
    assert kiosk_device == KIOSK_DEVICE_OPERATIONS
    assert "/api/" not in document["paths"]
    assert not any(path.startswith("/api/openapi") for path in document["paths"])


def test_without_a_credential_every_protected_operation_answers_401(
    client: TestClient,
) -> None:
    for operation in operations(openapi_document(client)):
        if operation.public:
            continue
        response = operation.call(client, {})
        assert response.status_code == 401, operation.label
        assert response.headers["www-authenticate"] == "Bearer"
        response = operation.call(client, {"Authorization": "Bearer tl_ak_not-a-real-key-at-all"})
        assert response.status_code == 401, operation.label


def test_public_operations_need_no_credential(client: TestClient) -> None:
    for operation in operations(openapi_document(client)):
        if operation.public:
            assert operation.call(client, {}).status_code == 422, operation.label

"""The administrator's pages for people: employees and their effective-dated edits, org
units, service users and API keys, each checked through the API afterwards."""

import re

from fastapi.testclient import TestClient
from httpx import Response

from tests.access.support import MISSING_ID, bearer, new_person
from tests.conftest import WorkspaceFixture
from tests.organization.support import create_employee, create_unit
from tests.web.support import (
    PASSWORD,
    assert_deleted_through_form,
    owner_signed_in,
    post_form,
    sign_in,
)
from timeledger.access.credentials import PasswordHashing
from timeledger.kit.db import Database

NEXT_PAGE = re.compile(r'href="(/admin/employees\?cursor=[^"]+)"')
EMPLOYEE_LINK = re.compile(r'href="/admin/employees/(\d+)"')
SECRET = re.compile(r'id="f-secret"[^>]* value="(tl_ak_[^"]+)"')
WEEK_OF_7_30 = {f"pattern_{day}": "7:30" for day in range(1, 6)} | {
    "pattern_6": "0",
    "pattern_7": "",
}


def _employee_form(**fields: str) -> dict[str, str]:
    return {
        "effective_from": "2024-01-01",
        "employee_number": "E-100",
        "first_name": "Grace",
        "last_name": "Hopper",
        "email": "grace@example.com",
        "org_unit_id": "",
        "employment_terms_id": "",
        "user_id": "",
        **WEEK_OF_7_30,
        **fields,
    }


def _secret_of(answer: Response) -> str:
    found = SECRET.search(answer.text)
    assert found is not None, answer.text
    return found.group(1)


def test_an_employee_is_created_listed_edited_from_a_date_and_deleted(
    client: TestClient, workspace: WorkspaceFixture
) -> None:
    support = create_unit(client, workspace.headers, "Support")
    owner_signed_in(client, workspace)
    assert client.get("/admin", follow_redirects=False).headers["location"] == "/admin/employees"
    assert 'name="employee_number"' in client.get("/admin/employees/new").text

    refused = post_form(
        client,
        "/admin/employees",
        _employee_form(first_name="", org_unit_id=str(support["id"])),
        from_page="/admin/employees/new",
    )
    created = post_form(
        client,
        "/admin/employees",
        _employee_form(org_unit_id=str(support["id"])),
        from_page="/admin/employees/new",
    )

    assert refused.status_code == 422
    assert 'id="f-first_name-problem"' in refused.text
    assert 'value="grace@example.com"' in refused.text
    assert f'<option value="{support["id"]}" selected>' in refused.text
    employee_id = int(created.headers["location"].rsplit("/", 1)[1])
    read = client.get(f"/api/employees/{employee_id}", headers=workspace.headers).json()
    assert (read["employee_number"], read["first_name"], read["last_name"]) == (
        "E-100",
        "Grace",
        "Hopper",
    )
    assert read["org_unit_id"] == support["id"]
    assert read["weekly_pattern_minutes"] == [450, 450, 450, 450, 450, 0, 0]
    listed = client.get("/admin/employees", params={"q": "hopper"})
    assert f'href="/admin/employees/{employee_id}"' in listed.text
    assert "Support" in listed.text
    assert (
        f'href="/admin/employees/{employee_id}"'
        not in client.get("/admin/employees", params={"q": "nobody-by-that-name"}).text
    )

    edited = post_form(
        client,
        f"/admin/employees/{employee_id}",
        _employee_form(effective_from="2025-03-01", last_name="Hopper-Murray", org_unit_id=""),
        from_page=f"/admin/employees/{employee_id}",
    )

    assert edited.headers["location"] == f"/admin/employees/{employee_id}"
    versions = client.get(
        f"/api/employees/{employee_id}/versions", headers=workspace.headers
    ).json()
    assert [(v["effective_from"], v["last_name"], v["org_unit_id"]) for v in versions] == [
        ("2024-01-01", "Hopper", support["id"]),
        ("2025-03-01", "Hopper-Murray", None),
    ]
    before = client.get(
        f"/api/employees/{employee_id}", params={"as_of": "2025-02-28"}, headers=workspace.headers
    ).json()
    assert before["last_name"] == "Hopper"
    page = client.get(f"/admin/employees/{employee_id}").text
    assert 'value="Hopper-Murray"' in page
    assert "Friday, February 28, 2025" in page  # the first version's last day

    assert_deleted_through_form(
        client,
        f"/admin/employees/{employee_id}",
        f"/api/employees/{employee_id}",
        workspace.headers,
    )


def test_an_unreadable_week_and_a_taken_number_are_shown_with_what_was_typed(
    client: TestClient, workspace: WorkspaceFixture
) -> None:
    owner_signed_in(client, workspace)
    post_form(client, "/admin/employees", _employee_form(), from_page="/admin/employees/new")

    unreadable = post_form(
        client,
        "/admin/employees",
        _employee_form(employee_number="E-200", pattern_3="lots"),
        from_page="/admin/employees/new",
    )
    taken = post_form(
        client,
        "/admin/employees",
        _employee_form(first_name="Ada"),
        from_page="/admin/employees/new",
    )

    assert unreadable.status_code == 422
    assert 'id="f-weekly_pattern-problem"' in unreadable.text
    assert 'value="lots"' in unreadable.text
    assert taken.status_code == 409
    assert "E-100" in taken.text
    assert 'value="Ada"' in taken.text
    numbers = [
        item["employee_number"]
        for item in client.get("/api/employees", headers=workspace.headers).json()["items"]
    ]
    assert numbers.count("E-100") == 1
    assert "E-200" not in numbers


def test_the_employee_list_goes_on_with_the_services_cursor(
    client: TestClient, workspace: WorkspaceFixture
) -> None:
    for number in range(1, 51):
        create_employee(client, workspace.headers, f"N{number:03d}")
    owner_signed_in(client, workspace)

    first = client.get("/admin/employees")
    next_link = NEXT_PAGE.search(first.text)
    assert next_link is not None
    second = client.get(next_link.group(1).replace("&amp;", "&"))

    assert len(EMPLOYEE_LINK.findall(first.text)) == 50
    assert EMPLOYEE_LINK.findall(second.text) != []
    assert set(EMPLOYEE_LINK.findall(first.text)).isdisjoint(EMPLOYEE_LINK.findall(second.text))
    assert NEXT_PAGE.search(second.text) is None
    assert '<a href="/admin/employees">First page</a>' in second.text
    assert "First page" not in first.text


def test_org_units_are_created_moved_from_a_date_and_deleted(
    client: TestClient, workspace: WorkspaceFixture
) -> None:
    owner_signed_in(client, workspace)
    company = {"name": "Company", "type": "subsidiary", "effective_from": "2024-01-01"}
    post_form(client, "/admin/org-units", company, from_page="/admin/org-units")
    units = client.get("/api/org-units", headers=workspace.headers).json()["items"]
    company_id = next(unit["id"] for unit in units if unit["name"] == "Company")

    refused = post_form(
        client,
        "/admin/org-units",
        {"name": "", "type": "team", "parent_id": str(company_id), "effective_from": "2024-01-01"},
        from_page="/admin/org-units",
    )
    created = post_form(
        client,
        "/admin/org-units",
        {
            "name": "Sales",
            "type": "team",
            "parent_id": str(company_id),
            "effective_from": "2024-02-01",
        },
        from_page="/admin/org-units",
    )

    assert refused.status_code == 422
    assert 'id="f-name-problem"' in refused.text
    assert f'<option value="{company_id}" selected>' in refused.text
    assert created.headers["location"] == "/admin/org-units"
    units = client.get("/api/org-units", headers=workspace.headers).json()["items"]
    sales = next(unit for unit in units if unit["name"] == "Sales")
    assert (sales["type"], sales["parent_id"]) == ("team", company_id)
    tree = client.get("/admin/org-units").text
    assert tree.index("Company") < tree.index("Sales")

    still_below = post_form(
        client, f"/admin/org-units/{company_id}/delete", {}, from_page="/admin/org-units"
    )
    assert still_below.status_code == 409
    assert "still referenced" in still_below.text

    move_day = "2025-06-01"
    unnamed = post_form(
        client,
        f"/admin/org-units/{sales['id']}",
        {"name": "", "type": "team", "parent_id": str(company_id), "effective_from": move_day},
        from_page="/admin/org-units",
    )
    assert unnamed.status_code == 422
    assert 'id="f-name-problem"' in unnamed.text
    assert f'value="{move_day}"' in unnamed.text
    moved = post_form(
        client,
        f"/admin/org-units/{sales['id']}",
        {"name": "Sales and Marketing", "type": "department", "parent_id": "",
         "valid_to": "", "effective_from": move_day},
        from_page="/admin/org-units",
    )  # fmt: skip
    assert moved.headers["location"] == f"/admin/org-units/{sales['id']}"
    versions = client.get(
        f"/api/org-units/{sales['id']}/versions", headers=workspace.headers
    ).json()
    assert [(v["name"], v["parent_id"]) for v in versions] == [
        ("Sales", company_id),
        ("Sales and Marketing", None),
    ]
    assert versions[1]["effective_from"] == move_day
    assert "Sales and Marketing" in client.get(f"/admin/org-units/{sales['id']}").text


def test_an_api_key_is_shown_once_works_and_stops_working_when_revoked(
    client: TestClient, workspace: WorkspaceFixture
) -> None:
    owner_signed_in(client, workspace)
    made = post_form(
        client,
        "/admin/api-keys/service-users",
        {"name": "Payroll export", "role": "developer"},
        from_page="/admin/api-keys",
    )
    twice = post_form(
        client,
        "/admin/api-keys/service-users",
        {"name": "Payroll export", "role": "developer"},
        from_page="/admin/api-keys",
    )
    assert made.headers["location"] == "/admin/api-keys"
    assert twice.status_code == 409
    assert 'value="Payroll export"' in twice.text
    service_users = client.get("/api/service-users", headers=workspace.headers).json()["items"]
    exporter = next(user for user in service_users if user["name"] == "Payroll export")
    keys_path = f"/admin/api-keys/service-users/{exporter['id']}/keys"

    expired = post_form(
        client,
        keys_path,
        {"name": "old key", "expires": "2020-01-01"},
        from_page="/admin/api-keys",
    )
    issued = post_form(client, keys_path, {"name": "nightly", "expires": ""}, from_page="/")

    assert expired.status_code == 422
    assert f'id="f-key-{exporter["id"]}-expires-problem"' in expired.text
    assert 'value="old key"' in expired.text
    assert issued.status_code == 201
    secret = _secret_of(issued)
    assert client.get("/api/employees", headers=bearer(secret)).status_code == 200
    listed = client.get("/admin/api-keys").text
    assert secret not in listed
    assert secret[:14] in listed  # the prefix
    keys = client.get(
        f"/api/service-users/{exporter['id']}/api-keys", headers=workspace.headers
    ).json()["items"]
    assert [key["name"] for key in keys] == ["nightly"]

    revoked = post_form(
        client, f"{keys_path}/{keys[0]['id']}/revoke", {}, from_page="/admin/api-keys"
    )
    assert revoked.headers["location"] == "/admin/api-keys"
    assert client.get("/api/employees", headers=bearer(secret)).status_code == 401


def test_the_administrators_own_key_is_issued_and_revoked(
    client: TestClient, workspace: WorkspaceFixture
) -> None:
    owner_signed_in(client, workspace)
    issued = post_form(
        client, "/admin/api-keys/mine", {"name": "my laptop", "expires": ""}, from_page="/"
    )
    secret = _secret_of(issued)
    me = client.get("/api/me", headers=bearer(secret))
    assert me.json()["email"] == workspace.owner_email
    key_id = next(
        key["id"]
        for key in client.get("/api/me/api-keys", headers=bearer(secret)).json()["items"]
        if key["name"] == "my laptop"
    )
    post_form(client, f"/admin/api-keys/mine/{key_id}/revoke", {}, from_page="/")
    assert client.get("/api/me", headers=bearer(secret)).status_code == 401


def test_a_manager_is_refused_and_an_unknown_record_is_not_found(
    client: TestClient, db: Database, hashing: PasswordHashing, workspace: WorkspaceFixture
) -> None:
    manager = new_person(db, workspace.id, "manager", password=PASSWORD, hashing=hashing)
    assert manager.email is not None
    employees = client.get("/api/employees", headers=workspace.headers).json()["items"]
    unit = create_unit(client, workspace.headers, "Ops")
    sign_in(client, manager.email)

    for path in (
        "/admin",
        "/admin/employees",
        "/admin/employees/new",
        f"/admin/employees/{employees[0]['id']}",
        "/admin/org-units",
        f"/admin/org-units/{unit['id']}",
        "/admin/api-keys",
    ):
        assert client.get(path, follow_redirects=False).status_code == 403, path
    refused = post_form(client, "/admin/org-units", {"name": "Mine"}, from_page="/")
    assert refused.status_code == 403
    assert "Administration" not in client.get("/").text

    client.cookies.clear()
    owner_signed_in(client, workspace)
    assert client.get(f"/admin/employees/{MISSING_ID}").status_code == 404
    assert client.get(f"/admin/org-units/{MISSING_ID}").status_code == 404
    missing_key = f"/admin/api-keys/service-users/{MISSING_ID}/keys"
    assert post_form(client, missing_key, {"name": "x"}, from_page="/").status_code == 404


def test_a_form_without_the_browsers_token_is_refused(
    client: TestClient, workspace: WorkspaceFixture
) -> None:
    owner_signed_in(client, workspace)
    forged = client.post(
        "/admin/org-units",
        data={"name": "Forged", "type": "team"},
        follow_redirects=False,
    )
    assert forged.status_code == 403
    names = [
        unit["name"]
        for unit in client.get("/api/org-units", headers=workspace.headers).json()["items"]
    ]
    assert "Forged" not in names

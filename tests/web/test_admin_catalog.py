"""The administrator's activity, customer and project pages: lists, creating, changing
from a date (a new version), deleting; each result read back through the API."""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from fastapi.testclient import TestClient

from tests.conftest import WorkspaceFixture
from tests.web.support import (
    assert_deleted_through_form,
    employee_in,
    owner_signed_in,
    post_form,
    sign_in,
)
from timeledger.access.credentials import PasswordHashing
from timeledger.kit.clock import utcnow
from timeledger.kit.db import Database
from timeledger.web.admin import periods_of, spans_of

ACTIVITIES_API = "/api/settings/activities"


def _days_ago(days: int) -> str:
    return (utcnow().date() - timedelta(days=days)).isoformat()


def _activity_fields(**changed: str) -> dict[str, str]:
    return {
        "name": "Consulting",
        "key": "consulting",
        "type": "work",
        "parent_id": "",
        "hourly_rate": "85.50",
        "color": "",
        "billable": "on",
        "effective_from": _days_ago(60),
    } | changed


def _before_and_now(
    client: TestClient, api_path: str, before: str, headers: dict[str, str]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The API's record as of the day `before` and as of today."""
    then = client.get(api_path, params={"as_of": before}, headers=headers).json()
    return then, client.get(api_path, headers=headers).json()


def _created_id(answer: Any, listing_path: str) -> int:
    assert answer.status_code == 303, answer.text
    location: str = answer.headers["location"]
    assert location.startswith(listing_path + "/")
    return int(location.rsplit("/", 1)[1])


def test_an_activity_is_created_and_changed_from_a_date_keeping_the_old_version(
    client: TestClient, workspace: WorkspaceFixture
) -> None:
    owner_signed_in(client, workspace)
    listing = client.get("/admin/activities")
    assert listing.status_code == 200
    assert 'aria-current="page">' in listing.text

    created = post_form(
        client, "/admin/activities", _activity_fields(), from_page="/admin/activities"
    )
    activity_id = _created_id(created, "/admin/activities")
    read = client.get(f"{ACTIVITIES_API}/{activity_id}", headers=workspace.headers).json()
    assert (read["name"], read["key"], read["type"]) == ("Consulting", "consulting", "work")
    assert (read["billable"], read["requires_project"], read["hourly_rate_minor"]) == (
        True,
        False,
        8550,
    )
    assert read["effective_from"] == _days_ago(60)

    edit_page = client.get(f"/admin/activities/{activity_id}")
    assert edit_page.status_code == 200
    assert 'value="85.50"' in edit_page.text
    changed = post_form(
        client,
        f"/admin/activities/{activity_id}",
        _activity_fields(name="Advisory", hourly_rate="", effective_from=_days_ago(30)),
        from_page=f"/admin/activities/{activity_id}",
    )
    assert changed.status_code == 303, changed.text

    before, after = _before_and_now(
        client, f"{ACTIVITIES_API}/{activity_id}", _days_ago(45), workspace.headers
    )
    assert (before["name"], before["hourly_rate_minor"]) == ("Consulting", 8550)
    assert (after["name"], after["hourly_rate_minor"], after["effective_from"]) == (
        "Advisory",
        None,
        _days_ago(30),
    )
    versions = client.get(
        f"{ACTIVITIES_API}/{activity_id}/versions", headers=workspace.headers
    ).json()["items"]
    assert [version["name"] for version in versions] == ["Consulting", "Advisory"]
    history = client.get(f"/admin/activities/{activity_id}").text
    assert "Consulting" in history and "Advisory" in history
    in_the_past = client.get(f"/admin/activities?as_of={_days_ago(45)}&archived=all").text
    assert ">Consulting</a>" in in_the_past
    assert ">Advisory</a>" not in in_the_past


def test_an_activity_is_archived_and_listed_by_the_archived_filter(
    client: TestClient, workspace: WorkspaceFixture
) -> None:
    owner_signed_in(client, workspace)
    activity_id = _created_id(
        post_form(client, "/admin/activities", _activity_fields(), from_page="/"),
        "/admin/activities",
    )
    post_form(
        client,
        f"/admin/activities/{activity_id}",
        _activity_fields(archived="on", effective_from=_days_ago(0)),
        from_page="/",
    )

    read = client.get(f"{ACTIVITIES_API}/{activity_id}", headers=workspace.headers).json()
    assert read["archived"] is True
    assert ">Consulting</a>" in client.get("/admin/activities?archived=archived").text
    assert ">Consulting</a>" not in client.get("/admin/activities?archived=live").text


def test_a_refused_activity_shows_the_problem_beside_its_field_with_what_was_typed(
    client: TestClient, workspace: WorkspaceFixture
) -> None:
    owner_signed_in(client, workspace)
    bad_colour = post_form(
        client,
        "/admin/activities",
        _activity_fields(name="Night shift", color="red"),
        from_page="/admin/activities",
    )
    assert bad_colour.status_code == 422
    assert 'id="f-color-problem"' in bad_colour.text
    assert 'value="Night shift"' in bad_colour.text
    assert 'value="red"' in bad_colour.text
    unreadable_rate = post_form(
        client, "/admin/activities", _activity_fields(hourly_rate="lots"), from_page="/"
    )
    assert unreadable_rate.status_code == 422
    assert 'id="f-hourly_rate-problem"' in unreadable_rate.text
    assert 'value="lots"' in unreadable_rate.text

    activity_id = _created_id(
        post_form(client, "/admin/activities", _activity_fields(), from_page="/"),
        "/admin/activities",
    )
    key_taken = post_form(
        client, "/admin/activities", _activity_fields(name="Again"), from_page="/"
    )
    assert key_taken.status_code == 409
    assert 'id="f-key-problem"' in key_taken.text
    too_early = post_form(
        client,
        f"/admin/activities/{activity_id}",
        _activity_fields(name="Renamed", effective_from=_days_ago(90)),
        from_page="/",
    )
    assert too_early.status_code == 422
    assert 'id="f-effective_from-problem"' in too_early.text
    assert 'value="Renamed"' in too_early.text
    names = client.get(ACTIVITIES_API, headers=workspace.headers, params={"q": "Again"})
    assert names.json()["items"] == []
    read = client.get(f"{ACTIVITIES_API}/{activity_id}", headers=workspace.headers).json()
    assert read["name"] == "Consulting"


def _project_fields(customer_id: int | str, **changed: str) -> dict[str, str]:
    return {
        "name": "Harbour bridge",
        "key": "bridge",
        "customer_id": str(customer_id),
        "note": "Phase one",
        "hourly_rate": "100",
        "budget_kind": "hours",
        "budget": "120:30",
        "billable": "on",
        "effective_from": _days_ago(60),
    } | changed


def test_a_project_of_a_new_customer_is_created_changed_from_a_date_and_deleted(
    client: TestClient, workspace: WorkspaceFixture
) -> None:
    owner_signed_in(client, workspace)
    customer = post_form(
        client,
        "/admin/projects/customers",
        {
            "name": "City of Aarhus",
            "key": "aarhus",
            "note": "",
            "hourly_rate": "90",
            "effective_from": _days_ago(90),
        },
        from_page="/admin/projects/customers",
    )
    assert customer.headers["location"] == "/admin/projects/customers"
    customers = client.get("/api/customers", headers=workspace.headers).json()["items"]
    assert [(item["name"], item["hourly_rate_minor"]) for item in customers] == [
        ("City of Aarhus", 9000)
    ]
    customer_id = customers[0]["id"]
    assert "City of Aarhus" in client.get("/admin/projects/customers").text

    project_id = _created_id(
        post_form(
            client, "/admin/projects", _project_fields(customer_id), from_page="/admin/projects"
        ),
        "/admin/projects",
    )
    read = client.get(f"/api/projects/{project_id}", headers=workspace.headers).json()
    assert (read["name"], read["customer_id"], read["hourly_rate_minor"]) == (
        "Harbour bridge",
        customer_id,
        10000,
    )
    assert (read["budget_kind"], read["budget_amount"], read["billable"]) == ("hours", 7230, True)
    listing = client.get("/admin/projects").text
    assert "Harbour bridge" in listing and "City of Aarhus" in listing

    changed = post_form(
        client,
        f"/admin/projects/{project_id}",
        _project_fields(
            customer_id,
            budget_kind="money",
            budget="25000.00",
            effective_from=_days_ago(20),
        ),
        from_page="/",
    )
    assert changed.status_code == 303, changed.text
    before, after = _before_and_now(
        client, f"/api/projects/{project_id}", _days_ago(30), workspace.headers
    )
    assert (before["budget_kind"], before["budget_amount"]) == ("hours", 7230)
    assert (after["budget_kind"], after["budget_amount"]) == ("money", 2500000)
    assert "25000.00" in client.get(f"/admin/projects/{project_id}").text

    assert_deleted_through_form(
        client, f"/admin/projects/{project_id}", f"/api/projects/{project_id}", workspace.headers
    )


def test_a_refused_project_shows_the_problem_beside_its_field_with_what_was_typed(
    client: TestClient, workspace: WorkspaceFixture
) -> None:
    owner_signed_in(client, workspace)
    no_budget = post_form(
        client,
        "/admin/projects",
        _project_fields("", name="Tunnel", budget_kind="none", budget="40"),
        from_page="/",
    )
    assert no_budget.status_code == 422
    assert 'id="f-budget-problem"' in no_budget.text
    assert 'value="Tunnel"' in no_budget.text
    unreadable = post_form(
        client, "/admin/projects", _project_fields("", budget="a lot"), from_page="/"
    )
    assert unreadable.status_code == 422
    assert 'id="f-budget-problem"' in unreadable.text
    unknown_customer = post_form(
        client, "/admin/projects", _project_fields("999999"), from_page="/"
    )
    assert unknown_customer.status_code == 422
    assert 'id="f-customer_id-problem"' in unknown_customer.text
    assert client.get("/api/projects", headers=workspace.headers).json()["items"] == []


def test_a_manager_is_refused_the_administration_pages(
    client: TestClient, db: Database, hashing: PasswordHashing, workspace: WorkspaceFixture
) -> None:
    created = client.post(
        ACTIVITIES_API,
        json={"name": "Consulting", "type": "work"},
        headers=workspace.headers,
    )
    activity_id = created.json()["id"]
    manager = employee_in(client, db, hashing, workspace, role="manager")
    sign_in(client, manager.email)

    for path in (
        "/admin/activities",
        f"/admin/activities/{activity_id}",
        "/admin/projects",
        "/admin/projects/customers",
    ):
        assert client.get(path).status_code == 403, path
    refused = post_form(
        client, f"/admin/activities/{activity_id}", _activity_fields(name="Mine"), from_page="/"
    )
    assert refused.status_code == 403
    assert (
        post_form(client, "/admin/projects", _project_fields(""), from_page="/").status_code == 403
    )
    read = client.get(f"{ACTIVITIES_API}/{activity_id}", headers=workspace.headers).json()
    assert read["name"] == "Consulting"


def test_an_unknown_activity_or_project_is_not_found(
    client: TestClient, workspace: WorkspaceFixture
) -> None:
    owner_signed_in(client, workspace)

    assert client.get("/admin/activities/999999").status_code == 404
    assert client.get("/admin/projects/999999").status_code == 404
    changed = post_form(
        client, "/admin/activities/999999", _activity_fields(), from_page="/admin/activities"
    )
    assert changed.status_code == 404


def test_a_forged_form_is_refused_and_changes_nothing(
    client: TestClient, workspace: WorkspaceFixture
) -> None:
    owner_signed_in(client, workspace)
    client.get("/admin/activities")

    forged = client.post(
        "/admin/activities",
        data={"csrf_token": "0" * 64, **_activity_fields(name="Forged")},
        follow_redirects=False,
    )

    assert forged.status_code == 403
    found = client.get(ACTIVITIES_API, headers=workspace.headers, params={"q": "Forged"})
    assert found.json()["items"] == []


def test_a_day_as_of_which_nothing_is_listed_says_so_and_a_blank_one_is_today(
    client: TestClient, workspace: WorkspaceFixture
) -> None:
    owner_signed_in(client, workspace)

    page = client.get(f"/admin/projects?as_of={date(1901, 1, 1).isoformat()}")

    assert page.status_code == 200
    assert "Nothing to show." in page.text
    assert client.get("/admin/projects?as_of=&archived=live").status_code == 200


def test_an_activity_still_referred_to_is_not_deleted_and_a_free_one_is(
    client: TestClient, workspace: WorkspaceFixture
) -> None:
    parent = client.post(
        ACTIVITIES_API, json={"name": "Field work", "type": "work"}, headers=workspace.headers
    ).json()
    child = client.post(
        ACTIVITIES_API,
        json={"name": "Surveying", "type": "work", "parent_id": parent["id"]},
        headers=workspace.headers,
    ).json()
    owner_signed_in(client, workspace)

    refused = post_form(client, f"/admin/activities/{parent['id']}/delete", {}, from_page="/")
    deleted = post_form(client, f"/admin/activities/{child['id']}/delete", {}, from_page="/")

    assert refused.status_code == 409
    assert "still referred to by activity" in refused.text
    assert deleted.headers["location"] == "/admin/activities"
    assert (
        client.get(f"{ACTIVITIES_API}/{child['id']}", headers=workspace.headers).status_code == 404
    )
    assert (
        client.get(f"{ACTIVITIES_API}/{parent['id']}", headers=workspace.headers).status_code == 200
    )


@dataclass(frozen=True)
class _Version:
    effective_from: date


FIRST, REPLACED, SECOND, LAST = (
    _Version(date(2026, 1, 1)),
    _Version(date(2026, 3, 1)),
    _Version(date(2026, 3, 1)),
    _Version(date(2026, 6, 1)),
)


def test_the_history_ends_each_version_the_day_before_the_next_date() -> None:
    spans = spans_of([FIRST, REPLACED, SECOND, LAST])

    assert [(span.until, span.superseded) for span in spans] == [
        (date(2026, 2, 28), False),
        (date(2026, 5, 31), True),
        (date(2026, 5, 31), False),
        (None, False),
    ]


def test_the_periods_are_the_versions_in_force_newest_first() -> None:
    periods = periods_of([FIRST, REPLACED, SECOND, LAST])

    assert [(period.version, period.until) for period in periods] == [
        (LAST, None),
        (SECOND, date(2026, 5, 31)),
        (FIRST, date(2026, 2, 28)),
    ]

"""Reasons, dimensions, timebank accounts, holiday calendars and employment terms."""

from datetime import date
from typing import Any

from fastapi.testclient import TestClient

from tests.access.support import assert_problem
from tests.conftest import WorkspaceFixture
from timeledger.kit.db import Database
from timeledger.settings import service

SETTINGS = "/api/settings"
NORM = [480, 480, 480, 480, 480, 0, 0]


def _post(
    client: TestClient, workspace: WorkspaceFixture, path: str, status: int = 201, **body: Any
) -> dict[str, Any]:
    response = client.post(f"{SETTINGS}/{path}", json=body, headers=workspace.headers)
    assert response.status_code == status, response.text
    result: dict[str, Any] = response.json()
    return result


def test_reason_lifecycle(client: TestClient, workspace: WorkspaceFixture) -> None:
    reason = _post(client, workspace, "reasons", name="Doctor", key="doctor")
    url = f"{SETTINGS}/reasons/{reason['id']}"
    archived = client.patch(url, json={"archived": True}, headers=workspace.headers)
    assert archived.json()["archived"] is True
    listed = client.get(f"{SETTINGS}/reasons?archived=false", headers=workspace.headers).json()
    assert reason["id"] not in [item["id"] for item in listed["items"]]
    assert client.delete(url, headers=workspace.headers).status_code == 204
    assert_problem(client.get(url, headers=workspace.headers), 404)


def test_dimension_allowed_values(client: TestClient, workspace: WorkspaceFixture) -> None:
    for values in ([], ["A", "A"], ["A", ""], ["A", "  "]):
        response = client.post(
            f"{SETTINGS}/dimensions",
            json={"name": "Region", "allowed_values": values},
            headers=workspace.headers,
        )
        assert_problem(response, 422)
    dimension = _post(client, workspace, "dimensions", name="Region", allowed_values=["N", "S"])
    changed = client.patch(
        f"{SETTINGS}/dimensions/{dimension['id']}",
        json={"allowed_values": ["N", "S", "E"]},
        headers=workspace.headers,
    )
    assert changed.json()["allowed_values"] == ["N", "S", "E"]


def test_timebank_account_unit(client: TestClient, workspace: WorkspaceFixture) -> None:
    assert_problem(
        client.post(
            f"{SETTINGS}/timebank-accounts",
            json={"name": "Flex", "unit": "weeks"},
            headers=workspace.headers,
        ),
        422,
    )
    account = _post(client, workspace, "timebank-accounts", name="Flex", unit="hours")
    assert account["unit"] == "hours"


def test_holiday_calendar_country_and_subdivision(
    client: TestClient, workspace: WorkspaceFixture
) -> None:
    for body, location in (
        ({"name": "X", "country": "XX"}, "body.country"),
        ({"name": "X", "country": "DE", "subdivision": "ZZ"}, "body.subdivision"),
        ({"name": "X", "subdivision": "BY"}, "body.subdivision"),
    ):
        response = client.post(
            f"{SETTINGS}/holiday-calendars", json=body, headers=workspace.headers
        )
        assert assert_problem(response, 422)["errors"][0]["location"] == location
    assert_problem(
        client.post(
            f"{SETTINGS}/holiday-calendars",
            json={"name": "X", "country": "de"},
            headers=workspace.headers,
        ),
        422,
    )
    calendar = _post(
        client, workspace, "holiday-calendars", name="Bavaria", country="DE", subdivision="BY"
    )
    assert calendar["subdivision"] == "BY"


def test_holiday_days_merge_generated_and_custom(
    client: TestClient, workspace: WorkspaceFixture
) -> None:
    calendar = _post(
        client,
        workspace,
        "holiday-calendars",
        name="Denmark",
        country="DK",
        effective_from="2025-01-01",
    )
    base = f"{SETTINGS}/holiday-calendars/{calendar['id']}"
    days = client.get(f"{base}/days?year=2026", headers=workspace.headers).json()
    by_day = {day["day"]: day for day in days}
    assert by_day["2026-12-25"]["source"] == "generated"
    assert "2026-06-05" not in by_day  # Constitution Day is not a public holiday in `holidays`
    added = client.post(
        f"{base}/custom-days",
        json={"day": "2026-06-05", "name": "Company day"},
        headers=workspace.headers,
    )
    assert added.status_code == 201, added.text
    removed = client.post(
        f"{base}/custom-days",
        json={"day": "2026-12-25", "name": "Open on Christmas", "removed": True},
        headers=workspace.headers,
    )
    assert removed.status_code == 201
    duplicate = client.post(
        f"{base}/custom-days",
        json={"day": "2026-06-05", "name": "Again"},
        headers=workspace.headers,
    )
    assert_problem(duplicate, 409)
    days = client.get(f"{base}/days?year=2026", headers=workspace.headers).json()
    by_day = {day["day"]: day for day in days}
    assert by_day["2026-06-05"] == {"day": "2026-06-05", "name": "Company day", "source": "custom"}
    assert "2026-12-25" not in by_day
    listed = client.get(f"{base}/custom-days", headers=workspace.headers).json()["items"]
    assert [item["day"] for item in listed] == ["2026-06-05", "2026-12-25"]
    assert (
        client.delete(f"{base}/custom-days/2026-12-25", headers=workspace.headers).status_code
        == 204
    )
    assert_problem(client.delete(f"{base}/custom-days/2026-12-25", headers=workspace.headers), 404)
    days = client.get(f"{base}/days?year=2026", headers=workspace.headers).json()
    assert "2026-12-25" in {day["day"] for day in days}
    assert_problem(client.get(f"{base}/days?year=1800", headers=workspace.headers), 422)


def test_holiday_days_follow_the_version_in_force(
    client: TestClient, workspace: WorkspaceFixture
) -> None:
    calendar = _post(
        client,
        workspace,
        "holiday-calendars",
        name="Move",
        country="DK",
        effective_from="2026-01-01",
    )
    base = f"{SETTINGS}/holiday-calendars/{calendar['id']}"
    client.patch(
        base,
        json={"country": "DE", "subdivision": "BY", "effective_from": "2026-07-01"},
        headers=workspace.headers,
    )
    days = {
        day["day"] for day in client.get(f"{base}/days?year=2026", headers=workspace.headers).json()
    }
    assert "2026-04-02" in days  # Maundy Thursday, Denmark, before the move
    assert "2026-11-01" in days  # All Saints' Day, Bavaria, after the move
    assert "2026-10-03" in days  # German Unity Day
    assert "2026-01-06" not in days  # Epiphany in Bavaria, but the calendar was Danish then


def _references(client: TestClient, workspace: WorkspaceFixture) -> dict[str, dict[str, Any]]:
    return {
        "calendar": _post(
            client,
            workspace,
            "holiday-calendars",
            name="DK",
            country="DK",
            effective_from="2026-01-01",
        ),
        "flex": _post(
            client,
            workspace,
            "timebank-accounts",
            name="Flex",
            unit="hours",
            effective_from="2026-01-01",
        ),
        "vacation": _post(
            client,
            workspace,
            "timebank-accounts",
            name="Vacation",
            unit="days",
            effective_from="2026-01-01",
        ),
        "reason": _post(client, workspace, "reasons", name="Work", effective_from="2026-01-01"),
    }


def test_employment_terms_references(client: TestClient, workspace: WorkspaceFixture) -> None:
    refs = _references(client, workspace)
    terms = _post(
        client,
        workspace,
        "employment-terms",
        name="Full time",
        norm_minutes=NORM,
        holiday_calendar_id=refs["calendar"]["id"],
        flex_account_id=refs["flex"]["id"],
        reason_ids=[refs["reason"]["id"]],
        timesheet_approval="manager",
        effective_from="2026-02-01",
    )
    assert terms["timesheet_approval"] == "manager"
    assert terms["timeoff_policy_ids"] == []
    for field, value, needle in (
        ("holiday_calendar_id", 99999, "holiday calendar 99999"),
        ("flex_account_id", refs["vacation"]["id"], "days"),
        ("flex_account_id", 99999, "timebank account 99999"),
        ("reason_ids", [refs["reason"]["id"], 99999], "reason 99999"),
        ("timeoff_policy_ids", [5], "policy 5"),
    ):
        response = client.post(
            f"{SETTINGS}/employment-terms",
            json={"name": "Bad", "norm_minutes": NORM, field: value},
            headers=workspace.headers,
        )
        body = assert_problem(response, 422)
        assert needle in body["detail"], body
        assert body["errors"][0]["location"] == f"body.{field}"
    # A reference must be effective on the version's effective_from.
    early = client.post(
        f"{SETTINGS}/employment-terms",
        json={
            "name": "Early",
            "norm_minutes": NORM,
            "reason_ids": [refs["reason"]["id"]],
            "effective_from": "2025-06-01",
        },
        headers=workspace.headers,
    )
    assert "not effective on 2025-06-01" in assert_problem(early, 422)["detail"]
    for bad_norm in ([480] * 6, [480] * 6 + [1441], [480] * 6 + [-1]):
        response = client.post(
            f"{SETTINGS}/employment-terms",
            json={"name": "Bad", "norm_minutes": bad_norm},
            headers=workspace.headers,
        )
        assert_problem(response, 422)
    assert_problem(
        client.post(
            f"{SETTINGS}/employment-terms",
            json={"name": "Bad", "norm_minutes": NORM, "timesheet_approval": "boss"},
            headers=workspace.headers,
        ),
        422,
    )


def test_referenced_settings_cannot_be_deleted(
    client: TestClient, workspace: WorkspaceFixture
) -> None:
    refs = _references(client, workspace)
    terms = _post(
        client,
        workspace,
        "employment-terms",
        name="Full time",
        norm_minutes=NORM,
        holiday_calendar_id=refs["calendar"]["id"],
        flex_account_id=refs["flex"]["id"],
        reason_ids=[refs["reason"]["id"]],
        effective_from="2026-02-01",
    )
    for path, ref in (
        ("holiday-calendars", refs["calendar"]),
        ("timebank-accounts", refs["flex"]),
        ("reasons", refs["reason"]),
    ):
        response = client.delete(f"{SETTINGS}/{path}/{ref['id']}", headers=workspace.headers)
        body = assert_problem(response, 409)
        assert f"employment terms {terms['id']}" in body["detail"], body
    # The flex account may not become a days account while terms use it.
    retype = client.patch(
        f"{SETTINGS}/timebank-accounts/{refs['flex']['id']}",
        json={"unit": "days"},
        headers=workspace.headers,
    )
    assert_problem(retype, 422)
    # Once the terms are gone, so may the references.
    assert (
        client.delete(
            f"{SETTINGS}/employment-terms/{terms['id']}", headers=workspace.headers
        ).status_code
        == 204
    )
    for path, ref in (("holiday-calendars", refs["calendar"]), ("reasons", refs["reason"])):
        response = client.delete(f"{SETTINGS}/{path}/{ref['id']}", headers=workspace.headers)
        assert response.status_code == 204


def test_employment_terms_versions_keep_references_per_date(
    client: TestClient, workspace: WorkspaceFixture
) -> None:
    refs = _references(client, workspace)
    terms = _post(
        client,
        workspace,
        "employment-terms",
        name="Part time",
        norm_minutes=NORM,
        effective_from="2026-01-01",
    )
    url = f"{SETTINGS}/employment-terms/{terms['id']}"
    response = client.patch(
        url,
        json={"holiday_calendar_id": refs["calendar"]["id"], "effective_from": "2026-03-01"},
        headers=workspace.headers,
    )
    assert response.status_code == 200, response.text
    assert (
        client.get(f"{url}?as_of=2026-02-01", headers=workspace.headers).json()[
            "holiday_calendar_id"
        ]
        is None
    )
    assert (
        client.get(f"{url}?as_of=2026-03-01", headers=workspace.headers).json()[
            "holiday_calendar_id"
        ]
        == refs["calendar"]["id"]
    )
    cleared = client.patch(
        url,
        json={"holiday_calendar_id": None, "effective_from": "2026-04-01"},
        headers=workspace.headers,
    )
    assert cleared.json()["holiday_calendar_id"] is None
    assert cleared.json()["norm_minutes"] == NORM


def test_employment_terms_are_never_archived(
    client: TestClient, workspace: WorkspaceFixture
) -> None:
    terms = _post(client, workspace, "employment-terms", name="Full time", norm_minutes=NORM)
    url = f"{SETTINGS}/employment-terms"
    archived = client.get(f"{url}?archived=true", headers=workspace.headers).json()["items"]
    live = client.get(f"{url}?archived=false", headers=workspace.headers).json()["items"]
    assert archived == []
    assert [item["id"] for item in live] == [terms["id"]]


def test_holiday_dates_are_the_days_of_the_calendar(
    client: TestClient, db: Database, workspace: WorkspaceFixture
) -> None:
    calendar = _post(
        client,
        workspace,
        "holiday-calendars",
        name="Denmark",
        country="DK",
        effective_from="2025-01-01",
    )
    base = f"{SETTINGS}/holiday-calendars/{calendar['id']}"
    for body in (
        {"day": "2026-06-05", "name": "Company day"},
        {"day": "2026-12-25", "name": "Open on Christmas", "removed": True},
    ):
        assert (
            client.post(f"{base}/custom-days", json=body, headers=workspace.headers).status_code
            == 201
        )
    listed = client.get(f"{base}/days?year=2026", headers=workspace.headers).json()

    with db.session(write=False, workspace_id=workspace.id) as session:
        dates = service.holiday_dates(session, workspace.id, calendar["id"], 2026)
        other_workspace = service.holiday_dates(session, workspace.id + 1, calendar["id"], 2026)

    assert dates == {date.fromisoformat(day["day"]) for day in listed}
    assert date(2026, 6, 5) in dates and date(2026, 12, 25) not in dates
    assert other_workspace == set()

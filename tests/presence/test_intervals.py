"""Presence intervals: record, read, list, change and delete."""

from fastapi.testclient import TestClient

from tests.access.support import assert_problem
from tests.conftest import WorkspaceFixture
from tests.presence.support import call, create_setting, new_employee, record, timesheet

DAY = "2026-01-05"


def _at(clock: str, day: str = DAY) -> str:
    return f"{day}T{clock}:00+01:00"


def test_record_read_change_and_delete(client: TestClient, workspace: WorkspaceFixture) -> None:
    headers = workspace.headers
    employee = new_employee(client, headers)
    made = record(
        client, headers, employee, _at("08:00"), _at("16:30"),
        breaks=[{"started_at": _at("12:00"), "ended_at": _at("12:30")}],
        note="site visit", source="import",
    )  # fmt: skip
    assert (made["source"], made["open"], made["day"]) == ("import", False, DAY)
    assert (made["minutes"], made["break_minutes"]) == (480, 30)
    assert made["started_at"] == "2026-01-05T07:00:00Z"
    url = timesheet(employee, f"presence/{made['id']}")

    read = client.get(url, headers=headers)
    assert read.status_code == 200, read.text
    assert read.json() == made
    etag = read.headers["ETag"]

    stale = client.patch(url, json={"note": "x"}, headers={**headers, "If-Match": '"nope"'})
    assert_problem(stale, 412)
    changed = client.patch(
        url,
        json={"ended_at": _at("17:00"), "breaks": [], "note": "long day"},
        headers={**headers, "If-Match": etag},
    )
    assert changed.status_code == 200, changed.text
    body = changed.json()
    assert (body["minutes"], body["break_minutes"], body["breaks"], body["note"]) == (
        540, 0, [], "long day",
    )  # fmt: skip
    assert changed.headers["ETag"] != etag

    moved = client.patch(
        url,
        json={"started_at": _at("00:30", "2026-01-06"), "ended_at": _at("02:00", "2026-01-06")},
        headers=headers,
    )
    assert moved.status_code == 200, moved.text
    assert moved.json()["day"] == "2026-01-06"

    assert client.delete(url, headers={**headers, "If-Match": '"old"'}).status_code == 412
    assert client.delete(url, headers=headers).status_code == 204
    assert_problem(client.get(url, headers=headers), 404)
    assert_problem(client.delete(url, headers=headers), 404)


def test_patch_rules(client: TestClient, workspace: WorkspaceFixture) -> None:
    headers = workspace.headers
    employee = new_employee(client, headers)
    first = record(client, headers, employee, _at("08:00"), _at("12:00"))
    second = record(client, headers, employee, _at("13:00"), _at("17:00"))
    url = timesheet(employee, f"presence/{second['id']}")
    overlap = assert_problem(
        client.patch(url, json={"started_at": _at("11:00")}, headers=headers), 409
    )
    assert overlap["interval_id"] == first["id"]
    assert_problem(client.patch(url, json={"ended_at": _at("12:59")}, headers=headers), 422)
    assert_problem(client.patch(url, json={"ended_at": None}, headers=headers), 422)
    outside = client.patch(
        url, json={"breaks": [{"started_at": _at("17:00"), "ended_at": _at("17:30")}]},
        headers=headers,
    )  # fmt: skip
    assert_problem(outside, 422)
    assert client.patch(url, json={"started_at": _at("12:00")}, headers=headers).status_code == 200

    reason = create_setting(client, headers, "reasons", name="Doctor", effective_from="2024-01-01")
    assert client.patch(url, json={"reason_id": reason}, headers=headers).json()["reason_id"] == (
        reason
    )
    unknown = assert_problem(client.patch(url, json={"reason_id": 999_999}, headers=headers), 422)
    assert unknown["errors"][0]["location"] == "body.reason_id"
    cleared = client.patch(url, json={"reason_id": None}, headers=headers)
    assert cleared.json()["reason_id"] is None


def test_an_open_interval_changes_through_clocking(
    client: TestClient, workspace: WorkspaceFixture
) -> None:
    headers = workspace.headers
    employee = new_employee(client, headers)
    earlier = record(client, headers, employee, _at("06:00"), _at("07:00"))
    opened = call(client, headers, employee, "clock-in", at=_at("08:00")).json()
    url = timesheet(employee, f"presence/{opened['id']}")
    for field, value in (("ended_at", _at("09:00")), ("breaks", [])):
        problem = assert_problem(client.patch(url, json={field: value}, headers=headers), 422)
        assert problem["errors"][0]["location"] == f"body.{field}"
    overlap = assert_problem(
        client.patch(url, json={"started_at": _at("06:30")}, headers=headers), 409
    )
    assert overlap["interval_id"] == earlier["id"]
    moved = client.patch(url, json={"started_at": _at("07:30"), "note": "x"}, headers=headers)
    assert moved.status_code == 200, moved.text
    assert moved.json()["open"] is True
    assert client.delete(url, headers=headers).status_code == 204
    assert call(client, headers, employee, "clock-in").status_code == 201


def test_intervals_of_another_employee_are_not_found(
    client: TestClient, workspace: WorkspaceFixture
) -> None:
    headers = workspace.headers
    mine = new_employee(client, headers, "E1")
    theirs = new_employee(client, headers, "E2")
    made = record(client, headers, theirs, _at("08:00"), _at("12:00"))
    url = timesheet(mine, f"presence/{made['id']}")
    assert_problem(client.get(url, headers=headers), 404)
    assert_problem(client.patch(url, json={"note": "x"}, headers=headers), 404)
    assert_problem(client.delete(url, headers=headers), 404)
    assert_problem(client.get(timesheet(999_999, "presence"), headers=headers), 404)


def test_list_newest_first_with_day_filters(
    client: TestClient, workspace: WorkspaceFixture
) -> None:
    headers = workspace.headers
    employee = new_employee(client, headers)
    ids = [
        record(client, headers, employee, _at("08:00", day), _at("12:00", day))["id"]
        for day in ("2026-01-05", "2026-01-06", "2026-01-07")
    ]
    opened = call(client, headers, employee, "clock-in").json()
    record(client, headers, new_employee(client, headers, "E2"), _at("08:00"), _at("09:00"))

    def listed(query: str = "") -> list[int]:
        response = client.get(timesheet(employee, "presence") + query, headers=headers)
        assert response.status_code == 200, response.text
        return [item["id"] for item in response.json()["items"]]

    assert listed() == [opened["id"], *reversed(ids)]
    assert listed("?from=2026-01-06&to=2026-01-07") == [ids[2], ids[1]]
    assert listed("?at=2026-01-05") == [ids[0]]
    assert listed("?at=today") == [opened["id"]]
    assert listed("?at=last_year") == []
    assert listed("?sort=started_at&direction=asc&to=2026-01-31") == ids
    page = client.get(timesheet(employee, "presence") + "?limit=2", headers=headers).json()
    assert [item["id"] for item in page["items"]] == [opened["id"], ids[2]]
    rest = client.get(
        timesheet(employee, "presence") + f"?limit=2&cursor={page['next_cursor']}", headers=headers
    ).json()
    assert [item["id"] for item in rest["items"]] == [ids[1], ids[0]]
    assert rest["next_cursor"] is None
    assert_problem(
        client.get(timesheet(employee, "presence") + "?at=today&from=2026-01-01", headers=headers),
        422,
    )
    assert_problem(
        client.get(
            timesheet(employee, "presence") + "?from=2026-01-07&to=2026-01-06", headers=headers
        ),
        422,
    )
    assert_problem(
        client.get(timesheet(employee, "presence") + "?at=someday", headers=headers), 422
    )

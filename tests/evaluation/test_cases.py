"""The issue's examples and the cases payroll depends on, through the API on both engines:
the facts the service loads (zones, holidays, reasons, patterns, breaks) give the figures
the pure core's unit tests give."""

from datetime import date, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.evaluation.support import OT_COUNTER, Oslo, evaluate, oslo_workspace
from tests.organization.support import create_employee
from tests.presence.support import create_setting, record
from tests.timesheet.support import person_in
from timeledger.access.credentials import PasswordHashing
from timeledger.kit.db import Database

BREAK_TIERS = [
    {"after_minutes": 360, "break_minutes": 30},
    {"after_minutes": 540, "break_minutes": 45},
]


def on(
    client: TestClient, oslo: Oslo, employee_id: int, first: str, last: str, **body: Any
) -> dict[str, Any]:
    response = client.post(
        f"/api/employees/{employee_id}/timesheet/evaluate",
        json={"from": first, "to": last, **body},
        headers=oslo.headers,
    )
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


def shift(
    client: TestClient,
    oslo: Oslo,
    started_at: str,
    ended_at: str,
    employee_id: int | None = None,
    **fields: Any,
) -> None:
    record(client, oslo.headers, employee_id or oslo.employee_id, started_at, ended_at, **fields)


def test_a_week_at_the_threshold(client: TestClient, oslo: Oslo) -> None:
    for day, end in (
        ("02", "17:00"),
        ("03", "16:00"),
        ("04", "15:30"),
        ("05", "14:00"),
        ("06", "15:30"),
    ):
        shift(client, oslo, f"2026-03-{day}T08:00:00+01:00", f"2026-03-{day}T{end}:00+01:00")

    totals = evaluate(client, oslo)["totals"]

    assert totals == {
        "norm_minutes": 2250,
        "worked_minutes": 2280,
        "overtime_minutes": 0,
        "flex_delta_minutes": 30,
    }


@pytest.mark.parametrize(
    ("started_at", "ended_at", "elapsed"),
    [
        ("2026-03-28T22:00:00+01:00", "2026-03-29T06:00:00+02:00", 420),
        ("2026-10-24T22:00:00+02:00", "2026-10-25T06:00:00+01:00", 540),
    ],
)
def test_a_night_across_a_clock_change_is_its_elapsed_time(
    client: TestClient, oslo: Oslo, started_at: str, ended_at: str, elapsed: int
) -> None:
    shift(client, oslo, started_at, ended_at)
    night_of = started_at[:10]

    answer = on(client, oslo, oslo.employee_id, night_of, night_of)

    assert answer["days"][0]["worked_minutes"] == elapsed
    (night,) = [line for line in answer["lines"] if line["kind"] == "allowance"]
    assert (night["policy_id"], night["minutes"]) == (oslo.night_policy_id, elapsed)


def test_holiday_work_has_no_norm_and_earns_a_holiday_rule(client: TestClient, oslo: Oslo) -> None:
    # 1 May is a public holiday in Norway (the terms' calendar).
    shift(client, oslo, "2026-05-01T10:00:00+02:00", "2026-05-01T14:00:00+02:00")
    holiday_pay = {
        "name": "Holiday",
        "target_activity_id": oslo.overtime_activity_id,
        "rules": [
            {
                "filters": [{"plugin_id": "holidays"}],
                "calculator": {"plugin_id": "rate", "config": {"percent": 125}},
            }
        ],
    }

    answer = on(
        client,
        oslo,
        oslo.employee_id,
        "2026-04-30",
        "2026-05-01",
        draft_policies={"allowance_policies": [holiday_pay]},
    )

    assert [
        (day["norm_minutes"], day["worked_minutes"], day["flex_delta_minutes"])
        for day in answer["days"]
    ] == [
        (450, 0, -450),
        (0, 240, 240),
    ]
    (line,) = [line for line in answer["lines"] if line["kind"] == "allowance"]
    assert (line["day"], line["minutes"], line["rate_percent"]) == ("2026-05-01", 240, 125)


def test_a_part_timer_has_the_norm_of_their_pattern(client: TestClient, oslo: Oslo) -> None:
    part_timer = create_employee(
        client,
        oslo.headers,
        "P1",
        employment_terms_id=oslo.terms_id,
        timezone="Europe/Oslo",
        weekly_pattern_minutes=[240, 240, 240, 0, 0, 0, 0],
    )["id"]
    for day in ("02", "03", "04", "05"):
        end = "11:00" if day == "05" else "13:00"
        shift(
            client,
            oslo,
            f"2026-03-{day}T09:00:00+01:00",
            f"2026-03-{day}T{end}:00+01:00",
            part_timer,
        )

    answer = on(client, oslo, part_timer, "2026-03-02", "2026-03-08")

    assert [day["norm_minutes"] for day in answer["days"]] == [240, 240, 240, 0, 0, 0, 0]
    assert [day["flex_delta_minutes"] for day in answer["days"]][:4] == [0, 0, 0, 120]
    assert answer["totals"]["overtime_minutes"] == 0


def test_ordered_overtime_by_reason_keeps_its_minutes(client: TestClient, oslo: Oslo) -> None:
    ordered = create_setting(
        client, oslo.headers, "reasons", name="Ordered overtime", effective_from="2024-01-01"
    )
    shift(client, oslo, "2026-03-02T08:00:00+01:00", "2026-03-02T16:00:00+01:00")
    shift(client, oslo, "2026-03-02T16:00:00+01:00", "2026-03-02T19:00:00+01:00", reason_id=ordered)
    ordered_policy = {
        "name": "Ordered",
        "target_activity_id": oslo.overtime_activity_id,
        "trigger_reason_ids": [ordered],
        "classify_as_overtime": True,
        "rules": [{"calculator": {"plugin_id": "rate", "config": {"percent": 200}}}],
    }
    ot = {
        "name": "OT",
        "target_activity_id": oslo.overtime_activity_id,
        "classify_as_overtime": True,
        "counter": OT_COUNTER,
    }

    answer = on(
        client,
        oslo,
        oslo.employee_id,
        "2026-03-02",
        "2026-03-02",
        draft_policies={"allowance_policies": [ordered_policy, ot]},
    )

    overtime = [
        (line["minutes"], line["rate_percent"])
        for line in answer["lines"]
        if line["kind"] == "overtime"
    ]
    assert overtime == [(180, 200)]
    assert answer["days"][0]["worked_minutes"] == 660


@pytest.mark.parametrize(
    ("mode", "worked", "deducted_from"), [("cap", 360, "13:00"), ("full", 350, "12:50")]
)
def test_statutory_breaks_in_both_modes(
    client: TestClient, oslo: Oslo, mode: str, worked: int, deducted_from: str
) -> None:
    shift(client, oslo, "2026-03-02T08:00:00+01:00", "2026-03-02T14:20:00+01:00")
    worktime = {
        "name": "ArbZG",
        "steps": [
            {
                "plugin_id": "statutory_breaks",
                "config": {"tiers": BREAK_TIERS, "min_segment_minutes": 15, "mode": mode},
            }
        ],
    }

    answer = on(
        client,
        oslo,
        oslo.employee_id,
        "2026-03-02",
        "2026-03-02",
        draft_policies={"worktime_policy": worktime},
    )

    assert answer["days"][0]["worked_minutes"] == worked
    (deduction,) = [line for line in answer["lines"] if line["kind"] == "break_deduction"]
    assert deduction["sources"][0]["from"] == f"2026-03-02T{deducted_from}:00Z"
    assert deduction["sources"][0]["to"] == "2026-03-02T13:20:00Z"


def test_a_range_asked_in_parts_gives_the_same_days(client: TestClient, oslo: Oslo) -> None:
    first = date(2026, 3, 2)
    for offset in range(10):
        day = first + timedelta(days=offset)
        shift(client, oslo, f"{day}T07:00:00+01:00", f"{day}T17:30:00+01:00")

    whole = on(client, oslo, oslo.employee_id, "2026-03-02", "2026-03-15")
    head = on(client, oslo, oslo.employee_id, "2026-03-02", "2026-03-05")
    tail = on(client, oslo, oslo.employee_id, "2026-03-06", "2026-03-15")

    assert head["days"] + tail["days"] == whole["days"]
    assert head["lines"] + tail["lines"] == whole["lines"]


def test_a_vacation_entry_credits_the_days_norm(client: TestClient, oslo: Oslo) -> None:
    activities = client.get("/api/settings/activities?limit=200", headers=oslo.headers).json()
    vacation = next(item["id"] for item in activities["items"] if item["key"] == "vacation")
    for day, minutes in (("2026-03-02", 450), ("2026-03-07", 450)):
        created = client.post(
            f"/api/employees/{oslo.employee_id}/timesheet/entries",
            json={"date": day, "minutes": minutes, "activity_id": vacation},
            headers=oslo.headers,
        )
        assert created.status_code == 201, created.text

    answer = on(client, oslo, oslo.employee_id, "2026-03-02", "2026-03-08")

    credited = [(day["credited_minutes"], day["flex_delta_minutes"]) for day in answer["days"]]
    # Saturday has no norm: its entry credits nothing.
    assert credited[0] == (450, 0) and credited[5] == (0, 0)


def test_a_night_into_new_year_earns_the_holiday_when_the_range_ends_on_new_years_eve(
    client: TestClient, db: Database, hashing: PasswordHashing
) -> None:
    # 2023-12-31 is a Sunday: the week, and the range, end on it; 1 January is a holiday.
    oslo = oslo_workspace(client, db, hashing, since="2023-01-01")
    shift(client, oslo, "2023-12-31T22:00:00+01:00", "2024-01-01T06:00:00+01:00")
    holiday_pay = {
        "name": "Holiday",
        "target_activity_id": oslo.overtime_activity_id,
        "rules": [
            {
                "filters": [{"plugin_id": "holidays"}],
                "calculator": {"plugin_id": "rate", "config": {"percent": 100}},
            }
        ],
    }
    drafts = {"allowance_policies": [holiday_pay]}

    week = on(client, oslo, oslo.employee_id, "2023-12-25", "2023-12-31", draft_policies=drafts)
    day = on(client, oslo, oslo.employee_id, "2023-12-31", "2024-01-01", draft_policies=drafts)

    for answer in (week, day):
        lines = [line for line in answer["lines"] if line["kind"] == "allowance"]
        assert [(line["day"], line["minutes"]) for line in lines] == [("2023-12-31", 360)]


def test_drafts_take_the_permission_to_change_settings(
    client: TestClient, db: Database, oslo: Oslo
) -> None:
    person = person_in(client, db, oslo.workspace)
    body = {"from": "2026-03-02", "to": "2026-03-02"}
    path = f"/api/employees/{person.employee_id}/timesheet/evaluate"

    saved = client.post(path, json=body, headers=person.headers)
    drafted = client.post(
        path, json={**body, "draft_policies": {"allowance_policies": []}}, headers=person.headers
    )

    assert saved.status_code == 200, saved.text
    assert drafted.status_code == 403, drafted.text
    assert drafted.headers["content-type"].startswith("application/problem+json")


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_dates_beyond_the_calendar_are_a_422(client: TestClient, oslo: Oslo, day: str) -> None:
    response = client.post(oslo.evaluate, json={"from": day, "to": day}, headers=oslo.headers)

    assert response.status_code == 422, response.text

"""The McTime face walked through the seed's `GET /times` and the endpoints of
compat/mctime.md, over the real database on both engines."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, time, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import event

from tests.conftest import WorkspaceFixture, make_workspace
from tests.organization.support import create_unit
from tests.timesheet.support import Person, person_in
from timeledger.access.credentials import PasswordHashing
from timeledger.kit.clock import Clock, FixedClock, clock_in_use, utcnow
from timeledger.kit.db import Database

BASE = "/compat/mctime/api/v2/auth"


ZONE = ZoneInfo("Europe/Copenhagen")


@pytest.fixture
def clock(clock: Clock) -> Iterator[Clock]:
    """Noon of the test clock's day in the workspace's zone, standing still: these tests
    record times early today (01:00 to 06:00), which must lie in the past, on a day that
    does not end during the run."""
    at_noon = FixedClock(datetime.combine(clock.now().astimezone(ZONE).date(), time(12), ZONE))
    with clock_in_use(at_noon):
        yield at_noon


@pytest.fixture
def workspace(db: Database, hashing: PasswordHashing) -> WorkspaceFixture:
    return make_workspace(db, hashing, "Acme", timezone=ZONE.key)


def _today_at(hour: int, minute: int = 0) -> datetime:
    """Early today, in the workspace's zone: after every version made today took effect,
    and in the past. Counted in elapsed time from midnight, so that a span keeps its length
    on a day with a daylight-saving change, and with the zone's offset then (an instant in
    the zone's repeated hour compares unequal to any other zone's, PEP 495)."""
    midnight = datetime.combine(utcnow().astimezone(ZONE).date(), time(0), ZONE)
    instant = midnight.astimezone(UTC) + timedelta(hours=hour, minutes=minute)
    offset = instant.astimezone(ZONE).utcoffset()
    assert offset is not None
    return instant.astimezone(timezone(offset))


def _q(instant: datetime) -> str:
    return instant.isoformat()


class McTime:
    def __init__(self, client: TestClient, key: str) -> None:
        self.client = client
        self.headers = {"API_KEY": key}

    def get(self, path: str, **params: Any) -> Response:
        return self.client.get(f"{BASE}{path}", params=params, headers=self.headers)

    def post(self, path: str, body: Any) -> Response:
        return self.client.post(f"{BASE}{path}", json=body, headers=self.headers)

    def data(self, response: Response) -> Any:
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["valid"] is True, body
        assert [item["message"] for item in body["items"]] == ["Success"]
        return body["items"][0]["data"]

    def times(self, **params: Any) -> list[dict[str, Any]]:
        window = {"from": _q(_today_at(0) - timedelta(days=1)), "to": _q(_today_at(23, 59))}
        entries: list[dict[str, Any]] = self.data(self.get("/times", **{**window, **params}))[
            "timeEntries"
        ]
        return entries


@pytest.fixture
def admin(client: TestClient, db: Database, workspace: WorkspaceFixture) -> Person:
    return person_in(client, db, workspace, "admin")


@pytest.fixture
def mctime(client: TestClient, admin: Person) -> McTime:
    return McTime(client, admin.principal.key)


@pytest.fixture
def unit(client: TestClient, workspace: WorkspaceFixture, admin: Person) -> dict[str, Any]:
    created = create_unit(client, workspace.headers, "Test Project", type="project")
    moved = client.patch(
        f"/api/employees/{admin.employee_id}",
        json={"org_unit_id": created["id"]},
        headers=workspace.headers,
    )
    assert moved.status_code == 200, moved.text
    return created


def _add(mctime: McTime, *times: dict[str, Any], user_id: int | None = None) -> list[Any]:
    body: dict[str, Any] = {"times": list(times)}
    if user_id is not None:
        body["userId"] = str(user_id)
    response = mctime.post("/times", body)
    assert response.status_code == 200, response.text
    items: list[Any] = response.json()["items"]
    return items


def _work(hour: int, hours: int, **fields: Any) -> dict[str, Any]:
    return {
        "from": _q(_today_at(hour)),
        "to": _q(_today_at(hour + hours)),
        "timeType": "work",
        **fields,
    }


# GET /times


def test_times_in_the_seeds_shape(mctime: McTime, admin: Person, unit: dict[str, Any]) -> None:
    added = _add(
        mctime,
        _work(1, 3, comment="Test Comment",
              breaks=[{"from": _q(_today_at(2)), "to": _q(_today_at(2, 30))}],
              organization={"id": str(unit["id"])}),
        {**_work(5, 1), "timeType": "vacation", "comment": "Another Comment"},
    )  # fmt: skip
    assert [item["valid"] for item in added] == [True, True]
    users = mctime.times()
    assert len(users) == 1
    user = users[0]
    assert user["userId"] == str(admin.principal.user_id)
    assert (user["userFirstName"], user["userName"]) == (
        user["userName"].split(" ")[0], f"{user['userFirstName']} {user['userLastName']}"
    )  # fmt: skip
    first, second = user["times"]
    assert set(first) == {
        "id", "from", "to", "breaks", "comment", "type", "organizationId", "organizationName",
        "approvalStatus", "creationType",
    }  # fmt: skip
    assert datetime.fromisoformat(first["from"]) == _today_at(1)
    assert datetime.fromisoformat(first["to"]) == _today_at(4)
    assert first["from"].endswith(_today_at(1).isoformat()[-6:])
    assert [(datetime.fromisoformat(b["from"]), b["automatic"]) for b in first["breaks"]] == [
        (_today_at(2), False)
    ]
    assert (first["comment"], first["type"], first["creationType"]) == (
        "Test Comment", "work", "times"
    )  # fmt: skip
    assert (first["organizationId"], first["organizationName"]) == (str(unit["id"]), "Test Project")
    assert first["approvalStatus"] == "not_approved_yet"
    assert (second["type"], second["comment"]) == ("vacation", "Another Comment")


def test_times_filters(
    client: TestClient, db: Database, workspace: WorkspaceFixture, mctime: McTime,
    admin: Person, unit: dict[str, Any],
) -> None:  # fmt: skip
    other = person_in(client, db, workspace)
    _add(mctime, _work(1, 1), {**_work(3, 1), "timeType": "sick"})
    _add(mctime, _work(1, 2), user_id=other.principal.user_id)
    assert {user["userId"] for user in mctime.times()} == {
        str(admin.principal.user_id), str(other.principal.user_id)
    }  # fmt: skip
    only_other = mctime.times(userIds=[str(other.principal.user_id)])
    assert [user["userId"] for user in only_other] == [str(other.principal.user_id)]
    sick = mctime.times(timeTypes=["sick", "vacation"])
    assert [[time["type"] for time in user["times"]] for user in sick] == [["sick"]]
    by_unit = mctime.times(organizationIds=[str(unit["id"])], organizationNames=["nope"])
    assert [user["userId"] for user in by_unit] == [str(admin.principal.user_id)]
    by_name = mctime.times(organizationNames=["Test Project"])
    assert [user["userId"] for user in by_name] == [str(admin.principal.user_id)]
    assert mctime.times(approvalStatuses=["approved"]) == []
    pending = mctime.times(approvalStatuses=["not_approved_yet", "approved"])
    assert sum(len(user["times"]) for user in pending) == 3


def test_an_organization_shows_the_times_of_the_days_its_users_belonged_to_it(
    client: TestClient, db: Database, workspace: WorkspaceFixture, mctime: McTime,
    unit: dict[str, Any],
) -> None:  # fmt: skip
    """The admin joined the unit today: their time of yesterday is not the unit's."""
    yesterday = {
        "from": _q(_today_at(1) - timedelta(days=1)),
        "to": _q(_today_at(2) - timedelta(days=1)),
        "timeType": "work",
    }
    assert [item["valid"] for item in _add(mctime, yesterday, _work(1, 1))] == [True, True]
    assert [len(user["times"]) for user in mctime.times()] == [2]
    for named in ({"organizationIds": [str(unit["id"])]}, {"organizationNames": ["Test Project"]}):
        (user,) = mctime.times(**named)
        assert [time["from"] for time in user["times"]] == [_q(_today_at(1))], named
        assert [time["organizationId"] for time in user["times"]] == [str(unit["id"])]


def test_times_page_twenty_users(
    client: TestClient, db: Database, workspace: WorkspaceFixture, mctime: McTime
) -> None:
    people = [person_in(client, db, workspace) for _ in range(21)]
    for person in people:
        _add(mctime, _work(1, 1), user_id=person.principal.user_id)
    first = mctime.data(mctime.get("/times", **{"from": _q(_today_at(0)), "to": _q(_today_at(23))}))
    second = mctime.data(
        mctime.get("/times", page=2, **{"from": _q(_today_at(0)), "to": _q(_today_at(23))})
    )
    third = mctime.data(
        mctime.get("/times", page=3, **{"from": _q(_today_at(0)), "to": _q(_today_at(23))})
    )
    assert (len(first["timeEntries"]), len(second["timeEntries"]), third["timeEntries"]) == (
        20, 1, []
    )  # fmt: skip
    assert (first["page"], first["pageSize"], second["page"]) == ("1", "2", "2")
    seen = {user["userId"] for user in first["timeEntries"] + second["timeEntries"]}
    assert seen == {str(person.principal.user_id) for person in people}


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("", 400),
        ("from=2022-04-25T08:00:00%2B03:00", 400),
        ("from=2022-04-25T08:00:00&to=2022-04-25T18:00:00%2B03:00", 400),
        ("from=2022-04-25T08:00:00+03:00&to=2022-04-25T18:00:00%2B03:00", 400),
        ("from=2022-04-25T08:00:00%2B03:00&to=2023-04-27T18:00:00%2B03:00", 400),
        ("from=2022-04-25T08:00:00%2B03:00&to=2022-04-24T18:00:00%2B03:00", 400),
        ("from=yesterday&to=2022-04-25T18:00:00%2B03:00", 400),
        ("from=2022-04-25T08:00:00%2B03:00&to=2022-04-25T18:00:00%2B03:00&timeTypes=nap", 400),
        ("from=2022-04-25T08:00:00%2B03:00&to=2022-04-25T18:00:00%2B03:00&approvalStatuses=x", 400),
        ("from=2022-04-25T08:00:00%2B03:00&to=2022-04-25T18:00:00%2B03:00&page=0", 400),
        ("from=2022-04-25T08:00:00%2B03:00&to=2022-04-25T18:00:00%2B03:00&userIds=abc", 400),
        ("from=2022-04-25T08:00:00%2B03:00&to=2022-04-25T18:00:00%2B03:00&userIds=999999", 401),
        (
            "from=2022-04-25T08:00:00%2B03:00&to=2022-04-25T18:00:00%2B03:00"
            "&organizationIds=999999",
            401,
        ),
        (
            "from=2022-04-25T08:00:00%2B03:00&to=2022-04-25T18:00:00%2B03:00"
            "&organizationNames=Nowhere",
            401,
        ),
    ],
)
def test_times_refuses_what_the_seed_refuses(mctime: McTime, query: str, status: int) -> None:
    response = mctime.client.get(f"{BASE}/times?{query}", headers=mctime.headers)
    assert response.status_code == status, response.text
    body = response.json()
    assert body["valid"] is False
    assert body["items"][0]["valid"] is False and body["items"][0]["message"]


def test_the_key_decides_what_is_seen(
    client: TestClient, db: Database, workspace: WorkspaceFixture, mctime: McTime, admin: Person
) -> None:
    employee = person_in(client, db, workspace)
    _add(mctime, _work(1, 1))
    employees_view = McTime(client, employee.principal.key)
    _add(employees_view, _work(2, 1))
    assert [user["userId"] for user in employees_view.times()] == [str(employee.principal.user_id)]
    hidden = employees_view.get(
        "/times", userIds=[str(admin.principal.user_id)],
        **{"from": _q(_today_at(0)), "to": _q(_today_at(23))},
    )  # fmt: skip
    assert hidden.status_code == 401
    for headers in ({}, {"API_KEY": "tl_ak_unknown"}):
        response = client.get(f"{BASE}/users", headers=headers)
        assert response.status_code == 401
        assert response.json()["valid"] is False


# POST /times


def test_add_and_edit_times_each_on_its_own(
    client: TestClient, mctime: McTime, admin: Person, unit: dict[str, Any]
) -> None:
    items = _add(
        mctime,
        _work(1, 2, comment="first"),
        {"from": "not a time", "to": _q(_today_at(2)), "timeType": "work"},
        {**_work(3, 1), "timeType": "nap"},
        _work(5, 1, organization={"name": "Elsewhere"}),
    )
    assert [item["valid"] for item in items] == [True, False, False, False]
    assert "times.1.from" in items[1]["message"]
    assert "nap" in items[2]["message"]
    assert "organization" in items[3]["message"]
    created = items[0]["data"]
    edited = _add(mctime, {**_work(1, 3, comment="edited"), "id": created["id"]})
    assert edited[0]["valid"] is True
    time = mctime.times()[0]["times"]
    assert [(t["id"], t["comment"], t["creationType"]) for t in time] == [
        (created["id"], "edited", "null")
    ]
    native = client.get(f"{admin.entries}/{created['id']}", headers=admin.headers).json()
    assert (native["minutes"], native["note"], native["creation_type"]) == (180, "edited", None)


def test_a_body_that_is_not_times_is_a_400(mctime: McTime) -> None:
    for body in (b"{", b"[]", b'{"times": []}', b'{"times": "x"}'):
        response = mctime.client.post(f"{BASE}/times", content=body, headers=mctime.headers)
        assert response.status_code == 400, body
        assert response.json()["valid"] is False


EDGES_OF_THE_CALENDAR = ["9999-12-31T23:00:00-12:00", "0001-01-01T00:10:00+14:00"]


@pytest.mark.parametrize("instant", EDGES_OF_THE_CALENDAR)
def test_a_time_at_the_edge_of_the_calendar_is_refused_on_its_own(
    mctime: McTime, instant: str
) -> None:
    items = _add(
        mctime,
        {"from": instant, "to": _q(_today_at(2)), "timeType": "work"},
        {"from": _q(_today_at(1)), "to": instant, "timeType": "work"},
    )
    assert [item["valid"] for item in items] == [False, False]
    assert "from" in items[0]["message"]
    assert "to" in items[1]["message"]


@pytest.mark.parametrize("instant", EDGES_OF_THE_CALENDAR)
@pytest.mark.parametrize("action", ["start", "stop"])
def test_clocking_at_the_edge_of_the_calendar_is_refused_in_mctimes_shape(
    mctime: McTime, instant: str, action: str
) -> None:
    response = mctime.post("/clock", {"action": action, "dateTime": instant})

    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/json"
    assert response.json()["valid"] is False
    assert "dateTime" in response.json()["items"][0]["message"]


# Users and organizations


def test_users_with_filters_and_roles(
    client: TestClient, db: Database, workspace: WorkspaceFixture, mctime: McTime,
    admin: Person, unit: dict[str, Any],
) -> None:  # fmt: skip
    employee = person_in(client, db, workspace)
    users = mctime.data(mctime.get("/users"))["users"]
    by_id = {user["id"]: user for user in users}
    assert by_id[str(admin.principal.user_id)]["role"] == "administrator"
    assert by_id[str(employee.principal.user_id)]["role"] == "employee"
    assert by_id[str(workspace.owner_id)]["role"] == "main_administrator"
    assert by_id[str(admin.principal.user_id)]["email"] == admin.principal.email
    in_unit = mctime.data(mctime.get("/users", organizationId=str(unit["id"])))["users"]
    assert [user["id"] for user in in_unit] == [str(admin.principal.user_id)]
    named = mctime.data(mctime.get("/users", organizationName="Test Project"))["users"]
    assert [user["id"] for user in named] == [str(admin.principal.user_id)]
    only = mctime.data(mctime.get("/users", userIds=[str(employee.principal.user_id)]))
    assert [user["id"] for user in only["users"]] == [str(employee.principal.user_id)]
    assert mctime.data(mctime.get("/users", roles="employee"))["users"][0]["role"] == "employee"
    assert mctime.data(mctime.get("/users", inactive="true"))["users"] == []
    assert mctime.get("/users", inactive="maybe").status_code == 400


def test_organizations_with_children_types_and_search(
    client: TestClient, workspace: WorkspaceFixture, mctime: McTime, unit: dict[str, Any]
) -> None:
    child = create_unit(client, workspace.headers, "Sub", type="branch", parent_id=unit["id"])
    create_unit(client, workspace.headers, "Other", type="client")
    everything = mctime.data(mctime.get("/organizations"))
    assert {o["organizationName"] for o in everything["organizations"]} == {
        "Test Project", "Sub", "Other"
    }  # fmt: skip
    family = mctime.data(mctime.get("/organizations", organizationId=str(unit["id"])))
    assert sorted(o["id"] for o in family["organizations"]) == sorted(
        [str(unit["id"]), str(child["id"])]
    )
    sub = next(o for o in family["organizations"] if o["id"] == str(child["id"]))
    assert (sub["type"], sub["parentId"], sub["inactive"]) == ("branch", str(unit["id"]), False)
    clients = mctime.data(mctime.get("/organizations", types="client"))["organizations"]
    assert [o["organizationName"] for o in clients] == ["Other"]
    found = mctime.data(mctime.get("/organizations", organizationName="test"))["organizations"]
    assert [o["organizationName"] for o in found] == ["Test Project"]
    assert mctime.get("/organizations", types="moon").status_code == 400


def test_organizations_of_every_type_they_show_can_be_asked_for(
    client: TestClient, workspace: WorkspaceFixture, mctime: McTime
) -> None:
    create_unit(client, workspace.headers, "Sales", type="department")
    create_unit(client, workspace.headers, "Red", type="team")
    shown = mctime.data(mctime.get("/organizations"))["organizations"]
    assert {o["type"] for o in shown} == {"department", "team"}
    for unit_type, name in (("department", "Sales"), ("team", "Red")):
        found = mctime.data(mctime.get("/organizations", types=unit_type))["organizations"]
        assert [o["organizationName"] for o in found] == [name]


# Clock


def test_the_clock_becomes_a_time(client: TestClient, mctime: McTime, admin: Person) -> None:
    started = mctime.data(
        mctime.post("/clock", {"action": "start", "dateTime": _q(_today_at(1)), "timeType": "work"})
    )
    assert (started["clockedIn"], started["onBreak"]) == (True, False)
    who = mctime.client.get(f"{BASE}/clock", headers=mctime.headers).json()["items"]
    assert [(i["data"]["userId"], i["data"]["clockedIn"]) for i in who] == [
        (str(admin.principal.user_id), True)
    ]
    on_break = mctime.data(mctime.post("/clock", {"action": "break", "dateTime": _q(_today_at(2))}))
    assert on_break["onBreak"] is True
    back = mctime.data(mctime.post("/clock", {"action": "break", "dateTime": _q(_today_at(2, 15))}))
    assert back["onBreak"] is False
    updated = mctime.data(mctime.post("/clock", {"action": "update", "comment": "clocked"}))
    assert updated["clockedIn"] is True
    stopped = mctime.data(mctime.post("/clock", {"action": "stop", "dateTime": _q(_today_at(4))}))
    assert stopped["clockedIn"] is False
    time = stopped["time"]
    assert (time["creationType"], time["comment"], time["type"]) == ("clock", "clocked", "work")
    assert len(time["breaks"]) == 1
    listed = mctime.times()[0]["times"]
    assert [t["id"] for t in listed] == [time["id"]]
    native = client.get(f"{admin.entries}/{time['id']}", headers=admin.headers).json()
    assert (native["minutes"], native["creation_type"]) == (165, "clock")
    assert native["presence_interval_id"] is not None
    assert mctime.client.get(f"{BASE}/clock", headers=mctime.headers).json()["items"] == []


def test_clock_cancel_and_refusals(mctime: McTime) -> None:
    not_in = mctime.post("/clock", {"action": "break"})
    assert not_in.status_code == 409
    mctime.data(mctime.post("/clock", {"action": "start", "dateTime": _q(_today_at(1))}))
    twice = mctime.post("/clock", {"action": "start"})
    assert twice.status_code == 409
    cancelled = mctime.data(mctime.post("/clock", {"action": "cancel"}))
    assert cancelled["clockedIn"] is False
    assert mctime.times() == []
    for body in ({"action": "dance"}, {"action": "start", "dateTime": "2026-01-01T08:00:00"}):
        response = mctime.post("/clock", body)
        assert response.status_code in (400, 422), response.text
        assert response.json()["valid"] is False


# One time, three faces


def test_a_time_reads_the_same_natively_and_through_mite(
    client: TestClient, mctime: McTime, admin: Person, activities: dict[str, int]
) -> None:
    created = _add(mctime, _work(1, 2, comment="everywhere"))[0]["data"]
    native = client.get(f"{admin.entries}/{created['id']}", headers=admin.headers).json()
    assert (native["minutes"], native["note"], native["activity_id"]) == (
        120, "everywhere", activities["work"]
    )  # fmt: skip
    mite = client.get(
        f"/compat/mite/time_entries/{created['id']}.json",
        headers={"X-MiteApiKey": admin.principal.key},
    ).json()["time_entry"]
    assert (mite["minutes"], mite["note"], mite["service_id"]) == (
        120, "everywhere", activities["work"]
    )  # fmt: skip


# Accounts


def _account(client: TestClient, workspace: WorkspaceFixture, name: str, unit: str) -> int:
    body = {"name": name, "unit": unit, "effective_from": "2024-01-01"}
    response = client.post("/api/settings/timebank-accounts", json=body, headers=workspace.headers)
    assert response.status_code == 201, response.text
    account_id: int = response.json()["id"]
    return account_id


def _move(
    client: TestClient, workspace: WorkspaceFixture, person: Person, account_id: int,
    amount: int, cause: str = "adjustment",
) -> None:  # fmt: skip
    response = client.post(
        f"/api/employees/{person.employee_id}/timebank/movements",
        json={"account_id": account_id, "day": _today_at(0).date().isoformat(),
              "amount": amount, "cause": cause},
        headers=workspace.headers,
    )  # fmt: skip
    assert response.status_code == 201, response.text


def test_accounts_are_the_timebank_balances(
    client: TestClient, db: Database, workspace: WorkspaceFixture, mctime: McTime, admin: Person
) -> None:
    flex = _account(client, workspace, "Flex", "hours")
    vacation = _account(client, workspace, "Vacation", "days")
    employee = person_in(client, db, workspace)
    _move(client, workspace, employee, flex, 90)
    _move(client, workspace, employee, flex, -30)
    _move(client, workspace, employee, vacation, 2500, cause="entitlement")
    _move(client, workspace, employee, vacation, -150)
    one = mctime.data(mctime.get(f"/accounts/{employee.principal.user_id}"))
    assert one["userId"] == str(employee.principal.user_id)
    assert (one["timeBalanceHours"], one["vacationBalanceDays"]) == (1.0, 23.5)
    assert one["vacationEntitlementDays"] == 25.0
    assert one["timeBalanceAsOf"] == utcnow().timestamp() * 1000
    listed = mctime.client.get(f"{BASE}/accounts", headers=mctime.headers).json()["items"]
    by_user = {item["data"]["userId"]: item["data"] for item in listed}
    assert by_user[str(employee.principal.user_id)] == one
    assert by_user[str(admin.principal.user_id)]["timeBalanceHours"] == 0
    paged = mctime.client.get(
        f"{BASE}/accounts", params={"pageSize": 1, "page": 2}, headers=mctime.headers
    ).json()["items"]
    assert [item["data"]["userId"] for item in paged] == [listed[1]["data"]["userId"]]
    assert mctime.get("/accounts", pageSize=11).status_code == 400
    own_view = McTime(client, employee.principal.key)
    own = own_view.client.get(f"{BASE}/accounts", headers=own_view.headers).json()["items"]
    assert [item["data"]["userId"] for item in own] == [str(employee.principal.user_id)]
    hidden = own_view.get(f"/accounts/{admin.principal.user_id}")
    assert hidden.status_code == 401


# Lists paged by the database


@contextmanager
def _statements_run(db: Database) -> Iterator[list[str]]:
    run: list[str] = []

    def count(*args: Any) -> None:
        run.append(args[2])

    for engine in db.engines:
        event.listen(engine, "before_cursor_execute", count)
    try:
        yield run
    finally:
        for engine in db.engines:
            event.remove(engine, "before_cursor_execute", count)


def test_users_and_accounts_cost_the_same_queries_for_two_people_or_ten(
    client: TestClient, db: Database, workspace: WorkspaceFixture, mctime: McTime
) -> None:
    flex = _account(client, workspace, "Flex", "hours")

    def queries(path: str, **params: Any) -> int:
        assert mctime.get(path, **params).status_code == 200  # warm: credentials, workspace
        with _statements_run(db) as run:
            answer = mctime.get(path, **params)
        assert answer.status_code == 200, answer.text
        return len(run)

    few = {path: queries(path, pageSize=10) for path in ("/users", "/accounts")}
    for _ in range(8):
        _move(client, workspace, person_in(client, db, workspace), flex, 60)
    many = {path: queries(path, pageSize=10) for path in ("/users", "/accounts")}
    assert many == few

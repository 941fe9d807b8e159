"""The import's plan as a pure function of rows and the workspace's names."""

from dataclasses import replace
from datetime import date
from decimal import Decimal

from timeledger.imports.planning import (
    ImportPlan,
    NewPerson,
    Workspace,
    name_key,
    person_external_id,
    plan_import,
)
from timeledger.imports.rows import ImportedRow, RowProblem

WORK = 7
ANNA, BEN, OTHER_ANNA = 11, 12, 13


def _row(number: int, **changes: object) -> ImportedRow:
    row = ImportedRow(
        source="toggl-csv", source_row_id=f"id-{number}", row=number,
        person_name="Anna Berg", person_email="anna@example.com", customer="Nordwind GmbH",
        project="Relaunch", task="Design", activity=None, day=date(2026, 3, 2), start=None,
        end=None, duration_seconds=Decimal(5400), minutes=90, note="Homepage", billable=True,
        tags=(), hourly_rate=None, amount=None, currency=None,
    )  # fmt: skip
    return replace(row, **changes)  # type: ignore[arg-type]


def _workspace(**changes: object) -> Workspace:
    workspace = Workspace(
        people_by_email={"anna@example.com": frozenset({ANNA}),
                         "ben@example.com": frozenset({BEN})},
        people_by_name={"anna berg": frozenset({ANNA}), "ben kraus": frozenset({BEN})},
        customers={}, projects={}, tasks={}, activities={"work": WORK}, work_activity_id=WORK,
        imported=frozenset(),
    )  # fmt: skip
    return replace(workspace, **changes)  # type: ignore[arg-type]


def _plan(*rows: ImportedRow | RowProblem, **workspace: object) -> ImportPlan:
    return plan_import(rows, _workspace(**workspace))


def test_names_are_compared_trimmed_with_spaces_collapsed_and_case_folded() -> None:
    assert name_key("  Nordwind   GmbH ") == name_key("nordwind gmbh") == "nordwind gmbh"


def test_a_row_of_a_known_person_plans_an_entry_and_the_catalogue_it_needs() -> None:
    plan = _plan(_row(2), _row(3, day=date(2026, 2, 1), task="design "))
    assert [(e.employee_id, e.minutes, e.activity) for e in plan.entries] == [
        (ANNA, 90, WORK), (ANNA, 90, WORK),
    ]  # fmt: skip
    assert plan.entries[0].project == ("nordwind gmbh", "relaunch")
    assert plan.entries[0].task == ("nordwind gmbh", "relaunch", "design")
    (customer,) = plan.new_customers.values()
    (project,) = plan.new_projects.values()
    (task,) = plan.new_tasks.values()
    assert (customer.name, customer.first_day) == ("Nordwind GmbH", date(2026, 2, 1))
    assert (project.name, project.within) == ("Relaunch", "nordwind gmbh")
    assert (task.name, task.within, task.first_day) == (
        "Design", ("nordwind gmbh", "relaunch"), date(2026, 2, 1),
    )  # fmt: skip
    summary = plan.summary()
    assert summary["rows"] == 2
    assert summary["entries_to_create"] == 2
    assert summary["minutes_to_create"] == 180
    assert summary["customers"] == {
        "matched": 0,
        "created": {"count": 1, "names": ["Nordwind GmbH"]},
    }
    assert summary["people"] == {"matched": 1, "created": {"count": 0, "names": []}}
    assert summary["activities"] == {"matched": 1, "created": {"count": 0, "names": []}}


def test_existing_objects_are_matched_by_name_within_their_parent() -> None:
    plan = _plan(
        _row(2, customer="NORDWIND gmbh", activity="Consulting"),
        customers={"nordwind gmbh": 40},
        projects={("nordwind gmbh", "relaunch"): 50},
        tasks={(50, "design"): 60},
        activities={"work": WORK, "consulting": 70},
    )
    (entry,) = plan.entries
    assert (entry.project, entry.task, entry.activity) == (50, 60, 70)
    assert not (plan.new_customers or plan.new_projects or plan.new_tasks or plan.new_activities)
    assert plan.matched_customers == {40}
    other_customer = _plan(_row(2, customer="Other"), projects={("nordwind gmbh", "relaunch"): 50})
    assert next(iter(other_customer.new_projects.values())).within == "other"


def test_a_new_task_of_an_existing_project_belongs_to_that_project() -> None:
    plan = _plan(_row(2), customers={"nordwind gmbh": 40},
                 projects={("nordwind gmbh", "relaunch"): 50})  # fmt: skip
    (task,) = plan.new_tasks.values()
    assert task.within == 50
    assert plan.entries[0].project == 50
    new_project = _plan(_row(2, customer=None), customers={"nordwind gmbh": 40})
    assert next(iter(new_project.new_projects.values())).within is None
    of_known_customer = _plan(_row(2), customers={"nordwind gmbh": 40})
    assert next(iter(of_known_customer.new_projects.values())).within == 40


def test_people_are_found_by_email_first_then_by_name_or_refused_without_a_unit() -> None:
    by_name = _plan(_row(2, person_email=None, person_name=" ben  KRAUS"))
    assert by_name.entries[0].employee_id == BEN
    by_email = _plan(_row(2, person_email="BEN@example.com", person_name="Anna Berg"))
    assert by_email.entries[0].employee_id == BEN
    unknown = _plan(_row(2, person_email="x@example.com", person_name="Xena"), _row(3))
    assert [e.row for e in unknown.entries] == [3]
    assert unknown.refused_rows == 1
    (problem,) = unknown.problems
    assert (problem.row, problem.field) == (2, "person")
    assert "'x@example.com' or 'Xena'" in problem.problem
    assert problem.problem.endswith("The import has no org unit to place new people in.")
    ambiguous = _plan(
        _row(2, person_email=None), people_by_name={"anna berg": frozenset({ANNA, OTHER_ANNA})}
    )
    assert ambiguous.problems[0].problem.startswith("2 employees are 'Anna Berg'")
    nobody = _plan(_row(2, person_email=" ", person_name=None))
    assert nobody.problems == [RowProblem(2, "person", "The row names no person.")]


def test_people_not_found_are_planned_once_per_email_or_name_from_their_first_day() -> None:
    unit = 5
    plan = _plan(
        _row(2, person_email="Xena@Example.com", person_name="Xena  Maria Vogel"),
        _row(3, person_email="xena@example.com", person_name="X. Vogel", day=date(2026, 1, 5)),
        _row(4, person_email=None, person_name="Cher"),
        _row(5, person_email=None, person_name=" cher "),
        _row(6, person_email="solo.dev@example.com", person_name=None),
        _row(7, person_email="not an address", person_name="Bad Mail"),
        new_people_unit=unit,
    )
    assert [e.employee_id for e in plan.entries] == [
        "email:xena@example.com", "email:xena@example.com", "name:cher", "name:cher",
        "email:solo.dev@example.com",
    ]  # fmt: skip
    assert plan.new_people == {
        "email:xena@example.com": NewPerson(
            "Xena Maria", "Vogel", "Xena@Example.com", date(2026, 1, 5), unit
        ),
        "name:cher": NewPerson("Cher", "", None, date(2026, 3, 2), unit),
        "email:solo.dev@example.com": NewPerson(
            "solo.dev", "", "solo.dev@example.com", date(2026, 3, 2), unit
        ),
    }
    assert plan.problems == [RowProblem(7, "email", "'not an address' is not an e-mail address.")]
    assert plan.summary()["people"] == {
        "matched": 0, "created": {"count": 3, "names": ["Xena Maria Vogel", "Cher", "solo.dev"]},
    }  # fmt: skip
    assert plan.matched_people == set()


def test_a_person_an_earlier_import_created_is_matched_not_created_again() -> None:
    created = {person_external_id("email:xena@example.com"): 21}
    plan = _plan(
        _row(2, person_email="XENA@example.com", person_name="Xena Vogel"),
        created_people=created,
    )
    assert [e.employee_id for e in plan.entries] == [21]
    assert (plan.new_people, plan.matched_people) == ({}, {21})
    assert len(person_external_id("email:" + "x" * 200 + "@example.com")) <= 100


def test_refused_rows_create_nothing_they_would_have_needed() -> None:
    plan = _plan(_row(2, person_name="Xena", person_email=None, activity="New"),
                 _row(3, project=None, task="Orphan"))  # fmt: skip
    assert plan.entries == []
    assert [p.field for p in plan.problems] == ["person", "task"]
    assert not (plan.new_customers or plan.new_projects or plan.new_tasks or plan.new_activities)


def test_rows_imported_before_are_skipped_and_a_repeated_id_is_refused() -> None:
    plan = _plan(_row(2), _row(3), _row(4, source_row_id="id-3"), imported=frozenset({"id-2"}))
    assert [e.row for e in plan.entries] == [3]
    assert plan.already_imported == 1
    assert plan.problems == [RowProblem(4, "id", "The id id-3 is the id of row 3 too.")]
    assert plan.summary()["rows"] == 3


def test_the_readers_problems_count_once_per_row() -> None:
    plan = _plan(RowProblem(2, "Duration", "bad"), RowProblem(2, "Start date", "bad"), _row(3))
    assert plan.refused_rows == 1
    assert len(plan.problems) == 2
    assert plan.rows == 2


def test_an_activity_is_the_work_activity_unless_the_row_names_one() -> None:
    named = _plan(_row(2, activity="Support"), _row(3, activity="support", day=date(2026, 1, 5)))
    assert [e.activity for e in named.entries] == ["support", "support"]
    (activity,) = named.new_activities.values()
    assert (activity.name, activity.first_day) == ("Support", date(2026, 1, 5))
    without_work = _plan(_row(2), work_activity_id=None)
    assert without_work.problems[0].field == "activity"


def test_rows_the_entries_would_refuse_anyway_are_refused_up_front() -> None:
    plan = _plan(_row(2, minutes=24 * 60 + 1), _row(3, note="x" * 10_001),
                 _row(4, project="p" * 201))  # fmt: skip
    assert [(p.row, p.field) for p in plan.problems] == [
        (2, "duration"),
        (3, "note"),
        (4, "project"),
    ]
    assert plan.entries == []
    assert _plan(_row(2, minutes=24 * 60)).entries[0].minutes == 24 * 60


def test_the_summary_lists_at_most_a_hundred_names_of_each_kind() -> None:
    plan = _plan(*(_row(n, activity=f"Activity {n}") for n in range(2, 152)))
    created = plan.summary()["activities"]["created"]
    assert created["count"] == 150
    assert len(created["names"]) == 100

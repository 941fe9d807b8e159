"""What a form's fields become, and how a service's problem lands beside them (no database)."""

import pytest

from timeledger.kit.errors import Conflict, Forbidden, Unprocessable
from timeledger.web.forms import FormErrors, duration_minutes
from timeledger.web.routing import local_path

ENTRY_FIELDS = {"minutes": "duration", "date": "date"}


@pytest.mark.parametrize(
    ("typed", "minutes"),
    [("1:30", 90), ("0:05", 5), ("1.5", 90), ("2,25", 135), ("8", 480), (" 7:45 ", 465)],
)
def test_a_duration_reads_as_hours_and_minutes_or_hours(typed: str, minutes: int) -> None:
    assert duration_minutes(typed) == minutes


@pytest.mark.parametrize("typed", ["", "soon", "1:60", "1:5", "-1:00", "123:00", "1.555"])
def test_a_duration_that_is_neither_reads_as_none(typed: str) -> None:
    assert duration_minutes(typed) is None


def test_a_problem_lands_beside_the_fields_it_names_and_above_the_rest() -> None:
    problem = Unprocessable(
        "The entry is not valid.",
        errors=[
            {"location": "body.minutes", "message": "too long"},
            {"location": "body.dimension_values", "message": "missing dimension"},
        ],
    )

    errors = FormErrors.of_problem(problem, ENTRY_FIELDS)

    assert errors.fields == {"duration": "too long"}
    assert errors.general == ["missing dimension"]


def test_a_problem_naming_no_field_goes_above_the_form_or_to_its_default_field() -> None:
    assert FormErrors.of_problem(Conflict("Clocked in already."), ENTRY_FIELDS).general == [
        "Clocked in already."
    ]
    wrong = FormErrors.of_problem(
        Forbidden("The current password is wrong."), {}, default_field="current_password"
    )
    assert wrong.fields == {"current_password": "The current password is wrong."}
    assert not wrong.general


@pytest.mark.parametrize(
    ("target", "followed"),
    [
        ("/week?of=2026-01-05", "/week?of=2026-01-05"),
        ("//evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("https://evil.example/", "/"),
        (None, "/"),
    ],
)
def test_a_sign_in_goes_on_only_to_a_path_of_this_site(target: str | None, followed: str) -> None:
    assert local_path(target) == followed

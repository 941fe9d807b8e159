"""What a failed job keeps of its error: one line, no statement, no parameters."""

from sqlalchemy.exc import IntegrityError

from timeledger.jobs.failures import MAX_ERROR_LENGTH, error_summary
from timeledger.kit.errors import NotFound


def test_a_database_error_keeps_neither_its_statement_nor_its_parameters() -> None:
    driver_error = ValueError("UNIQUE constraint failed: users.email\nDETAIL: (a@b.c)")
    error = IntegrityError("INSERT INTO users (email) VALUES (?)", ("a@b.c",), driver_error)

    summary = error_summary(error)

    assert summary == "IntegrityError: ValueError: UNIQUE constraint failed: users.email"


def test_a_problem_keeps_its_detail_and_other_errors_their_first_line() -> None:
    assert error_summary(NotFound("No employee 7.")) == "NotFound: No employee 7."
    assert error_summary(RuntimeError("first\nsecond")) == "RuntimeError: first"
    assert error_summary(LookupError()) == "LookupError"
    assert len(error_summary(RuntimeError("x" * 5000))) == MAX_ERROR_LENGTH

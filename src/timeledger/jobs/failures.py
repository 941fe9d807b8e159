"""What a failed job keeps of its error: one line naming the exception and its message.

A traceback shows the code's local context and a database error its SQL and bound
parameters, either of which may hold personal data or a secret; the job table and the
API keep neither (the worker's log has the traceback for operators).
"""

from sqlalchemy.exc import DBAPIError, StatementError

from timeledger.kit.errors import Problem

MAX_ERROR_LENGTH = 500


def _first_line(text: str) -> str:
    return text.strip().split("\n", 1)[0].strip()


def error_summary(error: BaseException) -> str:
    """`ExceptionType: message`, the message's first line only, at most 500 characters."""
    if isinstance(error, Problem):
        message = error.detail
    elif isinstance(error, DBAPIError) and error.orig is not None:
        message = f"{type(error.orig).__name__}: {_first_line(str(error.orig))}"
    elif isinstance(error, StatementError):
        message = "the database refused the statement"
    else:
        message = str(error)
    summary = f"{type(error).__name__}: {_first_line(message)}".rstrip(": ")
    return summary[:MAX_ERROR_LENGTH]

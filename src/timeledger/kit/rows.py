"""Rows of one query handed out to the objects they belong to."""

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from sqlalchemy import Select
from sqlalchemy.orm import Session

Key = TypeVar("Key")
Row = TypeVar("Row")


def rows_by(
    session: Session, keys: Sequence[Key], statement: Select[Any], key_of: Callable[[Row], Key]
) -> dict[Key, list[Row]]:
    """The rows `statement` selects, by `key_of` each of `keys`, in the statement's order
    (an empty list for a key without any); no query without keys."""
    found: dict[Key, list[Row]] = {key: [] for key in keys}
    if found:
        for row in session.scalars(statement):
            found[key_of(row)].append(row)
    return found

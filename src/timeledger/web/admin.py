"""What the administrator pages share: the history of an effective-dated record as the
days each version is in force, the choices of their selects, and a form's action run to
its result or its problem beside the form's fields."""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, TypeVar

from fastapi import Request, Response
from sqlalchemy.orm import Session

from timeledger.kit.errors import Problem
from timeledger.web.forms import FormErrors, attempt
from timeledger.web.routing import see_other

MAX_CHOICES = 500
ResultT = TypeVar("ResultT")


@dataclass(frozen=True)
class Choice:
    """An option of a select."""

    id: int
    name: str


@dataclass(frozen=True)
class VersionSpan:
    """A version of an entity's history with the last day it is in force (None while it
    is; a version superseded on its own date is never in force)."""

    version: Any
    until: date | None
    superseded: bool


def spans_of(versions: Sequence[Any]) -> list[VersionSpan]:
    """`versions` ordered by effective date then recording, each with the day it ends."""
    spans = []
    for index, version in enumerate(versions):
        later = versions[index + 1 :]
        superseded = bool(later) and later[0].effective_from == version.effective_from
        next_day = next(
            (
                other.effective_from
                for other in later
                if other.effective_from > version.effective_from
            ),
            None,
        )
        until = next_day - timedelta(days=1) if next_day is not None else None
        spans.append(VersionSpan(version, until, superseded))
    return spans


def periods_of(versions: Sequence[Any]) -> list[VersionSpan]:
    """The versions that were in force (of several from one date, the one recorded last),
    newest first."""
    return [span for span in reversed(spans_of(versions)) if not span.superseded]


def submitted(
    session: Session, action: Callable[[], ResultT], fields: Mapping[str, str]
) -> tuple[ResultT | None, FormErrors | None, int]:
    """`action()` in a savepoint: its result, or the problem beside the form's fields and
    its status."""
    result = attempt(session, action)
    if isinstance(result, Problem):
        return None, FormErrors.of_problem(result, fields), result.status
    return result, None, 200


def form_answer(
    request: Request,
    session: Session,
    action: Callable[[], ResultT],
    fields: Mapping[str, str],
    *,
    done: Callable[[ResultT], str],
    again: Callable[[FormErrors, int], Response],
) -> Response:
    """A form's answer: once `action()` succeeds, 303 to the path `done` makes of its
    result; else the form `again`, with the problem beside its fields and its status."""
    result = attempt(session, action)
    if isinstance(result, Problem):
        return again(FormErrors.of_problem(result, fields), result.status)
    return see_other(request, done(result))

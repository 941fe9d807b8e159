"""Forms: the posted fields (checked for the browser's token), and a service's refusal
shown beside the fields it names.

A form's action runs in a savepoint: when the service refuses, what it flushed is undone
and the page is rendered again, in the same unit of work, with the problem beside the
field and what the person typed."""

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from typing import Annotated, TypeVar
from urllib.parse import parse_qsl

from fastapi import Depends, Request
from pydantic import ValidationError
from sqlalchemy.orm import Session

from timeledger.kit.errors import NotFound, Problem, Unprocessable
from timeledger.web.security import CSRF_FIELD, require_csrf_token

FORM_MEDIA_TYPE = "application/x-www-form-urlencoded"
ResultT = TypeVar("ResultT")
DAY_HOUR_DIGITS = 2


@dataclass(frozen=True)
class Form:
    """The fields of a posted form (the first value of each name)."""

    values: Mapping[str, str]

    def get(self, name: str) -> str:
        return self.values.get(name, "").strip()

    def optional(self, name: str) -> str | None:
        return self.get(name) or None


async def posted_form(request: Request) -> Form:
    """The posted fields, once the form's token is this browser's (403 otherwise)."""
    values: dict[str, str] = {}
    if request.headers.get("content-type", "").split(";")[0].strip() == FORM_MEDIA_TYPE:
        body = (await request.body()).decode("utf-8", errors="replace")
        for name, value in parse_qsl(body, keep_blank_values=True):
            values.setdefault(name, value)
    require_csrf_token(request, values.get(CSRF_FIELD, ""))
    return Form(values)


PostedForm = Annotated[Form, Depends(posted_form)]


@dataclass
class FormErrors:
    """Problems by field name; `general` holds those naming no field of the form."""

    fields: dict[str, str] = field(default_factory=dict)
    general: list[str] = field(default_factory=list)

    def add(self, location: str, message: str, form_fields: Mapping[str, str]) -> None:
        """`location` as the service names it (`body.minutes`); `form_fields` maps the
        service's field names to the form's."""
        name = location.rsplit(".", 1)[-1]
        if name in form_fields and form_fields[name] not in self.fields:
            self.fields[form_fields[name]] = message
        elif message not in self.general:
            self.general.append(message)

    @classmethod
    def of_problem(
        cls, problem: Problem, form_fields: Mapping[str, str], default_field: str | None = None
    ) -> "FormErrors":
        """The problem's errors beside their fields; its detail above the form when no
        field holds it, or beside `default_field` when it names none."""
        errors = cls()
        for error in problem.errors:
            errors.add(str(error.get("location", "")), str(error.get("message", "")), form_fields)
        if not problem.errors and default_field is not None:
            errors.fields[default_field] = problem.detail
        elif not errors.fields and problem.detail not in errors.general:
            errors.general.insert(0, problem.detail)
        return errors


def problem_of_invalid(invalid: ValidationError) -> Unprocessable:
    """A schema's refusal of the form's values as the service's 422 would name it."""
    return Unprocessable(
        "Some values are not valid.",
        errors=[
            {
                "location": ".".join(str(part) for part in error["loc"]),
                "message": error["msg"].removeprefix("Value error, "),
            }
            for error in invalid.errors()
        ],
    )


def attempt(session: Session, action: Callable[[], ResultT]) -> ResultT | Problem:
    """`action()`, or the problem it was refused with, its writes undone; what the person
    may not see is no form's problem but a page's (404)."""
    savepoint = session.begin_nested()
    try:
        result = action()
    except ValidationError as invalid:
        savepoint.rollback()
        return problem_of_invalid(invalid)
    except Problem as problem:
        savepoint.rollback()
        if isinstance(problem, NotFound):
            raise
        return problem
    savepoint.commit()
    return result


@cache
def _duration_pattern(hour_digits: int) -> re.Pattern[str]:
    hours = rf"\d{{1,{hour_digits}}}"
    return re.compile(rf"^(?:({hours}):([0-5]\d)|({hours}(?:[.,]\d{{1,2}})?))$")


def duration_minutes(text: str, hour_digits: int = DAY_HOUR_DIGITS) -> int | None:
    """Minutes of a duration typed as `1:30` or `1.5` (hours, of at most `hour_digits`
    digits); None when it reads as neither."""
    found = _duration_pattern(hour_digits).match(text.strip())
    if found is None:
        return None
    hours, minutes, decimal = found.groups()
    if decimal is not None:
        return round(Decimal(decimal.replace(",", ".")) * 60)
    return int(hours) * 60 + int(minutes)


def typed_minutes(
    text: str, location: str, unreadable: str, hour_digits: int = DAY_HOUR_DIGITS
) -> int:
    """As `duration_minutes`, refusing (422 at `location`) what reads as no duration."""
    minutes = duration_minutes(text, hour_digits)
    if minutes is None:
        raise Unprocessable.at(location, unreadable, unreadable)
    return minutes

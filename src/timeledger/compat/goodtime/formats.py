"""GoodTime's wire formats: JSON in and out (form fields accepted too), ids as UUID
strings, ISO 8601 date-times, and errors as `{"error": "..."}`."""

import re
import uuid
from datetime import date, datetime, time, timedelta
from typing import Any
from urllib.parse import parse_qsl
from zoneinfo import ZoneInfo

import orjson
from fastapi import Request, Response
from pydantic import BaseModel, ValidationError

from timeledger.kit.errors import BadRequest, Problem, Unprocessable
from timeledger.kit.jsonio import dump_json
from timeledger.kit.routing import MAX_ID

JSON_MEDIA_TYPE = "application/json; charset=utf-8"
TEXT_MEDIA_TYPE = "text/plain; charset=utf-8"
FORM_MEDIA_TYPE = "application/x-www-form-urlencoded"
MAX_FIELD_LENGTH = 10_000
_PLAIN_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

# Native names in problem details, as GoodTime names them.
VENDOR_NAMES = {
    "activity_id": "timetypeid",
    "project_id": "projectid",
    "started_at": "starttime",
    "ended_at": "endtime",
    "note": "comment",
    "user_id": "useremail",
}
_NATIVE_NAME = re.compile(r"\b(" + "|".join(VENDOR_NAMES) + r")\b")


def json_response(value: Any, status: int = 200) -> Response:
    return Response(dump_json(value), status_code=status, media_type=JSON_MEDIA_TYPE)


def text_response(text: str) -> Response:
    return Response(text, media_type=TEXT_MEDIA_TYPE)


def render_goodtime_problem(request: Request, problem: Problem) -> Response:
    """Every problem under /compat/goodtime as `{"error": "..."}` with its status."""
    headers = {
        name: value for name, value in problem.headers.items() if name.lower() != "www-authenticate"
    }
    if problem.status == 401:
        headers["WWW-Authenticate"] = 'Bearer realm="goodtime"'
    message = _NATIVE_NAME.sub(lambda match: VENDOR_NAMES[match.group(1)], problem.detail)
    return Response(
        dump_json({"error": message}),
        status_code=problem.status,
        media_type=JSON_MEDIA_TYPE,
        headers=headers,
    )


# Request fields


def _document(body: bytes, content_type: str) -> dict[str, Any]:
    if not body.strip():
        return {}
    if content_type.split(";")[0].strip().lower() == FORM_MEDIA_TYPE:
        try:
            return dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
        except (UnicodeDecodeError, ValueError):
            raise BadRequest("The form body is not valid UTF-8 form data.") from None
    try:
        document = orjson.loads(body)
    except orjson.JSONDecodeError:
        raise BadRequest("The body is not valid JSON.") from None
    if not isinstance(document, dict):
        raise BadRequest("The body must be a JSON object.")
    return document


async def request_fields(request: Request) -> dict[str, Any]:
    """The query parameters, overridden by the fields of a JSON object or form body."""
    body = await request.body()
    return {
        **request.query_params,
        **_document(body, request.headers.get("content-type", "")),
    }


def required_text(fields: dict[str, Any], name: str) -> str:
    value = optional_text(fields, name)
    if value is None:
        raise BadRequest(f"{name} is required.")
    return value


def optional_text(fields: dict[str, Any], name: str) -> str | None:
    """A string field, trimmed; None when missing, null or blank."""
    value = fields.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if not isinstance(value, str):
        raise BadRequest(f"{name} must be a string.")
    if len(value) > MAX_FIELD_LENGTH or "\x00" in value:
        raise BadRequest(f"{name} is not acceptable.")
    return value.strip()


def validated(model: type[BaseModel], values: dict[str, Any]) -> Any:
    """`values` as a native request model; a failure is the native 422."""
    try:
        return model.model_validate(values)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "body"
        raise Unprocessable.at(where, f"{where}: {first['msg']}", first["msg"]) from None


# Ids: GoodTime's ids are UUID strings; a Timeledger id n is the UUID whose integer is n.


def goodtime_id(native_id: int) -> str:
    return str(uuid.UUID(int=native_id))


def native_id(text: str) -> int | None:
    """The Timeledger id a GoodTime id names (a decimal id is accepted too), else None."""
    text = text.strip()
    if text.isascii() and text.isdigit() and len(text) <= 19:
        number = int(text)
    else:
        try:
            number = uuid.UUID(text).int
        except ValueError:
            return None
    return number if 1 <= number <= MAX_ID else None


# Date-times: ISO 8601, with or without offset (without: in the workspace's time zone).


def instant(text: str, name: str, timezone: str) -> datetime:
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise BadRequest(
            f"{name}: {text[:40]!r} is not an ISO 8601 date-time such as 2026-09-15T08:00:00."
        ) from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=ZoneInfo(timezone))
    if not 1 < value.year < 9999:
        raise BadRequest(f"{name}: {text[:40]!r} lies outside the years 2 to 9998.")
    return value


def _bound(text: str, name: str, timezone: str, *, end: bool) -> tuple[date, datetime]:
    """The local day a `start` or `end` names, and the instant it stands for. A date names
    itself (both inclusive); a date-time the day it falls on, except that `end` is
    exclusive (an `end` at midnight names the day before)."""
    zone = ZoneInfo(timezone)
    if _PLAIN_DATE.match(text):
        try:
            day = date.fromisoformat(text)
        except ValueError:
            raise BadRequest(f"{name}: {text!r} is not a date.") from None
        if not 1 < day.year < 9999:
            raise BadRequest(f"{name}: {text!r} lies outside the years 2 to 9998.")
        point = datetime.combine(day + timedelta(days=1 if end else 0), time(), tzinfo=zone)
        return day, point
    point = instant(text, name, timezone).astimezone(zone)
    return (point - timedelta(microseconds=1) if end else point).date(), point


def day_window(start: str, end: str, timezone: str) -> tuple[date, date] | None:
    """The local days the window from `start` to `end` overlaps; None for an empty
    window (start and end the same instant)."""
    first, start_point = _bound(start, "start", timezone, end=False)
    last, end_point = _bound(end, "end", timezone, end=True)
    if end_point < start_point:
        raise BadRequest("end lies before start.")
    return (first, last) if end_point > start_point else None


def rendered(value: datetime, timezone: str) -> str:
    return value.astimezone(ZoneInfo(timezone)).isoformat(timespec="seconds")

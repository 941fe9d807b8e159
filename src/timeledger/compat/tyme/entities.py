"""Tyme's writes of single objects: `POST /data/update_entity` (create or update one
object) and `DELETE /data/entity` (delete objects by id, with everything under them), in
the request's one transaction (see `changes.py`)."""

from typing import Annotated, Any, Literal

import orjson
from fastapi import Request, Response

from timeledger.access.caller import Caller
from timeledger.compat.tyme.changes import apply_update, delete_object
from timeledger.compat.tyme.ids import TymeIds
from timeledger.compat.tyme.wire import TymeAllowed, json_response, tyme_router
from timeledger.kit.errors import BadRequest
from timeledger.kit.routing import RawBody
from timeledger.kit.uow import UnitOfWork

entities = tyme_router()

WRITE = "timesheet:write:own"
"""What writing any object needs; each object needs its own besides (the services check:
`projects:create|update|delete:*` for the catalog, the timesheet scope reaching the
record's member)."""
MAX_IDS = 1000
ID_GROUPS: tuple[tuple[str, Literal["project", "time"]], ...] = (
    ("time_ids", "time"),
    ("project_ids", "project"),
)
"""Deleted in this order: time records, then what they may be booked on."""
SUCCESS = {"status": "success"}


def _document(body: bytes) -> dict[str, Any]:
    try:
        document = orjson.loads(body)
    except orjson.JSONDecodeError:
        raise BadRequest("The body must be a JSON object.") from None
    if not isinstance(document, dict):
        raise BadRequest("The body must be a JSON object.")
    return document


def _deletions(request: Request, body: bytes) -> dict[str, list[str]]:
    """The ids of each group: the body's array, then the query's `group[]` and `group`."""
    document = _document(body) if body.strip() else {}
    found: dict[str, list[str]] = {}
    for group, _ in ID_GROUPS:
        sent = document.get(group, [])
        if not isinstance(sent, list):
            raise BadRequest(f"{group} must be an array of ids.")
        sent += request.query_params.getlist(f"{group}[]") + request.query_params.getlist(group)
        for index, tyme_id in enumerate(sent):
            if not isinstance(tyme_id, str) or not tyme_id:
                raise BadRequest(f"{group}[{index}] must be an id (a non-empty string).")
        found[group] = sent
    return found


@entities.post("/data/update_entity")
def update_entity(
    body: RawBody, session: UnitOfWork, caller: Annotated[Caller, TymeAllowed(WRITE)]
) -> Response:
    """Create or update one object from its Tyme JSON; the answer names its id (the one
    sent, or the one Timeledger shows it under)."""
    ids = TymeIds(session)
    ref = apply_update(session, caller, ids, _document(body), "")
    return json_response({**SUCCESS, "id": ids.shown_one(ref.entity, ref.id)})


@entities.delete("/data/entity")
def delete_entities(
    request: Request,
    body: RawBody,
    session: UnitOfWork,
    caller: Annotated[Caller, TymeAllowed(WRITE)],
) -> Response:
    """Delete what the ids name (in the body or the query), all or nothing."""
    groups = _deletions(request, body)
    count = sum(len(ids) for ids in groups.values())
    if not 1 <= count <= MAX_IDS:
        raise BadRequest(f"Send 1 to {MAX_IDS} ids in project_ids and time_ids; {count} came.")
    ids = TymeIds(session)
    for group, kind in ID_GROUPS:
        for index, tyme_id in enumerate(groups[group]):
            delete_object(session, caller, ids, tyme_id, kind, f"{group}[{index}]")
    return json_response(SUCCESS)

"""Tyme's two-way sync, `POST /v1/sync`: the client's changes are applied through the
ordinary services in the request's one transaction (a bad item refuses the request and
nothing is applied), then the client gets every change it has not seen since its
revision, in the same four groups, and the revision to send next time.

A revision is `2.<head>.<entity>.<id>`: the change-log revision the client has seen, and,
while its first full copy is still arriving, the kind of object (the index in
`FIRST_COPY_ORDER`) and the id the copy has reached. Tyme's initial `1.1.1.1` asks for
the full copy. An answer holds at most `MAX_OBJECTS` objects; `has_more` says the client
should sync again at once.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Literal

import orjson
from fastapi import Response
from sqlalchemy.orm import Session

from timeledger.access.caller import Caller
from timeledger.access.permissions import Scope
from timeledger.changelog.service import head_revision, recorded_revisions
from timeledger.compat.tyme.changes import Gone, apply_update, delete_object
from timeledger.compat.tyme.ids import CUSTOMER, ENTRY, PROJECT, TASK, NativeRef, TymeIds
from timeledger.compat.tyme.objects import render
from timeledger.compat.tyme.wire import TymeAllowed, json_response, tyme_router
from timeledger.entries.service import every_entry_id_after
from timeledger.events.audience import Audience
from timeledger.events.catalog import TypeFilter
from timeledger.events.service import SCAN_WINDOW, visible_changes
from timeledger.kit.errors import BadRequest
from timeledger.kit.routing import RawBody
from timeledger.kit.uow import UnitOfWork
from timeledger.projects.service import CUSTOMERS, PROJECTS, TASKS
from timeledger.settings.store import ConfigKind

sync = tyme_router()

INITIAL_REVISION = "1.1.1.1"
REVISION = re.compile(r"^2\.([0-9]{1,18})\.([0-4])\.([0-9]{1,18})$")
FIRST_COPY_ORDER = (CUSTOMER, PROJECT, TASK, ENTRY)
COPIED = len(FIRST_COPY_ORDER)
MAX_ITEMS = 1000
"""Items per group of a request."""
MAX_OBJECTS = 1000
"""Objects (updated or deleted) per answer."""
SYNCED = TypeFilter(frozenset(FIRST_COPY_ORDER), frozenset())
UPDATE_GROUPS = ("project_updates", "time_updates")
DELETION_GROUPS: tuple[tuple[str, Literal["project", "time"]], ...] = (
    ("time_deletions", "time"),
    ("project_deletions", "project"),
)
PARENTS_FIRST = {"ProjectCategory": 0, "Project": 1, "TimedTask": 2, "TimedSubTask": 3}
CONFIG_KINDS: dict[str, ConfigKind[Any, Any]] = {
    CUSTOMER: CUSTOMERS,
    PROJECT: PROJECTS,
    TASK: TASKS,
}


@dataclass(frozen=True)
class Position:
    """What a client has: the change log through `head`, and, while its first full copy
    is still arriving, the objects of `FIRST_COPY_ORDER[entity]` up to `after_id`."""

    head: int
    entity: int = COPIED
    after_id: int = 0

    @property
    def text(self) -> str:
        return f"2.{self.head}.{self.entity}.{self.after_id}"


@dataclass
class SyncRequest:
    revision: str
    project_updates: list[dict[str, Any]]
    time_updates: list[dict[str, Any]]
    project_deletions: list[str]
    time_deletions: list[str]


@dataclass
class Outgoing:
    """The objects an answer carries, and the position the client reaches with them."""

    refs: list[NativeRef]
    reached: Position
    has_more: bool


def _list(document: dict[str, Any], group: str) -> list[Any]:
    items = document.get(group, [])
    if not isinstance(items, list):
        raise BadRequest(f"{group} must be an array.")
    if len(items) > MAX_ITEMS:
        raise BadRequest(f"{group} holds at most {MAX_ITEMS} items; sync the rest next time.")
    return items


def _deletion_ids(document: dict[str, Any], group: str) -> list[str]:
    ids = _list(document, group)
    for index, tyme_id in enumerate(ids):
        if not isinstance(tyme_id, str) or not tyme_id:
            raise BadRequest(f"{group}[{index}] must be an id (a string).")
    return ids


def _updates(document: dict[str, Any], group: str) -> list[dict[str, Any]]:
    items = _list(document, group)
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            raise BadRequest(f"{group}[{index}] must be an object.")
    return items


def parsed_request(body: bytes) -> SyncRequest:
    try:
        document = orjson.loads(body)
    except orjson.JSONDecodeError:
        raise BadRequest("The body must be a JSON object.") from None
    if not isinstance(document, dict):
        raise BadRequest("The body must be a JSON object.")
    revision = document.get("revision")
    if not isinstance(revision, str) or not revision:
        raise BadRequest(f"revision is missing: send {INITIAL_REVISION!r} the first time.")
    return SyncRequest(
        revision=revision,
        project_updates=_updates(document, "project_updates"),
        time_updates=_updates(document, "time_updates"),
        project_deletions=_deletion_ids(document, "project_deletions"),
        time_deletions=_deletion_ids(document, "time_deletions"),
    )


def parsed_revision(revision: str, head: int) -> Position | None:
    """The client's position, or None when it asks for the full copy."""
    if revision == INITIAL_REVISION:
        return None
    match = REVISION.match(revision)
    if match is None or int(match.group(1)) > head:
        raise BadRequest(
            f"revision {revision[:40]!r} is not one this server gave; sync from "
            f"{INITIAL_REVISION!r} to get a full copy."
        )
    return Position(int(match.group(1)), int(match.group(2)), int(match.group(3)))


def _applied(
    session: Session, caller: Caller, ids: TymeIds, request: SyncRequest
) -> set[NativeRef]:
    """Apply the client's changes, parents before children; answers the objects written."""
    written: set[NativeRef] = set()
    project_updates = sorted(
        enumerate(request.project_updates),
        key=lambda indexed: PARENTS_FIRST.get(str(indexed[1].get("type")), len(PARENTS_FIRST)),
    )
    updates = [(f"project_updates[{index}]", item) for index, item in project_updates] + [
        (f"time_updates[{index}]", item) for index, item in enumerate(request.time_updates)
    ]
    for where, item in updates:
        try:
            with session.begin_nested():
                written.add(apply_update(session, caller, ids, item, where))
        except Gone:
            # Deleted meanwhile by someone else: the deletion wins, and reaches this
            # client with the answer.
            continue
    for group, kind in DELETION_GROUPS:
        for index, tyme_id in enumerate(getattr(request, group)):
            deleted = delete_object(session, caller, ids, tyme_id, kind, f"{group}[{index}]")
            if deleted is not None:
                written.add(deleted)
    return written


def _live_ids(
    session: Session, caller: Caller, entity: str, after_id: int, limit: int
) -> list[int]:
    if entity == ENTRY:
        return every_entry_id_after(session, caller, after_id, limit)
    if caller.scope_for("projects", "read") is not Scope.ALL:
        return []
    return CONFIG_KINDS[entity].live_ids_after(session, after_id, limit)


def first_copy(
    session: Session, caller: Caller, position: Position, written: set[NativeRef]
) -> Outgoing:
    """The next part of the full copy: objects in `FIRST_COPY_ORDER`, each kind by id."""
    refs: list[NativeRef] = []
    entity, after_id = position.entity, position.after_id
    while entity < COPIED and len(refs) < MAX_OBJECTS:
        wanted = MAX_OBJECTS - len(refs)
        found = _live_ids(session, caller, FIRST_COPY_ORDER[entity], after_id, wanted)
        refs += [NativeRef(FIRST_COPY_ORDER[entity], each) for each in found]
        if len(found) < wanted:
            entity, after_id = entity + 1, 0
        else:
            after_id = found[-1]
    reached = Position(position.head, entity, after_id)
    return Outgoing([ref for ref in refs if ref not in written], reached, entity < COPIED)


def changes_since(session: Session, caller: Caller, after: int, own: set[int]) -> Outgoing:
    """The objects changed after revision `after` that the caller may read, each once,
    except those whose latest change is this request's own."""
    head = head_revision(session, caller.workspace_id)
    audience = Audience(session, caller)
    latest_is_own: dict[NativeRef, bool] = {}
    reached = after
    while reached < head:
        changes, next_after, _ = visible_changes(session, audience, reached, SYNCED, SCAN_WINDOW)
        for change in changes:
            ref = NativeRef(change.entity, change.entity_id)
            if ref not in latest_is_own and len(latest_is_own) == MAX_OBJECTS:
                reached = change.revision - 1
                refs = [each for each, is_own in latest_is_own.items() if not is_own]
                return Outgoing(refs, Position(reached), True)
            latest_is_own[ref] = change.revision in own
        reached = next_after
    refs = [each for each, is_own in latest_is_own.items() if not is_own]
    return Outgoing(refs, Position(head), False)


def _answer(session: Session, ids: TymeIds, outgoing: Outgoing) -> dict[str, Any]:
    """The four groups: parents before children among the updates, children before
    parents among the deletions, so a client can apply them in order."""
    objects = render(session, outgoing.refs)
    present = [objects[ref] for ref in outgoing.refs if ref in objects]
    gone = [ref for ref in outgoing.refs if ref not in objects]
    return {
        "project_updates": sorted(
            (each for each in present if each["type"] in PARENTS_FIRST),
            key=lambda each: PARENTS_FIRST[each["type"]],
        ),
        "project_deletions": _shown(ids, [ref for ref in gone if ref.entity != ENTRY]),
        "time_updates": [each for each in present if each["type"] not in PARENTS_FIRST],
        "time_deletions": _shown(ids, [ref for ref in gone if ref.entity == ENTRY]),
        "revision": outgoing.reached.text,
        "has_more": outgoing.has_more,
    }


def _shown(ids: TymeIds, refs: Sequence[NativeRef]) -> list[str]:
    shown: list[str] = []
    for entity in reversed(FIRST_COPY_ORDER):
        of_entity = [ref.id for ref in refs if ref.entity == entity]
        by_id = ids.shown(entity, of_entity)
        shown += [by_id[each] for each in of_entity]
    return shown


@sync.post("/v1/sync")
def sync_changes(
    body: RawBody, session: UnitOfWork, caller: Annotated[Caller, TymeAllowed("timesheet:read:*")]
) -> Response:
    """Apply the client's changes, answer what it has not seen, and its next revision."""
    request = parsed_request(body)
    position = parsed_revision(request.revision, head_revision(session, caller.workspace_id))
    ids = TymeIds(session)
    before = len(recorded_revisions(session))
    written = _applied(session, caller, ids, request)
    own = set(recorded_revisions(session)[before:])
    if position is None:
        position = Position(head_revision(session, caller.workspace_id), 0, 0)
    if position.entity < COPIED:
        outgoing = first_copy(session, caller, position, written)
    else:
        outgoing = changes_since(session, caller, position.head, own)
    return json_response(_answer(session, ids, outgoing))

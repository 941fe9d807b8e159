"""Tyme's ids. Tyme's apps make the ids of what they create (UUIDs such as
`D16DB305-DACB-471E-833F-29330C913E45-46205-00000AB867F3D867`) and name categories,
projects, tasks and subtasks in one list of ids, so an id must say which object it is:

- an object a Tyme client created keeps the id the client gave it (`external_ids`);
- any other object is shown as `tl-<entity>-<native id>` (`tl-project-12`), which no
  client may give a new object.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from timeledger.external_ids.repository import ExternalIdRepository
from timeledger.kit.errors import BadRequest
from timeledger.kit.routing import MAX_ID

SOURCE = "tyme"
CUSTOMER = "customer"
PROJECT = "project"
TASK = "task"
ENTRY = "entry"
ENTITIES = (CUSTOMER, PROJECT, TASK, ENTRY)
"""The native entities behind Tyme's objects, named as the change log names them:
categories are customers, tasks and subtasks are tasks, time records and non-working
records are entries."""

NATIVE_PREFIX = "tl-"
NATIVE_ID = re.compile(r"^tl-(customer|project|task|entry)-([1-9][0-9]{0,17})$")
CLIENT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$")


@dataclass(frozen=True)
class NativeRef:
    """The native object a Tyme id names."""

    entity: str
    id: int


def native_form(entity: str, native_id: int) -> str:
    return f"{NATIVE_PREFIX}{entity}-{native_id}"


def parsed_native_form(tyme_id: str) -> NativeRef | None:
    match = NATIVE_ID.match(tyme_id)
    if match is None or int(match.group(2)) > MAX_ID:
        return None
    return NativeRef(match.group(1), int(match.group(2)))


def check_client_id(tyme_id: str, field: str) -> None:
    """400 for an id no client may give a new object."""
    if tyme_id.startswith(NATIVE_PREFIX):
        raise BadRequest(
            f"{field}: {tyme_id[:40]!r} names no object; ids beginning {NATIVE_PREFIX!r} "
            "are Timeledger's own."
        )
    if not CLIENT_ID.match(tyme_id):
        raise BadRequest(
            f"{field}: an id is 1 to 100 letters, digits and '.', '_', ':', '-', beginning "
            "with a letter or digit."
        )


class TymeIds:
    """The ids of one workspace's objects as Tyme shows them and as clients send them
    (the session is scoped to the workspace)."""

    def __init__(self, session: Session) -> None:
        self.given = ExternalIdRepository(session, SOURCE)

    def shown(self, entity: str, native_ids: Iterable[int]) -> dict[int, str]:
        """The Tyme id of each object: the one its client gave it, else its native form."""
        wanted = set(native_ids)
        given = self.given.of_objects(entity, wanted)
        return {each: given.get(each) or native_form(entity, each) for each in wanted}

    def shown_one(self, entity: str, native_id: int) -> str:
        return self.shown(entity, [native_id])[native_id]

    def resolved(self, tyme_id: str) -> NativeRef | None:
        """The object an id names (whether or not it still exists), or None for an id
        nobody has given an object yet."""
        native = parsed_native_form(tyme_id)
        if native is not None:
            return native
        found = self.given.object_of(tyme_id)
        return NativeRef(*found) if found is not None else None

    def give(self, tyme_id: str, entity: str, native_id: int) -> None:
        """Record the id a client gave the object it just created."""
        self.given.add(tyme_id, entity, native_id)

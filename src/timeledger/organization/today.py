"""Today in a workspace's time zone: the default `as_of` and `effective_from` of reads;
and the other basics of the workspace most reads need."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key

from timeledger.kit.clock import utcnow
from timeledger.kit.kept import KeptAnswers
from timeledger.kit.prepared import PreparedQuery, rows_in_session
from timeledger.kit.timeutil import local_date
from timeledger.models import Workspace

BASICS_KEY = "workspace_basics"
WORKSPACES = Workspace.__table__
BASICS_OF_WORKSPACE = PreparedQuery(
    select(WORKSPACES.c.timezone, WORKSPACES.c.currency, WORKSPACES.c.week_start).where(
        WORKSPACES.c.id == bindparam("workspace_id")
    )
)


@dataclass(frozen=True)
class WorkspaceBasics:
    timezone: str
    currency: str
    week_start: int
    """ISO weekday the week starts on (1=Monday)."""


BASICS = KeptAnswers([Workspace.__tablename__])
"""Read by nearly every request (today's date), changed by an administrator now and then:
kept between requests, a round trip saved on PostgreSQL."""


def workspace_basics(session: Session, workspace_id: int) -> WorkspaceBasics | None:
    """The workspace's zone, currency and week start: read once per session with one
    prepared statement (loading the workspace took a quarter of a short read), and kept
    between requests (`BASICS`). A workspace the session holds answers for itself, changes
    not yet flushed included. None when there is no such workspace."""
    loaded = session.identity_map.get(identity_key(Workspace, workspace_id))
    if loaded is not None:
        return WorkspaceBasics(loaded.timezone, loaded.currency, loaded.week_start)
    remembered: dict[int, WorkspaceBasics | None] = session.info.setdefault(BASICS_KEY, {})
    if workspace_id not in remembered:

        def read() -> WorkspaceBasics | None:
            found = rows_in_session(session, BASICS_OF_WORKSPACE, workspace_id=workspace_id)
            return WorkspaceBasics(*found[0]) if found else None

        remembered[workspace_id] = BASICS.answer(session, workspace_id, read)
    return remembered[workspace_id]


def workspace_today(session: Session, workspace_id: int) -> date:
    """Today in the workspace's time zone: the default `as_of` and `effective_from`."""
    basics = workspace_basics(session, workspace_id)
    return local_date(utcnow(), basics.timezone if basics is not None else "UTC")

"""Today in a workspace's time zone: the default `as_of` and `effective_from` of reads."""

from datetime import date

from sqlalchemy.orm import Session

from timeledger.kit.clock import utcnow
from timeledger.kit.timeutil import local_date
from timeledger.models import Workspace


def workspace_today(session: Session, workspace_id: int) -> date:
    """Today in the workspace's time zone: the default `as_of` and `effective_from`."""
    workspace = session.get(Workspace, workspace_id)
    timezone = workspace.timezone if workspace is not None else "UTC"
    return local_date(utcnow(), timezone)

from sqlalchemy import select
from sqlalchemy.orm import Session

from timeledger.models import Workspace


class WorkspaceRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, workspace_id: int) -> Workspace | None:
        return self.session.get(Workspace, workspace_id)

    def all_ids(self) -> list[int]:
        return list(self.session.scalars(select(Workspace.id).order_by(Workspace.id)))

    def by_name(self, name: str) -> Workspace | None:
        return self.session.scalars(select(Workspace).where(Workspace.name == name)).one_or_none()

    def add(self, workspace: Workspace) -> Workspace:
        self.session.add(workspace)
        self.session.flush()
        return workspace

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field


class AuditEventRead(BaseModel):
    id: int
    at: datetime
    action: str
    outcome: str
    actor_user_id: int | None
    credential: str | None
    client_address: str | None
    target_type: str | None
    target_id: int | None
    detail: dict[str, Any]


class DeletedRead(BaseModel):
    """A soft-deleted entity; `POST /api/admin/deleted/{entity}/{id}/restore` undoes it."""

    entity: str = Field(description="Kind of entity, e.g. `activity` or `employee`.")
    id: int
    key: str | None
    name: str = Field(description="Its name in its last version.")
    deleted_at: datetime

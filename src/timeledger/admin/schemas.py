from datetime import datetime
from typing import Any

from pydantic import BaseModel


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

"""Shared shape of effective-dated configuration: an entity row and its versions."""

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from timeledger.kit.model import IdMixin, TenantMixin


class ConfigEntity(IdMixin, TenantMixin):
    """The lasting identity of a configuration entity; its values live in versions.

    `key` is an optional stable code unique per workspace and kind (for example the McTime
    time type `vacation` of an activity), for integrations that must not depend on ids.
    """

    key: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    deleted_at: Mapped[datetime | None]
    row_version: Mapped[int] = mapped_column(default=1)

"""Ids other systems gave Timeledger's objects."""

from sqlalchemy import String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from timeledger.kit.model import Base, Identifier, IdMixin, TenantMixin


class ExternalId(IdMixin, TenantMixin, Base):
    """The id a source (a Tyme client, whose apps make their own ids) gave an object it
    created. Kept after the object is deleted, so that the deletion can be told to the
    source under the id it knows."""

    __tablename__ = "external_ids"
    __table_args__ = (
        UniqueConstraint("workspace_id", "source", "external_id"),
        UniqueConstraint("workspace_id", "source", "entity", "native_id"),
    )

    source: Mapped[str] = mapped_column(String(16), comment="tyme")
    external_id: Mapped[str] = mapped_column(String(100))
    entity: Mapped[str] = mapped_column(
        String(16), comment="The change log's name of the entity: customer, project, task, entry."
    )
    native_id: Mapped[int] = mapped_column(Identifier)

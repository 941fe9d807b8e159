"""Declarative base, column types and mixins every model uses."""

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Integer, MetaData, TypeDecorator, event
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, QueryContext, declared_attr, mapped_column
from sqlalchemy.sql.type_api import _ResultProcessorType

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# SQLite only aliases the rowid (and so auto-increments) for a column typed exactly INTEGER.
Identifier = BigInteger().with_variant(Integer(), "sqlite")
JsonDocument = JSON().with_variant(JSONB(), "postgresql")

MICROSECONDS = 1_000_000


class EpochInstant(TypeDecorator[datetime]):
    """A timezone-aware instant stored as integer microseconds since the Unix epoch.

    Integers index, sort and aggregate faster and smaller than ISO text on SQLite, and the
    same on PostgreSQL; values come back as UTC datetimes.
    """

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> int | None:
        if value is None:
            return None
        return epoch_micros(value)

    def process_result_value(self, value: int | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return from_epoch_micros(value)

    def result_processor(
        self, dialect: Dialect, coltype: object
    ) -> _ResultProcessorType[datetime] | None:
        """One call per value where the driver hands the integer over as it is (both
        engines), instead of TypeDecorator's three: an entry list reads about four
        instants a row, and the calls around the conversion cost as much as it does."""
        if self.impl_instance.result_processor(dialect, coltype) is not None:
            return super().result_processor(dialect, coltype)
        return _instant_or_none


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def epoch_micros(value: datetime) -> int:
    """`value` as `EpochInstant` stores it."""
    if value.tzinfo is None:
        raise ValueError("naive datetimes cannot be stored; attach a time zone")
    delta = value - EPOCH
    return (delta.days * 86_400 + delta.seconds) * MICROSECONDS + delta.microseconds


def from_epoch_micros(value: int) -> datetime:
    return EPOCH + timedelta(0, 0, value)


def _instant_or_none(value: int | None) -> datetime | None:
    return None if value is None else EPOCH + timedelta(0, 0, value)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: dict[Any, Any] = {datetime: EpochInstant}


class IdMixin:
    id: Mapped[int] = mapped_column(Identifier, primary_key=True, autoincrement=True)


class TenantMixin:
    """Marks a table as tenant data: every row belongs to one workspace.

    Sessions opened for a workspace filter every ORM query on tenant models by it
    (see kit.tenancy), so scoping cannot be forgotten in a repository.
    """

    @declared_attr
    def workspace_id(cls) -> Mapped[int]:  # noqa: N805
        return mapped_column(
            Identifier, ForeignKey("workspaces.id", ondelete="CASCADE"), index=True, nullable=False
        )


PINNED_KEY = "pinned"


class PinnedInSession:
    """Marks a model a unit of work reads by id again and again (the workspace, the
    employee a request is about). A session's identity map holds objects weakly: once the
    code that loaded one drops it, the next `Session.get` reads the row again (measured:
    four reads of the same workspace in one clock-out). Loading one pins it to its session
    until the session closes."""


@event.listens_for(PinnedInSession, "load", propagate=True)
def _pin_to_session(target: PinnedInSession, context: QueryContext) -> None:
    context.session.info.setdefault(PINNED_KEY, []).append(target)

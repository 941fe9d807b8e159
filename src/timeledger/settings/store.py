"""One kind of effective-dated configuration entity: a lasting entity row (id, key, soft
delete, ETag) and its versions (effective_from, values), built on kit.versioning.

Each kind (activities, reasons, projects, ...) describes itself once as a `ConfigKind`
and gets creation, as-of reads and lists, new versions, history and soft delete with the
same rules: a version never takes effect before the entity's creation, a stored version is
never rewritten, and an entity still referred to is not deleted (409 naming who refers).
The kind's own rules plug in as `normalize` (the stored form of a version's values),
`validate` (values of a version, on the date it takes effect) and `referrers` (who still
refers to an entity). A restore undoes a soft delete after checking the current and later
versions again with `validate`.
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Generic, TypeVar

from sqlalchemy import Date, Select, bindparam, false, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from timeledger.changelog.service import ChangeOf, record_change, record_changes
from timeledger.kit.clock import utcnow
from timeledger.kit.errors import Conflict, NotFound, Unprocessable
from timeledger.kit.etag import etag_for
from timeledger.kit.versioning import VersionHistory, VersionMixin
from timeledger.models.configuration import ConfigEntity

EntityT = TypeVar("EntityT", bound=ConfigEntity)
VersionT = TypeVar("VersionT", bound=VersionMixin)

IfMatch = Callable[[str], None]
Validator = Callable[[Session, dict[str, Any], date, int | None], None]
"""Checks the complete values of a version taking effect on a date, for the entity with
this id (None while it is being created); raises a Problem (422) naming the bad field."""
Normalizer = Callable[[dict[str, Any]], dict[str, Any]]
"""The complete values of a version as they are stored (for example plugin configs with
their defaults filled in); raises a Problem (422) naming a field it cannot read."""
Referrers = Callable[[Session, int, date], list[str]]
"""Describes what still refers to the entity with this id on or after a date."""


@dataclass(frozen=True)
class Actor:
    """Who writes, for the change log: the workspace and the user (None for the system)."""

    workspace_id: int
    user_id: int | None


@dataclass(frozen=True)
class NewEntity:
    """One entity for `ConfigKind.create_many`: its first version's values, its key and
    any further columns of the entity row."""

    values: dict[str, Any]
    key: str | None = None
    extra: dict[str, Any] | None = None


@dataclass
class Versioned(Generic[EntityT, VersionT]):
    """An entity with the version in force on the date it was read for."""

    entity: EntityT
    version: VersionT


def contains_text(column: Any, text: str) -> Any:
    """`column` contains `text` literally, case-insensitively (`%`, `_` match themselves)."""
    return contains_pattern(column, contains_pattern_of(text))


def contains_pattern_of(text: str) -> str:
    """The pattern of `contains_pattern` finding `text`."""
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def contains_pattern(column: Any, pattern: Any) -> Any:
    """`column` matches `pattern` (`contains_pattern_of`, or a parameter taking one),
    case-insensitively."""
    return func.lower(column).like(pattern, escape="\\")


def ids_effective_on(
    session: Session, kind: "ConfigKind[Any, Any]", ids: Iterable[int], day: date
) -> set[int]:
    """Those of `ids` naming live entities of `kind` with a version in force on `day`."""
    wanted = set(ids)
    if not wanted:
        return set()
    parameters = {"ids": sorted(wanted), "day": day}
    return set(session.scalars(kind.effective_ids, parameters))


def require_effective(
    session: Session,
    kind: "ConfigKind[Any, Any]",
    ids: Sequence[int],
    day: date,
    *,
    location: str,
) -> None:
    """422 naming the first of `ids` that is not a live `kind` effective on `day`."""
    found = ids_effective_on(session, kind, ids, day)
    for reference in ids:
        if reference not in found:
            raise Unprocessable(
                f"{location.removeprefix('body.')} refers to {kind.label} {reference}, which "
                f"does not exist or is not effective on {day}.",
                errors=[
                    {
                        "location": location,
                        "message": f"{kind.label} {reference} not effective on {day}",
                    }
                ],
            )


@dataclass
class ConfigKind(Generic[EntityT, VersionT]):
    """How one kind of configuration entity is stored, checked and logged."""

    name: str
    """Entity name in the change log and ETags, e.g. `activity`."""
    label: str
    """How problems name it, e.g. `activity`, `holiday calendar`."""
    entity_model: type[EntityT]
    version_model: type[VersionT]
    owner_column: InstrumentedAttribute[int]
    fields: tuple[str, ...]
    """The versioned value columns."""
    nullable: frozenset[str] = frozenset()
    """Value fields an update may set to null; null for any other field means "unchanged"."""
    normalize: Normalizer | None = None
    """Applied to the complete values of a new version (created, or merged by an update)
    before `validate`; stored versions are taken as they are."""
    validate: Validator | None = None
    referrers: Referrers | None = None
    history: VersionHistory[VersionT] = field(init=False)
    effective_ids: Select[Any] = field(init=False)
    """Those of `ids` naming live entities with a version in force on `day` (see
    `ids_effective_on`); built once with parameters: building it and its cache key took
    thirty times the query."""
    entities_by_id: Select[Any] = field(init=False)
    """The entities of `ids`, for `entities_of`: built once, as `effective_ids`."""

    def __post_init__(self) -> None:
        self.history = VersionHistory(self.version_model, self.owner_column)
        owner = self.owner_column
        entity: Any = self.entity_model
        self.effective_ids = (
            select(owner)
            .join(entity, owner == entity.id)
            .where(
                owner.in_(bindparam("ids", expanding=True)),
                entity.deleted_at.is_(None),
                self.history.in_force_on(bindparam("day", type_=Date())),
            )
        )
        self.entities_by_id = select(entity).where(entity.id.in_(bindparam("ids", expanding=True)))

    # Reading

    def etag(self, entity: EntityT) -> str:
        return etag_for(self.name, entity.id, entity.row_version)

    def get(self, session: Session, entity_id: int) -> EntityT:
        """The live entity (the session scopes it to the workspace), else 404."""
        entity = session.get(self.entity_model, entity_id)
        if entity is None or entity.deleted_at is not None:
            raise NotFound(f"No {self.label} with id {entity_id}.")
        return entity

    def as_of(self, session: Session, entity_id: int, day: date) -> Versioned[EntityT, VersionT]:
        """The entity with its version in force on `day`; 404 before its creation."""
        entity = self.get(session, entity_id)
        version = self.history.as_of(session, entity.id, day)
        if version is None:
            created = self.history.first_effective_date(session, entity.id)
            raise NotFound(
                f"{self.label.capitalize()} {entity_id} is not effective on {day}; it takes "
                f"effect on {created}."
            )
        return Versioned(entity, version)

    def in_force(self, day: date) -> Select[Any]:
        """Versions in force on `day` of the live entities: filter it and page it with
        `fetch_page(..., id_column=<owner column>)`."""
        return (
            select(self.version_model)
            .join(self.entity_model, self.owner_column == self.entity_model.id)
            .where(self.entity_model.deleted_at.is_(None), self.history.in_force_on(day))
        )

    def matching(
        self,
        statement: Select[Any],
        *,
        archived: bool | None = None,
        name_contains: str | None = None,
    ) -> Select[Any]:
        """`statement` (over this kind's versions) narrowed to archived or live ones and to
        names containing a text (case-insensitive, `%` and `_` literal). A kind without an
        archived flag never archives: `archived=True` finds nothing."""
        version_model: Any = self.version_model
        if archived is not None:
            flag = getattr(version_model, "archived", None)
            if flag is not None:
                statement = statement.where(flag == archived)
            elif archived:
                statement = statement.where(false())
        if name_contains:
            statement = statement.where(contains_text(version_model.name, name_contains))
        return statement

    def by_name(self) -> tuple[Any, ...]:
        """The order of lists sorted by name."""
        version_model: Any = self.version_model
        return version_model.name, self.owner_column

    def in_force_from(self, session: Session, day: date) -> list[VersionT]:
        """Every version of a live entity in force on `day` or taking effect later: what
        an entity's references are checked against before it goes away."""
        later = (
            select(self.version_model)
            .join(self.entity_model, self.owner_column == self.entity_model.id)
            .where(
                self.entity_model.deleted_at.is_(None),
                self.version_model.effective_from > day,
            )
        )
        current: list[VersionT] = list(session.scalars(self.in_force(day)))
        return current + list(session.scalars(later))

    def entities_of(self, session: Session, versions: Sequence[VersionT]) -> dict[int, EntityT]:
        ids = {getattr(version, self.owner_column.key) for version in versions}
        if not ids:
            return {}
        rows = session.scalars(self.entities_by_id, {"ids": sorted(ids)})
        return {row.id: row for row in rows}

    def live_as_of(
        self, session: Session, ids: Iterable[int], day: date
    ) -> dict[int, Versioned[EntityT, VersionT]]:
        """The live entities among `ids`, each with its version in force on `day`, or, for
        one taking effect later, the version it takes effect with: three queries however
        many entities."""
        wanted = sorted(set(ids))
        if not wanted:
            return {}
        entity_model: Any = self.entity_model
        entities: dict[int, EntityT] = {
            row.id: row
            for row in session.scalars(
                select(entity_model).where(
                    entity_model.id.in_(wanted), entity_model.deleted_at.is_(None)
                )
            )
        }
        versions = self.history.in_force_for(session, sorted(entities), day)
        later = sorted(set(entities) - set(versions))
        if later:
            owner = self.owner_column
            version_model: Any = self.version_model
            first_ones = session.scalars(
                select(version_model)
                .where(owner.in_(later))
                .order_by(owner, version_model.effective_from, version_model.id.desc())
            )
            for version in first_ones:
                versions.setdefault(getattr(version, owner.key), version)
        return {
            entity_id: Versioned(entity, versions[entity_id])
            for entity_id, entity in entities.items()
            if entity_id in versions
        }

    def live_ids_after(self, session: Session, after_id: int, limit: int) -> list[int]:
        """The ids of live entities above `after_id`, ascending: a whole kind read a page at
        a time."""
        entity: Any = self.entity_model
        return list(
            session.scalars(
                select(entity.id)
                .where(entity.deleted_at.is_(None), entity.id > after_id)
                .order_by(entity.id)
                .limit(limit)
            )
        )

    def by_key(self, session: Session, key: str) -> EntityT | None:
        entity = session.scalar(select(self.entity_model).where(self.entity_model.key == key))
        return entity if entity is not None and entity.deleted_at is None else None

    def ids_by_key(self, session: Session, keys: Iterable[str]) -> dict[str, int]:
        """The live entities with these keys (unknown keys are left out)."""
        wanted = sorted(set(keys))
        if not wanted:
            return {}
        model: Any = self.entity_model
        rows = session.execute(
            select(model.key, model.id).where(model.key.in_(wanted), model.deleted_at.is_(None))
        )
        return {row.key: row.id for row in rows}

    def keys_of(self, session: Session, ids: Iterable[int]) -> dict[int, str | None]:
        wanted = sorted(set(ids))
        if not wanted:
            return {}
        model: Any = self.entity_model
        rows = session.execute(select(model.id, model.key).where(model.id.in_(wanted)))
        return {row.id: row.key for row in rows}

    def names_on(self, session: Session, ids: Iterable[int], day: date) -> dict[int, str]:
        """The name of each entity on `day`: its version in force then, else its first."""
        wanted = sorted(set(ids))
        if not wanted:
            return {}
        owner = self.owner_column
        version_model: Any = self.version_model
        rows = session.execute(
            select(owner, version_model.name, version_model.effective_from)
            .where(owner.in_(wanted))
            .order_by(owner, version_model.effective_from)
        ).all()
        names: dict[int, str] = {}
        for owner_id, name, effective_from in rows:
            if effective_from <= day or owner_id not in names:
                names[owner_id] = name
        return names

    def versions(self, session: Session, entity_id: int) -> list[VersionT]:
        return self.history.history(session, self.get(session, entity_id).id)

    def created_on(self, session: Session, entity_id: int) -> date | None:
        return self.history.first_effective_date(session, entity_id)

    def values_of(self, version: VersionT) -> dict[str, Any]:
        return {name: getattr(version, name) for name in self.fields}

    # Writing

    def _check_keys_free(
        self, session: Session, keys: Sequence[str], entity_id: int | None
    ) -> None:
        if not keys:
            return
        holders = session.execute(
            select(self.entity_model.key, self.entity_model.id).where(
                self.entity_model.key.in_(keys)
            )
        )
        holder = next((row for row in holders if row.id != entity_id), None)
        if holder is not None:
            raise Conflict(
                f"The key {holder.key!r} belongs to {self.label} {holder.id} already; keys "
                "are unique per workspace (a deleted entity keeps its key).",
                errors=[{"location": "body.key", "message": "key taken"}],
            )

    def create(
        self,
        session: Session,
        actor: Actor,
        *,
        values: dict[str, Any],
        effective_from: date,
        key: str | None = None,
        extra: dict[str, Any] | None = None,
    ) -> Versioned[EntityT, VersionT]:
        """The entity with its first version, effective from its creation date."""
        (created,) = self.create_many(
            session, actor, [NewEntity(values, key, extra)], effective_from=effective_from
        )
        return created

    def create_many(
        self,
        session: Session,
        actor: Actor,
        entities: Sequence[NewEntity],
        *,
        effective_from: date,
    ) -> list[Versioned[EntityT, VersionT]]:
        """Entities with their first versions, effective from their creation date: one
        insert per table and one change-log write however many there are, with the
        changes `create` would log one by one."""
        self._check_keys_free(session, [new.key for new in entities if new.key is not None], None)
        if self.normalize is not None:
            normalize = self.normalize
            entities = [NewEntity(normalize(new.values), new.key, new.extra) for new in entities]
        if self.validate is not None:
            for new in entities:
                self.validate(session, new.values, effective_from, None)
        now = utcnow()
        entity_model: Any = self.entity_model
        created: list[EntityT] = [
            entity_model(
                workspace_id=actor.workspace_id,
                key=new.key,
                created_at=now,
                updated_at=now,
                row_version=1,
                **(new.extra or {}),
            )
            for new in entities
        ]
        session.add_all(created)
        session.flush()
        versions = [
            self._new_version(actor.workspace_id, effective_from, new.values) for new in entities
        ]
        self.history.add_first(
            session,
            [(entity.id, version) for entity, version in zip(created, versions, strict=True)],
        )
        record_changes(
            session,
            workspace_id=actor.workspace_id,
            actor_user_id=actor.user_id,
            changes=[
                self._change(entity, "created", version)
                for entity, version in zip(created, versions, strict=True)
            ],
        )
        return [
            Versioned(entity, version) for entity, version in zip(created, versions, strict=True)
        ]

    def add_version(
        self,
        session: Session,
        actor: Actor,
        entity_id: int,
        *,
        changes: dict[str, Any],
        effective_from: date,
        if_match: IfMatch,
        key: str | None = None,
    ) -> Versioned[EntityT, VersionT]:
        """A new version from `effective_from`: the values in force then, changed by
        `changes`. Retroactive and future versions are fine; one before creation is 422."""
        entity = self.get(session, entity_id)
        if_match(self.etag(entity))
        changes = {
            name: value
            for name, value in changes.items()
            if name in self.fields and (value is not None or name in self.nullable)
        }
        base = self.history.as_of(session, entity.id, effective_from)
        if base is None:
            created = self.history.first_effective_date(session, entity.id)
            raise Unprocessable(
                f"effective_from {effective_from} is before this {self.label} exists "
                f"({created}); a version cannot take effect before the entity's creation.",
                errors=[{"location": "body.effective_from", "message": "before creation"}],
            )
        values = {**self.values_of(base), **changes}
        if self.normalize is not None:
            values = self.normalize(values)
        if key is not None:
            self._check_keys_free(session, [key], entity.id)
            entity.key = key
        if self.validate is not None:
            self.validate(session, values, effective_from, entity.id)
        version = self._new_version(entity.workspace_id, effective_from, values)
        self.history.add(session, entity.id, version)
        entity.row_version += 1
        entity.updated_at = utcnow()
        session.flush()
        self._log(session, actor, entity, "updated", version)
        return Versioned(entity, version)

    def delete(
        self, session: Session, actor: Actor, entity_id: int, *, today: date, if_match: IfMatch
    ) -> None:
        """Soft delete; 409 naming what still refers to the entity today or later."""
        entity = self.get(session, entity_id)
        if_match(self.etag(entity))
        referrers = self.referrers(session, entity.id, today) if self.referrers else []
        if referrers:
            raise Conflict(
                f"{self.label.capitalize()} {entity.id} is still referred to by "
                f"{', '.join(referrers)}; change or delete those first.",
                extra={"referrers": referrers},
            )
        entity.deleted_at = utcnow()
        entity.updated_at = entity.deleted_at
        entity.row_version += 1
        session.flush()
        record_change(
            session,
            workspace_id=actor.workspace_id,
            actor_user_id=actor.user_id,
            entity=self.name,
            entity_id=entity.id,
            op="deleted",
            data={"id": entity.id, "key": entity.key},
        )

    def get_deleted(self, session: Session, entity_id: int) -> EntityT:
        """The soft-deleted entity (the session scopes it to the workspace), else 404."""
        entity = session.get(self.entity_model, entity_id)
        if entity is None or entity.deleted_at is None:
            raise NotFound(f"No deleted {self.label} with id {entity_id}.")
        return entity

    def restore(self, session: Session, actor: Actor, entity_id: int, *, today: date) -> EntityT:
        """Undo a soft delete. Each version in force `today` or taking effect later must
        still pass the kind's checks on the day it is in force from today on; a reference
        to something deleted (or no longer effective) meanwhile is a 409 naming it."""
        entity = self.get_deleted(session, entity_id)
        if self.validate is not None:
            for version in self._current_and_later(session, entity.id, today):
                day = max(version.effective_from, today)
                try:
                    self.validate(session, self.values_of(version), day, entity.id)
                except Unprocessable as problem:
                    raise Conflict(
                        f"{self.label.capitalize()} {entity.id} cannot be restored: its version "
                        f"from {version.effective_from} no longer holds on {day}: "
                        f"{problem.detail} Restore or change that first.",
                        errors=problem.errors,
                    ) from None
        entity.deleted_at = None
        entity.updated_at = utcnow()
        entity.row_version += 1
        session.flush()
        record_change(
            session,
            workspace_id=actor.workspace_id,
            actor_user_id=actor.user_id,
            entity=self.name,
            entity_id=entity.id,
            op="restored",
            data={"id": entity.id, "key": entity.key},
        )
        return entity

    def _current_and_later(self, session: Session, entity_id: int, day: date) -> list[VersionT]:
        """The entity's version in force on `day` and those taking effect after it (of
        several stored for one date, the one in force: the last recorded)."""
        in_force: dict[date, VersionT] = {}
        for version in self.history.history(session, entity_id):
            in_force[max(version.effective_from, day)] = version
        return list(in_force.values())

    def _new_version(
        self, workspace_id: int, effective_from: date, values: dict[str, Any]
    ) -> VersionT:
        version_model: Any = self.version_model
        version: VersionT = version_model(
            workspace_id=workspace_id, effective_from=effective_from, **values
        )
        return version

    def _log(
        self, session: Session, actor: Actor, entity: EntityT, op: str, version: VersionT
    ) -> None:
        record_changes(
            session,
            workspace_id=actor.workspace_id,
            actor_user_id=actor.user_id,
            changes=[self._change(entity, op, version)],
        )

    def _change(self, entity: EntityT, op: str, version: VersionT) -> ChangeOf:
        return ChangeOf(
            entity=self.name,
            entity_id=entity.id,
            op=op,
            data={
                "id": entity.id,
                "key": entity.key,
                "effective_from": version.effective_from.isoformat(),
                **_jsonable(self.values_of(version)),
            },
        )


def _jsonable(values: dict[str, Any]) -> dict[str, Any]:
    return {
        name: value.isoformat() if isinstance(value, date) else value
        for name, value in values.items()
    }


def names_of(
    session: Session,
    kind: ConfigKind[Any, Any],
    versions: Iterable[Any],
    matches: Callable[[Any], bool],
) -> list[str]:
    """`<label> <id> (<name>)` for each entity having a version that `matches`."""
    found: dict[int, str] = {}
    for version in versions:
        if matches(version):
            owner_id = getattr(version, kind.owner_column.key)
            found.setdefault(owner_id, f"{kind.label} {owner_id} ({getattr(version, 'name', '')})")
    return [found[owner_id] for owner_id in sorted(found)]

"""The shared store of effective-dated configuration, on a kind of its own."""

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import WorkspaceFixture
from timeledger.kit.db import Database
from timeledger.kit.errors import Conflict, NotFound, PreconditionFailed, Unprocessable
from timeledger.kit.tenancy import scope_session_to_workspace
from timeledger.models import Change, Reason, ReasonVersion
from timeledger.settings.store import Actor, ConfigKind, NewEntity, require_effective

JAN, FEB, MAR = date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1)


def no_check(_tag: str) -> None:
    return None


def _kind(**hooks: Any) -> ConfigKind[Reason, ReasonVersion]:
    return ConfigKind(
        name="reason",
        label="reason",
        entity_model=Reason,
        version_model=ReasonVersion,
        owner_column=ReasonVersion.reason_id,
        fields=("name", "archived"),
        **hooks,
    )


@pytest.fixture
def session(db: Database, workspace: WorkspaceFixture) -> Iterator[Session]:
    with db.transaction() as session:
        scope_session_to_workspace(session, workspace.id)
        yield session


def _actor(workspace: WorkspaceFixture) -> Actor:
    return Actor(workspace.id, workspace.owner_id)


def test_as_of_before_between_and_after(session: Session, workspace: WorkspaceFixture) -> None:
    kind = _kind()
    actor = _actor(workspace)
    created = kind.create(
        session, actor, values={"name": "A", "archived": False}, effective_from=JAN, key="a"
    )
    entity_id = created.entity.id
    kind.add_version(
        session, actor, entity_id, changes={"name": "C"}, effective_from=MAR, if_match=no_check
    )
    kind.add_version(
        session, actor, entity_id, changes={"name": "B"}, effective_from=FEB, if_match=no_check
    )
    with pytest.raises(NotFound):
        kind.as_of(session, entity_id, date(2025, 12, 31))
    assert kind.as_of(session, entity_id, JAN).version.name == "A"
    assert kind.as_of(session, entity_id, date(2026, 2, 15)).version.name == "B"
    assert kind.as_of(session, entity_id, date(2027, 1, 1)).version.name == "C"
    assert [v.name for v in kind.versions(session, entity_id)] == ["A", "B", "C"]
    assert kind.created_on(session, entity_id) == JAN
    listed = list(session.scalars(kind.in_force(date(2026, 2, 15))))
    assert [v.name for v in listed] == ["B"]
    assert kind.as_of(session, entity_id, JAN).entity.row_version == 3
    ops = session.scalars(
        select(Change.op)
        .where(Change.entity == "reason", Change.entity_id == entity_id)
        .order_by(Change.revision)
    ).all()
    assert ops == ["created", "updated", "updated"]


def test_null_leaves_a_value_unless_the_field_is_nullable(
    session: Session, workspace: WorkspaceFixture
) -> None:
    kind = _kind()
    created = kind.create(
        session, _actor(workspace), values={"name": "A", "archived": False}, effective_from=JAN
    )
    changed = kind.add_version(
        session,
        _actor(workspace),
        created.entity.id,
        changes={"name": None, "archived": True},
        effective_from=FEB,
        if_match=no_check,
    )
    assert (changed.version.name, changed.version.archived) == ("A", True)


def test_never_before_creation(session: Session, workspace: WorkspaceFixture) -> None:
    kind = _kind()
    created = kind.create(
        session, _actor(workspace), values={"name": "A", "archived": False}, effective_from=FEB
    )
    with pytest.raises(Unprocessable):
        kind.add_version(
            session,
            _actor(workspace),
            created.entity.id,
            changes={"name": "X"},
            effective_from=JAN,
            if_match=no_check,
        )
    require_effective(session, kind, [created.entity.id], FEB, location="x")
    with pytest.raises(Unprocessable, match="not effective on 2026-01-01"):
        require_effective(session, kind, [created.entity.id], JAN, location="body.x")


def test_validate_hook_sees_complete_values(session: Session, workspace: WorkspaceFixture) -> None:
    seen: list[tuple[dict[str, Any], date, int | None]] = []

    def validate(_session: Session, values: dict[str, Any], day: date, own: int | None) -> None:
        seen.append((dict(values), day, own))
        if values["name"] == "bad":
            raise Unprocessable("bad name")

    kind = _kind(validate=validate)
    created = kind.create(
        session, _actor(workspace), values={"name": "A", "archived": False}, effective_from=JAN
    )
    with pytest.raises(Unprocessable):
        kind.add_version(
            session,
            _actor(workspace),
            created.entity.id,
            changes={"name": "bad"},
            effective_from=FEB,
            if_match=no_check,
        )
    assert seen == [
        ({"name": "A", "archived": False}, JAN, None),
        ({"name": "bad", "archived": False}, FEB, created.entity.id),
    ]


def test_normalize_hook_gives_the_stored_values_before_validate(
    session: Session, workspace: WorkspaceFixture
) -> None:
    validated: list[str] = []

    def normalize(values: dict[str, Any]) -> dict[str, Any]:
        return {**values, "name": values["name"].strip()}

    def validate(_session: Session, values: dict[str, Any], _day: date, _own: int | None) -> None:
        validated.append(values["name"])

    kind = _kind(normalize=normalize, validate=validate)
    actor = _actor(workspace)
    created = kind.create(
        session, actor, values={"name": " A ", "archived": False}, effective_from=JAN
    )
    (many,) = kind.create_many(
        session, actor, [NewEntity({"name": " M ", "archived": False})], effective_from=JAN
    )
    changed = kind.add_version(
        session,
        actor,
        created.entity.id,
        changes={"name": " B "},
        effective_from=FEB,
        if_match=no_check,
    )
    assert (created.version.name, many.version.name, changed.version.name) == ("A", "M", "B")
    assert validated == ["A", "M", "B"]
    # Stored versions are taken as they are: a restore validates them unchanged.
    kind.delete(session, actor, created.entity.id, today=MAR, if_match=no_check)
    kind.restore(session, actor, created.entity.id, today=MAR)
    assert validated[-1] == "B"


def test_delete_asks_who_refers_and_if_match(session: Session, workspace: WorkspaceFixture) -> None:
    referrers = ["activity 7 (Consulting)"]
    kind = _kind(referrers=lambda _session, _id, _day: list(referrers))
    created = kind.create(
        session, _actor(workspace), values={"name": "A", "archived": False}, effective_from=JAN
    )
    entity_id = created.entity.id
    with pytest.raises(Conflict, match=r"activity 7 \(Consulting\)"):
        kind.delete(session, _actor(workspace), entity_id, today=FEB, if_match=no_check)

    def stale(_tag: str) -> None:
        raise PreconditionFailed("stale")

    referrers.clear()
    with pytest.raises(PreconditionFailed):
        kind.delete(session, _actor(workspace), entity_id, today=FEB, if_match=stale)
    kind.delete(session, _actor(workspace), entity_id, today=FEB, if_match=no_check)
    with pytest.raises(NotFound):
        kind.get(session, entity_id)
    assert list(session.scalars(kind.in_force(FEB))) == []


def test_keys_are_unique_even_after_delete(session: Session, workspace: WorkspaceFixture) -> None:
    kind = _kind()
    first = kind.create(
        session,
        _actor(workspace),
        values={"name": "A", "archived": False},
        effective_from=JAN,
        key="same",
    )
    kind.delete(session, _actor(workspace), first.entity.id, today=JAN, if_match=no_check)
    with pytest.raises(Conflict):
        kind.create(
            session,
            _actor(workspace),
            values={"name": "B", "archived": False},
            effective_from=JAN,
            key="same",
        )


def test_restore_checks_current_and_later_versions_again(
    session: Session, workspace: WorkspaceFixture
) -> None:
    checked: list[tuple[str, date]] = []
    refused_names: set[str] = set()

    def validate(_s: Session, values: dict[str, Any], day: date, entity_id: int | None) -> None:
        if entity_id is not None:
            checked.append((values["name"], day))
        if values["name"] in refused_names:
            raise Unprocessable("name refers to something gone.")

    kind = _kind(validate=validate)
    actor = _actor(workspace)
    entity_id = kind.create(
        session, actor, values={"name": "Past", "archived": False}, effective_from=JAN
    ).entity.id
    for name, day in (("Current", FEB), ("Later", date(2026, 5, 1))):
        kind.add_version(
            session, actor, entity_id, changes={"name": name}, effective_from=day,
            if_match=no_check,
        )  # fmt: skip
    with pytest.raises(NotFound):
        kind.restore(session, actor, entity_id, today=MAR)
    kind.delete(session, actor, entity_id, today=MAR, if_match=no_check)
    checked.clear()
    kind.restore(session, actor, entity_id, today=MAR)
    # The past version is not checked; the current one from today on, the later one then.
    assert checked == [("Current", MAR), ("Later", date(2026, 5, 1))]
    assert kind.get(session, entity_id).deleted_at is None
    ops = session.scalars(
        select(Change.op).where(Change.entity_id == entity_id).order_by(Change.revision)
    ).all()
    assert ops[-2:] == ["deleted", "restored"]

    kind.add_version(
        session, actor, entity_id, changes={"name": "Bad later"}, effective_from=date(2026, 6, 1),
        if_match=no_check,
    )  # fmt: skip
    kind.delete(session, actor, entity_id, today=MAR, if_match=no_check)
    refused_names.add("Bad later")
    with pytest.raises(Conflict, match="from 2026-06-01"):
        kind.restore(session, actor, entity_id, today=MAR)
    assert kind.get_deleted(session, entity_id).deleted_at is not None


def test_many_created_at_once_are_logged_as_one_by_one(
    session: Session, workspace: WorkspaceFixture
) -> None:
    kind = _kind()
    actor = _actor(workspace)
    single = kind.create(
        session, actor, values={"name": "A", "archived": False}, effective_from=JAN, key="a"
    )
    many = kind.create_many(
        session,
        actor,
        [
            NewEntity({"name": "B", "archived": False}, key="b"),
            NewEntity({"name": "C", "archived": True}),
        ],
        effective_from=FEB,
    )
    ids = [single.entity.id, *(created.entity.id for created in many)]
    assert ids == sorted(ids)
    assert [kind.as_of(session, id_, FEB).version.name for id_ in ids] == ["A", "B", "C"]
    logged = session.execute(
        select(Change.revision, Change.entity_id, Change.op, Change.data)
        .where(Change.entity == "reason")
        .order_by(Change.revision)
    ).all()
    assert [row.entity_id for row in logged] == ids
    first = logged[0].revision
    assert [row.revision for row in logged] == [first, first + 1, first + 2]
    assert {row.op for row in logged} == {"created"}
    assert [row.data for row in logged] == [
        {"id": ids[0], "key": "a", "effective_from": "2026-01-01", "name": "A", "archived": False},
        {"id": ids[1], "key": "b", "effective_from": "2026-02-01", "name": "B", "archived": False},
        {"id": ids[2], "key": None, "effective_from": "2026-02-01", "name": "C", "archived": True},
    ]


def test_many_created_at_once_refuse_a_taken_key(
    session: Session, workspace: WorkspaceFixture
) -> None:
    kind = _kind()
    actor = _actor(workspace)
    taken = kind.create(
        session, actor, values={"name": "A", "archived": False}, effective_from=JAN, key="a"
    )
    with pytest.raises(Conflict, match=f"reason {taken.entity.id} already"):
        kind.create_many(
            session,
            actor,
            [
                NewEntity({"name": "B", "archived": False}, key="b"),
                NewEntity({"name": "C", "archived": False}, key="a"),
            ],
            effective_from=JAN,
        )

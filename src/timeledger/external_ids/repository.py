"""The external ids of one workspace's objects; the session is scoped to the workspace."""

from collections.abc import Iterable

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from timeledger.kit.bulk import insert_rows
from timeledger.kit.tenancy import session_workspace_id
from timeledger.models import ExternalId

EXTERNAL_IDS: Table = ExternalId.__table__  # type: ignore[assignment]


class ExternalIdRepository:
    def __init__(self, session: Session, source: str) -> None:
        self.session = session
        self.source = source

    def of_objects(self, entity: str, native_ids: Iterable[int]) -> dict[int, str]:
        """The external id of each of these objects that has one."""
        wanted = set(native_ids)
        if not wanted:
            return {}
        rows = self.session.execute(
            select(ExternalId.native_id, ExternalId.external_id).where(
                ExternalId.source == self.source,
                ExternalId.entity == entity,
                ExternalId.native_id.in_(wanted),
            )
        )
        return {row.native_id: row.external_id for row in rows}

    def object_of(self, external_id: str) -> tuple[str, int] | None:
        """The entity and id of the object the source gave this id, if any."""
        row = self.session.execute(
            select(ExternalId.entity, ExternalId.native_id).where(
                ExternalId.source == self.source, ExternalId.external_id == external_id
            )
        ).one_or_none()
        return (row.entity, row.native_id) if row is not None else None

    def add(self, external_id: str, entity: str, native_id: int) -> None:
        self.session.add(
            ExternalId(
                source=self.source, external_id=external_id, entity=entity, native_id=native_id
            )
        )
        self.session.flush()

    def imported(self) -> frozenset[str]:
        """Every external id this source gave an object (an import's rows done before)."""
        rows = self.session.scalars(
            select(ExternalId.external_id).where(ExternalId.source == self.source)
        )
        return frozenset(rows)

    def add_many(self, entity: str, ids: Iterable[tuple[str, int]]) -> None:
        """(external id, native id) pairs of objects of one entity, written at once
        (`kit.bulk.insert_rows`: an import's thousands of rows skip the ORM's bookkeeping), in the
        session's workspace."""
        workspace_id = session_workspace_id(self.session)
        assert workspace_id is not None, "external ids are written in a workspace's session"
        rows = [
            {"workspace_id": workspace_id, "source": self.source, "external_id": external_id,
             "entity": entity, "native_id": native_id}
            for external_id, native_id in ids
        ]  # fmt: skip
        insert_rows(self.session, EXTERNAL_IDS, rows)

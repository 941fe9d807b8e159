"""All SQL of kiosks, badges and PINs, and the wrong PINs counted against a badge."""

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any, NamedTuple

from sqlalchemy import Select, bindparam, delete, func, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from timeledger.models import (
    Employee,
    EmployeeVersion,
    Kiosk,
    KioskBadge,
    KioskOrgUnit,
    KioskPinFailure,
    OrgUnit,
    PresenceBreak,
    PresenceInterval,
)
from timeledger.organization.repository import EMPLOYEE_VERSIONS, subtree_of

ORG_UNITS_OF_KIOSKS = (
    select(KioskOrgUnit.kiosk_id, KioskOrgUnit.org_unit_id)
    .where(KioskOrgUnit.kiosk_id.in_(bindparam("kiosk_ids", expanding=True)))
    .order_by(KioskOrgUnit.kiosk_id, KioskOrgUnit.org_unit_id)
)
"""The org units of kiosks: built once, as the statements every kiosk read runs."""


class BadgeHolder(NamedTuple):
    """The employee a badge belongs to, as a kiosk serving them sees them."""

    employee_id: int
    user_id: int | None
    first_name: str
    pin_hash: str | None


class KioskRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def listing(self) -> Select[Kiosk]:
        return select(Kiosk)

    def get(self, kiosk_id: int, *, for_update: bool = False) -> Kiosk | None:
        if for_update:
            return self.session.get(Kiosk, kiosk_id, with_for_update=True, populate_existing=True)
        return self.session.get(Kiosk, kiosk_id)

    def by_token_prefix(self, prefix: str) -> Kiosk | None:
        """Across workspaces: the token names its kiosk before any workspace is known."""
        return self.session.scalars(select(Kiosk).where(Kiosk.token_prefix == prefix)).one_or_none()

    def add(self, kiosk: Kiosk) -> None:
        self.session.add(kiosk)
        self.session.flush()

    def delete(self, kiosk: Kiosk) -> None:
        self.session.delete(kiosk)
        self.session.flush()

    def org_unit_ids(self, kiosk_ids: Iterable[int]) -> dict[int, list[int]]:
        found: dict[int, list[int]] = {kiosk_id: [] for kiosk_id in kiosk_ids}
        if not found:
            return found
        rows = self.session.execute(ORG_UNITS_OF_KIOSKS, {"kiosk_ids": sorted(found)})
        for kiosk_id, unit_id in rows:
            found[kiosk_id].append(unit_id)
        return found

    def replace_org_units(self, kiosk_id: int, unit_ids: Iterable[int]) -> None:
        self.session.execute(delete(KioskOrgUnit).where(KioskOrgUnit.kiosk_id == kiosk_id))
        self.session.add_all(
            KioskOrgUnit(kiosk_id=kiosk_id, org_unit_id=unit_id)
            for unit_id in sorted(set(unit_ids))
        )
        self.session.flush()

    def live_org_unit_ids(self, unit_ids: Iterable[int]) -> set[int]:
        return set(
            self.session.scalars(
                select(OrgUnit.id).where(
                    OrgUnit.id.in_(sorted(set(unit_ids))), OrgUnit.deleted_at.is_(None)
                )
            )
        )


class BadgeRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def of_employee(self, employee_id: int) -> KioskBadge | None:
        return self.session.scalars(
            select(KioskBadge).where(KioskBadge.employee_id == employee_id)
        ).one_or_none()

    def holder_of(self, badge: str) -> int | None:
        """The employee holding `badge` in the session's workspace."""
        return self.session.scalar(select(KioskBadge.employee_id).where(KioskBadge.badge == badge))

    def add(self, row: KioskBadge) -> None:
        self.session.add(row)
        self.session.flush()

    def holder_served(self, kiosk_id: int, badge: str, day: date) -> BadgeHolder | None:
        """The live employee holding `badge` whose version in force on `day` places them
        in a unit the kiosk serves, or below one."""
        served = select(KioskOrgUnit.org_unit_id).where(KioskOrgUnit.kiosk_id == kiosk_id)
        units = subtree_of(served, day)
        row = self.session.execute(
            select(
                Employee.id,
                Employee.user_id,
                EmployeeVersion.first_name,
                KioskBadge.pin_hash,
            )
            .join(Employee, Employee.id == KioskBadge.employee_id)
            .join(EmployeeVersion, EmployeeVersion.employee_id == Employee.id)
            .where(
                KioskBadge.badge == badge,
                Employee.deleted_at.is_(None),
                EmployeeVersion.org_unit_id.in_(select(units.c.id)),
                EMPLOYEE_VERSIONS.in_force_on(day),
            )
        ).one_or_none()
        return BadgeHolder(*row) if row is not None else None

    def latest_recorded(self, employee_id: int) -> datetime | None:
        """The latest instant of the employee's presence: intervals never overlap, so it
        lies in the interval started last (its start, end or a break's start or end)."""

        def latest_of_breaks(column: Any) -> Any:
            return (
                select(func.max(column))
                .where(PresenceBreak.interval_id == PresenceInterval.id)
                .scalar_subquery()
            )

        latest = self.session.execute(
            select(
                PresenceInterval.started_at,
                PresenceInterval.ended_at,
                latest_of_breaks(PresenceBreak.started_at),
                latest_of_breaks(PresenceBreak.ended_at),
            )
            .where(PresenceInterval.employee_id == employee_id)
            .order_by(PresenceInterval.started_at.desc(), PresenceInterval.id.desc())
            .limit(1)
        ).one_or_none()
        if latest is None:
            return None
        started_at, ended_at, break_start, break_end = latest
        instants: list[datetime] = [
            instant
            for instant in (started_at, ended_at, break_start, break_end)
            if instant is not None
        ]
        return max(instants)


class PinFailureRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def locked_until(self, kiosk_id: int, badge: str) -> tuple[bool, datetime | None]:
        """Whether wrong PINs are counted for the badge at the kiosk, and until when it is
        locked, if it ever was."""
        row = self.session.execute(
            select(KioskPinFailure.locked_until).where(
                KioskPinFailure.kiosk_id == kiosk_id, KioskPinFailure.badge == badge
            )
        ).one_or_none()
        return (False, None) if row is None else (True, row[0])

    def counting(self, workspace_id: int, kiosk_id: int, badge: str) -> KioskPinFailure:
        """The badge's count at the kiosk, locked to the end of the transaction (created
        when missing; a concurrent creation makes no second one)."""
        on_postgresql = self.session.get_bind().dialect.name == "postgresql"
        insert = postgresql.insert if on_postgresql else sqlite.insert
        self.session.execute(
            insert(KioskPinFailure)
            .values(workspace_id=workspace_id, kiosk_id=kiosk_id, badge=badge, failures=0)
            .on_conflict_do_nothing()
        )
        return self.session.scalars(
            select(KioskPinFailure)
            .where(KioskPinFailure.kiosk_id == kiosk_id, KioskPinFailure.badge == badge)
            .with_for_update()
        ).one()

    def forget(self, kiosk_id: int, badge: str) -> None:
        self.session.execute(
            delete(KioskPinFailure).where(
                KioskPinFailure.kiosk_id == kiosk_id, KioskPinFailure.badge == badge
            )
        )

    def purge_before(self, before: datetime) -> None:
        """Counts whose first failure and lock both lie before `before`."""
        self.session.execute(
            delete(KioskPinFailure).where(
                or_(
                    KioskPinFailure.first_failed_at.is_(None),
                    KioskPinFailure.first_failed_at <= before,
                ),
                or_(KioskPinFailure.locked_until.is_(None), KioskPinFailure.locked_until <= before),
            )
        )

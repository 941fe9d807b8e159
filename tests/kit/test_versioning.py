"""Effective-dated versions, on tables of their own (not on timeledger's metadata)."""

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import ForeignKey, MetaData, String, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from timeledger.kit.clock import utcnow
from timeledger.kit.db import Database
from timeledger.kit.errors import Unprocessable
from timeledger.kit.model import NAMING_CONVENTION, EpochInstant, Identifier
from timeledger.kit.versioning import VersionHistory, VersionMixin, in_force_of


class VersionTestBase(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: dict[Any, Any] = {datetime: EpochInstant}


class RateCard(VersionTestBase):
    __tablename__ = "test_versioning_rate_cards"

    id: Mapped[int] = mapped_column(Identifier, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(50))


class RateVersion(VersionMixin, VersionTestBase):
    __tablename__ = "test_versioning_rate_versions"

    card_id: Mapped[int] = mapped_column(Identifier, ForeignKey(RateCard.id), index=True)
    hourly_rate: Mapped[int]


HISTORY = VersionHistory(RateVersion, RateVersion.card_id)

JAN_1, MAR_1, JUN_1 = date(2026, 1, 1), date(2026, 3, 1), date(2026, 6, 1)


@pytest.fixture
def versioned_db(db: Database) -> Iterator[Database]:
    VersionTestBase.metadata.create_all(db.engine)
    yield db
    VersionTestBase.metadata.drop_all(db.engine)


def _card(session: Session, name: str, *versions: tuple[date, int]) -> int:
    card = RateCard(name=name)
    session.add(card)
    session.flush()
    for effective_from, rate in versions:
        HISTORY.add(session, card.id, RateVersion(effective_from=effective_from, hourly_rate=rate))
    return card.id


def _rate(session: Session, card_id: int, day: date) -> int | None:
    version = HISTORY.as_of(session, card_id, day)
    return None if version is None else version.hourly_rate


def test_never_effective_before_creation(versioned_db: Database) -> None:
    with versioned_db.transaction() as session:
        card = _card(session, "standard", (MAR_1, 100))
    with versioned_db.session(write=False) as session:
        assert _rate(session, card, MAR_1 - timedelta(days=1)) is None
        assert _rate(session, card, date(1999, 1, 1)) is None
        assert _rate(session, card, MAR_1) == 100
        assert HISTORY.first_effective_date(session, card) == MAR_1


def test_the_version_in_force_between_and_after_versions(versioned_db: Database) -> None:
    with versioned_db.transaction() as session:
        card = _card(session, "standard", (JAN_1, 100), (JUN_1, 130))
    with versioned_db.session(write=False) as session:
        assert _rate(session, card, JAN_1) == 100
        assert _rate(session, card, JUN_1 - timedelta(days=1)) == 100
        assert _rate(session, card, JUN_1) == 130
        assert _rate(session, card, date(2030, 12, 31)) == 130


@pytest.mark.frozen_clock
def test_a_retroactive_version_takes_effect_between_existing_ones(versioned_db: Database) -> None:
    with versioned_db.transaction() as session:
        card = _card(session, "standard", (JAN_1, 100), (JUN_1, 130))
    with versioned_db.transaction() as session:
        retro = HISTORY.add(session, card, RateVersion(effective_from=MAR_1, hourly_rate=115))
        assert retro.card_id == card
        assert retro.recorded_at.tzinfo is not None
        assert retro.recorded_at == utcnow()
    with versioned_db.session(write=False) as session:
        assert _rate(session, card, MAR_1 - timedelta(days=1)) == 100
        assert _rate(session, card, MAR_1) == 115
        assert _rate(session, card, JUN_1 - timedelta(days=1)) == 115
        assert _rate(session, card, JUN_1) == 130
        history = HISTORY.history(session, card)
        assert [(v.effective_from, v.hourly_rate) for v in history] == [
            (JAN_1, 100),
            (MAR_1, 115),
            (JUN_1, 130),
        ]
        rows = HISTORY.history_rows(session, 0, card)
        assert [(row.effective_from, row.hourly_rate, row.id) for row in rows] == [
            (v.effective_from, v.hourly_rate, v.id) for v in history
        ]


def test_a_new_version_for_the_same_date_supersedes_and_both_stay(versioned_db: Database) -> None:
    with versioned_db.transaction() as session:
        card = _card(session, "standard", (JAN_1, 100), (MAR_1, 120))
    with versioned_db.transaction() as session:
        HISTORY.add(session, card, RateVersion(effective_from=MAR_1, hourly_rate=125))
    with versioned_db.session(write=False) as session:
        assert _rate(session, card, MAR_1) == 125
        assert _rate(session, card, JUN_1) == 125
        assert _rate(session, card, JAN_1) == 100
        history = HISTORY.history(session, card)
        assert [(v.effective_from, v.hourly_rate) for v in history] == [
            (JAN_1, 100),
            (MAR_1, 120),
            (MAR_1, 125),
        ]
        assert history[1].recorded_at <= history[2].recorded_at


def test_a_version_before_creation_is_refused(versioned_db: Database) -> None:
    with versioned_db.transaction() as session:
        card = _card(session, "standard", (MAR_1, 100))
    with pytest.raises(Unprocessable) as raised, versioned_db.transaction() as session:
        HISTORY.add(session, card, RateVersion(effective_from=JAN_1, hourly_rate=90))
    assert raised.value.errors[0]["location"] == "body.effective_from"
    assert str(MAR_1) in raised.value.detail
    with versioned_db.session(write=False) as session:
        assert [v.hourly_rate for v in HISTORY.history(session, card)] == [100]
        assert _rate(session, card, JAN_1) is None


def test_in_force_on_selects_one_version_per_owner_in_bulk(versioned_db: Database) -> None:
    with versioned_db.transaction() as session:
        _card(session, "old", (JAN_1, 100), (MAR_1, 110), (JUN_1, 120))
        _card(session, "retro", (JAN_1, 200), (JUN_1, 220))
        HISTORY.add(
            session,
            session.scalars(select(RateCard.id).where(RateCard.name == "retro")).one(),
            RateVersion(effective_from=MAR_1, hourly_rate=210),
        )
        _card(session, "superseded", (MAR_1, 300), (MAR_1, 310))
        _card(session, "later", (JUN_1, 400))
        _card(session, "no versions")

    def rates_on(day: date) -> dict[str, int]:
        with versioned_db.session(write=False) as session:
            rows = session.execute(
                select(RateCard.name, RateVersion.hourly_rate)
                .join(RateVersion, RateVersion.card_id == RateCard.id)
                .where(HISTORY.in_force_on(day))
                .order_by(RateCard.name)
            ).all()
        names = [row[0] for row in rows]
        assert len(names) == len(set(names)), "more than one version in force per owner"
        return {row[0]: row[1] for row in rows}

    assert rates_on(date(2025, 12, 31)) == {}
    assert rates_on(JAN_1) == {"old": 100, "retro": 200}
    assert rates_on(MAR_1) == {"old": 110, "retro": 210, "superseded": 310}
    assert rates_on(JUN_1 - timedelta(days=1)) == {"old": 110, "retro": 210, "superseded": 310}
    assert rates_on(JUN_1) == {"old": 120, "retro": 220, "superseded": 310, "later": 400}


def test_the_criterion_of_a_date_is_built_once_and_differs_between_dates() -> None:
    day = date(2026, 3, 2)
    assert HISTORY.in_force_on(day) is HISTORY.in_force_on(date(2026, 3, 2))
    assert HISTORY.in_force_on(day) is not HISTORY.in_force_on(date(2026, 3, 3))


def test_several_owners_versions_in_force_agree_with_one_by_one_and_the_pure_pick(
    versioned_db: Database,
) -> None:
    with versioned_db.transaction() as session:
        early = _card(session, "early", (JAN_1, 100), (JUN_1, 130))
        late = _card(session, "late", (MAR_1, 200))
        HISTORY.add(session, late, RateVersion(effective_from=MAR_1, hourly_rate=210))
    with versioned_db.session(write=False) as session:
        for day in (JAN_1, MAR_1, JUN_1, date(2030, 1, 1)):
            together = HISTORY.in_force_for(session, [early, late], day)
            for card in (early, late):
                alone = HISTORY.as_of(session, card, day)
                picked = in_force_of(HISTORY.history(session, card), day)
                assert together.get(card) is alone is picked
        assert HISTORY.in_force_for(session, [early, late], JAN_1).keys() == {early}
        assert HISTORY.in_force_for(session, [late], MAR_1)[late].hourly_rate == 210
        assert HISTORY.in_force_for(session, [], MAR_1) == {}

"""Queries on bookmarks; tenant scoping comes from the session, ownership from `user_id`."""

from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from timeledger.models import EntryBookmark


class BookmarkRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def of_user(self, user_id: int) -> Select[EntryBookmark]:
        """The bookmarks of one person, by name then id."""
        return (
            select(EntryBookmark)
            .where(EntryBookmark.user_id == user_id)
            .order_by(EntryBookmark.name, EntryBookmark.id)
        )

    def get(self, user_id: int, bookmark_id: int) -> EntryBookmark | None:
        return self.session.scalars(
            select(EntryBookmark).where(
                EntryBookmark.user_id == user_id, EntryBookmark.id == bookmark_id
            )
        ).one_or_none()

    def by_name(self, user_id: int, name: str) -> EntryBookmark | None:
        return self.session.scalars(
            select(EntryBookmark).where(
                EntryBookmark.user_id == user_id, EntryBookmark.name == name
            )
        ).one_or_none()

    def count_of(self, user_id: int) -> int:
        return (
            self.session.scalar(
                select(func.count())
                .select_from(EntryBookmark)
                .where(EntryBookmark.user_id == user_id)
            )
            or 0
        )

    def add(self, bookmark: EntryBookmark) -> EntryBookmark:
        """Insert inside a savepoint: a unique-name violation (IntegrityError) rolls back
        only the savepoint and leaves the transaction usable."""
        with self.session.begin_nested():
            self.session.add(bookmark)
            self.session.flush()
        return bookmark

    def change(self, bookmark: EntryBookmark, values: dict[str, Any]) -> EntryBookmark:
        """Set `values` on a loaded bookmark and flush, inside a savepoint as `add`."""
        with self.session.begin_nested():
            for name, value in values.items():
                setattr(bookmark, name, value)
            self.session.flush()
        return bookmark

    def delete(self, bookmark: EntryBookmark) -> None:
        self.session.delete(bookmark)
        self.session.flush()

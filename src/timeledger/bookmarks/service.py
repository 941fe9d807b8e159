"""Rules for bookmarks: each belongs to one person, who alone sees and changes it."""

from collections.abc import Callable
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from timeledger.access.caller import Caller
from timeledger.bookmarks.repository import BookmarkRepository
from timeledger.bookmarks.schemas import BookmarkCreate, BookmarkRead, BookmarkUpdate
from timeledger.changelog.service import record_change
from timeledger.entries.list_endpoints import check_saved_list_query
from timeledger.kit.clock import utcnow
from timeledger.kit.errors import Conflict, NotFound
from timeledger.kit.etag import etag_for
from timeledger.models import EntryBookmark

MAX_BOOKMARKS_PER_USER = 200
ENTITY = "bookmark"
IfMatch = Callable[[str], None]


def bookmark_etag(bookmark: EntryBookmark) -> str:
    return etag_for(ENTITY, bookmark.id, bookmark.row_version)


def _log(session: Session, caller: Caller, bookmark_id: int, op: str, data: dict[str, Any]) -> None:
    record_change(
        session,
        workspace_id=caller.workspace_id,
        actor_user_id=caller.user_id,
        entity=ENTITY,
        entity_id=bookmark_id,
        op=op,
        data=data,
    )


def _logged_view(bookmark: EntryBookmark) -> dict[str, Any]:
    """The change's data: the bookmark and its owner, whom a change feed must filter on."""
    return {
        **BookmarkRead.model_validate(bookmark).model_dump(mode="json"),
        "user_id": bookmark.user_id,
    }


def _name_taken(name: str) -> Conflict:
    return Conflict(
        f"You have a bookmark named {name!r} already; choose another name.",
        extra={"name": name},
    )


def list_bookmarks(session: Session, caller: Caller) -> list[EntryBookmark]:
    """The caller's bookmarks, by name then id (at most MAX_BOOKMARKS_PER_USER exist)."""
    return list(session.scalars(BookmarkRepository(session).of_user(caller.user_id)))


def get_bookmark(session: Session, caller: Caller, bookmark_id: int) -> EntryBookmark:
    """One of the caller's bookmarks; another person's does not exist for them."""
    bookmark = BookmarkRepository(session).get(caller.user_id, bookmark_id)
    if bookmark is None:
        raise NotFound(f"Bookmark {bookmark_id} does not exist.")
    return bookmark


def create_bookmark(session: Session, caller: Caller, data: BookmarkCreate) -> EntryBookmark:
    repository = BookmarkRepository(session)
    if repository.count_of(caller.user_id) >= MAX_BOOKMARKS_PER_USER:
        raise Conflict(
            f"You have {MAX_BOOKMARKS_PER_USER} bookmarks, the most one person may keep; "
            "delete one first."
        )
    if repository.by_name(caller.user_id, data.name) is not None:
        raise _name_taken(data.name)
    check_saved_list_query(session, caller, data.query)
    now = utcnow()
    bookmark = EntryBookmark(
        workspace_id=caller.workspace_id,
        user_id=caller.user_id,
        name=data.name,
        query=data.query,
        row_version=1,
        created_at=now,
        updated_at=now,
    )
    try:
        repository.add(bookmark)
    except IntegrityError:
        raise _name_taken(data.name) from None
    _log(session, caller, bookmark.id, "created", _logged_view(bookmark))
    return bookmark


def update_bookmark(
    session: Session,
    caller: Caller,
    bookmark_id: int,
    data: BookmarkUpdate,
    if_match: IfMatch,
) -> EntryBookmark:
    repository = BookmarkRepository(session)
    bookmark = get_bookmark(session, caller, bookmark_id)
    if_match(bookmark_etag(bookmark))
    # `null` leaves a field as it is: neither may be empty of a value.
    values = {
        name: value
        for name, value in data.model_dump(exclude_unset=True).items()
        if value is not None
    }
    if "query" in values:
        check_saved_list_query(session, caller, values["query"])
    new_name: str = values.get("name", bookmark.name)
    if new_name != bookmark.name and repository.by_name(caller.user_id, new_name) is not None:
        raise _name_taken(new_name)
    values["row_version"] = bookmark.row_version + 1
    values["updated_at"] = utcnow()
    try:
        repository.change(bookmark, values)
    except IntegrityError:
        raise _name_taken(new_name) from None
    _log(session, caller, bookmark.id, "updated", _logged_view(bookmark))
    return bookmark


def delete_bookmark(session: Session, caller: Caller, bookmark_id: int) -> None:
    bookmark = get_bookmark(session, caller, bookmark_id)
    BookmarkRepository(session).delete(bookmark)
    _log(session, caller, bookmark_id, "deleted", {"id": bookmark_id, "user_id": caller.user_id})

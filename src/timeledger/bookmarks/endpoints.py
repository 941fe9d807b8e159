"""Routes of the signed-in person's bookmarks: parse, call a service, render."""

from typing import Annotated

from fastapi import Request, Response, status

from timeledger.access.caller import Allowed, Caller
from timeledger.bookmarks import service
from timeledger.bookmarks.schemas import BookmarkCreate, BookmarkRead, BookmarkUpdate
from timeledger.kit.etag import set_etag
from timeledger.kit.pagination import Page
from timeledger.kit.routing import ResourceId, api_router, created, if_match_of
from timeledger.kit.uow import UnitOfWork

bookmarks_router = api_router("Me")

# A bookmark is a personal view of one's own time entries, owned by the person: reading
# and writing one need the same permission, and service users have no bookmarks.


@bookmarks_router.get("/me/bookmarks", response_model=Page[BookmarkRead])
def list_bookmarks(
    session: UnitOfWork, caller: Annotated[Caller, Allowed("timesheet:read:own", people_only=True)]
) -> Page[BookmarkRead]:
    """All of your saved time-entry queries, by name (one page: at most 200 exist)."""
    rows = service.list_bookmarks(session, caller)
    return Page(items=[BookmarkRead.model_validate(row) for row in rows], next_cursor=None)


@bookmarks_router.post(
    "/me/bookmarks", status_code=status.HTTP_201_CREATED, response_model=BookmarkRead
)
def create_bookmark(
    body: BookmarkCreate,
    response: Response,
    session: UnitOfWork,
    caller: Annotated[Caller, Allowed("timesheet:read:own", people_only=True)],
) -> BookmarkRead:
    bookmark = service.create_bookmark(session, caller, body)
    created(response, f"/api/me/bookmarks/{bookmark.id}", service.bookmark_etag(bookmark))
    return BookmarkRead.model_validate(bookmark)


@bookmarks_router.get("/me/bookmarks/{bookmark_id}", response_model=BookmarkRead)
def get_bookmark(
    bookmark_id: ResourceId,
    response: Response,
    session: UnitOfWork,
    caller: Annotated[Caller, Allowed("timesheet:read:own", people_only=True)],
) -> BookmarkRead:
    bookmark = service.get_bookmark(session, caller, bookmark_id)
    set_etag(response, service.bookmark_etag(bookmark))
    return BookmarkRead.model_validate(bookmark)


@bookmarks_router.patch("/me/bookmarks/{bookmark_id}", response_model=BookmarkRead)
def update_bookmark(
    bookmark_id: ResourceId,
    body: BookmarkUpdate,
    request: Request,
    response: Response,
    session: UnitOfWork,
    caller: Annotated[Caller, Allowed("timesheet:read:own", people_only=True)],
) -> BookmarkRead:
    bookmark = service.update_bookmark(session, caller, bookmark_id, body, if_match_of(request))
    set_etag(response, service.bookmark_etag(bookmark))
    return BookmarkRead.model_validate(bookmark)


@bookmarks_router.delete("/me/bookmarks/{bookmark_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_bookmark(
    bookmark_id: ResourceId,
    session: UnitOfWork,
    caller: Annotated[Caller, Allowed("timesheet:read:own", people_only=True)],
) -> None:
    service.delete_bookmark(session, caller, bookmark_id)

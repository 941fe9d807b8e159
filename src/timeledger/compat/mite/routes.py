"""Where the mite face answers: every route under /compat/mite, outside the native OpenAPI
document (mite's contract is its own documentation, see docs/compat/mite.md)."""

from fastapi import APIRouter

from timeledger.kit.uow import UnitOfWorkRoute

MITE_PREFIX = "/compat/mite"


def mite_router() -> APIRouter:
    return APIRouter(prefix=MITE_PREFIX, include_in_schema=False, route_class=UnitOfWorkRoute)

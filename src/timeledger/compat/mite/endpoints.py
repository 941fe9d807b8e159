"""The mite face's router: every route under /compat/mite, outside the native OpenAPI
document (mite's contract is its own documentation, see docs/compat/mite.md)."""

from fastapi import APIRouter

from timeledger.compat.mite.catalog import catalog
from timeledger.compat.mite.time_entries import time_entries

MITE_PREFIX = "/compat/mite"

mite_router = APIRouter(prefix=MITE_PREFIX, include_in_schema=False)
mite_router.include_router(catalog)
mite_router.include_router(time_entries)

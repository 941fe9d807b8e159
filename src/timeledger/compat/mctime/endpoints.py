"""The McTime face's router: times, users, organizations, clock and accounts, over the
native services. Every route is under /compat/mctime/api/v2/auth, outside the native
OpenAPI document (docs/compat/mctime.md is this face's documentation)."""

from fastapi import APIRouter

from timeledger.compat.mctime.accounts import accounts_router
from timeledger.compat.mctime.clock import clock_router
from timeledger.compat.mctime.people import people_router
from timeledger.compat.mctime.times import times_router

MCTIME_PREFIX = "/compat/mctime/api/v2/auth"

mctime_router = APIRouter(prefix=MCTIME_PREFIX, include_in_schema=False)
for router in (times_router, people_router, clock_router, accounts_router):
    mctime_router.include_router(router)

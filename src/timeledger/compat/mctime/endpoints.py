"""The McTime face's routers: times, users, organizations, clock and accounts, over the
native services, under /compat/mctime/api/v2/auth."""

from timeledger.compat.mctime.accounts import accounts_router
from timeledger.compat.mctime.clock import clock_router
from timeledger.compat.mctime.people import people_router
from timeledger.compat.mctime.times import times_router

MCTIME_ROUTERS = (times_router, people_router, clock_router, accounts_router)

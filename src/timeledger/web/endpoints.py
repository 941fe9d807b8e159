"""Every router of the web app, for the application's route table."""

from timeledger.web.account import account_router
from timeledger.web.assets import assets_router
from timeledger.web.leave import leave_router
from timeledger.web.timesheet import timesheet_router

WEB_ROUTERS = [account_router, timesheet_router, leave_router, assets_router]

"""Every router of the web app, for the application's route table."""

from timeledger.web.account import account_router
from timeledger.web.admin_catalog import admin_catalog_router
from timeledger.web.admin_people import admin_people_router
from timeledger.web.approvals import approvals_router
from timeledger.web.assets import assets_router
from timeledger.web.kiosk import kiosk_router
from timeledger.web.leave import leave_router
from timeledger.web.team import team_router
from timeledger.web.timesheet import timesheet_router

WEB_ROUTERS = [
    account_router,
    timesheet_router,
    leave_router,
    team_router,
    approvals_router,
    admin_catalog_router,
    admin_people_router,
    kiosk_router,
    assets_router,
]

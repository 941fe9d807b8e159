"""create_app(): routers, middleware, error handlers."""

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import yaml
from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import PlainTextResponse, Response
from starlette.routing import Route

import timeledger.job_kinds  # noqa: F401  (registers every job kind, cycle and upkeep task)
from timeledger import PRODUCT_NAME, __version__
from timeledger.access.credentials import PasswordHashing
from timeledger.approvals.endpoints import approvals_router
from timeledger.bookmarks.endpoints import bookmarks_router
from timeledger.bulk.endpoints import bulk_router
from timeledger.compat.goodtime.endpoints import GOODTIME_PREFIX, goodtime_router
from timeledger.compat.goodtime.formats import render_goodtime_problem
from timeledger.compat.mctime.endpoints import MCTIME_ROUTERS
from timeledger.compat.mctime.wire import MCTIME_PREFIX, render_mctime_problem
from timeledger.compat.mite.endpoints import MITE_ROUTERS
from timeledger.compat.mite.formats import render_mite_problem
from timeledger.compat.mite.routes import MITE_PREFIX
from timeledger.compat.tyme.endpoints import TYME_ROUTERS
from timeledger.compat.tyme.wire import TYME_PREFIX, render_tyme_problem
from timeledger.config import Settings, get_settings
from timeledger.entries.endpoints import entries_router, entry_batches_router
from timeledger.entries.list_endpoints import entries_list_router
from timeledger.evaluation.endpoints import evaluation_router
from timeledger.events.endpoints import events_router
from timeledger.events.stream import ChangeDelivery
from timeledger.imports.endpoints import imports_router
from timeledger.inbound.endpoints import inbound_router
from timeledger.inbox.endpoints import inbox_router
from timeledger.jobs.endpoints import jobs_router
from timeledger.jobs.worker import Worker
from timeledger.kiosks.endpoints import kiosk_device_router, kiosks_router
from timeledger.kit.clock import Clock, clock_starting_at
from timeledger.kit.db import Database
from timeledger.kit.dependency_plans import solve_by_plans
from timeledger.kit.errors import (
    install_problem_handlers,
    render_native_problem,
    render_problems_of_face,
)
from timeledger.kit.memory import (
    collect_young_objects_less_often,
    freeze_startup_heap,
    limit_malloc_arenas,
)
from timeledger.kit.observability import (
    WITHOUT_OPENTELEMETRY,
    configure_logging,
    level_number,
    metrics_endpoint,
)
from timeledger.kit.openapi import build_openapi
from timeledger.kit.param_facts import remember_parameter_facts
from timeledger.kit.request_frame import RequestFrame
from timeledger.kit.route_table import RouteTable
from timeledger.kit.routing import API_PREFIX
from timeledger.kit.uow import UnitOfWorkRoute
from timeledger.oauth.endpoints import oauth_clients_router, oauth_grants_router
from timeledger.organization.endpoints import organization
from timeledger.presence.endpoints import presence_router
from timeledger.projects.endpoints import projects_router
from timeledger.reports.endpoints import reports_router
from timeledger.settings.endpoints import settings_router
from timeledger.settings.plugin_endpoints import plugins_router
from timeledger.signin.endpoints import auth
from timeledger.statements.endpoints import statements_router
from timeledger.statements.export_endpoints import statement_exports_router
from timeledger.timebank.endpoints import timebank_router
from timeledger.timeoff.endpoints import timeoff_router
from timeledger.transfer.endpoints import exports_router
from timeledger.users.endpoints import me, users
from timeledger.web.endpoints import WEB_ROUTERS
from timeledger.web.routing import page_of_problem
from timeledger.webhooks.endpoints import webhooks_router
from timeledger.workspaces.endpoints import admin

TAGS = [
    {"name": "Settings", "description": "Configuration: activities, reasons, dimensions, ..."},
    {"name": "Admin", "description": "Workspace administration and the audit log."},
    {"name": "Organization", "description": "Employees, employments and org units."},
    {"name": "Users", "description": "User accounts, roles, service users and API keys."},
    {"name": "Timesheet", "description": "Clock in/out, time entries and statements."},
    {"name": "Time off & timebank", "description": "Leave requests, balances, adjustments."},
    {"name": "Approvals", "description": "Approval inbox and delegations."},
    {"name": "Projects", "description": "Customers, projects, members, rates and tasks."},
    {"name": "Reports", "description": "Registered hours, movements, presence."},
    {"name": "Kiosks", "description": "Shared check-in terminals."},
    {"name": "Me", "description": "The signed-in person's own resources."},
    {"name": "Auth", "description": "Interactive sign-in and sessions; not for API keys."},
    {"name": "Events & webhooks", "description": "Event feed, streaming and webhooks."},
]


# Module-level endpoints, not closures over the app: FastAPI caches facts about every
# endpoint and dependency callable process-wide, so a closure would keep its app alive.
documents = APIRouter(prefix=API_PREFIX, include_in_schema=False, route_class=UnitOfWorkRoute)


@documents.get("/", response_class=PlainTextResponse)
async def api_root() -> str:
    return f"{PRODUCT_NAME} {__version__}"


@documents.get("/openapi.yaml")
def openapi_yaml(request: Request) -> Response:
    document = yaml.safe_dump(request.app.openapi(), sort_keys=False, allow_unicode=True)
    return Response(document, media_type="application/yaml")


ROUTE_TABLE = RouteTable.of(
    [
        users,
        me,
        auth,
        admin,
        organization,
        settings_router,
        plugins_router,
        projects_router,
        presence_router,
        evaluation_router,
        entries_router,
        entry_batches_router,
        entries_list_router,
        bookmarks_router,
        timebank_router,
        timeoff_router,
        statement_exports_router,
        statements_router,
        inbox_router,
        approvals_router,
        events_router,
        webhooks_router,
        inbound_router,
        jobs_router,
        bulk_router,
        exports_router,
        imports_router,
        reports_router,
        oauth_clients_router,
        oauth_grants_router,
        kiosks_router,
        kiosk_device_router,
        *MITE_ROUTERS,
        goodtime_router,
        *MCTIME_ROUTERS,
        *TYME_ROUTERS,
        documents,
        *WEB_ROUTERS,
    ],
    Route("/metrics", metrics_endpoint, include_in_schema=False),
)
"""Every route of every app: built once per process (see `kit.route_table`)."""


def app_from_environment() -> FastAPI:
    """The factory `timeledger serve` hands to uvicorn (also in its worker processes)."""
    settings = get_settings()
    configure_logging(settings.log_level, json=settings.log_json)
    limit_malloc_arenas()
    app = create_app(settings, run_worker=settings.inprocess_worker)
    freeze_startup_heap()
    collect_young_objects_less_often()
    return app


def create_app(
    settings: Settings | None = None,
    db: Database | None = None,
    *,
    run_worker: bool = False,
    password_hashing: PasswordHashing | None = None,
    clock: Clock | None = None,
) -> FastAPI:
    remember_parameter_facts()
    solve_by_plans()
    settings = settings or get_settings()
    db = db or Database(settings.database_url)
    clock = clock or clock_starting_at(settings.clock_start)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        worker = Worker(db, settings, clock) if run_worker else None
        if worker is not None:
            worker.start_thread()
        change_delivery = ChangeDelivery(db)
        change_delivery.start()
        app.state.change_delivery = change_delivery
        try:
            async with db.serving():
                yield
        finally:
            change_delivery.stop()
            if worker is not None:
                worker.stop()

    app = FastAPI(
        title=PRODUCT_NAME,
        version=__version__,
        summary="Self-hosted time tracking and workforce time management.",
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=f"{API_PREFIX}/docs",
        redoc_url=None,
        openapi_tags=TAGS,
        lifespan=lifespan,
        telemetry=WITHOUT_OPENTELEMETRY,
    )
    app.state.settings = settings
    app.state.db = db
    app.state.clock = clock
    app.state.password_hashing = password_hashing or PasswordHashing(settings.argon2_memory_kib)
    app.add_middleware(
        RequestFrame,
        clock=clock,
        body_limit=settings.max_request_bytes,
        log_requests=level_number(settings.log_level) <= logging.INFO,
    )
    install_problem_handlers(app)

    # First: FastAPI's own documentation routes, each a pattern to try, come after it.
    app.router.routes.insert(0, ROUTE_TABLE)
    render_problems_of_face(app, "/", page_of_problem)
    render_problems_of_face(app, API_PREFIX, render_native_problem)
    render_problems_of_face(app, MITE_PREFIX, render_mite_problem)
    render_problems_of_face(app, GOODTIME_PREFIX, render_goodtime_problem)
    render_problems_of_face(app, MCTIME_PREFIX.removesuffix("/api/v2/auth"), render_mctime_problem)
    render_problems_of_face(app, TYME_PREFIX, render_tyme_problem)
    app.openapi = lambda: build_openapi(app)  # type: ignore[method-assign]
    return app

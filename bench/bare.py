"""Two bare applications answering `GET /api/` with Timeledger's text, served by the same
uvicorn settings as `timeledger serve`: the floor of issue #16's sweep is compared with
what the web stack alone costs on this machine in the same run. `app` is Starlette alone,
the target's reference; `fastapi_app` is FastAPI with that one route, the least any
FastAPI application pays, shown beside it."""

from fastapi import FastAPI
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from timeledger import PRODUCT_NAME, __version__

TEXT = f"{PRODUCT_NAME} {__version__}"


async def root(_request: Request) -> PlainTextResponse:
    return PlainTextResponse(TEXT)


app = Starlette(routes=[Route("/api/", root)])

fastapi_app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)


@fastapi_app.get("/api/", response_class=PlainTextResponse)
async def fastapi_root() -> str:
    return TEXT

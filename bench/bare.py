"""A bare Starlette application answering `GET /api/` with Timeledger's text, served by the
same uvicorn settings as `timeledger serve`: the floor of issue #16's sweep is compared with
what the web stack alone costs on this machine in the same run."""

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from timeledger import PRODUCT_NAME, __version__


async def root(_request: Request) -> PlainTextResponse:
    return PlainTextResponse(f"{PRODUCT_NAME} {__version__}")


app = Starlette(routes=[Route("/api/", root)])

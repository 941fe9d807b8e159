"""The package's static files at `/static/<name>`: read once, versioned by content."""

from fastapi import Request, Response

from timeledger.kit.errors import NotFound
from timeledger.web.rendering import STATIC
from timeledger.web.routing import web_router

assets_router = web_router()

IMMUTABLE = "public, max-age=31536000, immutable"


@assets_router.get("/static/{name}")
async def static_file(name: str, request: Request) -> Response:
    """Cached for good: a page names each file with its version (`?v=`), which changes
    with the content."""
    found = STATIC.get(name)
    if found is None:
        raise NotFound(f"No file {name}.")
    etag = f'"{found.version}"'
    headers = {"Cache-Control": IMMUTABLE, "ETag": etag}
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    return Response(found.content, media_type=found.media_type, headers=headers)

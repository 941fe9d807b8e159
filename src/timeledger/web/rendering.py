"""Pages from templates: the Jinja2 environment, the headers every answer of the web app
carries, and the package's static files (htmx and the stylesheet)."""

import hashlib
from dataclasses import dataclass
from importlib.resources import files
from typing import Any

from fastapi import Request, Response
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from timeledger.web.formatting import Formats
from timeledger.web.security import csrf_token, remember_binding
from timeledger.web.strings import ENGLISH, Strings

HTML_MEDIA_TYPE = "text/html; charset=utf-8"
HX_REQUEST = "hx-request"
PAGE_HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
        "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}

TEMPLATES = Environment(
    loader=PackageLoader("timeledger.web", "templates"),
    autoescape=select_autoescape(default=True),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


@dataclass(frozen=True)
class StaticFile:
    content: bytes
    media_type: str
    version: str


STATIC_MEDIA_TYPES = {
    "htmx.min.js": "text/javascript; charset=utf-8",
    "app.css": "text/css; charset=utf-8",
    "htmx.LICENSE.txt": "text/plain; charset=utf-8",
    "favicon.svg": "image/svg+xml",
}


def _load_static() -> dict[str, StaticFile]:
    folder = files("timeledger.web").joinpath("static")
    loaded = {}
    for name, media_type in STATIC_MEDIA_TYPES.items():
        content = folder.joinpath(name).read_bytes()
        version = hashlib.sha256(content).hexdigest()[:12]
        loaded[name] = StaticFile(content, media_type, version)
    return loaded


STATIC = _load_static()
"""Read once: a handful of small files, served from memory with a version in their URL."""


def static_url(name: str) -> str:
    return f"/static/{name}?v={STATIC[name].version}"


TEMPLATES.globals["static_url"] = static_url


def is_htmx(request: Request) -> bool:
    return request.headers.get(HX_REQUEST) == "true"


def render(
    request: Request,
    template: str,
    *,
    strings: Strings = ENGLISH,
    formats: Formats | None = None,
    status: int = 200,
    **context: Any,
) -> Response:
    """The template rendered as an HTML answer; every page gets the strings `s`, the
    formats `f`, the form token `csrf` and the request's path."""
    html = TEMPLATES.get_template(template).render(
        s=strings,
        f=formats or Formats.of("en", "UTC"),
        csrf=csrf_token(request),
        path=request.url.path,
        **context,
    )
    response = Response(html, status_code=status, media_type=HTML_MEDIA_TYPE)
    remember_binding(request, response)
    return response


def with_page_headers(response: Response) -> Response:
    for name, value in PAGE_HEADERS.items():
        response.headers.setdefault(name, value)
    return response

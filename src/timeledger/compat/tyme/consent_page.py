"""The sign-in and consent page of Tyme's `GET /v1/authorize`: server-rendered HTML, no
script. Every value shown is escaped; the page may not be framed, cached or referred."""

from html import escape

from fastapi import Response

from timeledger.oauth.service import ALLOW, ConsentPage

HTML_MEDIA_TYPE = "text/html; charset=utf-8"
PAGE_HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}
STYLE = (
    "body{font-family:system-ui,sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem}"
    "label{display:block;margin:1rem 0}input{display:block;width:100%;padding:.4rem}"
    "button{margin:1rem .5rem 0 0;padding:.5rem 1rem}.problem{color:#a00}"
)


def _document(title: str, body: str) -> str:
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{STYLE}</style></head>"
        f"<body><main>{body}</main></body></html>"
    )


def consent_form(page: ConsentPage, action: str, email: str = "") -> str:
    client, workspace = escape(page.client_name), escape(page.workspace_name)
    problem = f'<p class="problem" role="alert">{escape(page.problem)}</p>' if page.problem else ""
    return _document(
        f"Allow {page.client_name} to use Timeledger",
        f"<h1>Allow {client} to use Timeledger?</h1>"
        f"<p><strong>{client}</strong> asks to act as you in the workspace "
        f"<strong>{workspace}</strong> through the Tyme API: it will see and change "
        "what you can see and change. Only team admins can use that API.</p>"
        f"{problem}"
        f'<form method="post" action="{escape(action)}">'
        f'<input type="hidden" name="form_token" value="{escape(page.form_token)}">'
        '<label>Email <input type="email" name="email" autocomplete="username" required '
        f'value="{escape(email)}"></label>'
        '<label>Password <input type="password" name="password" '
        'autocomplete="current-password" required></label>'
        f'<button type="submit" name="decision" value="{ALLOW}">Sign in and allow</button>'
        '<button type="submit" name="decision" value="deny" formnovalidate>Deny</button>'
        "</form>",
    )


def consent_response(page: ConsentPage, action: str, email: str = "") -> Response:
    return Response(
        consent_form(page, action, email),
        status_code=page.status,
        media_type=HTML_MEDIA_TYPE,
        headers={**PAGE_HEADERS, **page.headers},
    )


def refusal_response(description: str) -> Response:
    """Why the sign-in cannot go on, when there is no client to send the browser back to."""
    return Response(
        _document(
            "This sign-in cannot continue",
            "<h1>This sign-in cannot continue</h1>"
            f'<p class="problem" role="alert">{escape(description)}</p>'
            "<p>Go back to the application you came from and start again; if this "
            "happens again, tell whoever runs that application.</p>",
        ),
        status_code=400,
        media_type=HTML_MEDIA_TYPE,
        headers=PAGE_HEADERS,
    )

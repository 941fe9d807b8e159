"""Entity tags on single resources and the If-Match precondition on updates."""

from fastapi import Request, Response

from timeledger.kit.errors import PreconditionFailed


def etag_for(kind: str, object_id: int, row_version: int) -> str:
    return f'"{kind}-{object_id}-{row_version}"'


def set_etag(response: Response, tag: str) -> None:
    response.headers["ETag"] = tag


def check_if_match(request: Request, current: str) -> None:
    """Refuse the update when If-Match names another version; no header means no check."""
    header = request.headers.get("if-match")
    if header is None:
        return
    candidates = {part.strip().removeprefix("W/") for part in header.split(",")}
    if "*" in candidates or current in candidates:
        return
    raise PreconditionFailed(
        "The resource changed since you read it (If-Match does not match its ETag); "
        "read it again and retry.",
        extra={"current_etag": current},
    )

"""ASGI helpers of the layers that read a request's body before the application does."""

from starlette.types import Message, Receive


def body_replayed(body: bytes, receive: Receive) -> Receive:
    """A `receive` that hands the application `body`, read already, as one message, and
    then waits on `receive` (for the disconnect)."""
    delivered = False

    async def replay() -> Message:
        nonlocal delivered
        if delivered:
            return await receive()
        delivered = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay

# Starlette's TestClient imports httpx2 when type-checked but runs on httpx when httpx2 is not
# installed (as here), so mypy saw the client as Any. This stub says what runs: httpx.
# Delete it if httpx2 is ever installed.
from httpx import *  # noqa: F403 (all that httpx exports, whatever starlette uses of it)
from httpx import _client as _client
from httpx import _types as _types

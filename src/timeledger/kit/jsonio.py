"""Fast JSON encoding shared by responses, the change log and stored idempotent replies."""

from typing import Any

import orjson


def dump_json(value: Any) -> bytes:
    return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS)


def load_json(raw: bytes | str) -> Any:
    return orjson.loads(raw)

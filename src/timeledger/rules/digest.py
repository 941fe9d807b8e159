"""The fingerprint of an evaluation's inputs: the same inputs always give the same digest,
any change of an input another."""

import hashlib
from typing import Any

import orjson
from pydantic import BaseModel

from timeledger.rules.facts import EvaluationFacts

CANONICAL = orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS


def input_digest(facts: EvaluationFacts) -> str:
    """SHA-256 of the facts as canonical JSON: orjson writes dataclasses field by field,
    instants with their offset (the service gives them in UTC), keys sorted."""
    return hashlib.sha256(orjson.dumps(facts, default=_plain, option=CANONICAL)).hexdigest()


def _plain(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", by_alias=True)
    if isinstance(value, frozenset | set):
        return sorted(value)
    raise TypeError(f"{type(value).__name__} is not a fact")

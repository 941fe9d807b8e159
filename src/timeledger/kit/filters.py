"""Parsing of list filters shared by every list endpoint."""

from collections.abc import Sequence
from typing import Annotated

from pydantic import Field

from timeledger.kit.errors import Unprocessable

MAX_IDS_PER_FILTER = 500
# Ids are 64-bit signed integers on every engine; a larger number can name no row and would
# overflow the driver's integer binding.
MAX_ID = 2**63 - 1
MAX_ID_LIST_LENGTH = 4000


def id_list_pattern(*words: str) -> str:
    """The pattern of one value of an id filter: ids (and `words`, in any case) separated
    by commas, as `parse_id_list` reads them."""
    any_case = ("".join(f"[{c.lower()}{c.upper()}]" for c in word) for word in words)
    token = "|".join(["[0-9]{1,19}", *any_case])
    return rf"^\s*({token})?\s*(,\s*({token})?\s*)*$"


IdListValue = Annotated[str, Field(max_length=MAX_ID_LIST_LENGTH, pattern=id_list_pattern())]
"""One value of an id filter: `?ids=1,2&ids=3` has two."""


def parse_id_list(values: Sequence[str] | None, *, parameter: str) -> list[int] | None:
    """Ids given as repeated parameters, comma-separated, or both: `?ids=1,2&ids=3`."""
    if not values:
        return None
    ids: list[int] = []
    for value in values:
        for part in value.split(","):
            token = part.strip()
            if not token:
                continue
            # isascii: str.isdigit() also accepts digits such as "²" that int() refuses; the
            # length check keeps int() away from its limit on the number of digits.
            numeric = token.isascii() and token.isdigit() and len(token) <= len(str(MAX_ID))
            if not numeric or int(token) > MAX_ID:
                raise Unprocessable(
                    f"{parameter} must be a list of integer ids, got {token[:40]!r}.",
                    errors=[{"location": f"query.{parameter}", "message": "not an integer id"}],
                )
            ids.append(int(token))
    if len(ids) > MAX_IDS_PER_FILTER:
        raise Unprocessable(
            f"{parameter} takes at most {MAX_IDS_PER_FILTER} ids.",
            errors=[{"location": f"query.{parameter}", "message": "too many ids"}],
        )
    return list(dict.fromkeys(ids)) or None

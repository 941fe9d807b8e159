"""Parsing of list filters shared by every list endpoint."""

from collections.abc import Sequence

from timeledger.kit.errors import Unprocessable

MAX_IDS_PER_FILTER = 500
# Ids are 64-bit signed integers on every engine; a larger number can name no row and would
# overflow the driver's integer binding.
MAX_ID = 2**63 - 1


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

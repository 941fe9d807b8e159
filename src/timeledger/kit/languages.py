"""The BCP 47 language tags this server knows: every language, and language-region pair, of
the C library's locale table (Python's `locale.locale_alias`), as `en` and `en-GB`."""

import locale
import re
from functools import cache

LANGUAGE_TAG_PATTERN = r"^[a-z]{2,3}(-([A-Z]{2}|[0-9]{3}))?$"
"""The form of every known tag (the OpenAPI document declares it; a list of them all
would be an enum that client generators choke on)."""

_LOCALE_NAME = re.compile(r"^([a-z]{2,3})(?:_([A-Z]{2}|[0-9]{3}))?(?:[.@].*)?$")


@cache
def known_language_tags() -> frozenset[str]:
    tags: set[str] = set()
    for name in locale.locale_alias.values():
        found = _LOCALE_NAME.match(name)
        if found is None:
            continue
        language, region = found.groups()
        tags.add(language)
        if region:
            tags.add(f"{language}-{region}")
    return frozenset(tags)

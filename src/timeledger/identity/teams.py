"""The `team` scope: who a manager manages.

Org units arrive with the organization domain; until then a manager manages nobody but
themselves, and this is the one function that domain replaces.
"""

from sqlalchemy.orm import Session


def managed_user_ids(session: Session, manager_user_id: int) -> set[int]:
    return set()

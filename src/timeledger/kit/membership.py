"""Membership in a long list of ids (the employees of a team scope, hundreds of them).

An `IN` list is rendered with one placeholder per id, so its statement's text grows with
the list: on PostgreSQL, rendering it and converting it for the driver (whose cache takes
only short statements) cost about 6 ms for 400 ids, more than the query. There, the ids go
as one array parameter (`= ANY(...)`), and the statement is the same whatever their
number; SQLite keeps the `IN` list, which it reads as fast.
"""

from collections.abc import Collection

from sqlalchemy import BigInteger, ColumnElement, any_, bindparam
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import InstrumentedAttribute, Session


def among(
    session: Session,
    column: InstrumentedAttribute[int] | InstrumentedAttribute[int | None],
    ids: Collection[int],
) -> ColumnElement[bool]:
    """`column IN ids`, one parameter on PostgreSQL."""
    wanted = sorted(set(ids))
    if session.get_bind().dialect.name == "postgresql":
        return column == any_(bindparam(None, wanted, type_=ARRAY(BigInteger())))
    return column.in_(wanted)

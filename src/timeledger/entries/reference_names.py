"""Names of what time entries refer to, for the faces that show them beside the ids."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from timeledger.projects.service import CUSTOMERS, PROJECTS
from timeledger.settings.service import ACTIVITIES
from timeledger.users.repository import UserRepository


@dataclass(frozen=True)
class ReferenceNames:
    users: dict[int, str]
    customers: dict[int, str]
    projects: dict[int, str]
    activities: dict[int, str]


def reference_names(
    session: Session,
    day: date,
    *,
    user_ids: Iterable[int | None] = (),
    customer_ids: Iterable[int | None] = (),
    project_ids: Iterable[int | None] = (),
    activity_ids: Iterable[int | None] = (),
) -> ReferenceNames:
    """Each name as of `day` (configuration names are effective-dated)."""

    def present(ids: Iterable[int | None]) -> list[int]:
        return [value for value in ids if value]

    return ReferenceNames(
        users=UserRepository(session).names_of(present(user_ids)),
        customers=CUSTOMERS.names_on(session, present(customer_ids), day),
        projects=PROJECTS.names_on(session, present(project_ids), day),
        activities=ACTIVITIES.names_on(session, present(activity_ids), day),
    )

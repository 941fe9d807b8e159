"""Administration of what time is recorded against: activities, and customers with their
projects. All three are effective-dated: a list reads the versions in force on a day, an
edit adds a version from the date it is given, and the history shows every version. The
pages write through the same store operations, with the same permissions, as
`/api/settings/activities`, `/api/customers` and `/api/projects`.

One flow serves the three: a `Catalogue` names what differs (the store, the form's
fields, how they become the API's body, what else its pages show) and `route_catalogue`
declares its pages."""

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import partial
from typing import Annotated, Any, Literal

from babel.numbers import get_currency_precision
from fastapi import Query, Request, Response
from pydantic import BeforeValidator
from sqlalchemy.orm import Session

from timeledger.access.caller import Caller
from timeledger.kit.errors import Unprocessable
from timeledger.kit.pagination import fetch_window
from timeledger.kit.routing import ResourceId, unconditional
from timeledger.kit.uow import UnitOfWork
from timeledger.organization.today import workspace_basics, workspace_today
from timeledger.projects.schemas import CustomerCreate, ProjectCreate, ProjectUpdate
from timeledger.projects.service import CUSTOMERS, PROJECTS, project_changes, visible_project
from timeledger.settings.kind_routes import actor_of
from timeledger.settings.schemas import ActivityCreate, ActivityUpdate
from timeledger.settings.service import ACTIVITIES
from timeledger.settings.store import ConfigKind
from timeledger.web.admin import MAX_CHOICES, Choice, form_answer, spans_of
from timeledger.web.formatting import Formats
from timeledger.web.forms import Form, FormErrors, PostedForm, typed_minutes
from timeledger.web.routing import Signed, web_router
from timeledger.web.viewer import Viewer, page, viewer_of

admin_catalog_router = web_router()

PAGE_SIZE = 50
BUDGET_HOUR_DIGITS = 6
ACTIVITY_TYPES = ("work", "timeoff", "non-work", "allowance")
BUDGET_KINDS = ("none", "hours", "money")
ARCHIVED_FILTERS = {"all": None, "live": False, "archived": True}
ACTIVITY_CHECKBOXES = ("requires_project", "billable", "archived")
PROJECT_CHECKBOXES = ("billable", "requires_manager_approval", "archived")

ArchivedFilter = Literal["all", "live", "archived"]
AsOfQuery = Annotated[date | None, BeforeValidator(lambda typed: typed or None), Query()]
"""A day to read as of; a cleared date field (blank) is today."""
ArchivedQuery = Annotated[ArchivedFilter, Query()]
PageNumber = Annotated[int, Query(ge=1, le=10_000, alias="page")]


@dataclass(frozen=True)
class Money:
    """The workspace's currency and how many digits its minor unit has."""

    currency: str
    precision: int

    @classmethod
    def of_workspace(cls, session: Session, workspace_id: int) -> "Money":
        basics = workspace_basics(session, workspace_id)
        currency = basics.currency if basics is not None else "EUR"
        return cls(currency, get_currency_precision(currency))

    def text(self, minor: int | None) -> str:
        """Minor units as typed into a form (`85.50`); blank for none."""
        if minor is None:
            return ""
        return f"{Decimal(minor).scaleb(-self.precision):.{self.precision}f}"

    def shown(self, minor: int | None, formats: Formats) -> str:
        """Minor units as the person reads an amount of money; blank for none."""
        if minor is None:
            return ""
        return formats.money(Decimal(minor).scaleb(-self.precision), self.currency)

    def minor(self, typed: str, location: str, unreadable: str) -> int | None:
        """Minor units of an amount typed as `85.50` or `85,50`; None for a blank one."""
        if not typed:
            return None
        decimals = rf"(?:[.,]\d{{1,{self.precision}}})?" if self.precision else ""
        if not re.fullmatch(rf"\d{{1,12}}{decimals}", typed):
            raise Unprocessable.at(location, unreadable, unreadable)
        return int(Decimal(typed.replace(",", ".")).scaleb(self.precision))

    def hourly_rate(self, typed: Mapping[str, str], viewer: Viewer) -> int | None:
        """The form's hourly rate as the API's `hourly_rate_minor`."""
        return self.minor(
            typed["hourly_rate"], "body.hourly_rate_minor", viewer.strings.catalog_amount_unreadable
        )


@dataclass(frozen=True)
class Listing:
    """One page of a kind's entities in force on a day."""

    rows: list[Any]
    keys: dict[int, str | None]
    page: int
    has_next: bool


def listing_of(
    session: Session,
    kind: ConfigKind[Any, Any],
    day: date,
    archived: ArchivedFilter,
    page_number: int,
) -> Listing:
    statement = kind.matching(kind.in_force(day), archived=ARCHIVED_FILTERS[archived])
    rows = fetch_window(
        session,
        statement,
        order_by=kind.by_name(),
        limit=PAGE_SIZE + 1,
        offset=(page_number - 1) * PAGE_SIZE,
    )
    shown = rows[:PAGE_SIZE]
    entities = kind.entities_of(session, shown)
    keys = {entity_id: entity.key for entity_id, entity in entities.items()}
    return Listing(shown, keys, page_number, len(rows) > PAGE_SIZE)


def named_choices(names: Mapping[str, str], values: Sequence[str]) -> list[dict[str, str]]:
    """`values` as `{id, name}` for a select, each named in the viewer's language."""
    return [{"id": value, "name": names[value]} for value in values]


def live_choices(session: Session, kind: ConfigKind[Any, Any], day: date) -> list[Choice]:
    """The entities not archived on `day`, for a select, by name."""
    statement = kind.matching(kind.in_force(day), archived=False)
    rows = fetch_window(session, statement, order_by=kind.by_name(), limit=MAX_CHOICES, offset=0)
    owner = kind.owner_column.key
    return [Choice(getattr(row, owner), row.name) for row in rows]


def typed_of(form: Form, fields: Sequence[str], checkboxes: Sequence[str]) -> dict[str, str]:
    """What the person typed, checkboxes as `on` or blank."""
    typed = {name: form.get(name) for name in fields}
    return typed | {name: "on" if form.get(name) else "" for name in checkboxes}


def checked(typed: Mapping[str, str], checkboxes: Sequence[str]) -> dict[str, bool]:
    return {name: typed.get(name) == "on" for name in checkboxes}


def effective_day(session: Session, caller: Caller, chosen: date | None) -> date:
    """The day a write takes effect: the one chosen, else today (as the API defaults it)."""
    return chosen or workspace_today(session, caller.workspace_id)


@dataclass(frozen=True)
class Shown:
    """What a catalogue's page shows: versions (the list's rows or an entity's history)
    read on `day`, and on an entity's own page its id (it may not be chosen for itself)."""

    session: Session
    viewer: Viewer
    versions: Sequence[Any]
    day: date
    today: date
    money: Money
    entity_id: int | None = None


@dataclass(frozen=True)
class Editing:
    """An entity's own page: its edit form, its history and its deletion."""

    template: str
    visible: Callable[[Session, Caller, int], object]
    """Raises 404 for an entity the caller may not see."""
    form_of: Callable[[Any, Money], dict[str, str]]
    """A version's values as the form shows them, but for name, key, date and checkboxes."""
    changes: Callable[[dict[str, Any]], dict[str, Any]] = lambda changes: changes


@dataclass(frozen=True)
class Catalogue:
    """An effective-dated kind administered at `path`."""

    kind: ConfigKind[Any, Any]
    path: str
    permission: str
    """The API's permission area (`settings`): its pages declare `settings:create:*`,
    `settings:update:*` and `settings:delete:*` as the API's operations do."""
    listing_template: str
    fields: tuple[str, ...]
    checkboxes: tuple[str, ...]
    body: Callable[[Mapping[str, str], Money, Viewer, bool], Any]
    """The form's values as the API's create (or, when not new, update) body."""
    context: Callable[[Shown], dict[str, Any]]
    """What else its pages show: names of what versions refer to, a select's choices."""
    renamed: Mapping[str, str] = field(default_factory=dict)
    """The API's fields named differently in the form."""
    defaults: Mapping[str, str] = field(default_factory=dict)
    """The new entity form's values besides blank ones."""
    editing: Editing | None = None

    @property
    def error_fields(self) -> dict[str, str]:
        return {name: name for name in self.fields + self.checkboxes} | dict(self.renamed)


def _catalogue_page(
    request: Request,
    catalogue: Catalogue,
    template: str,
    shown: Shown,
    *,
    typed: dict[str, str],
    errors: FormErrors | None,
    status: int,
    **values: Any,
) -> Response:
    return page(
        request,
        shown.viewer,
        template,
        status=status,
        list_path=catalogue.path,
        money=shown.money,
        typed=typed,
        errors=errors or FormErrors(),
        **values,
        **catalogue.context(shown),
    )


def _listing_page(
    request: Request,
    session: Session,
    viewer: Viewer,
    catalogue: Catalogue,
    *,
    as_of: date | None = None,
    archived: ArchivedFilter = "all",
    page_number: int = 1,
    typed: dict[str, str] | None = None,
    errors: FormErrors | None = None,
    status: int = 200,
) -> Response:
    today = workspace_today(session, viewer.caller.workspace_id)
    day = as_of or today
    listing = listing_of(session, catalogue.kind, day, archived, page_number)
    money = Money.of_workspace(session, viewer.caller.workspace_id)
    blank = (
        {name: "" for name in catalogue.fields + catalogue.checkboxes}
        | dict(catalogue.defaults)
        | {"effective_from": today.isoformat()}
    )
    return _catalogue_page(
        request,
        catalogue,
        catalogue.listing_template,
        Shown(session, viewer, listing.rows, day, today, money),
        typed=blank | (typed or {}),
        errors=errors,
        status=status,
        listing=listing,
        as_of=day,
        archived=archived,
    )


def _entity_page(
    request: Request,
    session: Session,
    viewer: Viewer,
    catalogue: Catalogue,
    editing: Editing,
    entity_id: int,
    *,
    typed: dict[str, str] | None = None,
    errors: FormErrors | None = None,
    status: int = 200,
) -> Response:
    editing.visible(session, viewer.caller, entity_id)
    today = workspace_today(session, viewer.caller.workspace_id)
    current = catalogue.kind.live_as_of(session, [entity_id], today)[entity_id]
    money = Money.of_workspace(session, viewer.caller.workspace_id)
    versions = catalogue.kind.versions(session, entity_id)
    version = current.version
    shown = (
        {"name": version.name, "key": current.entity.key or ""}
        | editing.form_of(version, money)
        | {"effective_from": max(today, version.effective_from).isoformat()}
        | {name: "on" if getattr(version, name) else "" for name in catalogue.checkboxes}
    )
    return _catalogue_page(
        request,
        catalogue,
        editing.template,
        Shown(session, viewer, versions, today, today, money, entity_id),
        typed=shown | (typed or {}),
        errors=errors,
        status=status,
        entity_id=entity_id,
        current=version,
        spans=spans_of(versions),
    )


def route_catalogue(catalogue: Catalogue) -> None:
    """The catalogue's list and create form; with `editing`, each entity's page, its
    change from a date and its deletion."""
    kind, path, permission = catalogue.kind, catalogue.path, catalogue.permission

    @admin_catalog_router.get(path)
    def listed(
        request: Request,
        session: UnitOfWork,
        caller: Annotated[Caller, Signed(f"{permission}:create:*")],
        as_of: AsOfQuery = None,
        archived: ArchivedQuery = "all",
        page_number: PageNumber = 1,
    ) -> Response:
        return _listing_page(
            request,
            session,
            viewer_of(session, caller),
            catalogue,
            as_of=as_of,
            archived=archived,
            page_number=page_number,
        )

    @admin_catalog_router.post(path)
    def created(
        request: Request,
        form: PostedForm,
        session: UnitOfWork,
        caller: Annotated[Caller, Signed(f"{permission}:create:*")],
    ) -> Response:
        viewer = viewer_of(session, caller)
        money = Money.of_workspace(session, caller.workspace_id)
        typed = typed_of(form, catalogue.fields, catalogue.checkboxes)

        def create() -> int:
            body = catalogue.body(typed, money, viewer, True)
            versioned = kind.create(
                session,
                actor_of(caller),
                values=body.model_dump(exclude={"key", "effective_from"}),
                effective_from=effective_day(session, caller, body.effective_from),
                key=body.key,
            )
            return int(versioned.entity.id)

        return form_answer(
            request,
            session,
            create,
            catalogue.error_fields,
            done=lambda entity_id: path if catalogue.editing is None else f"{path}/{entity_id}",
            again=lambda errors, status: _listing_page(
                request, session, viewer, catalogue, typed=typed, errors=errors, status=status
            ),
        )

    if catalogue.editing is not None:
        _route_entity(catalogue, catalogue.editing)


def _route_entity(catalogue: Catalogue, editing: Editing) -> None:
    kind, path, permission = catalogue.kind, catalogue.path, catalogue.permission
    entity_path = path + "/{entity_id}"

    @admin_catalog_router.get(entity_path)
    def entity(
        entity_id: ResourceId,
        request: Request,
        session: UnitOfWork,
        caller: Annotated[Caller, Signed(f"{permission}:update:*")],
    ) -> Response:
        viewer = viewer_of(session, caller)
        return _entity_page(request, session, viewer, catalogue, editing, entity_id)

    @admin_catalog_router.post(entity_path)
    def updated(
        entity_id: ResourceId,
        request: Request,
        form: PostedForm,
        session: UnitOfWork,
        caller: Annotated[Caller, Signed(f"{permission}:update:*")],
    ) -> Response:
        viewer = viewer_of(session, caller)
        kind.get(session, entity_id)
        money = Money.of_workspace(session, caller.workspace_id)
        typed = typed_of(form, catalogue.fields, catalogue.checkboxes)

        def update() -> None:
            body = catalogue.body(typed, money, viewer, False)
            changes = body.model_dump(exclude_unset=True, exclude={"key", "effective_from"})
            kind.add_version(
                session,
                actor_of(caller),
                entity_id,
                changes=editing.changes(changes),
                effective_from=effective_day(session, caller, body.effective_from),
                if_match=unconditional,
                key=body.key,
            )

        return form_answer(
            request,
            session,
            update,
            catalogue.error_fields,
            done=lambda _: f"{path}/{entity_id}",
            again=lambda errors, status: _entity_page(
                request,
                session,
                viewer,
                catalogue,
                editing,
                entity_id,
                typed=typed,
                errors=errors,
                status=status,
            ),
        )

    @admin_catalog_router.post(entity_path + "/delete")
    def deleted(
        entity_id: ResourceId,
        request: Request,
        form: PostedForm,
        session: UnitOfWork,
        caller: Annotated[Caller, Signed(f"{permission}:delete:*")],
    ) -> Response:
        return form_answer(
            request,
            session,
            lambda: kind.delete(
                session,
                actor_of(caller),
                entity_id,
                today=workspace_today(session, caller.workspace_id),
                if_match=unconditional,
            ),
            {},
            done=lambda _: path,
            again=lambda errors, status: _entity_page(
                request,
                session,
                viewer_of(session, caller),
                catalogue,
                editing,
                entity_id,
                errors=errors,
                status=status,
            ),
        )


# Activities


def activity_body(
    typed: Mapping[str, str], money: Money, viewer: Viewer, new: bool
) -> ActivityCreate | ActivityUpdate:
    """Every field is sent, so a new version holds exactly what the form shows (a blank
    optional field clears it)."""
    values = {
        "name": typed["name"],
        "key": typed["key"] or None,
        "type": typed["type"],
        "parent_id": typed["parent_id"] or None,
        "hourly_rate_minor": money.hourly_rate(typed, viewer),
        "color": typed["color"] or None,
        "effective_from": typed["effective_from"] or None,
        **checked(typed, ACTIVITY_CHECKBOXES),
    }
    if new:
        return ActivityCreate.model_validate(values)
    return ActivityUpdate.model_validate(values)


def activity_context(shown: Shown) -> dict[str, Any]:
    parents = [version.parent_id for version in shown.versions if version.parent_id is not None]
    return {
        "parent_names": ACTIVITIES.names_on(shown.session, parents, shown.day),
        "type_choices": named_choices(shown.viewer.strings.catalog_type_names, ACTIVITY_TYPES),
        "parents": [
            choice
            for choice in live_choices(shown.session, ACTIVITIES, shown.today)
            if choice.id != shown.entity_id
        ],
    }


def activity_form(version: Any, money: Money) -> dict[str, str]:
    return {
        "type": version.type,
        "parent_id": str(version.parent_id or ""),
        "hourly_rate": money.text(version.hourly_rate_minor),
        "color": version.color or "",
    }


ACTIVITY_CATALOGUE = Catalogue(
    kind=ACTIVITIES,
    path="/admin/activities",
    permission="settings",
    listing_template="admin/activities.html",
    fields=("name", "key", "type", "parent_id", "hourly_rate", "color", "effective_from"),
    checkboxes=ACTIVITY_CHECKBOXES,
    body=activity_body,
    context=activity_context,
    renamed={"hourly_rate_minor": "hourly_rate"},
    defaults={"type": "work"},
    editing=Editing(
        "admin/activities_edit.html",
        lambda session, caller, activity_id: ACTIVITIES.get(session, activity_id),
        activity_form,
    ),
)


# Customers and projects


def customer_body(
    typed: Mapping[str, str], money: Money, viewer: Viewer, new: bool
) -> CustomerCreate:
    return CustomerCreate.model_validate(
        {
            "name": typed["name"],
            "key": typed["key"] or None,
            "note": typed["note"],
            "hourly_rate_minor": money.hourly_rate(typed, viewer),
            "effective_from": typed["effective_from"] or None,
        }
    )


CUSTOMER_CATALOGUE = Catalogue(
    kind=CUSTOMERS,
    path="/admin/projects/customers",
    permission="projects",
    listing_template="admin/projects_customers.html",
    fields=("name", "key", "note", "hourly_rate", "effective_from"),
    checkboxes=(),
    body=customer_body,
    context=lambda shown: dict[str, Any](),
    renamed={"hourly_rate_minor": "hourly_rate"},
)


def project_body(
    typed: Mapping[str, str], money: Money, viewer: Viewer, new: bool
) -> ProjectCreate | ProjectUpdate:
    """As `activity_body`, for projects: the budget is typed as hours for a budget in
    hours and as an amount of money for one in money."""
    kind, budget = typed["budget_kind"], typed["budget"]
    location = "body.budget_amount"
    amount: int | None = None
    if kind == "hours" and budget:
        unreadable = viewer.strings.catalog_hours_unreadable
        amount = typed_minutes(budget, location, unreadable, BUDGET_HOUR_DIGITS)
    elif budget:
        amount = money.minor(budget, location, viewer.strings.catalog_amount_unreadable)
    values = {
        "name": typed["name"],
        "key": typed["key"] or None,
        "customer_id": typed["customer_id"] or None,
        "note": typed["note"],
        "hourly_rate_minor": money.hourly_rate(typed, viewer),
        "budget_kind": kind,
        "budget_amount": amount,
        "effective_from": typed["effective_from"] or None,
        **checked(typed, PROJECT_CHECKBOXES),
    }
    if new:
        return ProjectCreate.model_validate(values)
    return ProjectUpdate.model_validate(values)


def budget_text(kind: str, amount: int | None, money: Money) -> str:
    """The budget as typed into the form: hours as `120:30`, money as `85.50`."""
    if amount is None:
        return ""
    if kind == "hours":
        hours, minutes = divmod(amount, 60)
        return f"{hours}:{minutes:02d}"
    return money.text(amount)


def budget_shown(kind: str, amount: int | None, *, viewer: Viewer, money: Money) -> str:
    """The budget as the person reads it: hours, or an amount of money."""
    if amount is None:
        return ""
    if kind == "hours":
        return viewer.strings.unit_hours.format(amount=viewer.formats.minutes(amount))
    return money.shown(amount, viewer.formats)


def project_context(shown: Shown) -> dict[str, Any]:
    customers = [v.customer_id for v in shown.versions if v.customer_id is not None]
    return {
        "customer_names": CUSTOMERS.names_on(shown.session, customers, shown.day),
        "budget_choices": named_choices(shown.viewer.strings.catalog_budget_kinds, BUDGET_KINDS),
        "budget_shown": partial(budget_shown, viewer=shown.viewer, money=shown.money),
        "customers": live_choices(shown.session, CUSTOMERS, shown.today),
    }


def project_form(version: Any, money: Money) -> dict[str, str]:
    return {
        "customer_id": str(version.customer_id or ""),
        "note": version.note,
        "hourly_rate": money.text(version.hourly_rate_minor),
        "budget_kind": version.budget_kind,
        "budget": budget_text(version.budget_kind, version.budget_amount, money),
    }


PROJECT_CATALOGUE = Catalogue(
    kind=PROJECTS,
    path="/admin/projects",
    permission="projects",
    listing_template="admin/projects.html",
    fields=(
        "name",
        "key",
        "customer_id",
        "note",
        "hourly_rate",
        "budget_kind",
        "budget",
        "effective_from",
    ),
    checkboxes=PROJECT_CHECKBOXES,
    body=project_body,
    context=project_context,
    renamed={"hourly_rate_minor": "hourly_rate", "budget_amount": "budget"},
    defaults={"budget_kind": "none", "billable": "on"},
    editing=Editing("admin/projects_edit.html", visible_project, project_form, project_changes),
)

# Customers first: their path would otherwise be read as a project's id.
for catalogue in (ACTIVITY_CATALOGUE, CUSTOMER_CATALOGUE, PROJECT_CATALOGUE):
    route_catalogue(catalogue)

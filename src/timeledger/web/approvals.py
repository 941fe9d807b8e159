"""The approval inbox: what awaits the signed-in person's decision, in the inbox's order,
approved or rejected one by one or in bulk through the same services as the API's inbox
and decisions in bulk."""

from collections.abc import Mapping
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from fastapi import Query, Request, Response
from sqlalchemy.orm import Session

from timeledger.access.caller import Caller
from timeledger.approvals.routing import KINDS, Kind
from timeledger.inbox import deciding
from timeledger.inbox.schemas import MAX_DECISIONS, DecisionOutcome, DecisionsIn
from timeledger.inbox.service import InboxFilter, inbox_page
from timeledger.kit.errors import Problem
from timeledger.kit.pagination import DEFAULT_LIMIT
from timeledger.kit.uow import UnitOfWork
from timeledger.web.forms import Form, FormErrors, PostedForm, attempt
from timeledger.web.routing import Signed, see_other, web_router
from timeledger.web.viewer import Viewer, page, viewer_of

approvals_router = web_router()

DECIDE = "approvals:decide:own"
INBOX_PATH = "/approvals"
PAGE_SIZE = DEFAULT_LIMIT
ITEM_FIELD = "item"
"""A checkbox per item, named `item:<kind>:<id>`."""
DECIDE_ONE_FIELD = "decide_one"
"""An item's own button: `<approve|reject>:<kind>:<id>`."""
DECISION_FIELD = "decision"
NOTE_FIELD = "note"
NOTE_FIELDS = {"note": NOTE_FIELD}
Decision = Literal["approve", "reject"]
DECISIONS: tuple[Decision, ...] = ("approve", "reject")
ItemKey = tuple[str, str]
"""An item's kind and id."""


def item_field(kind: str, item_id: str) -> str:
    return f"{ITEM_FIELD}:{kind}:{item_id}"


def _kind_of(text: str) -> Kind | None:
    return next((kind for kind in KINDS if kind == text), None)


def _inbox_path(kind: Kind | None, **query: str | int) -> str:
    values = ({"kind": kind} if kind else {}) | query
    return f"{INBOX_PATH}?{urlencode(values)}" if values else INBOX_PATH


def _inbox(
    request: Request,
    session: Session,
    viewer: Viewer,
    *,
    kind: Kind | None,
    cursor: str | None,
    decided: int | None = None,
    note: str = "",
    checked: frozenset[ItemKey] = frozenset(),
    refusals: Mapping[ItemKey, str] | None = None,
    errors: FormErrors | None = None,
    status: int = 200,
) -> Response:
    wanted = InboxFilter(kinds=frozenset({kind}) if kind else frozenset())
    listed = inbox_page(session, viewer.caller, wanted, PAGE_SIZE, cursor)
    items: list[dict[str, Any]] = listed["items"]
    next_cursor: str | None = listed["next_cursor"]
    refused = dict(refusals or {})
    shown = {(item["kind"], item["id"]) for item in items}
    errors = errors or FormErrors()
    for key, detail in refused.items():
        if key not in shown and detail not in errors.general:
            errors.general.append(detail)
    return page(
        request,
        viewer,
        "approvals.html",
        status=status,
        items=items,
        kinds=KINDS,
        kind=kind or "",
        cursor=cursor or "",
        next_page=_inbox_path(kind, cursor=next_cursor) if next_cursor else None,
        first_page=_inbox_path(kind) if cursor else None,
        decided=decided,
        note=note,
        checked=checked,
        refused=refused,
        errors=errors,
        item_field=item_field,
    )


@approvals_router.get(INBOX_PATH)
def approval_inbox(
    request: Request,
    session: UnitOfWork,
    caller: Annotated[Caller, Signed(DECIDE)],
    kind: str = "",
    cursor: Annotated[str | None, Query(max_length=512)] = None,
    decided: Annotated[int | None, Query(ge=0, le=MAX_DECISIONS)] = None,
) -> Response:
    viewer = viewer_of(session, caller)
    return _inbox(request, session, viewer, kind=_kind_of(kind), cursor=cursor, decided=decided)


def _chosen(form: Form) -> list[tuple[Decision, ItemKey]]:
    """The decisions the form asks for: an item's own button decides that item alone,
    else the decision button applies to every item ticked."""
    one = form.get(DECIDE_ONE_FIELD)
    if one:
        decision, _, key = one.partition(":")
        kind, _, item_id = key.partition(":")
        return [(wanted, (kind, item_id)) for wanted in DECISIONS if wanted == decision]
    decision = form.get(DECISION_FIELD)
    ticked = [
        (kind, item_id)
        for name in form.values
        if name.startswith(ITEM_FIELD + ":")
        for kind, _, item_id in [name.removeprefix(ITEM_FIELD + ":").partition(":")]
    ]
    return [(wanted, key) for wanted in DECISIONS if wanted == decision for key in ticked]


def _refusals(outcomes: list[DecisionOutcome]) -> dict[ItemKey, Mapping[str, Any]]:
    return {
        (outcome.kind, outcome.id): outcome.problem
        for outcome in outcomes
        if outcome.problem is not None
    }


def _note_problem(problems: list[Mapping[str, Any]]) -> str | None:
    """What a service says of the comment, when one of its refusals names it."""
    for problem in problems:
        for error in problem.get("errors") or []:
            if str(error.get("location", "")).rsplit(".", 1)[-1] == "note":
                return str(error.get("message", ""))
    return None


@approvals_router.post(INBOX_PATH)
def decide_chosen(
    request: Request,
    form: PostedForm,
    session: UnitOfWork,
    caller: Annotated[Caller, Signed(DECIDE)],
) -> Response:
    viewer = viewer_of(session, caller)
    kind = _kind_of(form.get("kind"))
    cursor = form.optional("cursor")
    note = form.get(NOTE_FIELD)
    chosen = _chosen(form)

    def again(status: int, checked: frozenset[ItemKey], **shown: Any) -> Response:
        return _inbox(
            request,
            session,
            viewer,
            kind=kind,
            cursor=cursor,
            note=note,
            checked=checked,
            status=status,
            **shown,
        )

    if not chosen:
        errors = FormErrors(general=[viewer.strings.approvals_none_chosen])
        return again(422, frozenset(), errors=errors)
    outcome = attempt(
        session,
        lambda: deciding.decide_all(
            session,
            caller,
            DecisionsIn.model_validate(
                {
                    "decisions": [
                        {"kind": item_kind, "id": item_id, "decision": decision, "note": note}
                        for decision, (item_kind, item_id) in chosen
                    ]
                }
            ).decisions,
        ),
    )
    if isinstance(outcome, Problem):
        errors = FormErrors.of_problem(outcome, NOTE_FIELDS)
        return again(outcome.status, frozenset(key for _, key in chosen), errors=errors)
    refusals = _refusals(outcome.results)
    if not refusals:
        return see_other(request, _inbox_path(kind, decided=outcome.taken))
    errors = FormErrors()
    note_problem = _note_problem(list(refusals.values()))
    if note_problem is not None:
        errors.fields[NOTE_FIELD] = note_problem
    first_status = int(next(iter(refusals.values()))["status"])
    return again(
        200 if outcome.taken else first_status,
        frozenset(refusals),
        decided=outcome.taken or None,
        refusals={key: str(problem.get("detail", "")) for key, problem in refusals.items()},
        errors=errors,
    )

"""Generating statements: each employee's period (of their settlement policy) evaluated by
the rule engine and stored. The same inputs write nothing; new inputs recompute a draft
(revision + 1), and mark a statement that is submitted or further on stale instead of
rewriting it."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from sqlalchemy.orm import Session

from timeledger.changelog.service import ChangeOf, record_changes
from timeledger.evaluation.service import FactsLoader
from timeledger.kit.clock import utcnow
from timeledger.models import Statement
from timeledger.organization.today import workspace_basics
from timeledger.rules.evaluation import evaluate
from timeledger.rules.figures import Evaluation
from timeledger.rules.periods import PeriodKind, period_of
from timeledger.statements.agreements import agreements_on
from timeledger.statements.documents import fill_from, summary
from timeledger.statements.repository import StatementRepository

ENTITY = "statement"


class Outcome(StrEnum):
    CREATED = "created"
    RECOMPUTED = "recomputed"
    MARKED_STALE = "marked_stale"
    UNCHANGED = "unchanged"


@dataclass(frozen=True)
class Planned:
    """A statement to generate: an employee's period under a settlement policy."""

    employee_id: int
    first: date
    last: date
    period: PeriodKind
    settlement_policy_id: int | None


def planned_periods(
    session: Session, workspace_id: int, employee_ids: Iterable[int] | None, day: date
) -> list[Planned]:
    """The period holding `day` of each live employee (of `employee_ids`, or all) whose
    agreement on `day` names a settlement policy and who is employed in that period."""
    repository = StatementRepository(session)
    ids = repository.live_employee_ids(employee_ids)
    agreements = agreements_on(session, ids, day)
    basics = workspace_basics(session, workspace_id)
    assert basics is not None, workspace_id
    employments = repository.employment_bounds(ids)
    planned = []
    for employee_id in ids:
        agreement = agreements[employee_id]
        if agreement.period is None:
            continue
        first, last = period_of(day, agreement.period, basics.week_start)
        if _employed(employments.get(employee_id), first, last):
            planned.append(
                Planned(employee_id, first, last, agreement.period, agreement.settlement_policy_id)
            )
    return planned


def _employed(periods: list[tuple[date, date | None]] | None, first: date, last: date) -> bool:
    """Employed on a day of the range; without any employment period, throughout (as the
    rule engine takes it)."""
    if periods is None:
        return True
    return any(start <= last and (end is None or end >= first) for start, end in periods)


def generate(
    session: Session, workspace_id: int, actor_user_id: int | None, planned: Sequence[Planned]
) -> list[tuple[Statement, Outcome]]:
    """Evaluate and store each planned statement; the changes go to the change log in one
    append."""
    existing = StatementRepository(session).of_period_starts(
        {plan.employee_id for plan in planned}, {plan.first for plan in planned}
    )
    loader = FactsLoader(session, workspace_id)
    results: list[tuple[Statement, Outcome]] = []
    changes: list[ChangeOf] = []
    for plan in planned:
        evaluation = evaluate(loader.facts_of(plan.employee_id, plan.first, plan.last))
        statement = existing.get((plan.employee_id, plan.first))
        if statement is None:
            statement = _created(session, workspace_id, plan, evaluation)
            outcome = Outcome.CREATED
        else:
            outcome = _stored(statement, evaluation, plan)
        if outcome is not Outcome.UNCHANGED:
            op = "updated" if outcome is Outcome.MARKED_STALE else "generated"
            changes.append(ChangeOf(ENTITY, statement.id, op, summary(statement)))
        results.append((statement, outcome))
    if changes:
        session.flush()
        record_changes(
            session, workspace_id=workspace_id, actor_user_id=actor_user_id, changes=changes
        )
    return results


def _created(
    session: Session, workspace_id: int, plan: Planned, evaluation: Evaluation
) -> Statement:
    now = utcnow()
    statement = Statement(
        workspace_id=workspace_id,
        employee_id=plan.employee_id,
        period=plan.period,
        period_start=plan.first,
        period_end=plan.last,
        settlement_policy_id=plan.settlement_policy_id,
        status="draft",
        revision=1,
        stale=False,
        payroll_lines=[],
        note="",
        generated_at=now,
        created_at=now,
        updated_at=now,
        row_version=1,
    )
    fill_from(statement, evaluation)
    StatementRepository(session).add(statement)
    return statement


def _stored(statement: Statement, evaluation: Evaluation, plan: Planned) -> Outcome:
    if statement.input_digest == evaluation.input_digest and statement.period_end == plan.last:
        if not statement.stale:
            return Outcome.UNCHANGED
        statement.stale = False
        _touched(statement)
        return Outcome.RECOMPUTED
    if statement.status == "draft":
        statement.period = plan.period
        statement.period_end = plan.last
        statement.settlement_policy_id = plan.settlement_policy_id
        recompute(statement, evaluation)
        return Outcome.RECOMPUTED
    if statement.stale:
        return Outcome.UNCHANGED
    statement.stale = True
    _touched(statement)
    return Outcome.MARKED_STALE


def recompute(statement: Statement, evaluation: Evaluation) -> None:
    """New figures for a draft: a new revision, no longer stale."""
    fill_from(statement, evaluation)
    statement.revision += 1
    statement.stale = False
    statement.generated_at = utcnow()
    _touched(statement)


def _touched(statement: Statement) -> None:
    statement.updated_at = utcnow()
    statement.row_version += 1


def evaluation_of(session: Session, workspace_id: int, statement: Statement) -> Evaluation:
    """The statement's period evaluated from what is stored now."""
    loader = FactsLoader(session, workspace_id)
    return evaluate(
        loader.facts_of(statement.employee_id, statement.period_start, statement.period_end)
    )

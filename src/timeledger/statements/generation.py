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
from timeledger.organization.repository import EmployeeRepository
from timeledger.organization.today import workspace_basics
from timeledger.rules.evaluation import digest_of, evaluate
from timeledger.rules.facts import EvaluationFacts
from timeledger.rules.figures import Evaluation
from timeledger.rules.periods import PeriodKind, period_of
from timeledger.statements.agreements import agreements_on
from timeledger.statements.documents import figures_of, fill_from, summary
from timeledger.statements.repository import StatementRepository

ENTITY = "statement"


class Outcome(StrEnum):
    CREATED = "created"
    RECOMPUTED = "recomputed"
    UPDATED = "updated"
    """The figures stand: only the digest moved (an input that changes no figure), or a
    stale statement's inputs came back to what it holds."""
    MARKED_STALE = "marked_stale"
    UNCHANGED = "unchanged"
    OVERLAPPING = "overlapping"
    """Left alone: a submitted or later statement of another period shares its days."""


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
    ids = EmployeeRepository(session).live_ids(employee_ids)
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


@dataclass(frozen=True)
class Generated:
    plan: Planned
    statement: Statement | None
    outcome: Outcome
    overlapping: tuple[int, ...] = ()
    """For `OVERLAPPING`: the statements in the way."""


def generate(
    session: Session, workspace_id: int, actor_user_id: int | None, planned: Sequence[Planned]
) -> list[Generated]:
    """Evaluate and store each planned statement; the changes go to the change log in one
    append. A statement whose inputs have the digest it holds is not evaluated again. A
    draft of another period sharing days with the planned one (the policy's period
    changed) is deleted; a statement further on keeps the planned one from being made."""
    repository = StatementRepository(session)
    existing = repository.overlapping(
        {plan.employee_id for plan in planned},
        min((plan.first for plan in planned), default=date.max),
        max((plan.last for plan in planned), default=date.min),
    )
    loader = FactsLoader(session, workspace_id)
    results: list[Generated] = []
    changes: list[ChangeOf] = []
    for plan in planned:
        sharing = [
            row
            for row in existing.get(plan.employee_id, ())
            if row.period_start <= plan.last and row.period_end >= plan.first
        ]
        statement = next((row for row in sharing if row.period_start == plan.first), None)
        others = [row for row in sharing if row is not statement]
        if any(row.status != "draft" for row in others):
            results.append(
                Generated(plan, None, Outcome.OVERLAPPING, tuple(row.id for row in others))
            )
            continue
        for row in others:
            changes.append(ChangeOf(ENTITY, row.id, "deleted", summary(row)))
            repository.delete(row)
        facts = loader.facts_of(plan.employee_id, plan.first, plan.last)
        if statement is None:
            results.append(
                Generated(
                    plan, _created(session, workspace_id, plan, evaluate(facts)), Outcome.CREATED
                )
            )
        else:
            results.append(Generated(plan, statement, _stored(statement, facts, plan)))
    session.flush()  # new statements get their ids, in one flush for the batch
    changes += [
        ChangeOf(ENTITY, result.statement.id, _OPS[result.outcome], summary(result.statement))
        for result in results
        if result.statement is not None and result.outcome in _OPS
    ]
    if changes:
        record_changes(
            session, workspace_id=workspace_id, actor_user_id=actor_user_id, changes=changes
        )
    return results


_OPS = {
    Outcome.CREATED: "generated",
    Outcome.RECOMPUTED: "generated",
    Outcome.UPDATED: "updated",
    Outcome.MARKED_STALE: "updated",
}


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
    session.add(statement)
    return statement


def _stored(statement: Statement, facts: EvaluationFacts, plan: Planned) -> Outcome:
    same_period = statement.period_end == plan.last
    if same_period and digest_of(facts) == statement.input_digest:
        if not statement.stale:
            return Outcome.UNCHANGED
        statement.stale = False
        _touched(statement)
        return Outcome.UPDATED
    evaluation = evaluate(facts)
    if same_period and figures_of(evaluation) == statement.evaluation:
        statement.input_digest = evaluation.input_digest
        statement.stale = False
        _touched(statement)
        return Outcome.UPDATED
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


def facts_of(session: Session, workspace_id: int, statement: Statement) -> EvaluationFacts:
    """The facts of the statement's period as stored now."""
    loader = FactsLoader(session, workspace_id)
    return loader.facts_of(statement.employee_id, statement.period_start, statement.period_end)


def evaluation_of(session: Session, workspace_id: int, statement: Statement) -> Evaluation:
    """The statement's period evaluated from what is stored now."""
    return evaluate(facts_of(session, workspace_id, statement))


def changed_figures(session: Session, workspace_id: int, statement: Statement) -> Evaluation | None:
    """The period's new evaluation when its figures are no longer the statement's; None
    when they still are. An input that moved without changing a figure (a day of the next
    month in the period's last week) only brings the statement's digest up to date."""
    facts = facts_of(session, workspace_id, statement)
    if digest_of(facts) == statement.input_digest:
        return None
    evaluation = evaluate(facts)
    if figures_of(evaluation) != statement.evaluation:
        return evaluation
    statement.input_digest = evaluation.input_digest
    _touched(statement)
    return None


def mark_stale(
    session: Session, workspace_id: int, statement: Statement, actor_user_id: int | None
) -> None:
    statement.stale = True
    _touched(statement)
    record_changes(
        session,
        workspace_id=workspace_id,
        actor_user_id=actor_user_id,
        changes=[ChangeOf(ENTITY, statement.id, "updated", summary(statement))],
    )

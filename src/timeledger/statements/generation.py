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
from timeledger.rules.evaluation import digest_of, evaluate
from timeledger.rules.facts import EvaluationFacts
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
    append. A statement whose inputs have the digest it holds is not evaluated again."""
    existing = StatementRepository(session).of_period_starts(
        {plan.employee_id for plan in planned}, {plan.first for plan in planned}
    )
    loader = FactsLoader(session, workspace_id)
    results: list[tuple[Statement, Outcome]] = []
    for plan in planned:
        facts = loader.facts_of(plan.employee_id, plan.first, plan.last)
        statement = existing.get((plan.employee_id, plan.first))
        if statement is None:
            statement = _created(session, workspace_id, plan, evaluate(facts))
            outcome = Outcome.CREATED
        else:
            outcome = _stored(statement, facts, plan)
        results.append((statement, outcome))
    session.flush()  # new statements get their ids, in one flush for the batch
    changes = [
        ChangeOf(ENTITY, statement.id, _OPS[outcome], summary(statement))
        for statement, outcome in results
        if outcome is not Outcome.UNCHANGED
    ]
    if changes:
        record_changes(
            session, workspace_id=workspace_id, actor_user_id=actor_user_id, changes=changes
        )
    return results


_OPS = {
    Outcome.CREATED: "generated",
    Outcome.RECOMPUTED: "generated",
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
    if digest_of(facts) == statement.input_digest and statement.period_end == plan.last:
        if not statement.stale:
            return Outcome.UNCHANGED
        statement.stale = False
        _touched(statement)
        return Outcome.RECOMPUTED
    if statement.status == "draft":
        statement.period = plan.period
        statement.period_end = plan.last
        statement.settlement_policy_id = plan.settlement_policy_id
        recompute(statement, evaluate(facts))
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


def current_digest(session: Session, workspace_id: int, statement: Statement) -> str:
    """The digest the statement's period has now: equal to its own when nothing changed."""
    return digest_of(facts_of(session, workspace_id, statement))

"""Settling an approved statement and taking a settlement back: the settlement policy's
steps run (pure, `timeledger.rules.settlement`) over the figures that were approved, and
what they answer is stored here. Every movement carries its key (statement, revision,
step, account), which the database keeps unique, so a rerun posts nothing twice."""

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from timeledger.changelog.service import ChangeOf, record_changes
from timeledger.kit.clock import utcnow
from timeledger.models import Activity, Statement, TimebankMovement
from timeledger.rules.contexts import OvertimeMinutes, PayLine
from timeledger.rules.facts import PluginUse
from timeledger.rules.plugins.registry import SETTLEMENT_STEPS, parse_config
from timeledger.rules.settlement import Movement, SettlementFacts, reversal, settle
from timeledger.settings.service import ALLOWANCE_POLICIES, SETTLEMENT_POLICIES
from timeledger.statements.agreements import agreement_of
from timeledger.statements.documents import summary
from timeledger.statements.repository import StatementRepository
from timeledger.timesheet.locks import lock_period, unlock_period

ENTITY = "statement"
MOVEMENT_ENTITY = "timebank-movement"
BASE_RATE = 100


def settle_statement(
    session: Session, workspace_id: int, statement: Statement, actor_user_id: int | None
) -> None:
    """Post the statement's settlement, store its payroll lines, lock its period as its
    policy says, and mark it settled. The statement must be approved (the caller checks)
    and locked for update."""
    agreement = agreement_of(session, statement.employee_id, statement.period_end)
    steps = _steps(session, statement)
    facts = SettlementFacts(
        period_start=statement.period_start,
        period_end=statement.period_end,
        flex_delta_minutes=statement.flex_delta_minutes,
        overtime=overtime_of(session, statement),
        allowances=_allowances(session, statement.evaluation["lines"]),
        payout_minutes=statement.payout_minutes or 0,
        steps=steps,
        opening_balances=StatementRepository(session).balances_on(
            statement.employee_id,
            _accounts(steps, agreement.flex_account_id),
            statement.period_end,
            leaving_out=(statement.id, statement.revision),
        ),
        flex_account_id=agreement.flex_account_id,
    )
    settlement = settle(facts)
    changes = _posted(session, workspace_id, statement, settlement.movements, actor_user_id)
    statement.payroll_lines = [vars(line) for line in settlement.payroll_lines]
    if settlement.locks_period:
        lock_period(
            session,
            workspace_id,
            statement.employee_id,
            statement.period_start,
            statement.period_end,
            statement.id,
        )
    now = utcnow()
    statement.status = "settled"
    statement.settled_at = now
    statement.updated_at = now
    statement.row_version += 1
    changes.append(ChangeOf(ENTITY, statement.id, "settled", summary(statement)))
    record_changes(session, workspace_id=workspace_id, actor_user_id=actor_user_id, changes=changes)


def take_back(
    session: Session, workspace_id: int, statement: Statement, actor_user_id: int | None
) -> list[ChangeOf]:
    """Post the reversal of the statement's settled revision and lift its period lock;
    answers the movements' changes for the caller's change-log append."""
    posted = StatementRepository(session).settlement_movements(statement.id, statement.revision)
    movements = reversal(
        [
            Movement(row.settlement_step or "", row.account_id, row.amount, row.cause)
            for row in posted
        ]
    )
    unlock_period(session, workspace_id, statement.id)
    return _posted(session, workspace_id, statement, movements, actor_user_id)


def _posted(
    session: Session,
    workspace_id: int,
    statement: Statement,
    movements: Iterable[Movement],
    actor_user_id: int | None,
) -> list[ChangeOf]:
    """Insert the movements not posted yet under their keys; their changes."""
    repository = StatementRepository(session)
    existing = {
        (row.settlement_step, row.account_id)
        for row in repository.settlement_movements(statement.id, statement.revision)
    }
    now = utcnow()
    added = [
        TimebankMovement(
            workspace_id=workspace_id,
            employee_id=statement.employee_id,
            account_id=movement.account_id,
            day=statement.period_end,
            amount=movement.amount,
            cause=movement.cause,
            note=f"Statement {statement.id} ({statement.period_start} to "
            f"{statement.period_end}), revision {statement.revision}: {movement.step}",
            created_by_user_id=actor_user_id,
            created_at=now,
            statement_id=statement.id,
            statement_revision=statement.revision,
            settlement_step=movement.step,
        )
        for movement in movements
        if (movement.step, movement.account_id) not in existing
    ]
    session.add_all(added)
    session.flush()
    return [ChangeOf(MOVEMENT_ENTITY, row.id, "created", _movement_data(row)) for row in added]


def _movement_data(row: TimebankMovement) -> dict[str, Any]:
    return {
        "id": row.id,
        "employee_id": row.employee_id,
        "account_id": row.account_id,
        "day": row.day.isoformat(),
        "amount": row.amount,
        "cause": row.cause,
        "note": row.note,
        "statement_id": row.statement_id,
        "statement_revision": row.statement_revision,
        "settlement_step": row.settlement_step,
    }


def _steps(session: Session, statement: Statement) -> tuple[PluginUse, ...]:
    """The steps of the statement's settlement policy in force on its last day."""
    if statement.settlement_policy_id is None:
        return ()
    version = SETTLEMENT_POLICIES.history.as_of(
        session, statement.settlement_policy_id, statement.period_end
    )
    if version is None:
        return ()
    return tuple(
        PluginUse(reference["plugin_id"], parse_config(SETTLEMENT_STEPS, reference, "stored"))
        for reference in version.steps
    )


def _accounts(steps: Iterable[PluginUse], flex_account_id: int | None) -> set[int]:
    accounts = {account for step in steps if (account := getattr(step.config, "account_id", None))}
    return accounts | ({flex_account_id} if flex_account_id else set())


class _PolicyVersions:
    """The allowance policy versions the statement's lines name, each read once."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.known: dict[tuple[int, str], Any] = {}

    def of(self, line: Mapping[str, Any]) -> Any:
        key = (line["policy_id"], line["day"])
        if key not in self.known:
            self.known[key] = ALLOWANCE_POLICIES.history.as_of(
                self.session, line["policy_id"], date.fromisoformat(line["day"])
            )
        return self.known[key]


def overtime_of(session: Session, statement: Statement) -> tuple[OvertimeMinutes, ...]:
    """The statement's overtime lines, each knowing whether its policy left the minutes
    in the flex delta (`consumes_flex` false)."""
    versions = _PolicyVersions(session)
    return tuple(
        OvertimeMinutes(
            date.fromisoformat(line["day"]),
            line["minutes"],
            line["rate_percent"] or BASE_RATE,
            in_flex=not _consumes_flex(versions.of(line)),
        )
        for line in statement.evaluation["lines"]
        if line["kind"] == "overtime" and line["minutes"]
    )


def _consumes_flex(version: Any) -> bool:
    return version is None or bool(version.consumes_flex)


def _allowances(session: Session, lines: Iterable[Mapping[str, Any]]) -> tuple[PayLine, ...]:
    """The allowance lines, each under its policy's target activity's key (or
    `ACTIVITY_<id>` for an activity without one) on the line's day."""
    versions = _PolicyVersions(session)
    allowance_lines = [line for line in lines if line["kind"] == "allowance"]
    targets = {
        id(line): version.target_activity_id
        for line in allowance_lines
        if (version := versions.of(line)) is not None
    }
    keys = {
        activity_id: key
        for activity_id, key in session.execute(
            select(Activity.id, Activity.key).where(Activity.id.in_(set(targets.values())))
        )
    }
    return tuple(
        PayLine(
            code=keys.get(target) or f"ACTIVITY_{target}",
            minutes=line["minutes"],
            rate_percent=line["rate_percent"],
            units=line["units"],
            amount_minor=line["amount_minor"],
        )
        for line in allowance_lines
        if (target := targets.get(id(line)))
    )

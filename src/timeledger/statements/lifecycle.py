"""Which statuses each step of a statement's life starts from, and the approval status its
entries show in each."""

from typing import Literal

from timeledger.kit.errors import Conflict

Status = Literal["draft", "submitted", "approved", "settled", "exported"]
Action = Literal["submit", "withdraw", "approve", "reject", "reopen", "settle", "export"]

STARTS_FROM: dict[Action, frozenset[str]] = {
    "submit": frozenset({"draft"}),
    "withdraw": frozenset({"submitted", "approved"}),
    "approve": frozenset({"submitted"}),
    "reject": frozenset({"submitted"}),
    "reopen": frozenset({"approved", "settled", "exported"}),
    "settle": frozenset({"approved"}),
    "export": frozenset({"settled", "exported"}),
}

ENTRY_STATUS: dict[str, str] = {
    "draft": "not_approved_yet",
    "submitted": "under_approval",
    "approved": "approved",
    "settled": "approved",
    "exported": "exported",
}
"""What the entries of a statement's period show while it is in each status (a rejected
statement's entries show `disapproved` until it is submitted again)."""

REJECTED_ENTRY_STATUS = "disapproved"

ENTRY_STATUSES_KEPT: dict[Action, frozenset[str]] = {"submit": frozenset({"approved"})}
"""The entry statuses a step leaves as they are (every other step moves all the period's
entries): submitting keeps the entries a project manager approved already, so their
project week is not decided twice. Withdrawing, rejecting and reopening move every entry
back (a project manager then decides the week again when it is submitted again), and
approving moves them all to `approved`."""


def check_transition(statement_id: int, status: str, action: Action) -> None:
    """409 naming the status when `action` cannot start from it."""
    allowed = STARTS_FROM[action]
    if status not in allowed:
        raise Conflict(
            f"Statement {statement_id} is {status}; {action} needs a statement that is "
            f"{' or '.join(sorted(allowed))}.",
            extra={"statement_status": status},
        )

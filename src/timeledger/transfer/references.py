"""Where the exported rows hold ids of other rows, beyond declared foreign keys: what a
restore remaps (docs/import-export.md, "What is remapped").

A restore adds a constant per table to every id (`Offsets`); these functions turn a value
holding ids into the same value with the ids moved. Foreign keys come from the models;
what is listed here holds ids the schema does not declare: columns without a foreign key,
lists and keys inside JSON, plugin configurations, and ids named by a kind column.
"""

from collections.abc import Callable
from typing import Any

Offsets = dict[str, int]
"""What to add to the ids of each table (by table name)."""

PLAIN_ID_COLUMNS: dict[tuple[str, str], str] = {
    ("entry_day_totals", "activity_id"): "activities",
    ("audit_events", "actor_user_id"): "users",
}
"""Integer columns holding another table's id without a declared foreign key."""

ID_LIST_COLUMNS: dict[tuple[str, str], str] = {
    ("activity_versions", "required_dimension_ids"): "dimensions",
    ("allowance_policy_versions", "trigger_reason_ids"): "reasons",
    ("employment_terms_versions", "reason_ids"): "reasons",
    ("employment_terms_versions", "timeoff_policy_ids"): "timeoff_policies",
    ("employment_terms_versions", "allowance_policy_ids"): "allowance_policies",
}
"""JSON columns holding a list of another table's ids."""

ID_KEYED_COLUMNS: dict[tuple[str, str], str] = {
    ("time_entries", "dimension_values"): "dimensions",
}
"""JSON objects keyed by another table's ids (as text)."""

PLUGIN_ID_KEYS: dict[str, str] = {
    "account_id": "timebank_accounts",
    "flex_account_id": "timebank_accounts",
    "activity_id": "activities",
    "activity_ids": "activities",
    "reason_id": "reasons",
    "reason_ids": "reasons",
}
"""Keys of plugin configurations (`rules/plugins`) holding ids, wherever they nest."""

PLUGIN_COLUMNS = frozenset({
    ("allowance_policy_versions", "counter"), ("allowance_policy_versions", "rules"),
    ("settlement_policy_versions", "steps"), ("timeoff_policy_versions", "usage"),
    ("timeoff_policy_versions", "accrual"), ("timeoff_policy_versions", "expiration"),
    ("worktime_policy_versions", "steps"), ("worktime_policy_versions", "constraints"),
})  # fmt: skip
"""JSON columns of plugin configurations: lists of `{"plugin_id", "config"}` or one."""

AUDIT_TARGETS: dict[str, str] = {
    "user": "users", "employee": "employees", "statement": "statements",
    "webhook_subscription": "webhook_subscriptions", "inbound_endpoint": "inbound_endpoints",
    "oauth_client": "oauth_clients", "approval_delegation": "approval_delegations",
    "workspace": "workspaces",
}  # fmt: skip
"""`audit_events.target_type` → the table of `target_id`. Targets of tables not exported
(`api_key`, `session`, `job`) keep their ids: those rows are not in the restore."""

EXTERNAL_ID_ENTITIES: dict[str, str] = {
    "customer": "customers", "project": "projects", "task": "tasks", "entry": "time_entries",
    "activity": "activities", "employee": "employees", "user": "users",
}  # fmt: skip
"""`external_ids.entity` (the change log's entity names) → the table of `native_id`."""

APPROVAL_ITEMS: dict[str, str] = {"timeoff": "timeoff_requests", "statement": "statements"}
"""`approval_decisions.kind` → the table whose id is `item_id`; a `project_entries` item is
`{employee_id}-{project_id}-{week start}`."""

NOT_REMAPPED = {
    ("audit_events", "detail"): "free-form details of the audited action, as recorded",
    ("entry_bookmarks", "query"): "a saved query string; ids in its filters are not moved",
    ("statements", "evaluation"): "the evaluation as computed then, a record of the past",
    ("statements", "payroll_lines"): "the payroll lines as computed then",
    ("job_schedules", "payload"): "payloads of scheduled jobs hold no ids today",
}
"""JSON or text holding ids the restore leaves as exported (docs/import-export.md)."""


Remap = Callable[[Any], Any]


def moved(offset: int) -> Remap:
    def move(value: Any) -> Any:
        return None if value is None else value + offset

    return move


def moved_list(offset: int) -> Remap:
    def move(values: Any) -> Any:
        return [value + offset for value in values] if isinstance(values, list) else values

    return move


def moved_keys(offset: int) -> Remap:
    def move(values: Any) -> Any:
        if not isinstance(values, dict) or not values:
            return values
        return {str(int(key) + offset) if key.isdigit() else key: v for key, v in values.items()}

    return move


def moved_plugin_ids(offsets: Offsets) -> Remap:
    def move(value: Any) -> Any:
        if isinstance(value, list):
            return [move(item) for item in value]
        if not isinstance(value, dict):
            return value
        found: dict[str, Any] = {}
        for key, item in value.items():
            table = PLUGIN_ID_KEYS.get(key)
            offset = offsets.get(table, 0) if table is not None else 0
            if offset and isinstance(item, int):
                found[key] = item + offset
            elif offset and isinstance(item, list):
                found[key] = [each + offset if isinstance(each, int) else each for each in item]
            else:
                found[key] = move(item)
        return found

    return move


def moved_by_kind(kinds: dict[str, str], offsets: Offsets) -> Callable[[Any, Any], Any]:
    """The id moved by the offset of the table its row's kind names; others kept."""

    def move(kind: Any, value: Any) -> Any:
        table = kinds.get(kind)
        if table is None or value is None:
            return value
        return value + offsets.get(table, 0)

    return move


def moved_item_id(offsets: Offsets) -> Callable[[Any, Any], Any]:
    """`approval_decisions.item_id` moved by its kind."""

    def move(kind: Any, value: Any) -> Any:
        if kind == "project_entries" and isinstance(value, str):
            employee, project, week = value.split("-", 2)
            return (
                f"{int(employee) + offsets.get('employees', 0)}-"
                f"{int(project) + offsets.get('projects', 0)}-{week}"
            )
        table = APPROVAL_ITEMS.get(kind)
        if table is None or not isinstance(value, str) or not value.isdigit():
            return value
        return str(int(value) + offsets.get(table, 0))

    return move

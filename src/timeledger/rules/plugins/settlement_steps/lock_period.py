"""`lock_period`: the period's presence intervals and time entries are locked."""

from timeledger.rules.contexts import SettlementState, StepResult
from timeledger.rules.plugins.base import NoConfig, Plugin


class LockPeriodConfig(NoConfig):
    pass


def lock(_state: SettlementState, _config: LockPeriodConfig) -> StepResult:
    return StepResult(locks_period=True)


PLUGIN = Plugin(
    plugin_id="lock_period",
    title="Lock the period",
    description="Locks the period's presence intervals and time entries.",
    config_model=LockPeriodConfig,
    behaviour=lock,
)

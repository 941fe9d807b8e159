"""The rule engine's service: loads an employee's facts, evaluates them with the pure core
(`timeledger.rules`) and answers the live preview."""

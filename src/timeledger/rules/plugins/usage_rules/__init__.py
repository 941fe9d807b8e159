"""Usage rules say what a day of time off takes from its account. Each module holds a
rule's config and its behaviour `(plan: DayPlan, portion: Portion) -> int`, asked only for
a day that counts (employed, no holiday, minutes planned); `timeledger.rules.timeoff` runs
them."""

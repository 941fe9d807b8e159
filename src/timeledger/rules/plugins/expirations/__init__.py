"""Expirations say what of a balance lapses after a year end. Each module holds an
expiration's config and its behaviour `(movements: Sequence[Movement], through: date,
config) -> list[Expiry]`, the expiries due by `through` that the movements do not hold yet
(by key); `timeledger.rules.timeoff` runs them."""

"""Timebank movements and balances: every change of an employee's balance on a timebank
account is a movement with its cause; a balance is the sum of the movements up to a date."""

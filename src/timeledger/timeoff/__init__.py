"""Time off: policies' requests, their approval and booking, balances, accrual and expiry."""

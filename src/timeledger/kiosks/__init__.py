"""Kiosks: shared check-in terminals, the badges and PINs people use at them."""

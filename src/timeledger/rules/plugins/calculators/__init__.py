"""Calculators turn the minutes a rule's filters selected into figures."""

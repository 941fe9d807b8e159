"""What presence, entries and the faces share about time: the rules of spans and breaks
(`spans.py`), pure functions of plain values."""

"""Constraints on text every store can hold."""

# PostgreSQL text cannot hold NUL characters; refusing them keeps both engines alike.
WITHOUT_NUL = r"^[^\x00]*$"

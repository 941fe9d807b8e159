"""How kiosk PINs are hashed: argon2id, lighter than for passwords.

Every punch at a kiosk checks a PIN, and OWASP's parameters for passwords cost 23 ms a
check on the benchmark machine, most of a punch's 30 ms. They would buy nothing: a PIN of
4 to 8 digits has at most 10^8 values, which no hash cost keeps from a guesser holding a
copy of the database. What protects a PIN is the lock after 5 wrong PINs for a badge at a
kiosk (`service._count_wrong_pin`) and its being worth nothing without the badge; the hash
keeps it from being read off the database. 8 MiB and one pass cost about 5 ms."""

from timeledger.access.credentials import PasswordHashing

PIN_MEMORY_KIB = 8_192
PIN_TIME_COST = 1

PIN_HASHING = PasswordHashing(PIN_MEMORY_KIB, floor_kib=PIN_MEMORY_KIB, time_cost=PIN_TIME_COST)

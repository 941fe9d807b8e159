"""How kiosk PINs are hashed: argon2id, lighter than for passwords.

Every punch at a kiosk checks a PIN, and OWASP's parameters for passwords cost 23 ms a
check on the benchmark machine, most of a punch's 30 ms. They would buy nothing: a PIN of
4 to 8 digits has at most 10^8 values, which no hash cost keeps from a guesser holding a
copy of the database (at 23 ms a check, a 4-digit PIN falls in 4 minutes on one core).
What protects a PIN is the lock after 5 wrong PINs for a badge at a kiosk
(`service._count_wrong_pin`) and its being worth nothing without the badge; the hash keeps
it from being read off the database. So the cost is the least that keeps argon2id's
memory-hardness: 2 MiB and one pass, under a millisecond (8 MiB cost 6 ms: a fifth of a
punch's target for nothing). Hashes made with other parameters still verify (argon2 reads
them from the hash)."""

from timeledger.access.credentials import PasswordHashing

PIN_MEMORY_KIB = 2_048
PIN_TIME_COST = 1

PIN_HASHING = PasswordHashing(PIN_MEMORY_KIB, floor_kib=PIN_MEMORY_KIB, time_cost=PIN_TIME_COST)

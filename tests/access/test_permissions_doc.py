"""docs/permissions.md shows the built-in roles exactly as access/permissions.py has them."""

from pathlib import Path

from timeledger.access.permissions import BUILTIN_ROLES, CATALOG

DOC = Path(__file__).resolve().parents[2] / "docs" / "permissions.md"


def test_the_documented_role_table_matches_the_code() -> None:
    rows = [
        [cell.strip() for cell in line.strip().strip("|").split("|")]
        for line in DOC.read_text().splitlines()
        if line.startswith("| `") and line.count("|") == len(BUILTIN_ROLES) + 2
    ]
    header = next(
        [cell.strip() for cell in line.strip().strip("|").split("|")]
        for line in DOC.read_text().splitlines()
        if line.startswith("| Permission |")
    )
    roles = header[1:]
    assert roles == list(BUILTIN_ROLES)
    documented = {
        role: {row[0].strip("`") for row in rows if row[1 + index] == "✓"}
        for index, role in enumerate(roles)
    }
    assert [row[0].strip("`") for row in rows] == list(CATALOG)
    assert documented == {role: set(held) for role, held in BUILTIN_ROLES.items()}

"""The demo workspace `make run` creates on first start."""

from dataclasses import dataclass

from timeledger.identity.credentials import PasswordHashing, generate_password
from timeledger.kit.db import Database
from timeledger.users.repository import RoleRepository
from timeledger.users.schemas import ApiKeyCreate
from timeledger.users.service import add_person, add_service_user, issue_api_key
from timeledger.workspaces.repository import WorkspaceRepository
from timeledger.workspaces.service import create_workspace

DEMO_WORKSPACE = "Demo"
DEMO_OWNER = "owner@demo.timeledger.test"
DEMO_PEOPLE = (
    ("Maria Jensen", "maria@demo.timeledger.test", "admin"),
    ("Lars Nielsen", "lars@demo.timeledger.test", "manager"),
    ("Sofie Hansen", "sofie@demo.timeledger.test", "employee"),
    ("Ahmed Karimi", "ahmed@demo.timeledger.test", "employee"),
    ("Julia Berg", "julia@demo.timeledger.test", "employee"),
)


@dataclass(frozen=True)
class DemoCredentials:
    owner_email: str
    owner_password: str
    api_key: str


def create_demo(db: Database, hashing: PasswordHashing) -> DemoCredentials | None:
    """Creates the demo workspace unless it exists; None when it already did."""
    with db.transaction() as session:
        if WorkspaceRepository(session).by_name(DEMO_WORKSPACE) is not None:
            return None
        password = generate_password()
        created = create_workspace(
            session,
            name=DEMO_WORKSPACE,
            owner_email=DEMO_OWNER,
            owner_password=password,
            hashing=hashing,
            timezone="Europe/Copenhagen",
            locale="en",
            currency="DKK",
        )
        roles = RoleRepository(session)
        for name, email, role_name in DEMO_PEOPLE:
            role = roles.by_name(role_name)
            assert role is not None
            add_person(
                session,
                workspace_id=created.workspace.id,
                email=email,
                name=name,
                role=role,
                password_hash=hashing.hash(generate_password()),
                timezone="Europe/Copenhagen",
            )
        developer = roles.by_name("developer")
        assert developer is not None
        integration = add_service_user(
            session,
            workspace_id=created.workspace.id,
            name="payroll-export",
            role=developer,
            actor=None,
        )
        issue_api_key(session, integration, ApiKeyCreate(name="Payroll export"), actor=None)
        return DemoCredentials(DEMO_OWNER, password, created.api_key)

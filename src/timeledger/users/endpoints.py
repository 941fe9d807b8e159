"""Routes of users, roles, service users, API keys and /me: parse, call a service, render."""

from typing import Annotated

from fastapi import Query, Request, Response, status

from timeledger.access.caller import Allowed, Caller
from timeledger.access.hashing import Hashing
from timeledger.access.permissions import CATALOG
from timeledger.kit.etag import set_etag
from timeledger.kit.filters import IdListValue, parse_id_list
from timeledger.kit.pagination import Page, PageRequest, fetch_page, page_request
from timeledger.kit.routing import ResourceId, api_router, created, if_match_of
from timeledger.kit.text import WITHOUT_NUL
from timeledger.kit.uow import UnitOfWork
from timeledger.models import ApiKey, Role, User
from timeledger.users import service
from timeledger.users.repository import CredentialRepository, RoleRepository, UserRepository
from timeledger.users.schemas import (
    ApiKeyCreate,
    ApiKeyCreated,
    ApiKeyRead,
    MeUpdate,
    PasswordChange,
    PasswordResetIssued,
    RoleCreate,
    RoleRead,
    RoleUpdate,
    ServiceUserCreate,
    ServiceUserRead,
    ServiceUserUpdate,
    UserCreate,
    UserRead,
    UserUpdate,
)

users = api_router("Users")
me = api_router("Me")

UserPage = Annotated[
    PageRequest, page_request(("id", "name", "email", "created_at"), default_sort="id")
]
ServiceUserPage = Annotated[PageRequest, page_request(("id", "name", "created_at"), "id")]
RolePage = Annotated[PageRequest, page_request(("id", "name"), "id")]
KeyPage = Annotated[PageRequest, page_request(("id", "created_at"), "id")]
USER_SORTS = {"id": User.id, "name": User.name, "email": User.email, "created_at": User.created_at}


# People


@users.get("/users", response_model=Page[UserRead])
def list_users(
    session: UnitOfWork,
    caller: Annotated[Caller, Allowed("users:read:own")],
    page: UserPage,
    status_filter: Annotated[
        str | None, Query(alias="status", pattern="^(active|suspended)$")
    ] = None,
    role: Annotated[str | None, Query(max_length=64)] = None,
    q: Annotated[
        str | None,
        Query(max_length=200, pattern=WITHOUT_NUL, description="Part of name or email."),
    ] = None,
    ids: Annotated[
        list[IdListValue] | None,
        Query(description="User ids, repeated or comma-separated."),
    ] = None,
) -> Page[UserRead]:
    statement = UserRepository(session).people_matching(
        caller, status=status_filter, role=role, text=q, ids=parse_id_list(ids, parameter="ids")
    )
    rows, cursor = fetch_page(session, statement, page, sort_columns=USER_SORTS, id_column=User.id)
    return Page(items=[UserRead.model_validate(user) for user in rows], next_cursor=cursor)


@users.post("/users", status_code=status.HTTP_201_CREATED, response_model=UserRead)
def create_user(
    body: UserCreate,
    response: Response,
    session: UnitOfWork,
    caller: Annotated[Caller, Allowed("users:create:*")],
    hashing: Hashing,
) -> UserRead:
    user = service.create_user(session, caller, body, hashing)
    created(response, f"/api/users/{user.id}", service.user_etag(user))
    return UserRead.model_validate(user)


@users.get("/users/{user_id}", response_model=UserRead)
def get_user(
    user_id: ResourceId,
    response: Response,
    session: UnitOfWork,
    caller: Annotated[Caller, Allowed("users:read:own")],
) -> UserRead:
    user = service.get_visible_person(session, caller, user_id)
    set_etag(response, service.user_etag(user))
    return UserRead.model_validate(user)


@users.patch("/users/{user_id}", response_model=UserRead)
def update_user(
    user_id: ResourceId,
    body: UserUpdate,
    request: Request,
    response: Response,
    session: UnitOfWork,
    caller: Annotated[Caller, Allowed("users:update:*")],
) -> UserRead:
    user = service.update_user(session, caller, user_id, body, if_match_of(request))
    set_etag(response, service.user_etag(user))
    return UserRead.model_validate(user)


@users.post("/users/{user_id}/suspend", response_model=UserRead)
def suspend_user(
    user_id: ResourceId, session: UnitOfWork, caller: Annotated[Caller, Allowed("users:update:*")]
) -> UserRead:
    return UserRead.model_validate(service.set_user_status(session, caller, user_id, "suspended"))


@users.post("/users/{user_id}/reactivate", response_model=UserRead)
def reactivate_user(
    user_id: ResourceId, session: UnitOfWork, caller: Annotated[Caller, Allowed("users:update:*")]
) -> UserRead:
    return UserRead.model_validate(service.reactivate_user(session, caller, user_id))


@users.delete("/users/{user_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_user(
    user_id: ResourceId, session: UnitOfWork, caller: Annotated[Caller, Allowed("users:delete:*")]
) -> None:
    service.set_user_status(session, caller, user_id, "deleted")


@users.post(
    "/users/{user_id}/password-reset",
    status_code=status.HTTP_201_CREATED,
    response_model=PasswordResetIssued,
)
def issue_password_reset(
    user_id: ResourceId,
    session: UnitOfWork,
    caller: Annotated[Caller, Allowed("users:reset-password:*")],
) -> PasswordResetIssued:
    issued = service.issue_password_reset(session, caller, user_id)
    return PasswordResetIssued(token=issued.token, expires_at=issued.expires_at)


# Roles


@users.get("/roles", response_model=Page[RoleRead])
def list_roles(
    session: UnitOfWork, _caller: Annotated[Caller, Allowed("roles:read:*")], page: RolePage
) -> Page[RoleRead]:
    rows, cursor = fetch_page(
        session,
        RoleRepository(session).all(),
        page,
        sort_columns={"id": Role.id, "name": Role.name},
        id_column=Role.id,
    )
    return Page(items=[RoleRead.model_validate(role) for role in rows], next_cursor=cursor)


@users.get("/roles/permissions", response_model=list[str])
def list_permissions(_caller: Annotated[Caller, Allowed("roles:read:*")]) -> list[str]:
    return list(CATALOG)


@users.post("/roles", status_code=status.HTTP_201_CREATED, response_model=RoleRead)
def create_role(
    body: RoleCreate,
    response: Response,
    session: UnitOfWork,
    caller: Annotated[Caller, Allowed("roles:create:*")],
) -> RoleRead:
    role = service.create_role(session, caller, body)
    created(response, f"/api/roles/{role.id}", service.role_etag(role))
    return RoleRead.model_validate(role)


@users.get("/roles/{role_id}", response_model=RoleRead)
def get_role(
    role_id: ResourceId,
    response: Response,
    session: UnitOfWork,
    _caller: Annotated[Caller, Allowed("roles:read:*")],
) -> RoleRead:
    role = service.get_role(session, role_id)
    set_etag(response, service.role_etag(role))
    return RoleRead.model_validate(role)


@users.patch("/roles/{role_id}", response_model=RoleRead)
def update_role(
    role_id: ResourceId,
    body: RoleUpdate,
    request: Request,
    response: Response,
    session: UnitOfWork,
    caller: Annotated[Caller, Allowed("roles:update:*")],
) -> RoleRead:
    role = service.update_role(session, caller, role_id, body, if_match_of(request))
    set_etag(response, service.role_etag(role))
    return RoleRead.model_validate(role)


@users.delete("/roles/{role_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_role(
    role_id: ResourceId, session: UnitOfWork, caller: Annotated[Caller, Allowed("roles:delete:*")]
) -> None:
    service.delete_role(session, caller, role_id)


# Service users and their keys


@users.get("/service-users", response_model=Page[ServiceUserRead])
def list_service_users(
    session: UnitOfWork,
    caller: Annotated[Caller, Allowed("service-users:read:*")],
    page: ServiceUserPage,
) -> Page[ServiceUserRead]:
    rows, cursor = fetch_page(
        session,
        UserRepository(session).visible_to(caller, "service", "service-users"),
        page,
        sort_columns={"id": User.id, "name": User.name, "created_at": User.created_at},
        id_column=User.id,
    )
    return Page(items=[ServiceUserRead.model_validate(user) for user in rows], next_cursor=cursor)


@users.post("/service-users", status_code=status.HTTP_201_CREATED, response_model=ServiceUserRead)
def create_service_user(
    body: ServiceUserCreate,
    response: Response,
    session: UnitOfWork,
    caller: Annotated[Caller, Allowed("service-users:create:*")],
) -> ServiceUserRead:
    user = service.create_service_user(session, caller, body)
    created(response, f"/api/service-users/{user.id}", service.user_etag(user))
    return ServiceUserRead.model_validate(user)


@users.get("/service-users/{user_id}", response_model=ServiceUserRead)
def get_service_user(
    user_id: ResourceId,
    response: Response,
    session: UnitOfWork,
    caller: Annotated[Caller, Allowed("service-users:read:*")],
) -> ServiceUserRead:
    user = service.get_visible_service_user(session, caller, user_id)
    set_etag(response, service.user_etag(user))
    return ServiceUserRead.model_validate(user)


@users.patch("/service-users/{user_id}", response_model=ServiceUserRead)
def update_service_user(
    user_id: ResourceId,
    body: ServiceUserUpdate,
    request: Request,
    response: Response,
    session: UnitOfWork,
    caller: Annotated[Caller, Allowed("service-users:update:*")],
) -> ServiceUserRead:
    user = service.update_service_user(session, caller, user_id, body, if_match_of(request))
    set_etag(response, service.user_etag(user))
    return ServiceUserRead.model_validate(user)


@users.delete("/service-users/{user_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_service_user(
    user_id: ResourceId,
    session: UnitOfWork,
    caller: Annotated[Caller, Allowed("service-users:delete:*")],
) -> None:
    service.delete_service_user(session, caller, user_id)


def _key_page(session: UnitOfWork, owner: User, page: PageRequest) -> Page[ApiKeyRead]:
    rows, cursor = fetch_page(
        session,
        CredentialRepository(session).keys_of(owner.id),
        page,
        sort_columns={"id": ApiKey.id, "created_at": ApiKey.created_at},
        id_column=ApiKey.id,
    )
    return Page(items=[ApiKeyRead.model_validate(key) for key in rows], next_cursor=cursor)


@users.get("/service-users/{user_id}/api-keys", response_model=Page[ApiKeyRead])
def list_service_user_keys(
    user_id: ResourceId,
    session: UnitOfWork,
    caller: Annotated[Caller, Allowed("api-keys:read:*")],
    page: KeyPage,
) -> Page[ApiKeyRead]:
    owner = service.get_visible_service_user(session, caller, user_id)
    return _key_page(session, owner, page)


@users.post(
    "/service-users/{user_id}/api-keys",
    status_code=status.HTTP_201_CREATED,
    response_model=ApiKeyCreated,
)
def create_service_user_key(
    user_id: ResourceId,
    body: ApiKeyCreate,
    response: Response,
    session: UnitOfWork,
    caller: Annotated[Caller, Allowed("api-keys:create:*")],
) -> ApiKeyCreated:
    key = service.issue_service_user_key(session, caller, user_id, body)
    created(response, f"/api/service-users/{user_id}/api-keys/{key.id}")
    return key


@users.delete("/service-users/{user_id}/api-keys/{key_id}", status_code=status.HTTP_204_NO_CONTENT)
def revoke_service_user_key(
    user_id: ResourceId,
    key_id: ResourceId,
    session: UnitOfWork,
    caller: Annotated[Caller, Allowed("api-keys:delete:*")],
) -> None:
    service.revoke_service_user_key(session, caller, user_id, key_id)


# The signed-in person


@me.get("/me", response_model=UserRead)
def get_me(
    response: Response,
    session: UnitOfWork,
    caller: Annotated[Caller, Allowed("me:read:own", people_only=True)],
) -> UserRead:
    user = service.get_me(session, caller)
    set_etag(response, service.user_etag(user))
    return UserRead.model_validate(user)


@me.patch("/me", response_model=UserRead)
def update_me(
    body: MeUpdate,
    request: Request,
    response: Response,
    session: UnitOfWork,
    caller: Annotated[Caller, Allowed("me:update:own", people_only=True)],
) -> UserRead:
    user = service.update_me(session, caller, body, if_match_of(request))
    set_etag(response, service.user_etag(user))
    return UserRead.model_validate(user)


@me.post("/me/password", status_code=status.HTTP_204_NO_CONTENT)
def change_password(
    body: PasswordChange,
    session: UnitOfWork,
    caller: Annotated[Caller, Allowed("me:update:own", people_only=True)],
    hashing: Hashing,
) -> None:
    service.change_password(session, caller, body, hashing)


@me.get("/me/api-keys", response_model=Page[ApiKeyRead])
def list_my_keys(
    session: UnitOfWork,
    caller: Annotated[Caller, Allowed("api-keys:read:own", people_only=True)],
    page: KeyPage,
) -> Page[ApiKeyRead]:
    return _key_page(session, service.get_me(session, caller), page)


@me.post("/me/api-keys", status_code=status.HTTP_201_CREATED, response_model=ApiKeyCreated)
def create_my_key(
    body: ApiKeyCreate,
    response: Response,
    session: UnitOfWork,
    caller: Annotated[Caller, Allowed("api-keys:create:own", people_only=True)],
) -> ApiKeyCreated:
    key = service.issue_api_key(session, service.get_me(session, caller), body, caller)
    created(response, f"/api/me/api-keys/{key.id}")
    return key


@me.delete("/me/api-keys/{key_id}", status_code=status.HTTP_204_NO_CONTENT)
def revoke_my_key(
    key_id: ResourceId,
    session: UnitOfWork,
    caller: Annotated[Caller, Allowed("api-keys:delete:own", people_only=True)],
) -> None:
    service.revoke_api_key(session, caller, service.get_me(session, caller), key_id)

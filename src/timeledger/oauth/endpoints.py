"""Routes of OAuth clients (tag Admin) and of the grants a person gave them (tag Me). The
authorization and token endpoints belong to the face that speaks OAuth (`compat/tyme`)."""

from typing import Annotated

from fastapi import Path, Response, status

from timeledger.access.caller import Allowed, Caller
from timeledger.kit.pagination import Page, PageRequest, fetch_page, page_request
from timeledger.kit.routing import ResourceId, api_router, created
from timeledger.kit.uow import UnitOfWork
from timeledger.models import OAuthClient
from timeledger.oauth import service
from timeledger.oauth.repository import OAuthRepository
from timeledger.oauth.schemas import (
    OAuthClientCreate,
    OAuthClientCreated,
    OAuthClientRead,
    OAuthGrantRead,
)

oauth_clients_router = api_router("Admin", prefix="/admin/oauth-clients")
oauth_grants_router = api_router("Me", prefix="/me/oauth-grants")

READ = "oauth-clients:read:*"
MANAGE = "oauth-clients:manage:*"
CLIENT_SORTS = {"id": OAuthClient.id, "name": OAuthClient.name}
ClientPage = Annotated[PageRequest, page_request(tuple(CLIENT_SORTS), "id")]
ClientId = Annotated[
    str, Path(min_length=1, max_length=64, description="The client's public client_id.")
]


@oauth_clients_router.get("", response_model=Page[OAuthClientRead], summary="List OAuth clients")
def list_clients(
    session: UnitOfWork, caller: Annotated[Caller, Allowed(READ)], page: ClientPage
) -> Page[OAuthClientRead]:
    """The applications registered to ask the workspace's people for access (the Tyme
    face's OAuth2); never their secrets."""
    rows, cursor = fetch_page(
        session,
        OAuthRepository(session).clients(),
        page,
        sort_columns=CLIENT_SORTS,
        id_column=OAuthClient.id,
    )
    return Page(items=[OAuthClientRead.model_validate(row) for row in rows], next_cursor=cursor)


@oauth_clients_router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=OAuthClientCreated,
    summary="Register an OAuth client",
)
def create_client(
    body: OAuthClientCreate,
    response: Response,
    session: UnitOfWork,
    caller: Annotated[Caller, Allowed(MANAGE)],
) -> OAuthClientCreated:
    """The answer holds the client secret of a confidential client, this once."""
    client = service.create_client(session, caller, body)
    created(response, f"/api/admin/oauth-clients/{client.id}")
    return client


@oauth_clients_router.get(
    "/{client_pk}", response_model=OAuthClientRead, summary="Get an OAuth client"
)
def get_client(
    client_pk: ResourceId, session: UnitOfWork, caller: Annotated[Caller, Allowed(READ)]
) -> OAuthClientRead:
    return OAuthClientRead.model_validate(service.get_client(session, client_pk))


@oauth_clients_router.delete(
    "/{client_pk}", status_code=status.HTTP_204_NO_CONTENT, summary="Delete an OAuth client"
)
def delete_client(
    client_pk: ResourceId, session: UnitOfWork, caller: Annotated[Caller, Allowed(MANAGE)]
) -> None:
    """Its codes and tokens go with it: the application is signed out of every account."""
    service.delete_client(session, caller, client_pk)


@oauth_grants_router.get(
    "", response_model=Page[OAuthGrantRead], summary="List the applications I authorized"
)
def list_grants(
    session: UnitOfWork,
    caller: Annotated[Caller, Allowed("oauth-grants:read:own", people_only=True)],
) -> Page[OAuthGrantRead]:
    """Every application holding a token of mine that still works, by name; one page."""
    return Page(items=service.grants_of(session, caller), next_cursor=None)


@oauth_grants_router.delete(
    "/{client_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Revoke an application's access",
)
def revoke_grant(
    client_id: ClientId,
    session: UnitOfWork,
    caller: Annotated[Caller, Allowed("oauth-grants:delete:own", people_only=True)],
) -> None:
    """Every token of mine the application holds stops working at once."""
    service.revoke_grant(session, caller, client_id)

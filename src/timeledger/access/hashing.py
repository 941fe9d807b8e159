"""The application's password hasher, built once per process (its dummy hash costs a hash)."""

from typing import Annotated

from fastapi import Depends, Request

from timeledger.access.credentials import PasswordHashing


async def password_hashing(request: Request) -> PasswordHashing:
    hashing: PasswordHashing = request.app.state.password_hashing
    return hashing


Hashing = Annotated[PasswordHashing, Depends(password_hashing)]

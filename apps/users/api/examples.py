"""Request and response examples of the users API, for the OpenAPI schema."""

from drf_spectacular.utils import OpenApiExample

_USER = {
    "id": "7c0d1f4e-2b9a-4e63-9a57-0f3c8b1d2e4a",
    "cpf": "52998224725",
    "name": "Maria da Silva",
    "email": "maria@example.com.br",
    "role": "collector",
    "is_active": True,
    "date_joined": "2026-11-23T09:30:00Z",
}
_JWT = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ0b2tlbl90eXBlIjoiYWNjZXNzIn0.c2lnbmF0dXJl"

SIGN_UP_REQUEST = OpenApiExample(
    "Sign-up",
    value={
        "cpf": "529.982.247-25",
        "name": "Maria da Silva",
        "password": "uma-senha-longa-42",
        "email": None,
    },
    request_only=True,
)
SIGN_IN_REQUEST = OpenApiExample(
    "Sign-in", value={"cpf": "529.982.247-25", "password": "uma-senha-longa-42"}, request_only=True
)
REFRESH_REQUEST = OpenApiExample("Refresh token", value={"refresh": _JWT}, request_only=True)
PROFILE_UPDATE_REQUEST = OpenApiExample(
    "New name and email",
    value={"name": "Maria Souza", "email": "maria.souza@example.com.br"},
    request_only=True,
)
PASSWORD_CHANGE_REQUEST = OpenApiExample(
    "Password change",
    value={"current_password": "uma-senha-longa-42", "new_password": "outra-senha-longa-43"},
    request_only=True,
)
USER_CREATE_REQUEST = OpenApiExample(
    "A new manager",
    value={
        "cpf": "529.982.247-25",
        "name": "Maria da Silva",
        "password": "uma-senha-longa-42",
        "email": "maria@example.com.br",
        "role": "manager",
    },
    request_only=True,
)
USER_UPDATE_REQUEST = OpenApiExample("Deactivate", value={"is_active": False}, request_only=True)

USER_RESPONSE = OpenApiExample("User", value=_USER, response_only=True, status_codes=["200", "201"])
USER_LIST_RESPONSE = OpenApiExample(
    "A page of users",
    value=_USER,  # drf-spectacular wraps it in the page envelope
    response_only=True,
    status_codes=["200"],
)
TOKEN_PAIR_RESPONSE = OpenApiExample(
    "Token pair",
    value={"token": _JWT, "refresh": _JWT, "token_type": "Bearer", "expires_in": 900},
    response_only=True,
    status_codes=["200"],
)
DELETED_RESPONSE = OpenApiExample(
    "Deleted", value={"message": "User deleted successfully"}, response_only=True, status_codes=["200"]
)

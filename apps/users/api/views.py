"""Endpoints of SPEC section 1: input serializer → service → output serializer, nothing more.

Every answer of this app carries `Cache-Control: no-store`: tokens and personal data must
not be kept by browsers or proxies.
"""

from typing import Any

from django.http import Http404
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import Serializer
from rest_framework.throttling import BaseThrottle
from rest_framework.views import APIView

from apps.core import errors
from apps.core.openapi import error_responses
from apps.users import services
from apps.users.api import examples
from apps.users.api.filters import UserFilter
from apps.users.api.serializers import (
    MessageSerializer,
    PasswordChangeInputSerializer,
    ProfileUpdateInputSerializer,
    RefreshInputSerializer,
    SignInInputSerializer,
    SignUpInputSerializer,
    TokenPairSerializer,
    UserCreateInputSerializer,
    UserSerializer,
    UserUpdateInputSerializer,
)
from apps.users.models import User
from apps.users.permissions import IsAdminOrManagerReadOnly
from apps.users.querysets import UserQuerySet
from apps.users.throttling import (
    CurrentPasswordCpfThrottle,
    ProfileEmailIpThrottle,
    SignInCpfThrottle,
    SignInIpThrottle,
    SignUpIpThrottle,
)

DELETED_MESSAGE = "User deleted successfully"

_AUTH_ERRORS = (errors.NotAuthenticated, errors.AuthenticationFailed, errors.TokenInvalid)


def _validated(serializer_class: type[Serializer[Any]], request: Request) -> dict[str, Any]:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _current_user(request: Request) -> User:
    assert isinstance(request.user, User)  # noqa: S101 — IsAuthenticated guarantees it
    return request.user


class NoStoreMixin(APIView):
    def finalize_response(self, request: Request, response: Any, *args: Any, **kwargs: Any) -> Any:
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Cache-Control"] = "no-store"
        return response


# --- authentication -------------------------------------------------------------------------


class SignUpView(NoStoreMixin):
    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [SignUpIpThrottle]

    @extend_schema(
        tags=["auth"],
        summary="Create a collector account",
        description="Anyone may sign up unless `SIGN_UP_ENABLED` is off. The account is always a "
        "`collector`: a sent `role` is ignored; any field not listed is a VALIDATION_ERROR.",
        request=SignUpInputSerializer,
        examples=[examples.SIGN_UP_REQUEST, examples.USER_RESPONSE],
        responses={
            201: UserSerializer,
            **error_responses(
                errors.ValidationError,
                errors.SignUpDisabled,
                errors.CpfAlreadyRegistered,
                errors.EmailAlreadyRegistered,
                errors.Throttled,
            ),
        },
    )
    def post(self, request: Request) -> Response:
        user = services.user_sign_up(**_validated(SignUpInputSerializer, request))
        return Response(UserSerializer(user).data, status=status.HTTP_201_CREATED)


class SignInView(NoStoreMixin):
    authentication_classes = []
    permission_classes = [AllowAny]
    # Checked by DRF before post() runs: a throttled attempt never reaches the password hasher.
    throttle_classes = [SignInIpThrottle, SignInCpfThrottle]

    @extend_schema(
        tags=["auth"],
        summary="Sign in with CPF and password",
        description="Answers an access token (`token`, 15 minutes by default) and a single-use refresh "
        "token. Throttled per client IP and per CPF (429 with `Retry-After`).",
        request=SignInInputSerializer,
        examples=[examples.SIGN_IN_REQUEST, examples.TOKEN_PAIR_RESPONSE],
        responses={
            200: TokenPairSerializer,
            **error_responses(errors.ValidationError, errors.InvalidCredentials, errors.Throttled),
        },
    )
    def post(self, request: Request) -> Response:
        data = _validated(SignInInputSerializer, request)
        pair = services.user_sign_in(cpf=data["cpf"], password=data["password"], request=request._request)
        return Response(TokenPairSerializer(pair).data)


class TokenRefreshView(NoStoreMixin):
    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(
        tags=["auth"],
        summary="Trade a refresh token for a new token pair",
        description="The refresh token sent is dead afterwards (rotation): reusing it, or refreshing "
        "for a deactivated or deleted user, answers TOKEN_INVALID. A reuse also kills the refresh "
        "token issued from it (and any descended from the same sign-in): refresh one at a time.",
        request=RefreshInputSerializer,
        examples=[examples.REFRESH_REQUEST, examples.TOKEN_PAIR_RESPONSE],
        responses={
            200: TokenPairSerializer,
            **error_responses(errors.ValidationError, errors.TokenInvalid, errors.Throttled),
        },
    )
    def post(self, request: Request) -> Response:
        pair = services.token_refresh(refresh=_validated(RefreshInputSerializer, request)["refresh"])
        return Response(TokenPairSerializer(pair).data)


class SignOutView(NoStoreMixin):
    @extend_schema(
        tags=["auth"],
        summary="Sign out: end the sign-in of a refresh token",
        description="The refresh token must be the caller's own. It dies, and so does every refresh token "
        "issued from it or from the same sign-in (one already rotated still ends the session); the "
        "caller's other sign-ins stay. The access token stays valid until it expires; discard it.",
        request=RefreshInputSerializer,
        examples=[examples.REFRESH_REQUEST],
        responses={
            204: OpenApiResponse(description="The refresh tokens of that sign-in are dead."),
            **error_responses(errors.ValidationError, *_AUTH_ERRORS),
        },
    )
    def post(self, request: Request) -> Response:
        refresh = _validated(RefreshInputSerializer, request)["refresh"]
        services.user_sign_out(user=_current_user(request), refresh=refresh)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- own account ----------------------------------------------------------------------------


class MeView(NoStoreMixin):
    permission_classes = [IsAuthenticated]

    def get_throttles(self) -> list[BaseThrottle]:
        throttles = super().get_throttles()
        if self.request.method == "PATCH":
            throttles.append(ProfileEmailIpThrottle())  # after the general rate, before the lookup
        return throttles

    @extend_schema(
        tags=["users"],
        summary="Own profile",
        examples=[examples.USER_RESPONSE],
        responses={200: UserSerializer, **error_responses(*_AUTH_ERRORS)},
    )
    def get(self, request: Request) -> Response:
        return Response(UserSerializer(_current_user(request)).data)

    @extend_schema(
        tags=["users"],
        summary="Edit own profile",
        description="Only `name` and `email` are writable; any other field is a VALIDATION_ERROR "
        "naming it (code `field_not_allowed`). An edit sending an `email` counts in the sign-up's "
        "per-IP limit (an email another account has is EMAIL_ALREADY_REGISTERED, as at sign-up): "
        "429 with `Retry-After` beyond it.",
        request=ProfileUpdateInputSerializer,
        examples=[examples.PROFILE_UPDATE_REQUEST, examples.USER_RESPONSE],
        responses={
            200: UserSerializer,
            **error_responses(
                errors.ValidationError,
                *_AUTH_ERRORS,
                errors.PermissionDenied,
                errors.EmailAlreadyRegistered,
                errors.Throttled,
            ),
        },
    )
    def patch(self, request: Request) -> Response:
        data = _validated(ProfileUpdateInputSerializer, request)
        user = services.user_update_profile(user=_current_user(request), **data)
        return Response(UserSerializer(user).data)

    @extend_schema(
        tags=["users"],
        summary="Delete own account",
        description="Erases the account and its personal data at once (LGPD); every token of it stops "
        "working. An admin cannot delete their own account (another admin can).",
        request=None,
        examples=[examples.DELETED_RESPONSE],
        responses={200: MessageSerializer, **error_responses(*_AUTH_ERRORS, errors.CannotChangeOwnAccount)},
    )
    def delete(self, request: Request) -> Response:
        user = _current_user(request)
        services.user_delete(user=user, actor=user)
        return Response({"message": DELETED_MESSAGE})


class MePasswordView(NoStoreMixin):
    permission_classes = [IsAuthenticated]

    def get_throttles(self) -> list[BaseThrottle]:
        # After the general rate, before the current password is hashed: an attempt on the account.
        return [*super().get_throttles(), CurrentPasswordCpfThrottle()]

    @extend_schema(
        tags=["users"],
        summary="Change own password",
        description="Every token issued before is revoked, the one used for this request included: "
        "sign in again. Each attempt counts as a sign-in attempt on the account (the per-CPF "
        "throttle, shared with `POST /sign-in`): 429 with `Retry-After` beyond it.",
        request=PasswordChangeInputSerializer,
        examples=[examples.PASSWORD_CHANGE_REQUEST],
        responses={
            204: OpenApiResponse(description="Password changed; sign in again."),
            **error_responses(
                errors.ValidationError,
                errors.WrongCurrentPassword,
                *_AUTH_ERRORS,
                errors.PermissionDenied,
                errors.Throttled,
            ),
        },
    )
    def post(self, request: Request) -> Response:
        data = _validated(PasswordChangeInputSerializer, request)
        services.user_change_password(user=_current_user(request), **data)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- administration ---------------------------------------------------------------------------

_ROLE_ERRORS = (*_AUTH_ERRORS, errors.PermissionDenied)


@extend_schema_view(
    list=extend_schema(
        tags=["users"],
        summary="List users (admins and managers)",
        examples=[examples.USER_LIST_RESPONSE],
        responses={200: UserSerializer(many=True), **error_responses(errors.ValidationError, *_ROLE_ERRORS)},
    ),
    retrieve=extend_schema(
        tags=["users"],
        summary="Read a user (admins and managers)",
        examples=[examples.USER_RESPONSE],
        responses={200: UserSerializer, **error_responses(*_ROLE_ERRORS, errors.UserNotFound)},
    ),
    create=extend_schema(
        tags=["users"],
        summary="Create a user with any role (admins)",
        request=UserCreateInputSerializer,
        examples=[examples.USER_CREATE_REQUEST, examples.USER_RESPONSE],
        responses={
            201: UserSerializer,
            **error_responses(
                errors.ValidationError,
                *_ROLE_ERRORS,
                errors.CpfAlreadyRegistered,
                errors.EmailAlreadyRegistered,
            ),
        },
    ),
    partial_update=extend_schema(
        tags=["users"],
        summary="Change a user (admins)",
        description="`name`, `email`, `role`, `is_active`. Deactivating or changing the role revokes "
        "every token of that user. Admins cannot demote or deactivate themselves, and the last active "
        "admin cannot be demoted or deactivated.",
        request=UserUpdateInputSerializer,
        examples=[examples.USER_UPDATE_REQUEST, examples.USER_RESPONSE],
        responses={
            200: UserSerializer,
            **error_responses(
                errors.ValidationError,
                *_ROLE_ERRORS,
                errors.UserNotFound,
                errors.EmailAlreadyRegistered,
                errors.CannotChangeOwnAccount,
                errors.LastActiveAdmin,
            ),
        },
    ),
    destroy=extend_schema(
        tags=["users"],
        summary="Delete a user (admins)",
        description="Erases the account and its personal data (LGPD); every token of it stops working. "
        "Admins cannot delete themselves, and the last active admin cannot be deleted.",
        responses={
            204: OpenApiResponse(description="The user is gone."),
            **error_responses(
                *_ROLE_ERRORS, errors.UserNotFound, errors.CannotChangeOwnAccount, errors.LastActiveAdmin
            ),
        },
    ),
)
class UserViewSet(NoStoreMixin, viewsets.GenericViewSet[User]):
    permission_classes = [IsAdminOrManagerReadOnly]
    serializer_class = UserSerializer
    filterset_class = UserFilter
    queryset = User.objects.all()

    def get_queryset(self) -> UserQuerySet:
        return User.objects.get_queryset().order_by("name", "id")

    def get_object(self) -> User:
        try:
            return super().get_object()
        except Http404 as exc:
            raise errors.UserNotFound() from exc

    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(UserSerializer(page, many=True).data)

    def create(self, request: Request) -> Response:
        data = _validated(UserCreateInputSerializer, request)
        user = services.user_create(actor=_current_user(request), **data)
        return Response(UserSerializer(user).data, status=status.HTTP_201_CREATED)

    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(UserSerializer(self.get_object()).data)

    def partial_update(self, request: Request, pk: str) -> Response:
        target = self.get_object()
        data = _validated(UserUpdateInputSerializer, request)
        user = services.user_update(user=target, actor=_current_user(request), **data)
        return Response(UserSerializer(user).data)

    def destroy(self, request: Request, pk: str) -> Response:
        services.user_delete(user=self.get_object(), actor=_current_user(request))
        return Response(status=status.HTTP_204_NO_CONTENT)

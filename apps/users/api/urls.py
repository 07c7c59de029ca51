"""Routes of the users and authentication API (mounted under /api/v1/ by config/api.py)."""

from django.urls import URLPattern, URLResolver, path

from apps.users.api import views

user_list = views.UserViewSet.as_view({"get": "list", "post": "create"})
user_detail = views.UserViewSet.as_view({"get": "retrieve", "patch": "partial_update", "delete": "destroy"})

urlpatterns: list[URLPattern | URLResolver] = [
    path("sign-up", views.SignUpView.as_view(), name="sign-up"),
    path("sign-in", views.SignInView.as_view(), name="sign-in"),
    path("token/refresh", views.TokenRefreshView.as_view(), name="token-refresh"),
    path("sign-out", views.SignOutView.as_view(), name="sign-out"),
    path("users/me", views.MeView.as_view(), name="user-me"),
    path("users/me/password", views.MePasswordView.as_view(), name="user-me-password"),
    path("users", user_list, name="user-list"),
    path("users/<anycase_uuid:pk>", user_detail, name="user-detail"),
]

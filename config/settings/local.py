"""Local development: works with no environment at all (SQLite, local storage, in-process tasks)."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import SIMPLE_JWT, env, env_choice, env_flag, env_hosts

DEBUG = env_flag("DJANGO_DEBUG", default=True)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="local-insecure-secret-key-change-me-0123456789abcdef")
JWT_SIGNING_KEY = env("JWT_SIGNING_KEY", default="local-insecure-jwt-signing-key-0123456789abcdef")
if not JWT_SIGNING_KEY:  # set and empty: PyJWT signs with no empty key, every sign-in was a 500
    raise ImproperlyConfigured("JWT_SIGNING_KEY must not be empty (unset, a throwaway key is used).")
SIMPLE_JWT["SIGNING_KEY"] = JWT_SIGNING_KEY
ALLOWED_HOSTS = env_hosts("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
LOG_FORMAT = env_choice("LOG_FORMAT", "console", ("json", "console"))
LOGGING["formatters"]["structured"]["json"] = LOG_FORMAT == "json"

# Creates one admin account on a fresh database and prints its password (make run).
LOCAL_ADMIN_BOOTSTRAP = True

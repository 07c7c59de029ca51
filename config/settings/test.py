"""Test settings: the suite runs against the PostgreSQL that `make test` starts (DATABASE_URL)."""

from .base import *  # noqa: F403
from .base import SIMPLE_JWT, env

SECRET_KEY = "test-secret-key-not-for-production-0123456789abcdef"  # noqa: S105
JWT_SIGNING_KEY = "test-jwt-signing-key-not-for-production-0123456789"
SIMPLE_JWT["SIGNING_KEY"] = JWT_SIGNING_KEY
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
DEBUG = False

# Hashing is not what most tests exercise; the Argon2 hasher has tests of its own.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

STORAGES["default"]["OPTIONS"]["location"] = env("MEDIA_ROOT", default=str(VAR_DIR / "test-media"))
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
LOG_FORMAT = "console"
LOGGING["formatters"]["structured"]["json"] = False
WHITENOISE_AUTOREFRESH = True  # no collectstatic before tests
HEALTH_READY_CACHE_SECONDS = 0.0  # tests change what readiness sees from one request to the next

"""Production: refuses to start without its secrets and passes `check --deploy`."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import (
    DATABASES,
    METRICS_TOKEN,
    SECRET_KEY_FALLBACKS,
    SIMPLE_JWT,
    database_pool,
    env,
    env_flag,
    env_hosts,
    env_list,
    env_number,
)

SECRET_KEY = env("DJANGO_SECRET_KEY")
JWT_SIGNING_KEY = env("JWT_SIGNING_KEY")
SIMPLE_JWT["SIGNING_KEY"] = JWT_SIGNING_KEY
ALLOWED_HOSTS = env_hosts("DJANGO_ALLOWED_HOSTS")


def _weak(key: str) -> bool:
    """Empty, Django refuses a key only when something first signs (a session, a media link: a
    500); weak, as `check --deploy` (W009, W025) judges it, it signs what anyone could sign."""
    return len(key) < 50 or len(set(key)) < 5 or key.startswith("django-insecure-")


_KEY_ADVICE = (
    "a random value of at least 50 characters (python -c 'import secrets; print(secrets.token_urlsafe(50))')"
)
if _weak(SECRET_KEY):
    raise ImproperlyConfigured(f"DJANGO_SECRET_KEY must be {_KEY_ADVICE}.")
# A fallback still verifies signatures, so a weak one forges them as well as a weak key would.
if any(_weak(key) for key in SECRET_KEY_FALLBACKS):
    raise ImproperlyConfigured(f"Each of DJANGO_SECRET_KEY_FALLBACKS must be {_KEY_ADVICE}.")
if not env("DATABASE_URL", default=""):
    raise ImproperlyConfigured("Set the DATABASE_URL environment variable.")
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("Set the DJANGO_ALLOWED_HOSTS environment variable.")
# `*` answers any Host header, so the links and redirects the app builds from it (password reset,
# the admin, `Location`) can name a host an attacker chose; Django matches no other pattern
# (`.example.com` is how to allow subdomains), so an entry with `*` is a mistake either way.
if any("*" in host for host in ALLOWED_HOSTS):
    raise ImproperlyConfigured(
        "DJANGO_ALLOWED_HOSTS must name the hosts served (`.example.com` for its subdomains), not `*`."
    )
# HS256 wants a key as long as its hash (RFC 7518, 3.2): a shorter one is found by an offline
# search from any one token, and PyJWT refuses an empty one at the first sign-in (a 500).
if len(JWT_SIGNING_KEY.encode()) < 32:
    raise ImproperlyConfigured("JWT_SIGNING_KEY must be at least 32 bytes (a random value).")
if JWT_SIGNING_KEY == SECRET_KEY:
    raise ImproperlyConfigured("JWT_SIGNING_KEY must differ from DJANGO_SECRET_KEY.")
if JWT_SIGNING_KEY in SECRET_KEY_FALLBACKS:
    raise ImproperlyConfigured("JWT_SIGNING_KEY must differ from each of DJANGO_SECRET_KEY_FALLBACKS.")

# Who may read /metrics is a decision the deployment states, never a default it inherits.
if not METRICS_TOKEN and not env("METRICS_ALLOWED_CIDRS", default=""):
    raise ImproperlyConfigured(
        "Set METRICS_TOKEN, or METRICS_ALLOWED_CIDRS (the networks that may read /metrics), or both."
    )
# /metrics is braked by no throttle: a token short enough to guess is no token.
if METRICS_TOKEN and len(METRICS_TOKEN.encode()) < 32:
    raise ImproperlyConfigured("METRICS_TOKEN must be at least 32 bytes (a random value), or unset.")

DEBUG = False
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

# TLS ends at the reverse proxy, which says so in X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_flag("DJANGO_SECURE_SSL_REDIRECT", default=True)
# Probes and Prometheus reach each replica directly on the internal network, over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^health/", r"^metrics$"]
SECURE_HSTS_SECONDS = env_number("DJANGO_SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

# A psycopg connection pool per process by default; DATABASE_POOL=false falls back to
# persistent connections (CONN_MAX_AGE), e.g. behind PgBouncer in transaction mode.
_db = DATABASES["default"]
if _db["ENGINE"] == "django.db.backends.postgresql" and env_flag("DATABASE_POOL", default=True):
    # Seconds a request waits for a pooled connection before a 503. A worker runs at most
    # WEB_THREADS (2) requests at once, fewer than max_size, so it waits only when PostgreSQL
    # is unreachable.
    _db["OPTIONS"]["pool"] = database_pool(timeout=0.5)
    _db["CONN_MAX_AGE"] = 0  # the pool keeps the connections; Django must not

# Cross-origin browsers only from the allow-list (CORS_ALLOWED_ORIGINS, comma-separated).
CORS_ALLOW_ALL_ORIGINS = False
CORS_ALLOW_CREDENTIALS = False

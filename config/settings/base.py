"""Settings shared by every environment.

Every environment variable the application reads is read here or in the
environment modules beside this one, nowhere else. Secrets have no default in
this module: `local` and `test` supply throwaway ones, `production` demands them.
"""

import ipaddress
import math
import os
import re
from collections.abc import Container
from datetime import timedelta
from pathlib import Path
from typing import Any, Literal, cast
from urllib.parse import urlsplit

import environ
import orjson
from django.core.exceptions import ImproperlyConfigured

# Retention and grace periods: at most a century, as the daily tasks check their argument.
from apps.core import periods
from apps.core.rates import parse_rate

BASE_DIR = Path(__file__).resolve().parents[2]
VAR_DIR = BASE_DIR / "var"

env = environ.Env()


def env_number[N: (int, float)](name: str, default: N, *, minimum: N, maximum: N | None = None) -> N:
    """A number from the environment, of the default's type (a whole number for an int), from
    `minimum` to `maximum`; anything else stops the settings from loading with the variable's
    name. Parsed by `int` and `float` themselves: environ's readers keep a negative value and its
    `float` drops the characters it does not expect (`1e12` read as 112, `5s` as 5)."""
    raw = env.str(name, default=str(default)).strip()
    try:
        value = type(default)(raw)
    except ValueError:
        value = None
    if (
        value is None
        or not math.isfinite(value)
        or value < minimum
        or (maximum is not None and value > maximum)
    ):
        kind = "a whole number" if isinstance(default, int) else "a number"
        bounds = f"from {minimum} to {maximum}" if maximum is not None else f"of at least {minimum}"
        raise ImproperlyConfigured(f"{name} must be {kind} {bounds}, not {raw!r}.")
    return value


def env_rate(name: str, default: str) -> str:
    """A throttle rate (`10/min`, `10/5min`) from the environment; anything the throttles cannot
    read stops the settings from loading, instead of answering 500 at the first throttled request,
    and so does a rate of no request (`0/min`), which answered every request of its scope 429, or
    one whose window is longer than a century."""
    raw: str = env.str(name, default=default)
    try:
        requests, seconds = parse_rate(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name}: {exc}") from exc
    if not requests:
        raise ImproperlyConfigured(
            f"{name} must allow at least one request per window, not {raw!r}: none of its scope would pass."
        )
    # A window ending past the last datetime was a 500 at each request the database cache counted.
    if seconds is not None and seconds > periods.MAX_DAYS * 86400:
        raise ImproperlyConfigured(f"{name} must have a window of at most {periods.MAX_DAYS}d, not {raw!r}.")
    return raw


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    """A comma-separated list from the environment, each entry stripped and empty ones dropped:
    environ's `list` kept the space after a comma (`a.example.com, b.example.com` listed
    " b.example.com", which no Host header matches). Without `default` the variable is required."""
    raw: list[str] = env.list(name) if default is None else env.list(name, default=default)
    return [item.strip() for item in raw if item.strip()]


# What Django matches a request's host against: a name, `.` and a domain (its subdomains too), an
# IPv4 address, an IPv6 address in brackets, or `*`.
_ALLOWED_HOST = re.compile(r"\*|\.?[^:/\[\]\s*]+|\[[0-9a-f:.]+\]")


def env_hosts(name: str, default: list[str] | None = None) -> list[str]:
    """`env_list` of the hosts served. Django matches a request's host, its port left out, with
    each entry: one with a scheme, a port or a path (`https://…`, `host:8443`) matched nothing and
    every request to that host answered 400; here it stops the settings, naming the variable."""
    hosts = env_list(name, default)
    for host in hosts:
        if not _ALLOWED_HOST.fullmatch(host.lower()):
            raise ImproperlyConfigured(
                f"{name} must list host names as requests name them, without a scheme, a port or a "
                f"path (vivenda.example.com, .example.com, 10.0.0.5, [::1]), not {host!r}."
            )
    return hosts


_TRUE, _FALSE = {"true", "yes", "on", "1"}, {"false", "no", "off", "0"}


def env_flag(name: str, default: bool) -> bool:
    """A switch from the environment: true/yes/on/1 or false/no/off/0 (any case). environ's
    `bool` reads anything else as false, so `DJANGO_SECURE_SSL_REDIRECT=ture` switched the
    redirect off; here anything else stops the settings from loading with the variable's name."""
    raw = env.str(name, default=str(default)).strip().lower()
    if raw not in _TRUE | _FALSE:
        raise ImproperlyConfigured(f"{name} must be true or false (yes/no, on/off, 1/0), not {raw!r}.")
    return raw in _TRUE


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    """One of `choices` from the environment (any case); anything else stops the settings from
    loading, instead of being read as the fallback branch (`STORAGE_BACKEND=S3`: local disk)."""
    raw: str = env.str(name, default=default).strip().lower()
    if raw not in choices:
        raise ImproperlyConfigured(f"{name} must be one of {', '.join(choices)}, not {raw!r}.")
    return raw


# --- Core -------------------------------------------------------------------

DEBUG = env_flag("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS: list[str] = env_hosts("DJANGO_ALLOWED_HOSTS", default=[])

INSTALLED_APPS = [
    "apps.core.admin_config.VivendaAdminConfig",  # django.contrib.admin with Vivenda's site
    "apps.users",  # before django.contrib.auth: its createsuperuser and changepassword win
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "corsheaders",
    "rest_framework",
    "rest_framework_simplejwt.token_blacklist",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_prometheus",
    "apps.core",
    "apps.real_estates",
    "apps.media",
    "apps.audit",
    "apps.sync",
]

MIDDLEWARE = [
    "apps.core.middleware.RequestIdMiddleware",
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
    "apps.core.middleware.DatabaseUnavailableMiddleware",
    "apps.core.middleware.ReleaseResponseDataMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
APPEND_SLASH = False

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # First, before the apps' own: the admin templates we override (the image copies only apps/).
        "DIRS": [BASE_DIR / "apps" / "core" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------


def _database(url: str) -> dict[str, Any]:
    """`DATABASE_URL` as Django's `DATABASES` entry; a URL that names no database we run on (no
    scheme, a port that is no number) stops the settings naming the variable, not with a KeyError."""
    try:
        config: dict[str, Any] = env.db_url_config(url)
    except ValueError as exc:
        raise ImproperlyConfigured(f"DATABASE_URL: {exc}") from exc
    if config.get("ENGINE") not in ("django.db.backends.postgresql", "django.db.backends.sqlite3"):
        raise ImproperlyConfigured(
            "DATABASE_URL names no database Vivenda runs on: postgres://user:password@host:port/name "
            "or sqlite:///path (the value is not shown: it may hold a password)."
        )
    if config["ENGINE"] == "django.db.backends.sqlite3" and config["NAME"] != ":memory:":
        # A relative path is the project's file (`sqlite:///var/db.sqlite3`), not one in the working
        # directory: a worker or cron job started elsewhere opened another, empty database.
        config["NAME"] = str(BASE_DIR / config["NAME"])
    return config


def database_pool(*, timeout: float) -> dict[str, Any]:
    """psycopg's pool options from DATABASE_POOL_*, `timeout` the default wait for a connection.
    A minimum above the maximum stops the settings: psycopg_pool refused it only at the first
    connection, so every request answered 500 and every command was a ValueError traceback."""
    pool = {
        "min_size": env_number("DATABASE_POOL_MIN_SIZE", 2, minimum=0),
        "max_size": env_number("DATABASE_POOL_MAX_SIZE", 10, minimum=1),
        "timeout": env_number("DATABASE_POOL_TIMEOUT", timeout, minimum=0.1),
    }
    if pool["min_size"] > pool["max_size"]:
        raise ImproperlyConfigured(
            f"DATABASE_POOL_MIN_SIZE ({pool['min_size']}) must not exceed "
            f"DATABASE_POOL_MAX_SIZE ({pool['max_size']})."
        )
    return pool


DATABASES = {
    "default": _database(env.str("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False  # services open transactions
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"]["connect_timeout"] = env_number("DATABASE_CONNECT_TIMEOUT", 3, minimum=1)
    session = []
    # A statement running longer is cancelled by PostgreSQL (the request answers 503). The web
    # server sets it for its workers (config/server.py); commands and Celery run without one.
    # At most PostgreSQL's own limit (a 32-bit integer): past it every connection was refused.
    if statement_timeout := env_number("DATABASE_STATEMENT_TIMEOUT_MS", 0, minimum=0, maximum=2**31 - 1):
        session.append(f"-c statement_timeout={statement_timeout}")
    # The planner's price of a table page read out of order, against 1 in order: PostgreSQL's 4
    # is a disk's; our tables are read from memory, where both cost the same (docs/adr/0085).
    if random_page_cost := env_number("DATABASE_RANDOM_PAGE_COST", 1.1, minimum=0.0):
        session.append(f"-c random_page_cost={random_page_cost}")
    if session:
        DATABASES["default"]["OPTIONS"]["options"] = " ".join(session)
    if env_flag("DATABASE_POOL", default=False):
        DATABASES["default"]["OPTIONS"]["pool"] = database_pool(timeout=5.0)
    else:
        DATABASES["default"]["CONN_MAX_AGE"] = env_number("DATABASE_CONN_MAX_AGE", 60, minimum=0)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Users, passwords and tokens ---------------------------------------------

AUTH_USER_MODEL = "users.User"
AUTHENTICATION_BACKENDS = ["apps.users.backends.RoleModelBackend"]

# Argon2id at OWASP's recommended cost; see docs/adr/0003-argon2-cost.md. Ours alone carries
# the algorithm name "argon2": it verifies hashes of any Argon2 cost (and upgrades them), and
# Django picks the last hasher of a name to verify with, so a second one (Django's own) would
# verify every sign-in outside the hashing threads (docs/adr/0082).
PASSWORD_HASHERS = [
    "apps.users.hashers.Argon2idHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]


def _hash_concurrency() -> int:
    """At most this many Argon2id hashes at once in one process: by default the process's share
    of the node's cores (cores ÷ WEB_CONCURRENCY, at least one), so the node's workers together
    hash on as many cores as it has, no more (docs/adr/0003, second addendum)."""
    raw = env.str("PASSWORD_HASH_CONCURRENCY", default="")
    if not raw:
        workers: int = env_number("WEB_CONCURRENCY", 2, minimum=1)
        return max(1, (os.process_cpu_count() or 1) // max(1, workers))
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value < 1:
        raise ImproperlyConfigured(
            f"PASSWORD_HASH_CONCURRENCY must be a whole number of at least 1, not {raw!r}."
        )
    return value


PASSWORD_HASH_CONCURRENCY = _hash_concurrency()


AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        # Its default attributes are username, first_name, last_name and email: ours are these.
        "OPTIONS": {"user_attributes": ("cpf", "name", "email")},
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # The API's limit (PASSWORD_MAX_LENGTH) on every path that sets a password: admin, commands.
    {"NAME": "apps.users.validators.MaximumLengthValidator"},
]

JWT_SIGNING_KEY: str = env("JWT_SIGNING_KEY", default="")
# Former DJANGO_SECRET_KEYs, comma-separated: what they signed (sync cursors, media links, the
# admin's sessions) still verifies while they are listed; only SECRET_KEY signs anew
# (docs/operations.md "Rotate DJANGO_SECRET_KEY").
SECRET_KEY_FALLBACKS: list[str] = env_list("DJANGO_SECRET_KEY_FALLBACKS", default=[])

# At most a century, as retention periods: a lifetime whose `exp` passed the last datetime loaded,
# and every sign-in answered 500 (an OverflowError where the token is made).
SIMPLE_JWT: dict[str, Any] = {
    "ACCESS_TOKEN_LIFETIME": timedelta(
        minutes=env_number("JWT_ACCESS_TOKEN_MINUTES", 15, minimum=1, maximum=periods.MAX_HOURS * 60)
    ),
    "REFRESH_TOKEN_LIFETIME": timedelta(
        days=env_number("JWT_REFRESH_TOKEN_DAYS", 7, minimum=1, maximum=periods.MAX_DAYS)
    ),
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "UPDATE_LAST_LOGIN": False,
    "ALGORITHM": "HS256",
    "SIGNING_KEY": JWT_SIGNING_KEY,
    "AUTH_HEADER_TYPES": ("Bearer",),
    "USER_ID_FIELD": "id",
    "USER_ID_CLAIM": "user_id",
    "CHECK_REVOKE_TOKEN": True,
    "REVOKE_TOKEN_CLAIM": "hash_password",
    "LEEWAY": 0,
}

SIGN_UP_ENABLED = env_flag("SIGN_UP_ENABLED", default=True)

# --- REST framework and OpenAPI ----------------------------------------------

REST_FRAMEWORK: dict[str, Any] = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["apps.users.authentication.CachedUserJWTAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["drf_orjson_renderer.renderers.ORJSONRenderer"],
    # Datetimes in UTC end in `Z`, as DRF renders them.
    "ORJSON_RENDERER_OPTIONS": (orjson.OPT_UTC_Z,),
    "DEFAULT_PARSER_CLASSES": ["apps.core.parsers.JSONParser"],
    # `Accept` read with its q-values: `q=0` excludes, the highest rating is answered (ADR 0122).
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "apps.core.negotiation.QualityContentNegotiation",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "apps.core.pagination.PageNumberPagination",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # OPTIONS: the resource's methods, no bodies (the schema describes them; docs/adr/0111).
    "DEFAULT_METADATA_CLASS": "apps.core.openapi.ResourceMetadata",
    "EXCEPTION_HANDLER": "apps.core.exception_handler.api_exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "apps.core.throttling.UserRateThrottle",
        "apps.core.throttling.AnonRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "user": env_rate("THROTTLE_USER_RATE", "1200/min"),
        "anon": env_rate("THROTTLE_ANON_RATE", "300/min"),
        "sign_in_ip": env_rate("THROTTLE_SIGN_IN_IP_RATE", "120/min"),
        "sign_in_cpf": env_rate("THROTTLE_SIGN_IN_CPF_RATE", "10/5min"),
        "sign_up_ip": env_rate("THROTTLE_SIGN_UP_IP_RATE", "30/min"),
        "photo_upload": env_rate("THROTTLE_PHOTO_UPLOAD_RATE", "30/min"),
        "real_estate_create": env_rate("THROTTLE_REAL_ESTATE_CREATE_RATE", "60/min"),
    },
    "NUM_PROXIES": env_number("NUM_PROXIES", 0, minimum=0),
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}

SPECTACULAR_SETTINGS: dict[str, Any] = {
    "TITLE": "Vivenda API",
    "DESCRIPTION": (
        "Real-estate field data: collectors register properties and photos, managers review them. "
        'Every error answers with the envelope `{"error": {"code", "message", "fields"?, '
        '"request_id"}}`; codes are listed in docs/errors.md.'
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {},
    # Our any-case UUID routes (apps/core/converters.py) are UUIDs to a client, as Django's `uuid`.
    "PATH_CONVERTER_OVERRIDES": {"anycase_uuid": {"type": "string", "format": "uuid"}},
    # 401/429/body errors on every operation, PATCH bodies without defaults, nullable
    # references strict validators accept (apps/core/openapi.py, ADR 0070).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "apps.core.openapi.postprocess_contract",
    ],
}

# --- Internationalisation ----------------------------------------------------

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("pt-br", "Português (Brasil)")]
LOCALE_PATHS = [BASE_DIR / "apps" / "core" / "locale"]  # pt-BR of our admin screens (`make messages`)
TIME_ZONE = "UTC"
USE_I18N = True
# The admin follows the browser's language (LocaleMiddleware): 23.550,00 in pt-BR, 23,550.00 in en.
USE_THOUSAND_SEPARATOR = True
USE_TZ = True

# --- Static files and media ----------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGE_BACKEND = env_choice("STORAGE_BACKEND", "local", ("local", "s3"))
_media_root: str = env.str("MEDIA_ROOT", default=str(VAR_DIR / "media"))
if STORAGE_BACKEND == "local" and not _media_root.strip():  # Path(""): the working directory
    raise ImproperlyConfigured("MEDIA_ROOT must name a directory, not be empty.")
# A relative path is the project's (BASE_DIR), not the working directory's: a worker or a cron
# job started elsewhere stored and looked for the photos somewhere else.
MEDIA_ROOT = BASE_DIR / _media_root
MEDIA_URL_EXPIRY_SECONDS = env_number("MEDIA_URL_EXPIRY_SECONDS", 3600, minimum=1)
S3_PRESIGNED_MAX_SECONDS = 7 * 24 * 3600  # SigV4's longest X-Amz-Expires
MEDIA_UPLOAD_MAX_BYTES = env_number("MEDIA_UPLOAD_MAX_BYTES", 10 * 1024 * 1024, minimum=1)
MEDIA_MAX_PIXELS = env_number("MEDIA_MAX_PIXELS", 50_000_000, minimum=1)
# Memory one decoded copy of an image may take (width x height x 4 for colour); at most two copies
# are alive per decode and MEDIA_MAX_CONCURRENT_DECODES decodes run at once per process (ADR 0031).
MEDIA_DECODE_MAX_BYTES = env_number("MEDIA_DECODE_MAX_BYTES", 48 * 1024 * 1024, minimum=1)
# Scans of a progressive JPEG: each costs a pass over the whole image (encoders write about ten).
MEDIA_JPEG_MAX_SCANS = env_number("MEDIA_JPEG_MAX_SCANS", 100, minimum=1)
MEDIA_MAX_CONCURRENT_DECODES = env_number("MEDIA_MAX_CONCURRENT_DECODES", 2, minimum=1)
MEDIA_DECODE_WAIT_SECONDS = env_number("MEDIA_DECODE_WAIT_SECONDS", 10.0, minimum=0.0)
# Thumbnail jobs retry transient storage failures with exponential backoff, then mark the blob failed.
MEDIA_THUMBNAIL_MAX_RETRIES = env_number("MEDIA_THUMBNAIL_MAX_RETRIES", 5, minimum=0)
MEDIA_THUMBNAIL_RETRY_BACKOFF_SECONDS = env_number("MEDIA_THUMBNAIL_RETRY_BACKOFF_SECONDS", 10.0, minimum=0.0)
MEDIA_GC_GRACE_HOURS = env_number("MEDIA_GC_GRACE_HOURS", 24, minimum=0, maximum=periods.MAX_HOURS)

_media_storage: dict[str, Any] = {
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    "OPTIONS": {"location": MEDIA_ROOT, "base_url": "/media/"},
}


def _s3_options() -> dict[str, Any]:
    """The bucket, region, endpoint and addressing style botocore will be given, checked as it
    checks them: loaded unchecked, a wrong one stopped every upload, link and gc_media at the
    first call to S3 (a 500, a traceback), or said STORAGE_UNAVAILABLE, "try again shortly"."""
    from botocore.config import Config
    from botocore.exceptions import InvalidRegionError
    from botocore.utils import is_valid_endpoint_url, validate_region_name

    bucket: str = env.str("AWS_STORAGE_BUCKET_NAME").strip()
    if not bucket:
        raise ImproperlyConfigured("AWS_STORAGE_BUCKET_NAME must name the bucket (STORAGE_BACKEND=s3).")
    region: str = env.str("AWS_S3_REGION_NAME", default="us-east-1").strip()
    try:
        validate_region_name(region)
    except InvalidRegionError:
        raise ImproperlyConfigured(
            f"AWS_S3_REGION_NAME must be a region name (sa-east-1), not {region!r}."
        ) from None
    endpoint: str | None = env.str("AWS_S3_ENDPOINT_URL", default="").strip() or None
    if endpoint and (
        urlsplit(endpoint).scheme not in ("http", "https") or not is_valid_endpoint_url(endpoint)
    ):
        raise ImproperlyConfigured("AWS_S3_ENDPOINT_URL must be an http:// or https:// URL with a host.")
    # botocore's own defaults wait 60 s for an answer, three attempts: an S3 that takes a request
    # and never answers held an upload (and its server thread) three minutes, the readiness probe
    # as long, and `gc_media` its lock. django-storages builds its client's `Config` only when given
    # none, so this one repeats the addressing style and signature (docs/adr/0131, addendum).
    addressing = cast(
        Literal["path", "virtual"], env_choice("AWS_S3_ADDRESSING_STYLE", "path", ("path", "virtual"))
    )
    client_config = Config(
        s3={"addressing_style": addressing},
        signature_version="s3v4",
        connect_timeout=env_number("AWS_S3_CONNECT_TIMEOUT", 3.0, minimum=0.1),
        read_timeout=env_number("AWS_S3_READ_TIMEOUT", 10.0, minimum=0.1),
        # botocore's own variable, which it reads only when the config names no attempts.
        retries={"mode": "standard", "total_max_attempts": env_number("AWS_MAX_ATTEMPTS", 2, minimum=1)},
    )
    return {
        "bucket_name": bucket,
        "region_name": region,
        "endpoint_url": endpoint,
        "client_config": client_config,
    }


if STORAGE_BACKEND == "s3":
    _media_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            **_s3_options(),
            "access_key": env("AWS_ACCESS_KEY_ID", default=None),
            "secret_key": env("AWS_SECRET_ACCESS_KEY", default=None),
            "querystring_auth": True,
            # Presigned when a link is opened (ADR 0083), for the link's lifetime but at most the
            # week SigV4 allows: S3 refuses a URL signed for longer (every photo unseen).
            "querystring_expire": min(MEDIA_URL_EXPIRY_SECONDS, S3_PRESIGNED_MAX_SECONDS),
            "default_acl": None,
            "file_overwrite": True,
        },
    }

STORAGES: dict[str, Any] = {
    "default": _media_storage,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

DATA_UPLOAD_MAX_MEMORY_SIZE = env_number("REQUEST_BODY_MAX_BYTES", 1024 * 1024, minimum=1)
FILE_UPLOAD_MAX_MEMORY_SIZE = 0  # uploads always stream to a temporary file

# --- Cache -------------------------------------------------------------------

# The longest a cached value lives (a century, as the retention periods): the database cache
# stores an expiry as a datetime, and one past year 9999 failed each write with a 500.
CACHE_MAX_SECONDS = periods.MAX_DAYS * 86400

REDIS_URL: str = env("REDIS_URL", default="")
# A URL redis-py cannot read (`localhost:6379`, no scheme) loaded, and every throttled request
# answered 500: django-redis raises a ValueError, which is no outage to degrade on (ADR 0040).
if REDIS_URL and not REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
    raise ImproperlyConfigured("REDIS_URL must start with redis://, rediss:// or unix://.")
if REDIS_URL:
    # Read by redis-py's own parser (no connection is made): a port that is no number or out of
    # range loaded too, and every throttled request answered 500 with its ValueError.
    import redis

    try:
        redis.ConnectionPool.from_url(REDIS_URL)
    except ValueError:
        raise ImproperlyConfigured(
            "REDIS_URL is no URL redis-py can read, e.g. redis://redis-cache:6379/0 "
            "(the value is not shown: it may hold a password)."
        ) from None

if REDIS_URL:
    # An outage, a full or a read-only Redis degrades throttling and caching instead of
    # failing requests (docs/adr/0040).
    CACHES: dict[str, Any] = {
        "default": {
            "BACKEND": "apps.core.cache.DegradingRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "vivenda",
            "OPTIONS": {
                "SOCKET_CONNECT_TIMEOUT": 1,
                "SOCKET_TIMEOUT": 1,
                "DEGRADED_RETRY_SECONDS": env_number("CACHE_DEGRADED_RETRY_SECONDS", 5.0, minimum=0.0),
            },
        }
    }
    CACHES["reads"] = {**CACHES["default"], "OPTIONS": {**CACHES["default"]["OPTIONS"]}}
else:
    # Without Redis: tables in the app's own database, which every server process shares
    # (never a per-process memory cache: `make run` serves with several processes). The
    # migrations core.0001 and core.0002 create them (docs/adr/0045, docs/adr/0130).
    _max_entries = env_number("CACHE_MAX_ENTRIES", 50_000, minimum=1)
    CACHES = {
        "default": {
            "BACKEND": "apps.core.cache.SharedDatabaseCache",
            "LOCATION": "vivenda_cache",
            "KEY_PREFIX": "vivenda",
            "OPTIONS": {"MAX_ENTRIES": _max_entries},
        },
        "reads": {
            "BACKEND": "apps.core.cache.SharedDatabaseCache",
            "LOCATION": "vivenda_read_cache",
            "KEY_PREFIX": "vivenda",
            "OPTIONS": {"MAX_ENTRIES": _max_entries},
        },
    }
# "reads" holds what reads make and can make again: the lists' counts and the stats
# (apps/real_estates/list_cache.py), one entry per distinct filter. Kept apart from the
# idempotency records, throttle counters and users' rows of "default", which the database cache's
# culling past MAX_ENTRIES would otherwise take with them (docs/adr/0130).

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several processes share the file (`make run`), with or without Redis: in WAL mode a commit
    # is a write to the log, not an fsync of the database (~0.3 ms instead of ~13 ms; without
    # Redis throttles write the cache on every request), readers never wait for the writer, nor
    # the writer for readers (a list, an export being downloaded).
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "init_command", "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
    )

# --- Background tasks ----------------------------------------------------------


def _check_celery_url(name: str, url: str, known: Container[str]) -> None:
    """Stops the settings, naming the variable (not the URL: it may hold a password), unless each
    `;`-separated URL of `url` names by its scheme (before a `+`) one of the transports or result
    backends `known` to Kombu or Celery. A URL without a scheme (`redis-broker:6379`)
    was taken for an AMQP host's name, and one of a scheme Kombu has no transport for
    (`http://`) loaded, then failed the first task sent with a KeyError: a 500 after an upload;
    so did one whose port Kombu cannot read (a ValueError), now read here as Kombu reads it."""
    from kombu.utils.url import parse_url

    for part in url.split(";"):
        scheme, separator, _ = part.strip().partition("://")
        try:
            parse_url(part.strip())  # as Kombu reads it to connect: a port no number failed the send
        except ValueError:
            separator = ""
        if not separator or scheme.split("+")[0] not in known:
            raise ImproperlyConfigured(
                f"{name} must be a URL of a scheme Celery knows, e.g. redis://host:6379/1 "
                "(the value is not shown: it may hold a password)."
            )


CELERY_BROKER_URL: str = env("CELERY_BROKER_URL", default="")
if CELERY_BROKER_URL:
    import kombu.transport

    _check_celery_url("CELERY_BROKER_URL", CELERY_BROKER_URL, kombu.transport.TRANSPORT_ALIASES)
CELERY_RESULT_BACKEND: str | None = env("CELERY_RESULT_BACKEND", default=None)
if CELERY_RESULT_BACKEND:
    # Only where one is set: importing Celery here would load it into every web worker (ADR 0082).
    import celery.app.backends

    _check_celery_url("CELERY_RESULT_BACKEND", CELERY_RESULT_BACKEND, celery.app.backends.BACKEND_ALIASES)
# With no broker the tasks run in-process, at once: the local default.
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env_number("CELERY_TASK_TIME_LIMIT", 300, minimum=1)
CELERY_TASK_SOFT_TIME_LIMIT = env_number("CELERY_TASK_SOFT_TIME_LIMIT", 240, minimum=1)
# At the soft limit a task gets SoftTimeLimitExceeded and may clean up; at the hard one its
# process is killed. A soft limit not below the hard one is never reached.
if CELERY_TASK_SOFT_TIME_LIMIT >= CELERY_TASK_TIME_LIMIT:
    raise ImproperlyConfigured(
        f"CELERY_TASK_SOFT_TIME_LIMIT ({CELERY_TASK_SOFT_TIME_LIMIT}) must be below "
        f"CELERY_TASK_TIME_LIMIT ({CELERY_TASK_TIME_LIMIT})."
    )
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A broker that takes the connection and answers nothing (paused, failing over, a route dropping
# packets) held every publish forever: kombu's Redis transport has no socket timeout by default,
# and an upload enqueuing its thumbnails after its commit held its request and server thread with
# no end. Bounded, a publish fails in seconds as it does to a broker that is down
# (`thumbnails_not_queued`, the blob left `pending`); a healthy broker answers in well under a
# millisecond (docs/adr/0131).
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_timeout": 1.0, "socket_connect_timeout": 1.0}

# --- Security ------------------------------------------------------------------

CORS_ALLOWED_ORIGINS: list[str] = env_list("CORS_ALLOWED_ORIGINS", default=[])
CORS_EXPOSE_HEADERS = ["ETag", "X-Request-ID", "Retry-After"]
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True

SECURE_CSP = {
    "default-src": ["'self'"],
    "img-src": ["'self'", "data:", "blob:", "https:"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "script-src": ["'self'"],
    "object-src": ["'none'"],
    "frame-ancestors": ["'none'"],
    "base-uri": ["'self'"],
}

METRICS_TOKEN: str = env("METRICS_TOKEN", default="")
METRICS_ALLOWED_CIDRS: list[str] = env_list("METRICS_ALLOWED_CIDRS", default=["127.0.0.1/32", "::1/128"])
# Checked here, in every environment: an entry that is no network answered every scrape 500.
for _cidr in METRICS_ALLOWED_CIDRS:
    try:
        ipaddress.ip_network(_cidr, strict=False)
    except ValueError as exc:
        raise ImproperlyConfigured(f"METRICS_ALLOWED_CIDRS: {exc}") from exc

# --- Logging -------------------------------------------------------------------

LOG_FORMAT = env_choice("LOG_FORMAT", "json", ("json", "console"))
LOG_LEVEL = env_choice("LOG_LEVEL", "info", ("debug", "info", "warning", "warn", "error", "critical")).upper()

LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "structured": {
            "()": "apps.core.logging.formatter_factory",
            "json": LOG_FORMAT == "json",
        },
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "structured"},
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # Our access log replaces Django's request lines (granian's access log is off).
        "django.server": {"level": "WARNING"},
        "django.request": {"level": "ERROR"},
    },
}
# A Celery worker keeps this configuration instead of installing its own plain-text handler, so
# its lines are structured and scrubbed of personal data like the web's (apps/core/logging.py).
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# --- users ---------------------------------------------------------------------

# Seconds an authenticated request may take its user from the cache instead of the database
# (apps/users/auth_cache.py). On with Redis; off without it, where the cache is a database table
# and reading the user from it would cost what reading it from its own table does (ADR 0045).
AUTH_USER_CACHE_SECONDS = env_number(
    "AUTH_USER_CACHE_SECONDS", 60 if REDIS_URL else 0, minimum=0, maximum=CACHE_MAX_SECONDS
)
AUTH_USER_TOMBSTONE_SECONDS = env_number(
    "AUTH_USER_TOMBSTONE_SECONDS", 10, minimum=0, maximum=CACHE_MAX_SECONDS
)

# SQLite (the local default) has no row locks: IMMEDIATE transactions serialise writers, so a
# refresh token stays single-use there too (PostgreSQL uses SELECT ... FOR UPDATE).
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("transaction_mode", "IMMEDIATE")

# --- ops -------------------------------------------------------------------------

# Where a Celery worker serves its own Prometheus metrics (task outcomes); 0 turns it off. It
# has no token check, so it listens on loopback unless an address is given (prod compose: the
# internal network, never published).
CELERY_WORKER_METRICS_PORT = env_number("CELERY_WORKER_METRICS_PORT", 0, minimum=0, maximum=65535)
CELERY_WORKER_METRICS_ADDR: str = env.str("CELERY_WORKER_METRICS_ADDR", default="127.0.0.1").strip()
# An IP address, checked here: anything else (empty, a host name, `0.0.0.0:9808`) loaded, and the
# worker started without its metrics, its server's gaierror only logged at worker_ready.
try:
    ipaddress.ip_address(CELERY_WORKER_METRICS_ADDR)
except ValueError:
    raise ImproperlyConfigured(
        "CELERY_WORKER_METRICS_ADDR must be an IP address to listen on (127.0.0.1, 0.0.0.0, ::; "
        f"the port is CELERY_WORKER_METRICS_PORT), not {CELERY_WORKER_METRICS_ADDR!r}."
    ) from None
# Set (the image: /tmp/prometheus), prometheus_client keeps every process's metrics there and a
# scrape adds them up. The library reads the variable itself; our code reads this setting.
PROMETHEUS_MULTIPROC_DIR: str = env("PROMETHEUS_MULTIPROC_DIR", default="")
if "PROMETHEUS_MULTIPROC_DIR" in os.environ and not PROMETHEUS_MULTIPROC_DIR.strip():
    # prometheus_client takes a variable set to nothing for the working directory.
    raise ImproperlyConfigured("PROMETHEUS_MULTIPROC_DIR must name a directory, or be unset.")
if PROMETHEUS_MULTIPROC_DIR:
    # prometheus_client writes there from the first metric defined, at start. The image's web and
    # worker roles make it afresh; its `migrate` and beat roles and a one-off command (`run --rm
    # app python manage.py ...`) start without it, and stopped there with a FileNotFoundError.
    try:
        os.makedirs(PROMETHEUS_MULTIPROC_DIR, exist_ok=True)
    except OSError as exc:
        raise ImproperlyConfigured(
            f"PROMETHEUS_MULTIPROC_DIR: cannot make the directory {PROMETHEUS_MULTIPROC_DIR!r}: "
            f"{exc.strerror or exc}."
        ) from exc
# `manage.py ensure_local_admin` (make run) creates an admin only where this is true: local settings.
LOCAL_ADMIN_BOOTSTRAP = False
# Seconds each process answers /health/ready from its last round of checks (apps/core/health.py).
HEALTH_READY_CACHE_SECONDS = env_number("HEALTH_READY_CACHE_SECONDS", 2.0, minimum=0.0)
HEALTH_CHECK_TIMEOUT_SECONDS = env_number("HEALTH_CHECK_TIMEOUT_SECONDS", 1.0, minimum=0.1)
CELERY_BEAT_SCHEDULE_FILENAME = env(
    "CELERY_BEAT_SCHEDULE_FILENAME", default=str(VAR_DIR / "celerybeat-schedule")
)
if not CELERY_BEAT_SCHEDULE_FILENAME.strip():  # beat's shelve cannot open '': a traceback at start
    raise ImproperlyConfigured("CELERY_BEAT_SCHEDULE_FILENAME must name a file, not be empty.")

# --- real_estates ---------------------------------------------------------------

# Seconds a list `count` stays cached; writes through the services invalidate it at once,
# so this only bounds staleness after writes made outside them. 0 disables the cache.
REAL_ESTATES_COUNT_CACHE_SECONDS = env_number(
    "REAL_ESTATES_COUNT_CACHE_SECONDS", 300, minimum=0, maximum=CACHE_MAX_SECONDS
)
# Days an export written to storage (`exports/`, by the task or `--to-storage`) is kept before
# the daily purge deletes it. 0 keeps every export.
REAL_ESTATES_EXPORT_RETENTION_DAYS = env_number(
    "REAL_ESTATES_EXPORT_RETENTION_DAYS", 7.0, minimum=0.0, maximum=float(periods.MAX_DAYS)
)
# Bounds of the list's `q` (and of stats and export): characters, and words of two or more
# characters (one-character words are ignored). Longer input is a 400 naming `q`.
REAL_ESTATES_SEARCH_MAX_LENGTH = env_number("REAL_ESTATES_SEARCH_MAX_LENGTH", 200, minimum=1)
REAL_ESTATES_SEARCH_MAX_TERMS = env_number("REAL_ESTATES_SEARCH_MAX_TERMS", 8, minimum=1)
# How long a replayable response of an `Idempotency-Key` create is kept.
IDEMPOTENCY_TTL_SECONDS = env_number(
    "IDEMPOTENCY_TTL_SECONDS", 24 * 3600, minimum=1, maximum=CACHE_MAX_SECONDS
)
# --- sync ------------------------------------------------------------------------

# Days the sync change log (tombstones included) is kept; a cursor older than that, or behind
# what the daily purge removed, is answered with 410 SYNC_CURSOR_EXPIRED (docs/adr/0080). At
# least a day: it is a cursor's lifetime too, and at 0 no client could read past a first page.
SYNC_RETENTION_DAYS = env_number("SYNC_RETENTION_DAYS", 30, minimum=1, maximum=periods.MAX_DAYS)
# Largest `limit` of one sync page (the default is 100).
SYNC_PAGE_MAX = env_number("SYNC_PAGE_MAX", 500, minimum=1)

SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"].update(
    {
        "RealEstateStatusEnum": "apps.real_estates.models.Status",
        "RealEstateKindEnum": "apps.real_estates.models.Kind",
        "RealEstatePurposeEnum": "apps.real_estates.models.Purpose",
    }
)

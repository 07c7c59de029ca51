"""Settings other than numbers as a fresh process reads them from the environment: a value the
application cannot use stops the settings from loading, naming the variable, instead of being
read as something else or failing at the first request that needs it."""

from pathlib import Path

import pytest

from tests.core.fresh_settings import read_settings

RATES = "settings.REST_FRAMEWORK['DEFAULT_THROTTLE_RATES']"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("THROTTLE_USER_RATE", "abc"),
        ("THROTTLE_ANON_RATE", "300/mn"),
        ("THROTTLE_SIGN_IN_CPF_RATE", "10/0min"),  # a window of no time: a division by zero
        ("THROTTLE_REAL_ESTATE_CREATE_RATE", ""),
    ],
)
def test_a_throttle_rate_the_throttles_cannot_read_stops_the_settings(name: str, value: str) -> None:
    # It used to load, and every request a throttle with that rate saw answered 500.
    result = read_settings(RATES, **{name: value})

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert name in result.stderr


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("THROTTLE_USER_RATE", "0/min"),
        ("THROTTLE_ANON_RATE", "0/s"),
        ("THROTTLE_SIGN_IN_CPF_RATE", "00/5min"),
        ("THROTTLE_SIGN_UP_IP_RATE", "-1/min"),
    ],
)
def test_a_throttle_rate_that_allows_no_request_stops_the_settings(name: str, value: str) -> None:
    # `0/min` loaded: every request of that scope answered 429 from the first, a whole API (or
    # every sign-in) closed by a typo, with nothing said at start.
    result = read_settings(RATES, **{name: value})

    assert result.returncode != 0
    assert f"ImproperlyConfigured: {name}" in result.stderr


def test_a_throttle_window_longer_than_a_century_stops_the_settings() -> None:
    # Its end was past the last datetime: the embedded default's cache stores each count's expiry
    # as one, and every sign-in answered 500 (ValueError: year 30119004 is out of range).
    result = read_settings(RATES, THROTTLE_SIGN_IN_IP_RATE="10/9999999999d")

    assert result.returncode != 0
    assert "ImproperlyConfigured: THROTTLE_SIGN_IN_IP_RATE" in result.stderr


def test_a_rate_of_several_units_is_read() -> None:
    result = read_settings(f"{RATES}['sign_in_cpf']", THROTTLE_SIGN_IN_CPF_RATE="5/10min")

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "5/10min"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("DJANGO_DEBUG", "ture"),
        ("SIGN_UP_ENABLED", "disabled"),
        ("DATABASE_POOL", "enabled"),
        ("STORAGE_BACKEND", "s4"),  # was read as local storage: photos on the container's disk
        ("STORAGE_BACKEND", "aws"),
        ("LOG_FORMAT", "xml"),  # was read as the console format
        ("LOG_LEVEL", "LOUD"),
    ],
)
def test_a_switch_or_a_choice_the_application_does_not_know_stops_the_settings(name: str, value: str) -> None:
    result = read_settings(f"settings.{name.removeprefix('DJANGO_')}", **{name: value})

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert f"{name} must be" in result.stderr


@pytest.mark.parametrize(
    ("name", "value", "read"),
    [
        ("SIGN_UP_ENABLED", "No", "False"),
        ("SIGN_UP_ENABLED", " on ", "True"),
        ("DJANGO_DEBUG", "0", "False"),
        ("LOG_LEVEL", "warning", "WARNING"),  # any case: `warning` was a traceback at start
        ("STORAGE_BACKEND", "S3", "s3"),
    ],
)
def test_a_known_switch_or_choice_is_read_in_any_case(name: str, value: str, read: str) -> None:
    environment = {name: value, "AWS_STORAGE_BUCKET_NAME": "vivenda-photos"}
    result = read_settings(f"settings.{name.removeprefix('DJANGO_')}", **environment)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == read


def test_production_refuses_a_redirect_switch_it_cannot_read() -> None:
    # `DJANGO_SECURE_SSL_REDIRECT=ture` switched the HTTPS redirect off.
    environment = {
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": "a" * 50 + "-production-secret",
        "JWT_SIGNING_KEY": "b" * 50 + "-production-jwt-key",
        "DATABASE_URL": "postgres://u@127.0.0.1:1/none",
        "DJANGO_ALLOWED_HOSTS": "vivenda.example.com",
        "METRICS_ALLOWED_CIDRS": "127.0.0.1/32",
        "DJANGO_SECURE_SSL_REDIRECT": "ture",
    }
    result = read_settings("settings.SECURE_SSL_REDIRECT", **environment)

    assert result.returncode != 0
    assert "DJANGO_SECURE_SSL_REDIRECT must be" in result.stderr


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("DATABASE_URL", "notaurl"),  # was a KeyError: 'ENGINE'
        ("DATABASE_URL", "mysql://vivenda:secret@db/vivenda"),
        ("DATABASE_URL", "postgres://vivenda@db:port/vivenda"),
        ("REDIS_URL", "localhost:6379"),  # loaded, and every throttled request answered 500
        ("REDIS_URL", "http://redis-cache:6379/0"),
        # Loaded, and every throttled request answered 500: redis-py's ValueError at the first use.
        ("REDIS_URL", "redis://vivenda:secret@redis-cache:63790000/0"),
        ("REDIS_URL", "redis://vivenda:secret@redis-cache:port/0"),
        # Loaded, and every photo upload answered 500 once its photo was saved: kombu has no
        # transport `http` (a KeyError where a broker that is down is an OperationalError).
        ("CELERY_BROKER_URL", "http://vivenda:secret@redis-broker:6379/1"),
        ("CELERY_BROKER_URL", "redis-broker:6379"),  # no scheme: taken for an AMQP host's name
        ("CELERY_BROKER_URL", "redis://redis-broker:6379/1;htp://vivenda:secret@redis-standby:6379/1"),
        # Loaded, and the first task sent (an upload's thumbnails) failed on Kombu's ValueError.
        ("CELERY_BROKER_URL", "redis://vivenda:secret@redis-broker:port/1"),
        ("CELERY_RESULT_BACKEND", "redis://vivenda:secret@redis-results:99999/2"),
        # Loaded, and the first task sent (an upload's thumbnails) was a ModuleNotFoundError.
        ("CELERY_RESULT_BACKEND", "redis-results:6379"),
        ("CELERY_RESULT_BACKEND", "foo://vivenda:secret@results/0"),
    ],
)
def test_a_url_the_application_cannot_connect_with_stops_the_settings(name: str, value: str) -> None:
    result = read_settings("settings.CACHES", **{name: value})

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert name in result.stderr
    assert "secret" not in result.stderr  # a password in the URL is not repeated


@pytest.mark.parametrize(
    "url", ["redis://127.0.0.1:6379/0", "rediss://cache.internal:6380/0", "unix:///run/redis.sock"]
)
def test_a_redis_url_of_a_scheme_redis_py_reads_is_kept(url: str) -> None:
    result = read_settings("settings.REDIS_URL", REDIS_URL=url)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == url


@pytest.mark.parametrize(
    ("name", "url"),
    [
        ("CELERY_BROKER_URL", "redis://redis-broker:6379/1"),
        ("CELERY_BROKER_URL", "rediss://:secret@broker.internal:6380/1"),
        ("CELERY_BROKER_URL", "redis+socket:///run/redis/broker.sock"),
        ("CELERY_BROKER_URL", "sentinel://s1:26379;sentinel://s2:26379"),
        ("CELERY_BROKER_URL", "amqp://guest@rabbit//"),
        ("CELERY_RESULT_BACKEND", "redis://redis-results:6379/2"),
        ("CELERY_RESULT_BACKEND", "db+postgresql://vivenda@db/vivenda"),
    ],
)
def test_a_celery_url_of_a_transport_or_backend_celery_has_is_kept(name: str, url: str) -> None:
    result = read_settings(f"settings.{name}", **{name: url})

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == url


def test_a_metrics_allow_list_entry_that_is_no_network_stops_the_settings_everywhere() -> None:
    # Production refused it; local and test settings loaded it and answered every scrape 500.
    result = read_settings("settings.METRICS_ALLOWED_CIDRS", METRICS_ALLOWED_CIDRS="10.0.0.0/8,nonsense")

    assert result.returncode != 0
    assert "ImproperlyConfigured: METRICS_ALLOWED_CIDRS" in result.stderr


@pytest.mark.parametrize(
    "value",
    [
        # Each loaded: the worker started, and its metrics server failed at worker_ready with a
        # gaierror only logged, so Prometheus found the worker down and no start had said why.
        "",
        "garbage",
        "0.0.0.0:9808",  # the port is CELERY_WORKER_METRICS_PORT's
        "999.1.1.1",
        "[::]",
    ],
)
def test_a_worker_metrics_address_that_is_no_ip_address_stops_the_settings(value: str) -> None:
    result = read_settings("settings.CELERY_WORKER_METRICS_ADDR", CELERY_WORKER_METRICS_ADDR=value)

    assert result.returncode != 0
    assert "ImproperlyConfigured: CELERY_WORKER_METRICS_ADDR" in result.stderr


@pytest.mark.parametrize("value", ["127.0.0.1", "0.0.0.0", "::", " 10.0.3.7 "])  # noqa: S104 - a value under test
def test_a_worker_metrics_address_that_is_an_ip_address_is_kept(value: str) -> None:
    result = read_settings("settings.CELERY_WORKER_METRICS_ADDR", CELERY_WORKER_METRICS_ADDR=value)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == value.strip()


def test_a_metrics_directory_that_does_not_exist_yet_is_made(tmp_path: Path) -> None:
    # The image sets PROMETHEUS_MULTIPROC_DIR=/tmp/prometheus and only its web and worker roles
    # made the directory: `migrate`, beat and every `run --rm app python manage.py ...` stopped
    # in prometheus_client with a FileNotFoundError.
    directory = tmp_path / "prometheus"

    result = read_settings("settings.PROMETHEUS_MULTIPROC_DIR", PROMETHEUS_MULTIPROC_DIR=str(directory))

    assert result.returncode == 0, result.stderr
    assert directory.is_dir()


def test_an_empty_metrics_directory_stops_the_settings() -> None:
    # prometheus_client takes a variable set to nothing for the working directory and wrote its
    # files there (the source tree, the image's /app); the settings read it as unset.
    result = read_settings("settings.PROMETHEUS_MULTIPROC_DIR", PROMETHEUS_MULTIPROC_DIR="")

    assert result.returncode != 0
    assert "ImproperlyConfigured: PROMETHEUS_MULTIPROC_DIR" in result.stderr


def test_a_metrics_directory_that_cannot_be_made_stops_the_settings_by_name(tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("")

    result = read_settings(
        "settings.PROMETHEUS_MULTIPROC_DIR", PROMETHEUS_MULTIPROC_DIR=str(tmp_path / "a-file" / "x")
    )

    assert result.returncode != 0
    assert "ImproperlyConfigured: PROMETHEUS_MULTIPROC_DIR" in result.stderr


def test_an_empty_jwt_signing_key_stops_the_local_settings() -> None:
    # Loaded (the throwaway key is the default only when the variable is unset), and every
    # sign-in answered 500: PyJWT signs with no empty HMAC key.
    result = read_settings(
        "settings.SIMPLE_JWT['SIGNING_KEY']",
        DJANGO_SETTINGS_MODULE="config.settings.local",
        JWT_SIGNING_KEY="",
    )

    assert result.returncode != 0
    assert "ImproperlyConfigured: JWT_SIGNING_KEY" in result.stderr


def test_an_empty_media_root_stops_the_settings() -> None:
    # Read as the process's working directory: photos were stored in the source tree.
    result = read_settings("settings.MEDIA_ROOT", MEDIA_ROOT="")

    assert result.returncode != 0
    assert "ImproperlyConfigured: MEDIA_ROOT" in result.stderr


S3 = {"STORAGE_BACKEND": "s3", "AWS_STORAGE_BUCKET_NAME": "vivenda-photos"}


@pytest.mark.parametrize(
    ("name", "value"),
    [
        # Each loaded, then every photo upload, link and gc_media stopped in botocore: a 500 or a
        # traceback (InvalidS3AddressingStyleError, "Invalid endpoint", InvalidRegionError), or
        # with no bucket named, a STORAGE_UNAVAILABLE that said to try again shortly.
        ("AWS_S3_ADDRESSING_STYLE", "virtual-host"),
        ("AWS_S3_ENDPOINT_URL", "minio:9000"),
        ("AWS_S3_ENDPOINT_URL", "ftp://minio:9000"),
        ("AWS_S3_REGION_NAME", "sa east 1"),
        ("AWS_STORAGE_BUCKET_NAME", ""),
    ],
)
def test_an_s3_setting_botocore_cannot_use_stops_the_settings(name: str, value: str) -> None:
    result = read_settings("settings.STORAGES['default']['OPTIONS']", **{**S3, name: value})

    assert result.returncode != 0
    assert f"ImproperlyConfigured: {name}" in result.stderr


def test_usable_s3_settings_are_kept() -> None:
    result = read_settings(
        "settings.STORAGES['default']['OPTIONS']['endpoint_url']",
        **S3,
        AWS_S3_ADDRESSING_STYLE="Virtual",
        AWS_S3_ENDPOINT_URL="http://minio:9000",
        AWS_S3_REGION_NAME="sa-east-1",
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "http://minio:9000"


PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "DJANGO_SECRET_KEY": "a" * 50 + "-production-secret-key",
    "JWT_SIGNING_KEY": "b" * 50 + "-production-jwt-key",
    "DATABASE_URL": "postgres://u@127.0.0.1:1/none",
    "METRICS_ALLOWED_CIDRS": "127.0.0.1/32",
}


@pytest.mark.parametrize("module", ["local", "production"])
@pytest.mark.parametrize(
    "host", ["vivenda.example.com:8443", "https://vivenda.example.com", "vivenda.example.com/api", "::1"]
)
def test_an_allowed_host_no_request_can_match_stops_the_settings(module: str, host: str) -> None:
    # Django matches a request's host without its port against each entry: one with a scheme, a
    # port or a path (or an IPv6 address without its brackets) loaded and matched nothing, and
    # every request to the host answered 400.
    environment = {**PRODUCTION, "DJANGO_SETTINGS_MODULE": f"config.settings.{module}"}
    result = read_settings(
        "settings.ALLOWED_HOSTS", **environment, DJANGO_ALLOWED_HOSTS=f"a.example.com,{host}"
    )

    assert result.returncode != 0
    assert "ImproperlyConfigured: DJANGO_ALLOWED_HOSTS" in result.stderr


def test_allowed_hosts_of_every_form_django_matches_are_kept() -> None:
    hosts = "vivenda.example.com, .example.org, 10.0.0.5, [::1], [2001:db8::7]"
    result = read_settings("settings.ALLOWED_HOSTS", **PRODUCTION, DJANGO_ALLOWED_HOSTS=hosts)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(hosts.split(", "))


@pytest.mark.parametrize("module", ["local", "production"])
def test_a_host_listed_after_a_comma_and_a_space_is_served(module: str) -> None:
    # `a.example.com, b.example.com` kept " b.example.com", which no Host header matches: every
    # request to the second host answered 400.
    host = "__import__('django.test').test.RequestFactory().get('/', HTTP_HOST='b.example.com').get_host()"

    result = read_settings(
        host,
        DJANGO_SETTINGS_MODULE=f"config.settings.{module}",
        DJANGO_SECRET_KEY="a" * 50 + "-production-secret-key",
        JWT_SIGNING_KEY="b" * 50 + "-production-jwt-key",
        DATABASE_URL="postgres://u@127.0.0.1:1/none",
        METRICS_ALLOWED_CIDRS="10.0.0.0/8, 127.0.0.1/32",  # was refused: " 127.0.0.1/32" is no network
        DJANGO_ALLOWED_HOSTS="a.example.com, b.example.com",
        CORS_ALLOWED_ORIGINS="https://a.example.com, https://b.example.com",
        DJANGO_CSRF_TRUSTED_ORIGINS="https://a.example.com, https://b.example.com",
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "b.example.com"


def test_an_empty_beat_schedule_file_stops_the_settings() -> None:
    # Loaded, and beat stopped in a traceback: sqlite3's "unable to open database file" for ''.
    result = read_settings("settings.CELERY_BEAT_SCHEDULE_FILENAME", CELERY_BEAT_SCHEDULE_FILENAME="")

    assert result.returncode != 0
    assert "ImproperlyConfigured: CELERY_BEAT_SCHEDULE_FILENAME" in result.stderr

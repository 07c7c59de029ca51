"""Production settings plus test-only routes, for the app processes of `make scale-test`."""

from config.settings.production import *  # noqa: F403
from config.settings.production import REST_FRAMEWORK

ROOT_URLCONF = "tests.scale.urls"
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] = {
    **REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
    "scale_probe": "3/min",
}

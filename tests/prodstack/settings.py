"""The test settings with the broker's redelivery sped up, for a worker of tests/prodstack: a
message unacknowledged for 2 s (the Redis transport's visibility timeout, an hour by default)
goes back to its queue, checked every second (every 100 s by default)."""

from config.settings.test import *  # noqa: F403

CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 2,
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}

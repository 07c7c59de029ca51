#!/bin/sh
# One image, several roles: `web` (granian, config/server.py), `worker`, `beat`, `migrate`, or any command.
set -eu

case "${1:-web}" in
  web)
    # Prometheus multiprocess files belong to this container's life only.
    rm -rf "${PROMETHEUS_MULTIPROC_DIR:?}" && mkdir -p "$PROMETHEUS_MULTIPROC_DIR"
    exec python -m config.server --bind "0.0.0.0:${PORT:-8000}"
    ;;
  worker)
    rm -rf "${PROMETHEUS_MULTIPROC_DIR:?}" && mkdir -p "$PROMETHEUS_MULTIPROC_DIR"
    exec celery -A config worker --loglevel "${LOG_LEVEL:-INFO}" --concurrency "${CELERY_CONCURRENCY:-2}"
    ;;
  beat)
    exec celery -A config beat --loglevel "${LOG_LEVEL:-INFO}" --schedule /tmp/celerybeat-schedule
    ;;
  migrate)
    exec python manage.py migrate --noinput
    ;;
  *)
    exec "$@"
    ;;
esac

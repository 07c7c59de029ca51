"""The Celery application: configured from Django settings (CELERY_*), tasks found in each app.

With no broker configured (the local default) CELERY_TASK_ALWAYS_EAGER runs tasks in-process.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

app = Celery("vivenda")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

"""Project configuration.

The Celery app (config/celery.py) is not imported here: a web worker, which only serves
requests, does without Celery's ~6 MB (docs/adr/0082). `celery -A config` finds the app in
`config.celery` by itself, and each tasks module imports the app its tasks bind to.
"""

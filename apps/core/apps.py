from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "apps.core"
    label = "core"
    verbose_name = "Platform"

    def ready(self) -> None:
        from apps.core import metrics, unicode_case

        metrics.connect_signals()
        unicode_case.connect_signals()

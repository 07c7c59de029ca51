from django.apps import AppConfig
from django.urls import register_converter
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "apps.core"
    label = "core"
    verbose_name = _("Platform")

    def ready(self) -> None:
        from apps.core import metrics, unicode_case
        from apps.core.converters import AnyCaseUUIDConverter

        register_converter(AnyCaseUUIDConverter, "anycase_uuid")
        metrics.connect_signals()
        unicode_case.connect_signals()

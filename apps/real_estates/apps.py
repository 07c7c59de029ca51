from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RealEstatesConfig(AppConfig):
    name = "apps.real_estates"
    label = "real_estates"
    verbose_name = _("Real estates")

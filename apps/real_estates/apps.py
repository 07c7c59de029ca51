from django.apps import AppConfig


class RealEstatesConfig(AppConfig):
    name = "apps.real_estates"
    label = "real_estates"
    verbose_name = "Real estates"

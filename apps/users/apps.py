from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UsersConfig(AppConfig):
    name = "apps.users"
    label = "users"
    verbose_name = _("Users")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from apps.users import auth_cache
        from apps.users.admin import hide_pages_that_write_around_services
        from apps.users.models import User

        hide_pages_that_write_around_services()  # the admin's autodiscovery has run by now

        post_save.connect(auth_cache.user_changed, sender=User, dispatch_uid="users.auth_cache.saved")
        post_delete.connect(auth_cache.user_changed, sender=User, dispatch_uid="users.auth_cache.deleted")

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SyncConfig(AppConfig):
    name = "apps.sync"
    label = "sync"
    verbose_name = _("Sync")

    def ready(self) -> None:
        from django.db.models.signals import pre_delete

        from apps.sync import receivers
        from apps.users.models import User

        pre_delete.connect(receivers.user_deleting, sender=User, dispatch_uid="sync.user_deleting")

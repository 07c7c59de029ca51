from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "apps.audit"
    label = "audit"
    verbose_name = _("Audit trail")

    def ready(self) -> None:
        from django.db.models.signals import pre_delete

        from apps.audit import receivers
        from apps.users.models import User

        pre_delete.connect(receivers.user_deleting, sender=User, dispatch_uid="audit.user_deleting")

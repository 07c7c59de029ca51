from django.apps import AppConfig


class RealEstatesConfig(AppConfig):
    name = "apps.real_estates"
    label = "real_estates"
    verbose_name = "Real estates"

    def ready(self) -> None:
        from django.db.models.signals import post_save, pre_delete

        from apps.real_estates import receivers
        from apps.users.models import User

        post_save.connect(receivers.user_saved, sender=User, dispatch_uid="real_estates.collector_saved")
        pre_delete.connect(
            receivers.user_deleting, sender=User, dispatch_uid="real_estates.collector_deleting"
        )

"""One row per change made through a write service: who, what, on which record, when, from
which request. Rows are facts: nothing edits or deletes them, except that erasing a user
removes that person from them (`services.audit_user_erase`)."""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.audit.querysets import AuditEventQuerySet


class TargetType(models.TextChoices):
    USER = "user", _("user")
    REAL_ESTATE = "real_estate", _("real estate")
    PHOTO = "photo", _("photo")


class AuditAction(models.TextChoices):
    """Every action the write services record, `<target type>.<verb>` (README, "Actions"):
    `audit_record` stores no other, the admin's action filter offers these. Each label is the
    action itself: a name people search and filter by, the same in every language."""

    USER_CREATE = "user.create", "user.create"
    USER_UPDATE = "user.update", "user.update"
    USER_ROLE_CHANGE = "user.role_change", "user.role_change"
    USER_ACTIVATE = "user.activate", "user.activate"
    USER_DEACTIVATE = "user.deactivate", "user.deactivate"
    USER_PASSWORD_CHANGE = "user.password_change", "user.password_change"
    USER_DELETE = "user.delete", "user.delete"
    REAL_ESTATE_CREATE = "real_estate.create", "real_estate.create"
    REAL_ESTATE_UPDATE = "real_estate.update", "real_estate.update"
    REAL_ESTATE_DELETE = "real_estate.delete", "real_estate.delete"
    REAL_ESTATE_SUBMIT = "real_estate.submit", "real_estate.submit"
    REAL_ESTATE_APPROVE = "real_estate.approve", "real_estate.approve"
    REAL_ESTATE_REJECT = "real_estate.reject", "real_estate.reject"
    REAL_ESTATE_ARCHIVE = "real_estate.archive", "real_estate.archive"
    PHOTO_ADD = "photo.add", "photo.add"
    PHOTO_REORDER = "photo.reorder", "photo.reorder"
    PHOTO_CAPTION = "photo.caption", "photo.caption"
    PHOTO_DELETE = "photo.delete", "photo.delete"


class AuditEvent(models.Model):
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        help_text=_(
            "Who made the change; empty for a command or task with nobody behind it, "
            "or once the actor's account was erased."
        ),
    )
    actor_erased = models.BooleanField(
        _("actor erased"),
        default=False,
        editable=False,
        help_text=_("The actor was a user whose account was erased since."),
    )
    action = models.CharField(
        _("action"), max_length=64, editable=False, help_text=_("`<target type>.<verb>`")
    )
    target_type = models.CharField(
        _("target type"), max_length=32, choices=TargetType.choices, editable=False
    )
    target_id = models.CharField(_("target id"), max_length=64, editable=False)
    changes = models.JSONField(
        _("changes"),
        default=dict,
        blank=True,
        encoder=DjangoJSONEncoder,
        editable=False,
        help_text=_("field → [before, after]; null where the field had no value (creation, deletion)."),
    )
    request_id = models.CharField(_("request id"), max_length=128, null=True, blank=True, editable=False)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["-created_at", "-id"], name="audit_newest_first"),
            models.Index(fields=["target_type", "target_id", "-created_at"], name="audit_by_target"),
            models.Index(fields=["action", "-created_at"], name="audit_by_action"),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.target_type}:{self.target_id}"

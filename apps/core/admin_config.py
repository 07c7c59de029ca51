"""Installs Vivenda's admin site as `django.contrib.admin.site` (Django's documented way to
replace the default site), so every `@admin.register` lands on it. Kept apart from
`admin_site` because app configs load before models do."""

from django.contrib.admin.apps import AdminConfig


class VivendaAdminConfig(AdminConfig):
    default_site = "apps.core.admin_site.VivendaAdminSite"

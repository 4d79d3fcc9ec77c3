from __future__ import annotations

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class NutritionConfig(AppConfig):
    name = "nutrition"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from nutrition.roles import ensure_curators_group

        post_migrate.connect(ensure_curators_group, sender=self)

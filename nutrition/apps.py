from __future__ import annotations

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class NutritionConfig(AppConfig):
    name = "nutrition"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from nutrition.search_index import repair_sqlite_search_index

        post_migrate.connect(repair_sqlite_search_index, sender=self)

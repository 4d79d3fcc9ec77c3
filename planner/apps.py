from __future__ import annotations

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def ensure_dietitians_group(**kwargs) -> None:
    # The data migration creates it; this puts it back after a flush (see nutrition.roles).
    from django.contrib.auth.models import Group

    from planner.auth import DIETITIANS_GROUP

    Group.objects.get_or_create(name=DIETITIANS_GROUP)


class PlannerConfig(AppConfig):
    name = "planner"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        post_migrate.connect(ensure_dietitians_group, sender=self)
